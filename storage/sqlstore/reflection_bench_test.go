package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/sqlstore"
	"github.com/habitkit/habitkit/storage/storagetest"
)

// loadFeedStore returns a store on a fresh database of be holding the
// benchmark reflections, loaded with multi-row INSERTs between
// BeginBulkLoad and EndBulkLoad.
// Callers load it in the function of a benchmark that has sub-benchmarks,
// which runs once whatever -count is, so the load (not timed) is not
// repeated.
func loadFeedStore(b *testing.B, be backend) storage.Store {
	b.Helper()
	n := storagetest.BenchReflectionCount(b)
	s, _ := newStore(b, be)
	start := time.Now()
	ctx := context.Background()
	err := sqlstore.BeginBulkLoad(ctx, s)
	if err == nil {
		err = storagetest.BenchReflections(n, 20_000, func(rs []reflection.Reflection) error {
			return sqlstore.BulkInsertReflections(ctx, s, rs)
		})
	}
	if err == nil {
		err = sqlstore.EndBulkLoad(ctx, s)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d reflections in %v", be.dialect, n, time.Since(start).Round(time.Millisecond))
	return s
}

// BenchmarkFeed reads the first page of 20 of a programme's feed as a
// team member on each database holding HABITKIT_BENCH_REFLECTIONS
// reflections (10,000 by default), loaded once per database: newest first,
// most reacted first, a search for a word in one reflection in a hundred,
// and that word with one in ten.
func BenchmarkFeed(b *testing.B) {
	for _, be := range backends {
		b.Run(string(be.dialect), func(b *testing.B) {
			s := loadFeedStore(b, be)
			b.Run("Newest", func(b *testing.B) { storagetest.BenchFeedPage(b, s) })
			b.Run("MostReacted", func(b *testing.B) { storagetest.BenchFeedPageMostReacted(b, s) })
			b.Run("SearchRare", func(b *testing.B) { storagetest.BenchSearchRare(b, s) })
			b.Run("SearchTwoWords", func(b *testing.B) { storagetest.BenchSearchTwoWords(b, s) })
		})
	}
}

package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/habitkit/habitkit/storage/memory"
	"github.com/habitkit/habitkit/storage/storagetest"
)

// BenchmarkFeed reads the first page of 20 of a programme's feed as a
// team member from a store holding HABITKIT_BENCH_REFLECTIONS reflections
// (10,000 by default), loaded through the adapter once (this function runs
// once whatever -count is): newest first, most reacted first, a search for
// a word in one reflection in a hundred, and that word with one in ten.
func BenchmarkFeed(b *testing.B) {
	n := storagetest.BenchReflectionCount(b)
	s := memory.New(nil)
	start := time.Now()
	if err := storagetest.LoadBenchReflections(context.Background(), s, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d reflections in %v", n, time.Since(start).Round(time.Millisecond))
	b.Run("Newest", func(b *testing.B) { storagetest.BenchFeedPage(b, s) })
	b.Run("MostReacted", func(b *testing.B) { storagetest.BenchFeedPageMostReacted(b, s) })
	b.Run("SearchRare", func(b *testing.B) { storagetest.BenchSearchRare(b, s) })
	b.Run("SearchTwoWords", func(b *testing.B) { storagetest.BenchSearchTwoWords(b, s) })
}

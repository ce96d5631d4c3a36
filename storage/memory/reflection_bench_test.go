package memory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/habitkit/habitkit/storage/memory"
	"github.com/habitkit/habitkit/storage/storagetest"
)

var (
	feedOnce  sync.Once
	feedStore *memory.Store
	feedErr   error
)

// loadedFeedStore returns the store holding HABITKIT_BENCH_REFLECTIONS
// reflections (10,000 by default), loaded through the adapter on first use
// and shared by BenchmarkFeedPage and BenchmarkSearch.
func loadedFeedStore(b *testing.B) *memory.Store {
	b.Helper()
	feedOnce.Do(func() {
		n := storagetest.BenchReflectionCount(b)
		feedStore = memory.New(nil)
		start := time.Now()
		feedErr = storagetest.LoadBenchReflections(context.Background(), feedStore, n)
		b.Logf("loaded %d reflections in %v", n, time.Since(start).Round(time.Millisecond))
	})
	if feedErr != nil {
		b.Fatal(feedErr)
	}
	return feedStore
}

// BenchmarkFeedPage reads the first page of 20 of a programme's feed as a
// team member, newest first and most reacted first.
func BenchmarkFeedPage(b *testing.B) {
	s := loadedFeedStore(b)
	b.Run("Newest", func(b *testing.B) { storagetest.BenchFeedPage(b, s) })
	b.Run("MostReacted", func(b *testing.B) { storagetest.BenchFeedPageMostReacted(b, s) })
}

// BenchmarkSearch reads the first page of 20 of a search, newest first, as
// a team member: a word in one reflection in a hundred, and that word with
// one in ten.
func BenchmarkSearch(b *testing.B) {
	s := loadedFeedStore(b)
	b.Run("RareWord", func(b *testing.B) { storagetest.BenchSearchRare(b, s) })
	b.Run("TwoWords", func(b *testing.B) { storagetest.BenchSearchTwoWords(b, s) })
}

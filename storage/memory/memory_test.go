package memory_test

import (
	"testing"

	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
	"github.com/habitkit/habitkit/storage/storagetest"
)

func newStore(t *testing.T) storage.Store {
	s := memory.New(nil)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Suite{
		NewStore: newStore,
		Features: storagetest.Features{
			// A memory store cannot be opened by another process; the same
			// Store stands in for the second handle. That proves little
			// about memory, but keeps the suite's two-handle cases running.
			Reopen: func(t *testing.T, s storage.Store) storage.Store { return s },
		},
	}.Run(t)
}

func BenchmarkConformance(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store {
		s := memory.New(nil)
		b.Cleanup(func() { _ = s.Close() })
		return s
	})
}

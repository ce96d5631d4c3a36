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
	storagetest.Run(t, newStore)
}

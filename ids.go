package habitkit

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// idBatch is how many random bytes an idSource draws at once: 512 IDs'
// worth (8 random bytes each), one getrandom call instead of 512.
const idBatch = 8 * 512

// idSource makes UUIDv7 identifiers (RFC 9562) from cryptographic random
// bytes drawn in batches. Like uuid.NewV7 it puts the Unix time in
// milliseconds in the first 48 bits and a sub-millisecond sequence in the
// next 12, bumped when the clock has not moved, so the IDs of one source
// are strictly increasing. It fills the ID in place: uuid.NewV7FromReader
// hands the ID's bytes to an io.Reader, which costs an allocation per ID.
type idSource struct {
	mu   sync.Mutex
	last int64 // the last (milliseconds<<12 | sequence) used
	pos  int   // the next unused byte of buf
	buf  [idBatch]byte
	now  func() time.Time // the wall clock; replaced only in tests
}

func newIDSource() *idSource { return &idSource{pos: idBatch, now: time.Now} }

// next returns a new time-ordered UUIDv7.
func (s *idSource) next() (uuid.UUID, error) {
	var u uuid.UUID
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pos == len(s.buf) {
		if _, err := rand.Read(s.buf[:]); err != nil {
			return uuid.Nil, fmt.Errorf("habitkit: random ID: %w", err)
		}
		s.pos = 0
	}
	// Bytes 0-7 are the time and the sequence: only the last 8 are random.
	copy(u[8:], s.buf[s.pos:s.pos+8])
	clear(s.buf[s.pos : s.pos+8]) // used bytes are not kept
	s.pos += 8

	nano := s.now().UnixNano()
	milli := nano / int64(time.Millisecond)
	// The sequence is the fraction of the millisecond in 256 ns steps
	// (0..3906), as uuid.NewV7 makes it.
	t := milli<<12 + (nano-milli*int64(time.Millisecond))>>8
	if t <= s.last {
		t = s.last + 1
	}
	s.last = t
	milli, seq := t>>12, t&0xfff
	u[0] = byte(milli >> 40)
	u[1] = byte(milli >> 32)
	u[2] = byte(milli >> 24)
	u[3] = byte(milli >> 16)
	u[4] = byte(milli >> 8)
	u[5] = byte(milli)
	u[6] = 0x70 | byte(seq>>8)&0x0f
	u[7] = byte(seq)
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u, nil
}

package habitkit

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDSourceMakesOrderedV7(t *testing.T) {
	at := time.Date(2026, 11, 25, 9, 30, 0, 123_456_789, time.UTC)
	tests := []struct {
		name string
		step time.Duration // how far the clock moves between IDs
	}{
		{"frozen clock", 0},
		{"clock moving", 300 * time.Microsecond},
		{"clock going back", -time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := at
			s := newIDSource()
			s.now = func() time.Time { now = now.Add(tt.step); return now }
			const n = 3*idBatch/16 + 5 // across several batch refills
			seen := make(map[uuid.UUID]bool, n)
			var prev uuid.UUID
			for i := range n {
				id, err := s.next()
				require.NoError(t, err)
				assert.Equal(t, uuid.Version(7), id.Version(), "id %d", i)
				assert.Equal(t, uuid.RFC4122, id.Variant(), "id %d", i)
				assert.False(t, seen[id], "id %d repeats", i)
				seen[id] = true
				if i > 0 {
					assert.Positive(t, bytes.Compare(id[:], prev[:]), "id %d must sort after id %d", i, i-1)
				}
				prev = id
			}
			first, err := newIDSourceAt(at).next()
			require.NoError(t, err)
			sec, nsec := first.Time().UnixTime()
			assert.Equal(t, at.Truncate(time.Millisecond), time.Unix(sec, nsec).UTC(), "the ID carries the clock's millisecond")
		})
	}
}

func newIDSourceAt(at time.Time) *idSource {
	s := newIDSource()
	s.now = func() time.Time { return at }
	return s
}

func BenchmarkIDSource(b *testing.B) {
	s := newIDSource()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.next(); err != nil {
			b.Fatal(err)
		}
	}
}

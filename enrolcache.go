package habitkit

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// enrolmentCache keeps the enrolments this Engine last wrote, by ID, so that
// a completion can skip reading its enrolment from storage (one round trip
// of four on PostgreSQL). An entry may be stale, when another Engine or a
// direct storage write changed the enrolment since: every write the engine
// makes from an enrolment is a compare-and-swap on its version, so a stale
// entry costs the attempt a conflict and a re-run that reads from storage,
// never a wrong write. See Options.EnrolmentCache.
type enrolmentCache struct {
	mu  sync.Mutex
	max int
	m   map[uuid.UUID]challenge.Enrolment
}

// newEnrolmentCache returns a cache of at most max enrolments, or nil (no
// cache: every method is then a no-op) when max is 0.
func newEnrolmentCache(max int) *enrolmentCache {
	if max == 0 {
		return nil
	}
	return &enrolmentCache{max: max, m: make(map[uuid.UUID]challenge.Enrolment, min(max, 1024))}
}

// load copies the cached enrolment id into *into, reusing the memory of
// into's lists (see challenge.Enrolment.CopyFrom), and reports whether
// there was one.
func (c *enrolmentCache) load(id uuid.UUID, into *challenge.Enrolment) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	en, ok := c.m[id]
	c.mu.Unlock()
	if !ok {
		return false
	}
	// Stored values are never modified (put stores a copy), so copying
	// outside the lock is safe.
	into.CopyFrom(&en)
	return true
}

// put caches a copy of en, as committed. When the cache is full, an
// arbitrary entry makes room.
func (c *enrolmentCache) put(en *challenge.Enrolment) {
	if c == nil {
		return
	}
	cp := en.Clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[cp.ID]; !ok && len(c.m) >= c.max {
		for id := range c.m {
			delete(c.m, id)
			break
		}
	}
	c.m[cp.ID] = cp
}

// drop forgets the enrolments ids.
func (c *enrolmentCache) drop(ids ...uuid.UUID) {
	if c == nil || len(ids) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.m, id)
	}
}

// trackingTx is the transaction use cases other than Complete get while the
// cache is on: it notes the enrolments they update, for the engine to drop
// from the cache once the transaction commits.
type trackingTx struct {
	storage.Tx
	updated *[]uuid.UUID
}

// UpdateEnrolment implements [storage.EnrolmentWriter.UpdateEnrolment].
func (t trackingTx) UpdateEnrolment(ctx context.Context, e challenge.Enrolment) error {
	*t.updated = append(*t.updated, e.ID)
	return t.Tx.UpdateEnrolment(ctx, e)
}

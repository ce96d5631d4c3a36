package habitkit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/storage/memory"
)

// TestEnrolmentCacheNeverDecidesFromStaleData shares one store between an
// engine that caches enrolments and one that does not. Whatever the second
// engine changes, the first must answer as if it had read the enrolment
// afresh: a stale entry may cost a re-run, never a wrong refusal, a lost
// completion or a double one.
func TestEnrolmentCacheNeverDecidesFromStaleData(t *testing.T) {
	store := memory.New(nil)
	f := newFixture(t, store, func(o *habitkit.Options) { o.EnrolmentCache = 10 })
	other, err := habitkit.New(store, &habitkit.Options{Clock: f.clock})
	require.NoError(t, err)
	ann := f.enrol("ann") // cached by f.engine

	// The other engine moves ann to a zone whose days begin ten hours
	// after London's: at 10:00 GMT on 3 March it is day 3 in the cached
	// (London) enrolment and still day 2 where ann is now.
	f.clock.Set(at(2, 16, 0))
	_, err = other.MoveTimeZone(f.ctx, ann.ID, "Pacific/Kiritimati")
	require.NoError(t, err)
	f.clock.Set(at(3, 10, 0))
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 3})
	assert.ErrorIs(t, err, habitkit.ErrNotYetOpen, "the cached zone opened day 3; ann's zone has not")
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1})
	require.NoError(t, err, "day 1 is inside the grace window of ann's day 2; the cached day 3 would refuse it as too late")

	// The other engine records day 2; the cache says it is not done.
	_, err = other.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 2})
	require.NoError(t, err)
	again, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 2})
	require.NoError(t, err)
	assert.True(t, again.Replayed, "a completion recorded elsewhere replays")

	// The other engine revokes day 1; the cache says it is done.
	_, err = other.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: ann.ID, Day: 1, Actor: "admin", Reason: "test"})
	require.NoError(t, err)
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1})
	assert.ErrorIs(t, err, habitkit.ErrRevoked)

	p := f.progress(ann)
	assert.Equal(t, 1, p.DaysDone, "day 2 only: day 1 was revoked and day 3 refused")

	// Its own writes of other kinds leave the cache right too: back in
	// London, day 4 opens at 04:00 GMT on 4 March.
	_, err = f.engine.MoveTimeZone(f.ctx, ann.ID, "Europe/London")
	require.NoError(t, err)
	f.clock.Set(at(4, 10, 0))
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 5})
	assert.ErrorIs(t, err, habitkit.ErrNotYetOpen)
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 3})
	require.NoError(t, err)
	assert.Equal(t, 2, f.progress(ann).DaysDone)
}

func TestEnrolmentCacheOptionValidated(t *testing.T) {
	_, err := habitkit.New(memory.New(nil), &habitkit.Options{EnrolmentCache: -1})
	var ve *habitkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Options.EnrolmentCache", ve.Field)
}

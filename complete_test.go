package habitkit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/storefault"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

func TestCompleteRules(t *testing.T) {
	tests := []struct {
		name    string
		now     time.Time
		req     func(en challenge.Enrolment) habitkit.CompleteRequest
		wantErr error
		field   string
		wantDay int
	}{
		{name: "ok today", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID}
		}, wantDay: 3},
		{name: "ok 02:30 belongs to the previous day", now: at(3, 2, 30), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID}
		}, wantDay: 2},
		{name: "ok late inside grace", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 2}
		}, wantDay: 2},
		{name: "ok explicit activity", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, ActivityID: "show-form"}
		}, wantDay: 3},
		{name: "ErrNotYetOpen future day", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 4}
		}, wantErr: habitkit.ErrNotYetOpen},
		{name: "ErrNotYetOpen before the cohort starts", now: at(1, 3, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID}
		}, wantErr: habitkit.ErrNotYetOpen},
		{name: "ErrTooLate beyond grace", now: at(5, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 3}
		}, wantErr: habitkit.ErrTooLate},
		{name: "ErrOutsideProgramme past the last day", now: at(12, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID}
		}, wantErr: habitkit.ErrOutsideProgramme},
		{name: "ErrOutsideProgramme day beyond length", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 11}
		}, wantErr: habitkit.ErrOutsideProgramme},
		{name: "ErrNotFound enrolment", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: uuid.Must(uuid.NewV7())}
		}, wantErr: habitkit.ErrNotFound},
		{name: "ErrNotFound activity", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, ActivityID: "juggle"}
		}, wantErr: habitkit.ErrNotFound},
		{name: "ErrNotScheduled other activity", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, ActivityID: "use-app"}
		}, wantErr: habitkit.ErrNotScheduled},
		{name: "ErrInvalid missing enrolment", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{}
		}, wantErr: habitkit.ErrInvalid, field: "EnrolmentID"},
		{name: "ErrInvalid negative day", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, Day: -1}
		}, wantErr: habitkit.ErrInvalid, field: "Day"},
		{name: "ErrInvalid long idempotency key", now: at(3, 9, 0), req: func(en challenge.Enrolment) habitkit.CompleteRequest {
			return habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: string(make([]byte, 201))}
		}, wantErr: habitkit.ErrInvalid, field: "IdempotencyKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			en := f.enrol("pc-1")
			f.clock.Set(tt.now)
			out, err := f.engine.Complete(f.ctx, tt.req(en))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.field != "" {
					var ve *habitkit.ValidationError
					require.ErrorAs(t, err, &ve)
					assert.Equal(t, tt.field, ve.Field)
				}
				assert.Empty(t, f.events.take(), "a refused completion delivers no event")
				got := f.progress(en)
				assert.Zero(t, got.DaysDone, "a refused completion changes nothing")
				assert.Zero(t, got.Points)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantDay, out.Completion.Day)
			assert.False(t, out.Replayed)
			assert.Equal(t, 1, f.progress(en).DaysDone)
		})
	}
}

func TestCompleteBeforeEnrolment(t *testing.T) {
	f := newFixture(t, nil)
	f.clock.Set(at(4, 9, 0)) // the cohort is on day 4: a late joiner starts today
	en := f.enrol("late-joiner")
	assert.Equal(t, 4, en.FirstDay)
	f.clock.Set(at(5, 9, 0))
	_, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 3})
	require.ErrorIs(t, err, habitkit.ErrBeforeEnrolment, "day 3 is inside grace but before the first day")
	f.complete(en, 4)
	f.complete(en, 5)
	assert.Equal(t, 2, f.progress(en).Streak)
}

func TestCompleteIsIdempotent(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	first := f.complete(en, 1)
	require.False(t, first.Replayed)
	assert.Equal(t, []string{"Completed", "StreakExtended", "LevelReached"}, eventTypes(f.events.take()))

	f.clock.Set(at(1, 18, 0))
	again := f.complete(en, 1)
	assert.True(t, again.Replayed, "a retry is reported as a replay")
	assert.Equal(t, first.Completion, again.Completion, "a retry returns the original outcome")
	assert.Empty(t, f.events.take(), "a replay delivers no event")
	p := f.progress(en)
	assert.Equal(t, 1, p.DaysDone)
	assert.Equal(t, 10, p.Points, "points are counted once")

	page, err := f.engine.Completions(f.ctx, en.ID, true, "", 0)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
}

func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	other := f.enrol("pc-2")
	f.clock.Set(at(2, 9, 0))
	first, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "req-1"})
	require.NoError(t, err)

	// The same request after midnight still means the original day.
	f.clock.Set(at(3, 9, 0))
	again, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "req-1"})
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.Completion, again.Completion)

	for name, req := range map[string]habitkit.CompleteRequest{
		"other enrolment": {EnrolmentID: other.ID, IdempotencyKey: "req-1"},
		"other day":       {EnrolmentID: en.ID, Day: 3, IdempotencyKey: "req-1"},
		"other activity":  {EnrolmentID: en.ID, ActivityID: "show-form", IdempotencyKey: "req-1"},
	} {
		_, err := f.engine.Complete(f.ctx, req)
		assert.ErrorIs(t, err, habitkit.ErrIdempotencyKeyReused, name)
	}
	assert.Equal(t, 1, f.progress(en).DaysDone)
	assert.Equal(t, 0, f.progress(other).DaysDone)
}

// TestCompleteFailureChangesNothing fails each storage call of a completion
// in turn, and the commit, and checks that nothing was stored and no event
// was delivered.
func TestCompleteFailureChangesNothing(t *testing.T) {
	probe := storefault.New(memory.New(nil))
	pf := newFixture(t, probe)
	publishBadges(t, pf)
	pen := pf.enrol("pc-1")
	probe.Reset(0, false)
	pf.complete(pen, 1)
	calls := probe.Calls()
	require.NotEmpty(t, calls)
	t.Logf("a completion makes %d storage calls: %v", len(calls), calls)

	for i := 0; i <= len(calls); i++ {
		name := "commit"
		if i < len(calls) {
			name = calls[i]
		}
		t.Run(name, func(t *testing.T) {
			store := storefault.New(memory.New(nil))
			f := newFixture(t, store)
			publishBadges(t, f)
			en := f.enrol("pc-1")
			before, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)

			store.Reset(i+1, i == len(calls))
			_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "k"})
			require.ErrorIs(t, err, storefault.ErrInjected)
			store.Reset(0, false)

			after, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a failed completion must leave the enrolment as it was")
			page, err := f.engine.Completions(f.ctx, en.ID, true, "", 0)
			require.NoError(t, err)
			assert.Empty(t, page.Items, "a failed completion must store no completion")
			cat, err := f.engine.BadgeCatalogue(f.ctx, en.ProgrammeID)
			require.NoError(t, err)
			for _, c := range cat {
				assert.Zero(t, c.Holders, "a failed completion must award no badge (%s)", c.ID)
			}
			assert.Empty(t, f.events.take(), "a failed completion must deliver no event")

			out, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "k"})
			require.NoError(t, err)
			assert.False(t, out.Replayed, "after a failure the same request records afresh")
			assert.Equal(t, []string{"first-step", "today"}, earnedIDs(out.Badges), "and earns its badges")
		})
	}
}

func TestRevoke(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	for d := 1; d <= 4; d++ {
		f.clock.Set(at(d, 10, 0))
		f.complete(en, 0)
	}
	p := f.progress(en)
	require.Equal(t, 4, p.Streak)
	require.Equal(t, 10+5+10+5+20, p.Points, "activity points plus the 3-day bonus")
	f.events.take()

	snap, err := f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 2, Actor: "admin-1", Reason: "filed by a colleague"})
	require.NoError(t, err)
	p = f.progress(en)
	assert.Equal(t, 3, p.DaysDone)
	assert.Equal(t, 2, p.Streak, "day 2 is now missed, but the freeze earned on day 3 no longer exists either")
	assert.Equal(t, 10+10+5, p.Points, "points recomputed exactly; the 3-day bonus is gone")
	assert.Equal(t, p.Points, snap.Points)
	assert.Equal(t, "CompletionRevoked", eventTypes(f.events.take())[0])

	_, err = f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 2, Actor: "admin-1", Reason: "again"})
	assert.ErrorIs(t, err, habitkit.ErrRevoked)
	f.clock.Set(at(2, 10, 0))
	_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 2})
	assert.ErrorIs(t, err, habitkit.ErrRevoked, "completing a revoked day does not undo the revocation")

	trail, err := f.engine.AuditTrail(f.ctx, storage.AuditFilter{ProgrammeID: en.ProgrammeID}, "", 0)
	require.NoError(t, err)
	require.Len(t, trail.Items, 1)
	assert.Equal(t, habitkit.ActionCompletionRevoked, trail.Items[0].Action)
	assert.Equal(t, "admin-1", trail.Items[0].Actor)
	assert.Equal(t, "filed by a colleague", trail.Items[0].Reason)

	page, err := f.engine.Completions(f.ctx, en.ID, true, "", 0)
	require.NoError(t, err)
	require.Len(t, page.Items, 4)
	require.NotNil(t, page.Items[1].Revocation)
	assert.Equal(t, "admin-1", page.Items[1].Revocation.Actor)
	active, err := f.engine.Completions(f.ctx, en.ID, false, "", 0)
	require.NoError(t, err)
	assert.Len(t, active.Items, 3)

	for _, tt := range []struct {
		name string
		req  habitkit.RevokeRequest
		want error
	}{
		{"no actor", habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 1, Reason: "x"}, habitkit.ErrInvalid},
		{"no reason", habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 1, Actor: "a"}, habitkit.ErrInvalid},
		{"no completion", habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 9, Actor: "a", Reason: "x"}, habitkit.ErrNotFound},
	} {
		_, err := f.engine.Revoke(f.ctx, tt.req)
		assert.ErrorIs(t, err, tt.want, tt.name)
	}
}

func TestEventsInOrder(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	var got []string
	cancel := f.engine.Subscribe(func(e habitkit.Event) { got = append(got, eventTypes([]habitkit.Event{e})[0]) })
	for d := 1; d <= 3; d++ {
		f.clock.Set(at(d, 10, 0))
		f.complete(en, 0)
	}
	assert.Equal(t, []string{
		"Completed", "StreakExtended", "LevelReached",
		"Completed", "StreakExtended",
		"Completed", "StreakExtended", "StreakBonusEarned",
	}, got)
	assert.Equal(t, got, eventTypes(f.events.take()), "OnEvent and subscribers see the same events in the same order")

	// Miss days 4 and 5: the freeze covers day 4, day 5 breaks the streak.
	got = nil
	f.clock.Set(at(7, 10, 0))
	f.complete(en, 0)
	assert.Equal(t, []string{"Completed", "FreezeEarned", "FreezeUsed", "StreakBroken", "StreakExtended", "LevelReached"}, got)
	cancel()
	f.clock.Set(at(8, 10, 0))
	f.complete(en, 0)
	assert.Len(t, got, 6, "a cancelled subscription receives nothing")
}

func TestEventHandlerPanicDoesNotFailTheCall(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	f.engine.Subscribe(func(habitkit.Event) { panic("boom") })
	out, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, out.Completion.Day)
}

func TestNewRejectsNilStore(t *testing.T) {
	_, err := habitkit.New(nil, nil)
	require.ErrorIs(t, err, habitkit.ErrInvalid)
	_, err = habitkit.New(memory.New(nil), &habitkit.Options{MaxConflictRetries: -1})
	require.ErrorIs(t, err, habitkit.ErrInvalid)
}

var _ = errors.Is

// TestRetriedTransactionDeliversOnce makes the first commit of a completion
// fail with a conflict: the engine re-runs the call, and the events of the
// rolled-back attempt are never delivered.
func TestRetriedTransactionDeliversOnce(t *testing.T) {
	store := storefault.New(memory.New(nil))
	f := newFixture(t, store)
	en := f.enrol("pc-1")
	store.SetError(storage.ErrConflict)
	store.Reset(0, true)
	out, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID})
	require.NoError(t, err)
	assert.False(t, out.Replayed, "the rolled-back attempt left nothing to replay")
	calls := store.Calls()
	assert.Equal(t, 2, countOf(calls, "InsertCompletion"), "the call ran twice")
	assert.Equal(t, []string{"Completed", "StreakExtended", "LevelReached"}, eventTypes(f.events.take()), "events of the retried attempt are delivered once")
	assert.Equal(t, 1, f.progress(en).DaysDone)
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// TestRevokeFailureChangesNothing fails each storage call of a revocation
// in turn, and the commit: the completion, progress, badges and audit trail
// stay as they were, and no event is delivered.
func TestRevokeFailureChangesNothing(t *testing.T) {
	setup := func(t *testing.T) (*fixture, *storefault.Store, challenge.Enrolment) {
		store := storefault.New(memory.New(nil))
		f := newFixture(t, store)
		publishBadges(t, f)
		en := f.enrol("pc-1")
		for d := 1; d <= 3; d++ {
			f.clock.Set(at(d, 10, 0))
			f.complete(en, 0)
		}
		f.events.take()
		return f, store, en
	}
	revoke := habitkit.RevokeRequest{Day: 2, Actor: "admin", Reason: "mistake"}
	pf, probe, pen := setup(t)
	probe.Reset(0, false)
	revoke.EnrolmentID = pen.ID
	_, err := pf.engine.Revoke(pf.ctx, revoke)
	require.NoError(t, err)
	calls := probe.Calls()
	t.Logf("a revocation makes %d storage calls: %v", len(calls), calls)

	for i := 0; i <= len(calls); i++ {
		name := "commit"
		if i < len(calls) {
			name = calls[i]
		}
		t.Run(name, func(t *testing.T) {
			f, store, en := setup(t)
			before, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			beforeBadges, err := f.engine.Badges(f.ctx, en.ID)
			require.NoError(t, err)
			store.Reset(i+1, i == len(calls))
			req := revoke
			req.EnrolmentID = en.ID
			_, err = f.engine.Revoke(f.ctx, req)
			require.ErrorIs(t, err, storefault.ErrInjected)
			store.Reset(0, false)

			after, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a failed revocation must leave the enrolment as it was")
			afterBadges, err := f.engine.Badges(f.ctx, en.ID)
			require.NoError(t, err)
			assert.Equal(t, beforeBadges, afterBadges, "a failed revocation must leave the badges as they were")
			trail, err := f.engine.AuditTrail(f.ctx, storage.AuditFilter{ProgrammeID: en.ProgrammeID}, "", 0)
			require.NoError(t, err)
			assert.Empty(t, trail.Items, "a failed revocation must leave no audit entry")
			assert.Empty(t, f.events.take(), "a failed revocation must deliver no event")
		})
	}
}

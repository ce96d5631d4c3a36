package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

func badgeDays(ds ...int) challenge.Days {
	var s challenge.Days
	for _, d := range ds {
		s.Add(d)
	}
	return s
}

// TestUpdatesKeepValuesApart updates enrolments in turn, committing and
// rolling back: an update hands the previous value to the undo log and
// takes memory the log held, so each stored value (held badges included)
// must come back exactly as last committed.
func TestUpdatesKeepValuesApart(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mk := func(p string) challenge.Enrolment {
		return challenge.Enrolment{
			ID: uuid.New(), ProgrammeID: "prog", ProgrammeVersion: 1, ParticipantID: challenge.ParticipantID(p),
			Start: challenge.Date{Year: 2026, Month: 3, Day: 2}, FirstDay: 1, EnrolledAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
			Zones:    []challenge.ZoneChange{{From: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Zone: "Europe/London"}},
			Progress: challenge.Progress{Done: badgeDays(1)},
			Badges:   challenge.HeldBadges{0b11}, BadgeLayout: 7,
		}
	}
	want := map[uuid.UUID]challenge.Enrolment{}
	var ids []uuid.UUID
	for _, p := range []string{"ann", "bob", "cat"} {
		e := mk(p)
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.InsertEnrolment(ctx, e) }))
		want[e.ID] = e
		ids = append(ids, e.ID)
	}
	errRollback := errors.New("roll back")
	for step := range 12 {
		id := ids[step%len(ids)]
		commit := step%4 != 3
		day := 2 + step
		err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			for range 2 { // twice in one transaction
				e, err := tx.GetEnrolment(ctx, id)
				if err != nil {
					return err
				}
				e.Progress.Done.Add(day)
				e.Badges.Set(day)          // grows past a word on the second update
				e.Badges.Set(200 + step%3) // and past two
				e.Zones = append(e.Zones, challenge.ZoneChange{From: e.Zones[len(e.Zones)-1].From.Add(time.Hour), Zone: "Asia/Tokyo"})
				if err := tx.UpdateEnrolment(ctx, e); err != nil {
					return err
				}
				day += 70 // the second update grows the days past a word
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit {
			require.NoError(t, err)
			require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
				e, err := tx.GetEnrolment(ctx, id)
				want[id] = e
				return err
			}))
		} else {
			require.ErrorIs(t, err, errRollback)
		}
		for _, other := range ids {
			require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := tx.GetEnrolment(ctx, other)
				require.NoError(t, err)
				assert.Equal(t, want[other], got, "step %d: enrolment %s", step, want[other].ParticipantID)
				return nil
			}))
		}
	}
	// The last committed values hold what the steps added.
	e := want[ids[0]]
	assert.True(t, e.Badges.Has(1))
	assert.True(t, e.Badges.Has(2+70))
	assert.True(t, e.Badges.Has(200))
	assert.Equal(t, uint32(7), e.BadgeLayout)
}

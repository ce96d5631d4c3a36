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

// TestCompletionSlotsSurviveRollbacks inserts completions for several
// enrolments in turn, out of day order, rolling every third transaction
// back. Completions live in shared blocks and a rolled-back insert frees
// its slot for the next one, so every committed completion must read back
// exactly as written, in listing order, and no rolled-back one may appear.
func TestCompletionSlotsSurviveRollbacks(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	enrolments := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	want := map[uuid.UUID][]challenge.Completion{}
	errRollback := errors.New("roll back")
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for step := range 600 { // more than two blocks of completions
		id := enrolments[step%len(enrolments)]
		c := challenge.Completion{
			ID:            uuid.New(),
			CompletionKey: challenge.CompletionKey{EnrolmentID: id, Day: (step/3*37)%200 + 1, ActivityID: "act"},
			ProgrammeID:   "prog",
			CompletedAt:   at.Add(time.Duration(step) * time.Minute),
			Points:        step,
		}
		commit := step%3 != 2
		err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertCompletion(ctx, c); err != nil {
				return err
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if !commit {
			require.ErrorIs(t, err, errRollback)
			continue
		}
		require.NoError(t, err, "step %d", step)
		want[id] = append(want[id], c)
	}
	for _, id := range enrolments {
		exp := want[id]
		// The listing order is by day (one activity here); days were
		// written in a scrambled order ((k*37) mod 200 for the k-th).
		for i := 1; i < len(exp); i++ {
			for j := i; j > 0 && exp[j].Day < exp[j-1].Day; j-- {
				exp[j], exp[j-1] = exp[j-1], exp[j]
			}
		}
		var got []challenge.Completion
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			var cursor storage.Cursor
			for {
				page, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: id}, cursor, 50)
				if err != nil {
					return err
				}
				got = append(got, page.Items...)
				if page.Next == "" {
					return nil
				}
				cursor = page.Next
			}
		}))
		assert.Equal(t, exp, got, "enrolment %d's completions", id)
	}
}

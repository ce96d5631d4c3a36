package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/storage"
)

// TestAwardHolders covers what the conformance suite cannot reach: one
// enrolment ID holding a badge in two programmes (the contract does not tie
// an award to its enrolment's programme), so the holder counts, found from
// an award's neighbours, must look past a neighbour of another programme;
// and a record that held only awards is dropped with its last award.
func TestAwardHolders(t *testing.T) {
	ctx := context.Background()
	s := New(nil)
	en := uuid.Must(uuid.NewV7())
	award := func(programme string, day int, evidence string) storage.Award {
		return storage.Award{AwardKey: storage.AwardKey{EnrolmentID: en, BadgeID: "daily", Day: day}, ID: uuid.Must(uuid.NewV7()),
			ProgrammeID: programme, AwardedAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Evidence: []byte(evidence)}
	}
	holders := func(programme string) map[string]int {
		var m map[string]int
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			var err error
			m, err = tx.CountHolders(ctx, programme)
			return err
		}))
		return m
	}
	a1, b2, a3 := award("A", 1, `{"days":[1]}`), award("B", 2, `{"days":[2]}`), award("A", 3, "")
	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		for _, a := range []storage.Award{a1, b2, a3} {
			if err := tx.InsertAward(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
	assert.Equal(t, map[string]int{"daily": 1}, holders("A"))
	assert.Equal(t, map[string]int{"daily": 1}, holders("B"))

	// Deleting day 1 leaves day 3 of A, beyond B's day 2: A still counts.
	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.DeleteAward(ctx, a1.AwardKey) }))
	assert.Equal(t, map[string]int{"daily": 1}, holders("A"))
	// Deleting day 3 too, in a transaction that fails, changes nothing.
	boom := errors.New("boom")
	err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.DeleteAward(ctx, a3.AwardKey))
		require.NoError(t, tx.DeleteAward(ctx, b2.AwardKey))
		require.NoError(t, tx.InsertAward(ctx, a1))
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, map[string]int{"daily": 1}, holders("A"))
	assert.Equal(t, map[string]int{"daily": 1}, holders("B"))
	require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		page, err := tx.ListAwards(ctx, en, "", 10)
		require.NoError(t, err)
		require.Len(t, page.Items, 2, "the rollback restores the deleted awards and removes the inserted one")
		assert.Equal(t, b2, page.Items[0])
		a3.Evidence = nil // empty evidence reads back as nil
		assert.Equal(t, a3, page.Items[1])
		// A caller's copy is its own: changing it changes nothing stored.
		page.Items[0].Evidence[2] = 'X'
		again, err := tx.GetAward(ctx, b2.AwardKey)
		require.NoError(t, err)
		assert.Equal(t, `{"days":[2]}`, string(again.Evidence))
		return nil
	}))

	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.DeleteAward(ctx, a3.AwardKey); err != nil {
			return err
		}
		return tx.DeleteAward(ctx, b2.AwardKey)
	}))
	assert.Empty(t, holders("A"))
	assert.Empty(t, holders("B"))
	assert.NotContains(t, s.enrolments, en, "a record with no enrolment, completion or award is dropped")
}

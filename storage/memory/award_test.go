package memory

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/storage"
)

// TestAwardHolders covers what the conformance suite cannot reach: one
// enrolment ID holding a badge in two programmes (the contract does not tie
// an award to its enrolment's programme), so the holder counts must tell
// the enrolment's awards of one programme from the other's; a key that
// does not fit the store's 32-bit tier and day is refused and changes
// nothing; and a record that held only awards is dropped with its last
// award.
func TestAwardHolders(t *testing.T) {
	ctx := context.Background()
	s := New(nil)
	en := uuid.Must(uuid.NewV7())
	award := func(programme string, day int, evidence string) storage.Award {
		return storage.Award{AwardKey: storage.AwardKey{EnrolmentID: en, BadgeID: "daily", Day: day},
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

	for _, key := range []storage.AwardKey{{EnrolmentID: en, BadgeID: "daily", Day: 1 << 31}, {EnrolmentID: en, BadgeID: "tiered", Tier: -1 << 40}} {
		huge := a1
		huge.AwardKey = key
		err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.InsertAward(ctx, huge) })
		require.Error(t, err, "a tier or day beyond 32 bits must be refused")
		assert.NotErrorIs(t, err, storage.ErrConflict)
	}
	require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		page, err := tx.ListAwards(ctx, en, "", 10)
		assert.Len(t, page.Items, 3, "a refused award changes nothing")
		return err
	}))

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

// TestAwardsAcrossBlocks stores awards whose evidence fills several blocks,
// with evidence small, larger than a shared block's share and larger
// than a whole block, under badge IDs interned in an order unlike their
// listing order, and reads every one back, in order, after deletions and
// a rolled-back transaction.
func TestAwardsAcrossBlocks(t *testing.T) {
	ctx := context.Background()
	s := New(nil)
	at := time.Date(2027, 1, 1, 9, 30, 0, 123456789, time.UTC)
	ens := []uuid.UUID{uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())}
	badges := []string{"zeta", "alpha", "mid", "Alpha"} // interned in this order
	evidence := func(i int) []byte {
		switch i % 7 {
		case 0:
			return nil
		case 3:
			return bytes.Repeat([]byte{'a' + byte(i%26)}, evidenceBlock/8+1) // its own block
		case 5:
			return bytes.Repeat([]byte{'b'}, evidenceBlock+10) // larger than a block
		}
		return []byte(fmt.Sprintf(`{"days":[%d]}`, i))
	}
	want := map[uuid.UUID][]storage.Award{}
	var all []storage.Award
	for i := range 1553 { // evidence over several blocks
		en := ens[i%len(ens)]
		a := storage.Award{
			AwardKey:    storage.AwardKey{EnrolmentID: en, BadgeID: badges[i%len(badges)], Tier: i % 3, Day: i},
			ProgrammeID: "p",
			AwardedAt:   at.Add(time.Duration(i) * time.Second),
			Evidence:    evidence(i),
		}
		all = append(all, a)
	}
	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		for _, a := range all {
			if err := tx.InsertAward(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
	// Delete every fifth award; then delete every third in a transaction
	// that fails.
	var kept []storage.Award
	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		for i, a := range all {
			if i%5 == 0 {
				if err := tx.DeleteAward(ctx, a.AwardKey); err != nil {
					return err
				}
				continue
			}
			kept = append(kept, a)
		}
		return nil
	}))
	boom := errors.New("boom")
	require.ErrorIs(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		for i, a := range kept {
			if i%3 == 0 {
				require.NoError(t, tx.DeleteAward(ctx, a.AwardKey))
			}
		}
		return boom
	}), boom)
	for _, a := range kept {
		if len(a.Evidence) == 0 {
			a.Evidence = nil
		}
		want[a.EnrolmentID] = append(want[a.EnrolmentID], a)
	}
	for en, as := range want {
		slices.SortFunc(as, func(a, b storage.Award) int {
			return cmp.Or(strings.Compare(a.BadgeID, b.BadgeID), cmp.Compare(a.Tier, b.Tier), cmp.Compare(a.Day, b.Day))
		})
		var got []storage.Award
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			for cursor := storage.Cursor(""); ; {
				page, err := tx.ListAwards(ctx, en, cursor, 50)
				if err != nil {
					return err
				}
				got = append(got, page.Items...)
				if cursor = page.Next; cursor == "" {
					return nil
				}
			}
		}))
		require.Equal(t, len(as), len(got), "every kept award must be listed once")
		for i := range as {
			assert.Equal(t, as[i], got[i], "award %d of enrolment %s, in (badge, tier, day) order", i, en)
		}
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			for _, a := range as {
				g, err := tx.GetAward(ctx, a.AwardKey)
				require.NoError(t, err)
				assert.Equal(t, a, g, "GetAward of %v", a.AwardKey)
			}
			return nil
		}))
	}
}

// TestAwardsAgainstAModel inserts and deletes random awards of a few
// enrolments, committing and rolling back, under more than 128 badge IDs
// and, for some enrolments, two programmes: the store's duplicate
// refusals, listings and holder counts must match a plain map of what was
// committed. (The store answers "is this badge held?" without a scan for
// badges numbered below 128 of an enrolment's one programme, and by
// scanning otherwise.)
func TestAwardsAgainstAModel(t *testing.T) {
	ctx := context.Background()
	s := New(nil)
	rng := rand.New(rand.NewPCG(5, 8))
	ens := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	badges := make([]string, 140)
	for i := range badges {
		badges[i] = fmt.Sprintf("b%03d", i)
	}
	at := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	type award struct {
		key       storage.AwardKey
		programme string
	}
	model := map[storage.AwardKey]string{} // committed: key -> programme
	errRollback := errors.New("roll back")
	for step := range 400 {
		commit := rng.IntN(4) != 0
		next := maps.Clone(model)
		err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			for range 1 + rng.IntN(6) {
				en := ens[rng.IntN(len(ens))]
				programme := "p"
				if en == ens[2] && rng.IntN(2) == 0 {
					programme = "q" // this enrolment's awards are of two programmes
				}
				// Few badges and days, so that keys repeat and
				// deletions find awards.
				b := rng.IntN(6)
				if rng.IntN(3) == 0 {
					b = 126 + rng.IntN(14) // around the numbers the exact set covers
				}
				key := storage.AwardKey{EnrolmentID: en, BadgeID: badges[b], Day: rng.IntN(4)}
				if rng.IntN(3) == 0 {
					err := tx.DeleteAward(ctx, key)
					if _, ok := next[key]; ok {
						require.NoError(t, err, "step %d: delete %+v", step, key)
						delete(next, key)
					} else {
						require.ErrorIs(t, err, storage.ErrNotFound, "step %d: delete %+v", step, key)
					}
					continue
				}
				err := tx.InsertAward(ctx, storage.Award{AwardKey: key, ProgrammeID: programme, AwardedAt: at})
				if _, ok := next[key]; ok {
					require.ErrorIs(t, err, storage.ErrConflict, "step %d: insert %+v again", step, key)
				} else {
					require.NoError(t, err, "step %d: insert %+v", step, key)
					next[key] = programme
				}
			}
			if !commit {
				return errRollback
			}
			return nil
		})
		if commit {
			require.NoError(t, err)
			model = next
		} else {
			require.ErrorIs(t, err, errRollback)
		}
		// Holder counts: distinct enrolments per programme and badge.
		want := map[string]map[string]int{}
		seen := map[award]bool{}
		for k, p := range model {
			a := award{storage.AwardKey{EnrolmentID: k.EnrolmentID, BadgeID: k.BadgeID}, p}
			if seen[a] {
				continue
			}
			seen[a] = true
			if want[p] == nil {
				want[p] = map[string]int{}
			}
			want[p][k.BadgeID]++
		}
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			for _, p := range []string{"p", "q"} {
				got, err := tx.CountHolders(ctx, p)
				require.NoError(t, err)
				w := want[p]
				if w == nil {
					w = map[string]int{}
				}
				require.Equal(t, w, got, "step %d: holders of %s", step, p)
			}
			for _, en := range ens {
				page, err := tx.ListAwards(ctx, en, "", storage.MaxLimit)
				require.NoError(t, err)
				n := 0
				for k := range model {
					if k.EnrolmentID == en {
						n++
					}
				}
				require.Len(t, page.Items, n, "step %d: awards of %s", step, en)
			}
			return nil
		}))
	}
}

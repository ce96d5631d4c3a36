package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// awardEvidence is what the suite's awards carry. Odd spacing, key order
// and an escape: adapters store the bytes as they are, so a JSON column
// that normalises them fails.
const awardEvidence = `{"streak": 7,  "days":[3, 1,2], "a": "\u00e9"}` + "\n"

// award returns an award of e with every field set, not yet stored.
func award(e challenge.Enrolment, badge string, tier, day int) storage.Award {
	return storage.Award{
		AwardKey:    storage.AwardKey{EnrolmentID: e.ID, BadgeID: badge, Tier: tier, Day: day},
		ProgrammeID: e.ProgrammeID,
		AwardedAt:   at(day*86400+tier*60, 100+tier),
		Evidence:    []byte(awardEvidence),
	}
}

func normAward(a storage.Award) storage.Award {
	a.AwardedAt = a.AwardedAt.UTC()
	if len(a.Evidence) == 0 {
		a.Evidence = nil
	} else {
		a.Evidence = bytes.Clone(a.Evidence)
	}
	return a
}

func assertAward(t testing.TB, sentence string, want, got storage.Award) {
	t.Helper()
	assertUTC(t, fmt.Sprintf("award %+v", got.AwardKey), got.AwardedAt)
	assert.Equal(t, normAward(want), normAward(got), sentence)
}

func mustInsertAwards(t testing.TB, s storage.Store, as ...storage.Award) {
	t.Helper()
	mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
		for _, a := range as {
			if err := tx.InsertAward(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// getAward reads one award in its own View.
func getAward(t testing.TB, s storage.Store, key storage.AwardKey) (storage.Award, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (storage.Award, error) { return tx.GetAward(ctx, key) })
}

func listAwards(enrolment uuid.UUID) lister[storage.Award] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[storage.Award], error) {
		return tx.ListAwards(ctx, enrolment, c, limit)
	}
}

// countHolders runs CountHolders in its own View.
func countHolders(t testing.TB, s storage.Store, programme string) map[string]int {
	t.Helper()
	var m map[string]int
	mustView(t, s, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		m, err = tx.CountHolders(ctx, programme)
		return err
	})
	return m
}

func awardKeys(as []storage.Award) []storage.AwardKey {
	return mapSlice(as, func(a storage.Award) storage.AwardKey { return a.AwardKey })
}

// Sentences of the award contract.
const (
	awardRoundTripSentence = "an award must round-trip every field: Evidence byte for byte, AwardedAt in UTC to the microsecond"
	awardOrderSentence     = "ListAwards must return the enrolment's awards ordered by (BadgeID, Tier, Day), badges in byte order and numbers as numbers"
	holdersSentence        = "CountHolders must return, for each badge of the programme that anyone holds, the number of distinct enrolments holding at least one occurrence of it"
)

// Badges, tiers and days of the award paging fixture, each in listing
// order: byte order puts "B" before "a", and 10 after 2 only when compared
// as numbers.
var (
	pagingBadges = []string{"B", "a", "aa", "b"}
	pagingTiers  = []int{0, 2, 10, 11}
	pagingDays   = []int{0, 3, 9, 12}
)

func (h *harness) testAwards(t *testing.T) {
	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		full := award(e, "streak-7", 1, 0)
		daily := award(e, "early-bird", 0, 12)
		noEvidence := award(e, "joined", 0, 0)
		noEvidence.Evidence = nil
		emptyEvidence := award(e, "joined", 0, 1)
		emptyEvidence.Evidence = []byte{}
		mustInsertAwards(t, h.store, full, daily, noEvidence, emptyEvidence)
		for _, want := range []storage.Award{full, daily, noEvidence, emptyEvidence} {
			got, err := getAward(t, h.store, want.AwardKey)
			require.NoError(t, err, "getting a stored award by key must succeed (%+v)", want.AwardKey)
			assertAward(t, awardRoundTripSentence, want, got)
		}
		got, err := getAward(t, h.store, full.AwardKey)
		require.NoError(t, err, "getting a stored award by key must succeed")
		assert.Equal(t, []byte(awardEvidence), got.Evidence, "an award's Evidence must be stored as it is, byte for byte (no JSON normalisation)")
		// Within the writing transaction too: reads see its own writes.
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			a := award(e, "streak-7", 2, 0)
			require.NoError(t, tx.InsertAward(ctx, a), "inserting a new award must succeed")
			got, err := tx.GetAward(ctx, a.AwardKey)
			require.NoError(t, err, "reads in a transaction must see its own writes (an inserted award)")
			assertAward(t, awardRoundTripSentence, a, got)
			return nil
		})
	})

	t.Run("GetUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		a := award(e, "streak", 1, 3)
		mustInsertAwards(t, h.store, a)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			for _, key := range []storage.AwardKey{
				{EnrolmentID: e.ID, BadgeID: "streak", Tier: 2, Day: 3},
				{EnrolmentID: e.ID, BadgeID: "streak", Tier: 1, Day: 4},
				{EnrolmentID: e.ID, BadgeID: "Streak", Tier: 1, Day: 3},
				{EnrolmentID: newID(), BadgeID: "streak", Tier: 1, Day: 3},
			} {
				_, err := tx.GetAward(ctx, key)
				assert.ErrorIs(t, err, storage.ErrNotFound, "getting an award whose key does not exist must return ErrNotFound (%+v)", key)
			}
			return nil
		})
	})

	t.Run("InsertTwiceConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		original := award(e, "streak", 1, 0)
		mustInsertAwards(t, h.store, original)
		again := award(e, "streak", 1, 0) // same key
		again.Evidence = []byte(`{"other": true}`)
		again.AwardedAt = at(99, 9)
		later := award(e, "streak", 2, 0)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			err := tx.InsertAward(ctx, again)
			assert.ErrorIs(t, err, storage.ErrConflict, "inserting an award whose key exists must return ErrConflict")
			// The engine reads the existing award after a conflict, in
			// the same transaction, and goes on writing.
			got, err := tx.GetAward(ctx, original.AwardKey)
			require.NoError(t, err, "after ErrConflict the transaction must stay usable: reading the existing award must succeed")
			assertAward(t, "a conflicting insert must leave the original award unchanged", original, got)
			require.NoError(t, tx.InsertAward(ctx, later), "after ErrConflict the transaction must stay usable: a further insert must succeed")
			return nil
		})
		got, err := getAward(t, h.store, original.AwardKey)
		require.NoError(t, err, "getting a stored award must succeed")
		assertAward(t, "a conflicting insert must leave the original award unchanged", original, got)
		got, err = getAward(t, h.store, later.AwardKey)
		require.NoError(t, err, "after ErrConflict the transaction must stay usable and commit its other writes")
		assertAward(t, awardRoundTripSentence, later, got)
	})

	t.Run("TierAndDayMakeDistinctAwards", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		var as []storage.Award
		for _, td := range [][2]int{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {0, 2}, {1, 1}} {
			as = append(as, award(e, "streak", td[0], td[1]))
		}
		for _, a := range as {
			err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertAward(ctx, a)
			})
			require.NoError(t, err, "the same badge with another Tier or Day is another award: inserting it must succeed (%+v)", a.AwardKey)
		}
		for _, want := range as {
			got, err := getAward(t, h.store, want.AwardKey)
			require.NoError(t, err, "getting a stored award by key must succeed (%+v)", want.AwardKey)
			assertAward(t, "each occurrence of a badge must be stored as its own award", want, got)
		}
	})

	t.Run("DeleteAndReinsert", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		a := award(e, "streak", 1, 0)
		kept := award(e, "streak", 2, 0)
		mustInsertAwards(t, h.store, a, kept)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.DeleteAward(ctx, a.AwardKey), "deleting a stored award must succeed")
			_, err := tx.GetAward(ctx, a.AwardKey)
			assert.ErrorIs(t, err, storage.ErrNotFound, "reads in a transaction must see its own writes: a deleted award is not found")
			return nil
		})
		_, err := getAward(t, h.store, a.AwardKey)
		assert.ErrorIs(t, err, storage.ErrNotFound, "getting a deleted award must return ErrNotFound")
		got, err := getAward(t, h.store, kept.AwardKey)
		require.NoError(t, err, "DeleteAward must remove only the award with its key")
		assertAward(t, "DeleteAward must remove only the award with its key", kept, got)

		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.DeleteAward(ctx, a.AwardKey)
		})
		assert.ErrorIs(t, err, storage.ErrNotFound, "deleting an award that does not exist must return ErrNotFound")
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.DeleteAward(ctx, storage.AwardKey{EnrolmentID: newID(), BadgeID: "streak", Tier: 1})
		})
		assert.ErrorIs(t, err, storage.ErrNotFound, "deleting an award that does not exist must return ErrNotFound")

		// A badge that holds again is awarded again, with the same key.
		again := award(e, "streak", 1, 0)
		again.AwardedAt = at(5*86400, 5)
		mustInsertAwards(t, h.store, again)
		got, err = getAward(t, h.store, a.AwardKey)
		require.NoError(t, err, "after DeleteAward, inserting an award with the same key must succeed")
		assertAward(t, "a re-inserted award must round-trip every field", again, got)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.DeleteAward(ctx, again.AwardKey), "deleting a stored award must succeed")
			require.NoError(t, tx.InsertAward(ctx, a), "after DeleteAward, inserting an award with the deleted award's key must succeed")
			return nil
		})
		got, err = getAward(t, h.store, a.AwardKey)
		require.NoError(t, err, "getting a stored award must succeed")
		assertAward(t, "a re-inserted award must round-trip every field", a, got)
	})

	t.Run("ListOrderedByBadgeTierDay", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		e := es[0]
		// Inserted out of order. "B" sorts before "a" (byte order), tier 10
		// after tier 2 and day 10 after day 2 (numbers, not text).
		keys := []struct {
			badge     string
			tier, day int
		}{{"b", 0, 0}, {"a", 10, 0}, {"a", 2, 10}, {"B", 1, 0}, {"a", 2, 2}, {"a", 1, 0}, {"a", 2, 0}, {"ab", 0, 0}}
		var as []storage.Award
		for _, k := range keys {
			as = append(as, award(e, k.badge, k.tier, k.day))
		}
		mustInsertAwards(t, h.store, as...)
		mustInsertAwards(t, h.store, award(es[1], "a", 1, 0), award(es[1], "B", 0, 0))

		got := listAll(t, h.store, listAwards(e.ID))
		var want []storage.AwardKey
		for _, k := range []struct {
			badge     string
			tier, day int
		}{{"B", 1, 0}, {"a", 1, 0}, {"a", 2, 0}, {"a", 2, 2}, {"a", 2, 10}, {"a", 10, 0}, {"ab", 0, 0}, {"b", 0, 0}} {
			want = append(want, storage.AwardKey{EnrolmentID: e.ID, BadgeID: k.badge, Tier: k.tier, Day: k.day})
		}
		require.Equal(t, want, awardKeys(got), awardOrderSentence)
		byKey := make(map[storage.AwardKey]storage.Award)
		for _, a := range as {
			byKey[a.AwardKey] = a
		}
		for _, a := range got {
			assertAward(t, "a listed award must round-trip every field", byKey[a.AwardKey], a)
		}

		none := listAll(t, h.store, listAwards(newID()))
		assert.Empty(t, none, "ListAwards of an enrolment without awards must return none")
	})

	// pagingFixture positions are (badge, tier, day) triples in listing
	// order; noise is the same award of another enrolment.
	testListing(t, "Paging", func(t *testing.T) pagingFixture[storage.Award] {
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, sc.minimalEnrolment)
		e := es[0]
		n := len(pagingTiers) * len(pagingDays)
		return pagingFixture[storage.Award]{
			store: h.store,
			insert: func(t testing.TB, positions ...int) {
				mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
					for _, i := range positions {
						badge, tier, day := pagingBadges[i/n], pagingTiers[i/len(pagingDays)%len(pagingTiers)], pagingDays[i%len(pagingDays)]
						for _, a := range []storage.Award{award(e, badge, tier, day), award(es[1], badge, tier, day)} {
							if err := tx.InsertAward(ctx, a); err != nil {
								return err
							}
						}
					}
					return nil
				})
			},
			list: listAwards(e.ID),
			position: func(a storage.Award) int {
				b, ti, d := slices.Index(pagingBadges, a.BadgeID), slices.Index(pagingTiers, a.Tier), slices.Index(pagingDays, a.Day)
				if a.EnrolmentID != e.ID || b < 0 || ti < 0 || d < 0 {
					return -1
				}
				return b*n + ti*len(pagingDays) + d
			},
		}
	})

	t.Run("PagesOfSeven", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
		var as []storage.Award
		for i := range 25 {
			// Five badges of five tiers, inserted in reverse.
			as = append(as, award(e, fmt.Sprintf("badge-%c", 'A'+rune(4-i/5)), 5-i%5, 0))
		}
		mustInsertAwards(t, h.store, as...)
		var pages [][]storage.AwardKey
		var cursor storage.Cursor
		for range 10 {
			var page storage.Page[storage.Award]
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				var err error
				page, err = tx.ListAwards(ctx, e.ID, cursor, 7)
				return err
			})
			pages = append(pages, awardKeys(page.Items))
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		assert.Equal(t, []int{7, 7, 7, 4}, mapSlice(pages, func(p []storage.AwardKey) int { return len(p) }), sizeSentence)
		want := awardKeys(as)
		slices.Reverse(want)
		var got []storage.AwardKey
		for _, p := range pages {
			got = append(got, p...)
		}
		assert.Equal(t, want, got, walkSentence)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.ListAwards(ctx, e.ID, "!!not a cursor!!", 7)
			assert.ErrorIs(t, err, storage.ErrBadCursor, "a listing given a cursor it did not make must return ErrBadCursor")
			return nil
		})
	})

	t.Run("CountHolders", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		es := sc.mustEnrol(t, 4, sc.minimalEnrolment)
		outsider := other.mustEnrol(t, 1, other.minimalEnrolment)[0]
		assert.Empty(t, countHolders(t, h.store, sc.programme), "CountHolders of a programme whose badges nobody holds must return an empty map")
		mustInsertAwards(t, h.store,
			// Two tiers and two days of a badge for one enrolment count once.
			award(es[0], "streak", 1, 0), award(es[0], "streak", 2, 0),
			award(es[0], "early", 0, 1), award(es[0], "early", 0, 2),
			award(es[1], "streak", 1, 0),
			award(es[2], "Streak", 1, 0), // another badge: IDs are case-sensitive
			award(es[3], "solo", 0, 0),
			award(es[3], "streak", 3, 0),
			// Another programme's holders are not counted.
			award(outsider, "streak", 1, 0), award(outsider, "early", 0, 1),
		)
		assert.Equal(t, map[string]int{"streak": 3, "early": 1, "Streak": 1, "solo": 1},
			countHolders(t, h.store, sc.programme), holdersSentence)
		assert.Equal(t, map[string]int{"streak": 1, "early": 1},
			countHolders(t, h.store, other.programme), holdersSentence+" (only that programme's awards)")

		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for _, key := range []storage.AwardKey{
				{EnrolmentID: es[3].ID, BadgeID: "solo"},
				{EnrolmentID: es[3].ID, BadgeID: "streak", Tier: 3},
				{EnrolmentID: es[0].ID, BadgeID: "streak", Tier: 1},
			} {
				if err := tx.DeleteAward(ctx, key); err != nil {
					return err
				}
			}
			got, err := tx.CountHolders(ctx, sc.programme)
			require.NoError(t, err, "counting badge holders must succeed")
			assert.Equal(t, map[string]int{"streak": 2, "early": 1, "Streak": 1}, got,
				"reads in a transaction must see its own writes: deleted awards are not counted")
			return nil
		})
		assert.Equal(t, map[string]int{"streak": 2, "early": 1, "Streak": 1},
			countHolders(t, h.store, sc.programme),
			holdersSentence+": deleted awards are not counted, an enrolment holding another occurrence still counts, and a badge nobody holds any more is absent")
		assert.Empty(t, countHolders(t, h.store, uniq("prog")), "CountHolders of a programme without awards must return an empty map")
	})

	t.Run("HoldersOutliveTheirFirstAward", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, sc.minimalEnrolment)
		// Deleting an enrolment's first (or only remaining) occurrence of a
		// badge, in insertion order or otherwise, must not lose it as a
		// holder while another occurrence remains.
		mustInsertAwards(t, h.store, award(es[0], "daily", 0, 5), award(es[0], "daily", 0, 3), award(es[0], "daily", 0, 9))
		mustInsertAwards(t, h.store, award(es[1], "daily", 0, 1))
		steps := []struct {
			delete storage.AwardKey
			insert *storage.Award
			want   map[string]int
		}{
			{delete: storage.AwardKey{EnrolmentID: es[0].ID, BadgeID: "daily", Day: 5}, want: map[string]int{"daily": 2}},
			{delete: storage.AwardKey{EnrolmentID: es[0].ID, BadgeID: "daily", Day: 3}, want: map[string]int{"daily": 2}},
			{delete: storage.AwardKey{EnrolmentID: es[1].ID, BadgeID: "daily", Day: 1}, want: map[string]int{"daily": 1}},
			{delete: storage.AwardKey{EnrolmentID: es[0].ID, BadgeID: "daily", Day: 9}, want: map[string]int{}},
			{insert: new(award(es[1], "daily", 0, 2)), want: map[string]int{"daily": 1}},
			{insert: new(award(es[1], "daily", 0, 1)), want: map[string]int{"daily": 1}},
			{delete: storage.AwardKey{EnrolmentID: es[1].ID, BadgeID: "daily", Day: 2}, want: map[string]int{"daily": 1}},
			{insert: new(award(es[0], "daily", 0, 4)), want: map[string]int{"daily": 2}},
		}
		for i, st := range steps {
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				if st.insert != nil {
					return tx.InsertAward(ctx, *st.insert)
				}
				return tx.DeleteAward(ctx, st.delete)
			})
			got := countHolders(t, h.store, sc.programme)
			if len(st.want) == 0 {
				assert.Empty(t, got, "step %d: %s: a badge nobody holds any more is absent", i, holdersSentence)
				continue
			}
			assert.Equal(t, st.want, got, "step %d: %s", i, holdersSentence)
		}
	})

	t.Run("ErrorRollsBackAwards", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, sc.minimalEnrolment)
		a1, a2 := award(es[0], "streak", 1, 0), award(es[0], "early", 0, 3)
		mustInsertAwards(t, h.store, a1, a2, award(es[1], "streak", 1, 0))
		state := func() (map[string]int, [][]storage.Award) {
			var lists [][]storage.Award
			for _, e := range es {
				lists = append(lists, mapSlice(listAll(t, h.store, listAwards(e.ID)), normAward))
			}
			return countHolders(t, h.store, sc.programme), lists
		}
		beforeCount, beforeLists := state()

		fresh := award(es[1], "solo", 0, 0)
		var stepErr error
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			stepErr = func() error {
				steps := []func() error{
					func() error { return tx.InsertAward(ctx, fresh) },
					func() error { return tx.InsertAward(ctx, award(es[0], "streak", 2, 0)) },
					func() error { return tx.DeleteAward(ctx, a1.AwardKey) },
					func() error { return tx.DeleteAward(ctx, a2.AwardKey) },
					// Deleted and inserted again with other evidence:
					// the rollback must restore the original.
					func() error {
						b := award(es[0], "early", 0, 3)
						b.Evidence = []byte(`{"rolled": "back"}`)
						return tx.InsertAward(ctx, b)
					},
					func() error {
						return tx.DeleteAward(ctx, storage.AwardKey{EnrolmentID: es[1].ID, BadgeID: "streak", Tier: 1})
					},
				}
				for i, step := range steps {
					if err := step(); err != nil {
						return fmt.Errorf("step %d: %w", i, err)
					}
				}
				return nil
			}()
			return errDeliberate
		})
		require.NoError(t, stepErr, "inserting and deleting awards inside a transaction must succeed")
		require.ErrorIs(t, err, errDeliberate, "Update must return fn's error")

		afterCount, afterLists := state()
		assert.Equal(t, beforeCount, afterCount, "when fn returns an error, Update must write nothing: badge holder counts are unchanged")
		assert.Equal(t, beforeLists, afterLists, "when fn returns an error, Update must write nothing: every award insert and delete is rolled back")
		got, err := getAward(t, h.store, a2.AwardKey)
		require.NoError(t, err, "a rolled-back DeleteAward must leave the award in place")
		assertAward(t, "a rolled-back DeleteAward must leave the award exactly as it was", a2, got)
		_, err = getAward(t, h.store, fresh.AwardKey)
		assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new award)")
		mustInsertAwards(t, h.store, fresh)
	})

	t.Run("Copies", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		a := award(e, "streak", 1, 0)
		var in []byte
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			// Each attempt passes its own argument: an adapter may run fn
			// again.
			arg := a
			arg.Evidence = bytes.Clone(a.Evidence)
			in = arg.Evidence
			require.NoError(t, tx.InsertAward(ctx, arg), "inserting a new award must succeed")
			in[0] = 'X' // after the call, still inside the transaction
			return nil
		})
		in[1] = 'Y'
		got, err := getAward(t, h.store, a.AwardKey)
		require.NoError(t, err, "getting a stored award must succeed")
		assertAward(t, copyInSentence+" (InsertAward's Evidence)", a, got)

		reads := []struct {
			name string
			get  func(ctx context.Context, tx storage.ReadTx) (storage.Award, error)
		}{
			{"GetAward", func(ctx context.Context, tx storage.ReadTx) (storage.Award, error) {
				return tx.GetAward(ctx, a.AwardKey)
			}},
			{"ListAwards", func(ctx context.Context, tx storage.ReadTx) (storage.Award, error) {
				page, err := tx.ListAwards(ctx, e.ID, "", 0)
				if err != nil || len(page.Items) == 0 {
					return storage.Award{}, err
				}
				return page.Items[0], nil
			}},
		}
		scribble := func(got *storage.Award) {
			for i := range got.Evidence {
				got.Evidence[i] = '#'
			}
			got.Evidence = append(got.Evidence, "more"...)
		}
		for _, r := range reads {
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored award must succeed (%s)", r.name)
				scribble(&got)
				again, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored award must succeed (%s)", r.name)
				assertAward(t, copyOutSentence+" ("+r.name+", same transaction)", a, again)
				return nil
			})
			// In a read-write transaction too: an adapter that applies
			// writes in place must still hand out copies.
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				got, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored award must succeed (%s)", r.name)
				scribble(&got)
				return nil
			})
			got, err := getAward(t, h.store, a.AwardKey)
			require.NoError(t, err, "getting a stored award must succeed")
			assertAward(t, copyOutSentence+" ("+r.name+", in an Update)", a, got)
		}
	})

	t.Run("SameKeyInsertedOnce", func(t *testing.T) {
		t.Parallel()
		testSameAward(t, h.store, h.store)
	})
	t.Run("HoldersUnderChurn", func(t *testing.T) {
		t.Parallel()
		testHolderChurn(t, h.store, h.store)
	})
	t.Run("HolderHandover", func(t *testing.T) {
		t.Parallel()
		testHolderHandover(t, h.store, h.store)
	})
	t.Run("TwoHandles", func(t *testing.T) {
		second := h.secondHandle(t)
		t.Run("SameKeyInsertedOnce", func(t *testing.T) {
			testSameAward(t, h.store, second)
		})
		t.Run("HoldersUnderChurn", func(t *testing.T) {
			testHolderChurn(t, h.store, second)
		})
		t.Run("HolderHandover", func(t *testing.T) {
			testHolderHandover(t, h.store, second)
		})
	})
}

const (
	// holderChurnRounds is how many rounds testHolderChurn races.
	holderChurnRounds = 8
	// handoverRounds is how many times testHolderHandover hands over.
	handoverRounds = 4
	// handoverHold is how long testHolderHandover keeps the new award
	// uncommitted once inserted.
	handoverHold = 20 * time.Millisecond
)

// testHolderHandover inserts a second occurrence of a badge and, while that
// insertion is not yet committed, deletes the first occurrence in another
// transaction (on the last store): the enrolment must still count as a
// holder. An adapter that keeps holders as it goes (a count, or a mark on
// one occurrence per holder) must not let the deletion overlook the new
// occurrence, which it cannot see yet.
func testHolderHandover(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	for round := range handoverRounds {
		e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
		mustInsertAwards(t, stores[0], award(e, "daily", 0, 1))
		var (
			inserted, insertDone = make(chan struct{}), make(chan struct{})
			once                 sync.Once
			insertErr, deleteErr error
			wg                   sync.WaitGroup
		)
		wg.Go(func() {
			defer close(insertDone)
			insertErr = stores[0].Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				if err := tx.InsertAward(ctx, award(e, "daily", 0, 2)); err != nil {
					return err
				}
				once.Do(func() { close(inserted) })
				time.Sleep(handoverHold)
				return nil
			})
		})
		wg.Go(func() {
			select {
			case <-inserted:
			case <-insertDone:
			}
			deleteErr = stores[len(stores)-1].Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.DeleteAward(ctx, storage.AwardKey{EnrolmentID: e.ID, BadgeID: "daily", Day: 1})
			})
		})
		wg.Wait()
		require.NoError(t, insertErr, "round %d: inserting an occurrence while another is deleted must succeed", round)
		require.NoError(t, deleteErr, "round %d: deleting an occurrence while another is inserted must succeed", round)
		require.Equal(t, map[string]int{"daily": round + 1}, countHolders(t, stores[0], sc.programme),
			"round %d: %s: an enrolment whose first occurrence is deleted while a second is inserted still holds the badge", round, holdersSentence)
	}
}

// testHolderChurn races writers that delete and insert occurrences of one
// badge of one enrolment, each in its own transaction, and checks after
// every round that the enrolment is counted as a holder exactly when an
// occurrence remains: whichever occurrence a store uses to count the
// enrolment may be deleted while another is inserted.
func testHolderChurn(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	other := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	mustInsertAwards(t, stores[0], award(other, "daily", 0, 1))
	day := 0
	next := func() int { day++; return day }
	held := map[int]bool{} // the days of e's occurrences
	for round := range holderChurnRounds {
		// Every writer deletes one occurrence, oldest first, and every
		// other writer also inserts a new one, except in the last round,
		// which deletes everything: the count must drop to the other
		// enrolment alone.
		last := round == holderChurnRounds-1
		var pre []storage.Award
		for len(held) < writers {
			d := next()
			held[d] = true
			pre = append(pre, award(e, "daily", 0, d))
		}
		mustInsertAwards(t, stores[0], pre...)
		days := slices.Sorted(maps.Keys(held))
		if !last {
			days = days[:writers]
		}
		inserts := make([]int, writers)
		for i := range inserts {
			if !last && i%2 == 1 {
				inserts[i] = next()
			}
		}
		errs := race(stores, func(i int, s storage.Store) error {
			return s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				if i < len(days) {
					if err := tx.DeleteAward(ctx, storage.AwardKey{EnrolmentID: e.ID, BadgeID: "daily", Day: days[i]}); err != nil {
						return err
					}
				}
				if inserts[i] > 0 {
					return tx.InsertAward(ctx, award(e, "daily", 0, inserts[i]))
				}
				return nil
			})
		})
		for i, err := range errs {
			require.NoError(t, err, "round %d writer %d: deleting and inserting distinct occurrences concurrently must succeed", round, i)
		}
		for i := range writers {
			if i < len(days) {
				delete(held, days[i])
			}
			if inserts[i] > 0 {
				held[inserts[i]] = true
			}
		}
		want := map[string]int{"daily": 1}
		if len(held) > 0 {
			want["daily"] = 2
		}
		require.Equal(t, want, countHolders(t, stores[0], sc.programme),
			"round %d (%d occurrences left): %s, whatever the order of concurrent deletions and insertions", round, len(held), holdersSentence)
	}
}

// testSameAward has every writer insert the same award key with its own
// evidence, as engine instances racing to award one badge would.
func testSameAward(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	as := repeat(writers, func() storage.Award { return award(e, "streak", 1, 0) })
	for i := range as {
		as[i].Evidence = []byte(`{"writer": ` + strings.Repeat("1", i+1) + `}`)
	}
	errs := race(stores, func(i int, s storage.Store) error {
		return s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertAward(ctx, as[i])
		})
	})
	winner := checkOneWinner(t, errs, "inserting the same award key concurrently must succeed exactly once; every other insert must return ErrConflict")
	got, err := getAward(t, stores[0], as[0].AwardKey)
	require.NoError(t, err, "getting a stored award must succeed")
	if winner >= 0 {
		assertAward(t, "the stored award must be the one whose insert succeeded", as[winner], got)
	}
	assert.Equal(t, map[string]int{"streak": 1}, countHolders(t, stores[0], sc.programme), holdersSentence)
}

package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

func (h *harness) testCompletions(t *testing.T) {
	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		plain := completion(e, 3, "walk")
		revoked := completion(e, 4, "walk")
		r := revocation("admin-1")
		revoked.Revocation = &r
		noKey := completion(e, 5, "walk")
		noKey.IdempotencyKey, noKey.VariationID = "", ""
		mustInsertCompletions(t, h.store, plain, revoked, noKey)
		for _, want := range []challenge.Completion{plain, revoked, noKey} {
			got, err := getCompletion(t, h.store, want.CompletionKey)
			require.NoError(t, err, "getting a stored completion by key must succeed")
			assertCompletion(t, "a completion must round-trip every field, Outcome and Revocation included", want, got)
		}
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetCompletionByIdempotencyKey(ctx, plain.IdempotencyKey)
			require.NoError(t, err, "getting a completion by the idempotency key it was recorded with must succeed")
			assertCompletion(t, "a completion got by idempotency key must round-trip every field", plain, got)
			return nil
		})
	})

	t.Run("GetUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 3, "walk")
		mustInsertCompletions(t, h.store, c)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			for _, key := range []challenge.CompletionKey{
				{EnrolmentID: e.ID, Day: 4, ActivityID: "walk"},
				{EnrolmentID: e.ID, Day: 3, ActivityID: "talk"},
				{EnrolmentID: newID(), Day: 3, ActivityID: "walk"},
			} {
				_, err := tx.GetCompletion(ctx, key)
				assert.ErrorIs(t, err, storage.ErrNotFound, "getting a completion whose key does not exist must return ErrNotFound (%+v)", key)
			}
			_, err := tx.GetCompletionByIdempotencyKey(ctx, uniq("idem"))
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting a completion by an unused idempotency key must return ErrNotFound")
			return nil
		})
	})

	t.Run("InsertTwiceConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		original := completion(e, 3, "walk")
		mustInsertCompletions(t, h.store, original)
		again := completion(e, 3, "walk") // new ID and idempotency key, same key
		again.Points = 99
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, again)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting a completion whose key exists must return ErrConflict")
		got, err := getCompletion(t, h.store, original.CompletionKey)
		require.NoError(t, err, "getting a stored completion must succeed")
		assertCompletion(t, "a conflicting insert must leave the original completion unchanged", original, got)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetCompletionByIdempotencyKey(ctx, again.IdempotencyKey)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a conflicting insert must write nothing (not even its idempotency key)")
			return nil
		})
	})

	t.Run("DuplicateIDConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		original := completion(e, 3, "walk")
		mustInsertCompletions(t, h.store, original)
		dup := completion(e, 4, "walk")
		dup.ID = original.ID
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting a completion whose ID exists must return ErrConflict")
		_, err = getCompletion(t, h.store, dup.CompletionKey)
		assert.ErrorIs(t, err, storage.ErrNotFound, "a conflicting insert must write nothing")
	})

	t.Run("DuplicateIdempotencyKeyConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		original := completion(es[0], 3, "walk")
		mustInsertCompletions(t, h.store, original)
		// Keys are unique across the store, not per enrolment.
		dup := completion(es[1], 5, "talk")
		dup.IdempotencyKey = original.IdempotencyKey
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting a completion whose non-empty idempotency key is used must return ErrConflict")
		_, err = getCompletion(t, h.store, dup.CompletionKey)
		assert.ErrorIs(t, err, storage.ErrNotFound, "a conflicting insert must write nothing")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetCompletionByIdempotencyKey(ctx, original.IdempotencyKey)
			require.NoError(t, err, "getting a completion by its idempotency key must succeed")
			assertCompletion(t, "a conflicting insert must leave the original completion unchanged", original, got)
			return nil
		})
	})

	t.Run("EmptyIdempotencyKeyNeverConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		var cs []challenge.Completion
		for i, e := range es {
			for day := 1; day <= 2; day++ {
				c := completion(e, day+i, "walk")
				c.IdempotencyKey = ""
				cs = append(cs, c)
			}
		}
		for _, c := range cs {
			err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertCompletion(ctx, c)
			})
			require.NoError(t, err, "an empty idempotency key means none and must never conflict")
		}
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetCompletionByIdempotencyKey(ctx, "")
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting a completion by the empty idempotency key must return ErrNotFound")
			return nil
		})
	})

	t.Run("Revoke", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 3, "walk")
		mustInsertCompletions(t, h.store, c)
		first := revocation("admin-1")
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.RevokeCompletion(ctx, c.CompletionKey, first)
		})
		want := c
		want.Revocation = &first
		got, err := getCompletion(t, h.store, c.CompletionKey)
		require.NoError(t, err, "getting a revoked completion must succeed (GetCompletion returns it revoked or not)")
		assertCompletion(t, "RevokeCompletion must store the Revocation and change nothing else", want, got)

		second := revocation("admin-2")
		second.Reason = "changed my mind"
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.RevokeCompletion(ctx, c.CompletionKey, second)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "revoking a completion that is already revoked must return ErrConflict")
		got, err = getCompletion(t, h.store, c.CompletionKey)
		require.NoError(t, err, "getting a revoked completion must succeed")
		assertCompletion(t, "a conflicting revocation must leave the first one unchanged", want, got)

		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.RevokeCompletion(ctx, challenge.CompletionKey{EnrolmentID: e.ID, Day: 9, ActivityID: "walk"}, first)
		})
		assert.ErrorIs(t, err, storage.ErrNotFound, "revoking a completion whose key does not exist must return ErrNotFound")
	})

	t.Run("ListOrderedByDayThenActivity", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		e := es[0]
		// Inserted out of order. Day 10 sorts after day 3 (numbers, not
		// text) and activity "B" before "b" (byte order).
		keys := []struct {
			day      int
			activity string
		}{{3, "b"}, {1, "z"}, {10, "a"}, {3, "B"}, {2, "a"}, {1, "a"}, {3, "a"}}
		var cs []challenge.Completion
		for _, k := range keys {
			cs = append(cs, completion(e, k.day, k.activity))
		}
		mustInsertCompletions(t, h.store, cs...)
		mustInsertCompletions(t, h.store, completion(es[1], 1, "a"), completion(es[1], 2, "a"))

		got := listAll(t, h.store, listCompletions(storage.CompletionFilter{EnrolmentID: e.ID}))
		var gotKeys []challenge.CompletionKey
		for _, c := range got {
			gotKeys = append(gotKeys, c.CompletionKey)
		}
		var wantKeys []challenge.CompletionKey
		for _, k := range []struct {
			day      int
			activity string
		}{{1, "a"}, {1, "z"}, {2, "a"}, {3, "B"}, {3, "a"}, {3, "b"}, {10, "a"}} {
			wantKeys = append(wantKeys, challenge.CompletionKey{EnrolmentID: e.ID, Day: k.day, ActivityID: k.activity})
		}
		require.Equal(t, wantKeys, gotKeys, "ListCompletions must return the enrolment's completions ordered by (Day, ActivityID), activities in byte order")
		byKey := make(map[challenge.CompletionKey]challenge.Completion)
		for _, c := range cs {
			byKey[c.CompletionKey] = c
		}
		for _, c := range got {
			assertCompletion(t, "a listed completion must round-trip every field", byKey[c.CompletionKey], c)
		}

		none := listAll(t, h.store, listCompletions(storage.CompletionFilter{EnrolmentID: newID()}))
		assert.Empty(t, none, "ListCompletions of an enrolment without completions must return none")
	})

	t.Run("ListIncludeRevoked", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		var cs []challenge.Completion
		for day := 1; day <= 6; day++ {
			cs = append(cs, completion(e, day, "walk"))
		}
		mustInsertCompletions(t, h.store, cs...)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for _, day := range []int{2, 5} {
				if err := tx.RevokeCompletion(ctx, cs[day-1].CompletionKey, revocation("admin")); err != nil {
					return err
				}
			}
			return nil
		})
		days := func(cs []challenge.Completion) []int {
			return mapSlice(cs, func(c challenge.Completion) int { return c.Day })
		}
		got := listAll(t, h.store, listCompletions(storage.CompletionFilter{EnrolmentID: e.ID}))
		assert.Equal(t, []int{1, 3, 4, 6}, days(got), "ListCompletions must leave out revoked completions unless IncludeRevoked is set")
		got = listAll(t, h.store, listCompletions(storage.CompletionFilter{EnrolmentID: e.ID, IncludeRevoked: true}))
		assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, days(got), "ListCompletions with IncludeRevoked must return revoked completions too")
		for _, c := range got {
			assert.Equal(t, c.Day == 2 || c.Day == 5, c.Revoked(), "a listed completion must carry its Revocation (day %d)", c.Day)
		}
	})
}

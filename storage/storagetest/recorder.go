package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// recorder returns the store's storage.CompletionRecorder, skipping t when
// its transactions do not have one.
func (h *harness) recorder(t *testing.T) {
	t.Helper()
	var ok bool
	mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
		_, ok = tx.(storage.CompletionRecorder)
		return nil
	})
	if !ok {
		t.Skip("the store's transactions do not implement storage.CompletionRecorder (optional)")
	}
}

func (h *harness) testCompletionRecorder(t *testing.T) {
	h.recorder(t)
	record := func(c challenge.Completion, e challenge.Enrolment) func(ctx context.Context, tx storage.Tx) error {
		return func(ctx context.Context, tx storage.Tx) error {
			return tx.(storage.CompletionRecorder).RecordCompletion(ctx, c, e)
		}
	}
	// swallowing ignores the error of RecordCompletion and returns nil,
	// as a careless fn would: the contract says the transaction still must
	// not commit a half-done write.
	swallowing := func(c challenge.Completion, e challenge.Enrolment, got *error) func(ctx context.Context, tx storage.Tx) error {
		return func(ctx context.Context, tx storage.Tx) error {
			*got = tx.(storage.CompletionRecorder).RecordCompletion(ctx, c, e)
			return nil
		}
	}

	t.Run("RecordsBoth", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 3, "walk")
		changed := changeEnrolment(e)
		mustUpdate(t, h.store, record(c, changed))
		got, err := getCompletion(t, h.store, c.CompletionKey)
		require.NoError(t, err, "RecordCompletion must store the completion")
		assertCompletion(t, "RecordCompletion must store every field of the completion", c, got)
		gotE, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		want := changed
		want.Version = e.Version + 1
		assertEnrolment(t, "RecordCompletion must update the enrolment as UpdateEnrolment does (every field, Version+1)", want, gotE)
	})

	// Each conflict leaves everything as it was, whether fn returns the
	// error or swallows it.
	type conflict struct {
		name string
		// make returns the completion and enrolment to record, given the
		// stored enrolment and its recorded completion.
		make func(e challenge.Enrolment, prior challenge.Completion) (challenge.Completion, challenge.Enrolment)
		want error
	}
	conflicts := []conflict{
		{"SameKey", func(e challenge.Enrolment, prior challenge.Completion) (challenge.Completion, challenge.Enrolment) {
			return completion(e, prior.Day, prior.ActivityID), changeEnrolment(e)
		}, storage.ErrConflict},
		{"SameID", func(e challenge.Enrolment, prior challenge.Completion) (challenge.Completion, challenge.Enrolment) {
			c := completion(e, 9, "walk")
			c.ID = prior.ID
			return c, changeEnrolment(e)
		}, storage.ErrConflict},
		{"SameIdempotencyKey", func(e challenge.Enrolment, prior challenge.Completion) (challenge.Completion, challenge.Enrolment) {
			c := completion(e, 9, "walk")
			c.IdempotencyKey = prior.IdempotencyKey
			return c, changeEnrolment(e)
		}, storage.ErrConflict},
		{"StaleVersion", func(e challenge.Enrolment, _ challenge.Completion) (challenge.Completion, challenge.Enrolment) {
			stale := changeEnrolment(e)
			stale.Version = e.Version - 1
			return completion(e, 9, "walk"), stale
		}, storage.ErrConflict},
		{"UnknownEnrolment", func(e challenge.Enrolment, _ challenge.Completion) (challenge.Completion, challenge.Enrolment) {
			other := e
			other.ID = newID()
			c := completion(other, 9, "walk")
			return c, other
		}, storage.ErrNotFound},
	}
	for _, tc := range conflicts {
		for _, swallow := range []bool{false, true} {
			name := tc.name
			if swallow {
				name += "/Swallowed"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sc := newScope(t, h.store)
				e := sc.mustEnrol(t, 1, nil)[0]
				prior := completion(e, 3, "walk")
				mustInsertCompletions(t, h.store, prior)
				stored, err := getEnrolment(t, h.store, e.ID)
				require.NoError(t, err, "getting a stored enrolment must succeed")
				c, changed := tc.make(stored, prior)
				var recErr error
				if swallow {
					// The store may refuse to commit (and say so) or
					// commit nothing; either way RecordCompletion itself
					// reported the conflict.
					_ = h.store.Update(t.Context(), swallowing(c, changed, &recErr))
				} else {
					recErr = h.store.Update(t.Context(), record(c, changed))
				}
				assert.ErrorIs(t, recErr, tc.want, "RecordCompletion must fail with %v", tc.want)
				after, err := getEnrolment(t, h.store, e.ID)
				require.NoError(t, err, "getting a stored enrolment must succeed")
				assertEnrolment(t, "a failed RecordCompletion must leave the enrolment unchanged, even when fn swallows the error", stored, after)
				_, err = getCompletion(t, h.store, c.CompletionKey)
				if c.CompletionKey == prior.CompletionKey {
					got, gerr := getCompletion(t, h.store, prior.CompletionKey)
					require.NoError(t, gerr, "getting a stored completion must succeed")
					assertCompletion(t, "a failed RecordCompletion must leave the recorded completion unchanged", prior, got)
				} else {
					assert.ErrorIs(t, err, storage.ErrNotFound, "a failed RecordCompletion must write no completion, even when fn swallows the error")
				}
				if !errors.Is(tc.want, storage.ErrNotFound) {
					mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
						got, err := tx.GetCompletionByIdempotencyKey(ctx, c.IdempotencyKey)
						if c.IdempotencyKey == prior.IdempotencyKey {
							require.NoError(t, err, "the prior completion keeps its idempotency key")
							assert.Equal(t, prior.ID, got.ID, "the idempotency key must still find the prior completion")
						} else {
							assert.ErrorIs(t, err, storage.ErrNotFound, "a failed RecordCompletion must not store its idempotency key")
						}
						return nil
					})
				}
			})
		}
	}
}

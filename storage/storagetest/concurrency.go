package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

const (
	// writers is the number of goroutines that race in each case.
	writers = 8
	// increments is the number of read-modify-write updates per writer.
	increments = 50
	// maxAttempts bounds the retries of one update, so that an adapter
	// that livelocks fails instead of hanging.
	maxAttempts = 1000
)

func (h *harness) testConcurrency(t *testing.T) {
	t.Run("IncrementsAreNotLost", func(t *testing.T) {
		t.Parallel()
		testIncrements(t, h.store, h.store)
	})
	t.Run("SameKeyInsertedOnce", func(t *testing.T) {
		t.Parallel()
		testSameKey(t, h.store, h.store)
	})
	t.Run("SameIdempotencyKeyUsedOnce", func(t *testing.T) {
		t.Parallel()
		testSameIdempotencyKey(t, h.store, h.store)
	})
	t.Run("TwoHandles", func(t *testing.T) {
		second := h.secondHandle(t)
		t.Run("SeeEachOthersCommits", func(t *testing.T) {
			t.Parallel()
			sc := newScope(t, h.store)
			e := sc.mustEnrol(t, 1, nil)[0]
			got, err := getEnrolment(t, second, e.ID)
			require.NoError(t, err, "a record committed through one handle must be visible through another handle on the same data")
			assertEnrolment(t, "a record committed through one handle must be visible through another handle on the same data", e, got)
			c := completion(e, 1, "walk")
			mustInsertCompletions(t, second, c)
			_, err = getCompletion(t, h.store, c.CompletionKey)
			assert.NoError(t, err, "a record committed through one handle must be visible through another handle on the same data")
		})
		t.Run("IncrementsAreNotLost", func(t *testing.T) {
			t.Parallel()
			testIncrements(t, h.store, second)
		})
		t.Run("SameKeyInsertedOnce", func(t *testing.T) {
			t.Parallel()
			testSameKey(t, h.store, second)
		})
		t.Run("SameIdempotencyKeyUsedOnce", func(t *testing.T) {
			t.Parallel()
			testSameIdempotencyKey(t, h.store, second)
		})
	})
}

// race runs fn(i, store) on writers goroutines at once, alternating between
// the stores, and returns each call's error.
func race(stores []storage.Store, fn func(i int, s storage.Store) error) []error {
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range writers {
		s := stores[i%len(stores)]
		wg.Go(func() {
			<-start
			errs[i] = fn(i, s)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// testIncrements has every writer add one to an enrolment's points, over
// and over, retrying on ErrConflict as the engine does.
func testIncrements(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	errs := race(stores, func(_ int, s storage.Store) error {
		for n := range increments {
			attempt := 0
			for {
				err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
					en, err := tx.GetEnrolment(ctx, e.ID)
					if err != nil {
						return err
					}
					en.Progress.Points++
					return tx.UpdateEnrolment(ctx, en)
				})
				if err == nil {
					break
				}
				if !errors.Is(err, storage.ErrConflict) {
					return fmt.Errorf("increment %d: %w", n, err)
				}
				if attempt++; attempt == maxAttempts {
					return fmt.Errorf("increment %d: still ErrConflict after %d attempts: %w", n, attempt, err)
				}
			}
		}
		return nil
	})
	for _, err := range errs {
		require.NoError(t, err, "a read-modify-write Update must either commit or fail with ErrConflict (to be retried)")
	}
	got, err := getEnrolment(t, stores[0], e.ID)
	require.NoError(t, err, "getting a stored enrolment must succeed")
	assert.Equal(t, writers*increments, got.Progress.Points,
		"concurrent read-modify-write updates retried on ErrConflict must lose no update (UpdateEnrolment is a compare-and-swap on Version)")
	assert.Equal(t, e.Version+writers*increments, got.Version, "every committed UpdateEnrolment must add one to Version")
}

// testSameKey has every writer insert the same completion key with its own
// completion ID.
func testSameKey(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	cs := repeat(writers, func() challenge.Completion { return completion(e, 3, "walk") })
	errs := race(stores, func(i int, s storage.Store) error {
		return s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, cs[i])
		})
	})
	winner := checkOneWinner(t, errs, "inserting the same completion key concurrently must succeed exactly once; every other insert must return ErrConflict")
	got, err := getCompletion(t, stores[0], cs[0].CompletionKey)
	require.NoError(t, err, "getting a stored completion must succeed")
	if winner >= 0 {
		assertCompletion(t, "the stored completion must be the one whose insert succeeded", cs[winner], got)
	}
}

// testSameIdempotencyKey has every writer insert a different completion
// with the same idempotency key.
func testSameIdempotencyKey(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
	key := uniq("idem")
	var cs []challenge.Completion
	for i := range writers {
		c := completion(e, i+1, "walk")
		c.IdempotencyKey = key
		cs = append(cs, c)
	}
	errs := race(stores, func(i int, s storage.Store) error {
		return s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, cs[i])
		})
	})
	winner := checkOneWinner(t, errs, "inserting completions with the same idempotency key concurrently must succeed exactly once; every other insert must return ErrConflict")
	var got challenge.Completion
	mustView(t, stores[0], func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		got, err = tx.GetCompletionByIdempotencyKey(ctx, key)
		return err
	})
	if winner >= 0 {
		assertCompletion(t, "the completion stored under the key must be the one whose insert succeeded", cs[winner], got)
	}
}

// checkOneWinner asserts that exactly one error is nil and the rest are
// ErrConflict, and returns the index of the success (-1 if none).
func checkOneWinner(t *testing.T, errs []error, sentence string) int {
	t.Helper()
	winner, wins := -1, 0
	for i, err := range errs {
		if err == nil {
			winner = i
			wins++
			continue
		}
		assert.ErrorIs(t, err, storage.ErrConflict, sentence)
	}
	assert.Equal(t, 1, wins, sentence)
	return winner
}

package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// loaders reports which of the store's transactions implement
// storage.EnrolmentLoader, skipping t when neither does.
func (h *harness) loaders(t *testing.T) (inView, inUpdate bool) {
	t.Helper()
	mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
		_, inView = tx.(storage.EnrolmentLoader)
		return nil
	})
	mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
		_, inUpdate = tx.(storage.EnrolmentLoader)
		return nil
	})
	if !inView && !inUpdate {
		t.Skip("the store's transactions do not implement storage.EnrolmentLoader (optional)")
	}
	return inView, inUpdate
}

// withBadges returns e changed (see changeEnrolment) and holding n badge
// occurrences spread over n words of held bits.
func withBadges(e challenge.Enrolment, n int) challenge.Enrolment {
	c := changeEnrolment(e)
	for i := range n {
		c.Badges.Set(i*65 + 1)
	}
	c.BadgeLayout = uint32(0x8000_0000 + n)
	return c
}

func (h *harness) testEnrolmentLoader(t *testing.T) {
	inView, inUpdate := h.loaders(t)
	// load runs LoadEnrolment in whichever transactions have it.
	load := func(t *testing.T, id uuid.UUID, into *challenge.Enrolment) []error {
		var errs []error
		if inView {
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				errs = append(errs, tx.(storage.EnrolmentLoader).LoadEnrolment(ctx, id, into))
				return nil
			})
		}
		if inUpdate {
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				errs = append(errs, tx.(storage.EnrolmentLoader).LoadEnrolment(ctx, id, into))
				return nil
			})
		}
		return errs
	}
	// loaded runs LoadEnrolment of a stored enrolment as load does, and
	// then check after each load that succeeded.
	loaded := func(t *testing.T, id uuid.UUID, into *challenge.Enrolment, check func()) {
		t.Helper()
		for _, err := range load(t, id, into) {
			require.NoError(t, err, "LoadEnrolment of a stored enrolment must succeed")
			check()
		}
	}

	t.Run("LoadsWhatGetReturns", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 3, nil)
		// Enrolments of different shapes, loaded one after another into
		// the same value: each load must give exactly the stored one,
		// whatever the value held before (longer or shorter lists).
		big, small := withBadges(es[0], 6), withBadges(es[1], 1)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.UpdateEnrolment(ctx, big); err != nil {
				return err
			}
			return tx.UpdateEnrolment(ctx, small)
		})
		var into challenge.Enrolment
		for _, id := range []uuid.UUID{es[0].ID, es[1].ID, es[2].ID, es[0].ID, es[2].ID} {
			want, err := getEnrolment(t, h.store, id)
			require.NoError(t, err, "getting a stored enrolment must succeed")
			loaded(t, id, &into, func() {
				assertEnrolment(t, "LoadEnrolment must give what GetEnrolment gives, whatever the value held before", want, into)
			})
		}
	})

	t.Run("LoadedCopyIsTheCallers", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		changed := withBadges(e, 4)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error { return tx.UpdateEnrolment(ctx, changed) })
		want, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		var into challenge.Enrolment
		loaded(t, e.ID, &into, func() {
			into.Zones[0].Zone = "Pacific/Auckland"
			into.Absences[0].Reason = "changed"
			into.Progress.Done.Add(33)
			for i := range into.Badges {
				into.Badges[i] = ^into.Badges[i]
			}
			got, err := getEnrolment(t, h.store, e.ID)
			require.NoError(t, err, "getting a stored enrolment must succeed")
			assertEnrolment(t, "changing a loaded enrolment must not change the stored one", want, got)
		})
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		var into challenge.Enrolment
		loaded(t, e.ID, &into, func() {})
		before := into.Clone()
		for _, err := range load(t, uuid.Must(uuid.NewV7()), &into) {
			assert.True(t, errors.Is(err, storage.ErrNotFound), "LoadEnrolment of an unknown ID must return ErrNotFound, got %v", err)
			assertEnrolment(t, "a failed LoadEnrolment must leave the value as it was", before, into)
		}
	})
}

package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/storage"
)

func (h *harness) testProgrammes(t *testing.T) {
	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		id := uniq("prog")
		want := programmeVersion(id, 1)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertProgramme(ctx, want)
		})
		got, err := getProgramme(t, h.store, id, 1)
		require.NoError(t, err, "getting a stored programme version must succeed")
		assertProgramme(t, "a programme version must round-trip every field, its Definition byte for byte", want, got)
		got, err = getProgramme(t, h.store, id, 0)
		require.NoError(t, err, "getting version 0 of a stored programme must return its latest version")
		assertProgramme(t, "getting version 0 must return the latest version", want, got)
	})

	t.Run("GetLatestVersion", func(t *testing.T) {
		t.Parallel()
		id := uniq("prog")
		versions := []storage.Programme{programmeVersion(id, 1), programmeVersion(id, 2), programmeVersion(id, 3)}
		for _, p := range versions {
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertProgramme(ctx, p)
			})
		}
		for _, want := range versions {
			got, err := getProgramme(t, h.store, id, want.Version)
			require.NoError(t, err, "getting a stored programme version must succeed")
			assertProgramme(t, "getting a programme version must return exactly that version", want, got)
		}
		got, err := getProgramme(t, h.store, id, 0)
		require.NoError(t, err, "getting version 0 of a stored programme must return its latest version")
		assertProgramme(t, "getting version 0 must return the latest version", versions[2], got)
	})

	t.Run("GetUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		for _, c := range []struct {
			name    string
			id      string
			version int
		}{
			{"unknown programme, latest", uniq("prog"), 0},
			{"unknown programme, version 1", uniq("prog"), 1},
			{"known programme, unknown version", sc.programme, 7},
		} {
			_, err := getProgramme(t, h.store, c.id, c.version)
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting a programme version that does not exist must return ErrNotFound (%s)", c.name)
		}
	})

	t.Run("DuplicateVersionConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		original, err := getProgramme(t, h.store, sc.programme, 1)
		require.NoError(t, err, "getting a stored programme version must succeed")
		dup := programmeVersion(sc.programme, 1)
		dup.Definition = []byte(`{"other":true}`)
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertProgramme(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting a programme version that exists must return ErrConflict")
		got, err := getProgramme(t, h.store, sc.programme, 1)
		require.NoError(t, err, "getting a stored programme version must succeed")
		assertProgramme(t, "a conflicting insert must leave the stored programme version unchanged", original, got)
	})

	t.Run("IDsAreCaseSensitive", func(t *testing.T) {
		t.Parallel()
		lower := uniq("prog")
		upper := "P" + lower[1:]
		for _, id := range []string{lower, upper} {
			err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertProgramme(ctx, programmeVersion(id, 1))
			})
			require.NoError(t, err, "programme IDs that differ only in case must be distinct programmes (strings compare byte-wise)")
		}
		for _, id := range []string{lower, upper} {
			got, err := getProgramme(t, h.store, id, 0)
			require.NoError(t, err, "getting a stored programme version must succeed")
			assert.Equal(t, id, got.ID, "programme IDs that differ only in case must be distinct programmes (strings compare byte-wise)")
		}
	})

	t.Run("ListLatestOrderedByID", func(t *testing.T) {
		t.Parallel()
		s := h.fresh(t)
		// Byte order puts "prog-C" before "prog-a"; a case-insensitive
		// collation would not.
		inserts := []storage.Programme{
			programmeVersion("prog-b", 1),
			programmeVersion("prog-a", 1),
			programmeVersion("prog-b", 2),
			programmeVersion("prog-C", 1),
			programmeVersion("prog-a1", 1),
		}
		mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
			for _, p := range inserts {
				if err := tx.InsertProgramme(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		got := listAll(t, s, listProgrammes)
		want := []storage.Programme{inserts[3], inserts[1], inserts[4], inserts[2]}
		assert.Equal(t, mapSlice(want, normProgramme), mapSlice(got, normProgramme),
			"ListProgrammes must return the latest version of every programme, ordered by ID in byte order")
	})
}

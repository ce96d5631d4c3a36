package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

func (h *harness) testEnrolments(t *testing.T) {
	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		for _, c := range []struct {
			name string
			e    challenge.Enrolment
		}{
			{"every field set", sc.enrolment()},
			{"only required fields", sc.minimalEnrolment()},
		} {
			sc.mustEnrol(t, 1, func() challenge.Enrolment { return c.e })
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := tx.GetEnrolment(ctx, c.e.ID)
				require.NoError(t, err, "getting a stored enrolment by ID must succeed (%s)", c.name)
				assertEnrolment(t, "an enrolment must round-trip every field ("+c.name+")", c.e, got)
				got, err = tx.GetEnrolmentByParticipant(ctx, c.e.ProgrammeID, c.e.ParticipantID)
				require.NoError(t, err, "getting a stored enrolment by participant must succeed (%s)", c.name)
				assertEnrolment(t, "an enrolment got by participant must round-trip every field ("+c.name+")", c.e, got)
				return nil
			})
		}
	})

	t.Run("GetUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetEnrolment(ctx, newID())
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting an enrolment whose ID does not exist must return ErrNotFound")
			_, err = tx.GetEnrolmentByParticipant(ctx, sc.programme, "nobody")
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting the enrolment of a participant who is not enrolled must return ErrNotFound")
			_, err = tx.GetEnrolmentByParticipant(ctx, other.programme, e.ParticipantID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "getting a participant's enrolment in a programme they did not join must return ErrNotFound")
			return nil
		})
	})

	t.Run("DuplicateIDConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		dup := sc.enrolment()
		dup.ID = e.ID
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertEnrolment(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting an enrolment whose ID exists must return ErrConflict")
		got, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assertEnrolment(t, "a conflicting insert must leave the stored enrolment unchanged", e, got)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetEnrolmentByParticipant(ctx, sc.programme, dup.ParticipantID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a conflicting insert must write nothing")
			return nil
		})
	})

	t.Run("DuplicateParticipantConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		dup := sc.enrolment()
		dup.ParticipantID = e.ParticipantID
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertEnrolment(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "enrolling a participant twice in one programme must return ErrConflict")
		_, err = getEnrolment(t, h.store, dup.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "a conflicting insert must write nothing")

		elsewhere := other.enrolment()
		elsewhere.ParticipantID = e.ParticipantID
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertEnrolment(ctx, elsewhere)
		})
		assert.NoError(t, err, "a participant must be able to enrol in two different programmes")
	})

	t.Run("ParticipantIDsAreCaseSensitive", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		a, b := sc.enrolment(), sc.enrolment()
		a.ParticipantID, b.ParticipantID = "Alice", "alice"
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertEnrolment(ctx, a); err != nil {
				return err
			}
			return tx.InsertEnrolment(ctx, b)
		})
		require.NoError(t, err, "participant IDs that differ only in case must be distinct participants (strings compare byte-wise)")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetEnrolmentByParticipant(ctx, sc.programme, "alice")
			require.NoError(t, err, "getting a stored enrolment by participant must succeed")
			assert.Equal(t, b.ID, got.ID, "participant IDs that differ only in case must be distinct participants (strings compare byte-wise)")
			return nil
		})
	})

	t.Run("UpdateBumpsVersion", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		changed := changeEnrolment(e)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, changed)
		})
		got, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		want := changed
		want.Version = e.Version + 1
		assertEnrolment(t, "UpdateEnrolment must store every field of e with Version e.Version+1", want, got)

		again := changeEnrolment(got)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, again)
		})
		got, err = getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assert.Equal(t, e.Version+2, got.Version, "UpdateEnrolment must store the enrolment with Version e.Version+1")
	})

	t.Run("UpdateStaleVersionConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		first := changeEnrolment(e)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, first)
		})
		stored, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")

		stale := changeEnrolment(e) // still Version 1
		stale.Progress.Points = 999
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, stale)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "updating an enrolment whose stored Version differs must return ErrConflict")
		got, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assertEnrolment(t, "a conflicting update must leave the stored enrolment unchanged", stored, got)

		ahead := changeEnrolment(stored)
		ahead.Version = stored.Version + 5
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, ahead)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "updating an enrolment whose stored Version differs must return ErrConflict (a later Version too)")
	})

	t.Run("UpdateUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, sc.enrolment())
		})
		assert.ErrorIs(t, err, storage.ErrNotFound, "updating an enrolment whose ID does not exist must return ErrNotFound")
	})

	t.Run("ListByProgrammeTeamCohort", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		groups := []struct {
			team   challenge.TeamID
			cohort string
		}{
			{"red", "spring"}, {"blue", "spring"}, {"red", ""}, {"", "autumn"}, {"", ""}, {"red", "autumn"}, {"blue", ""},
		}
		var all []challenge.Enrolment
		for _, g := range groups {
			e := sc.enrolment()
			e.TeamID, e.CohortID = g.team, g.cohort
			all = append(all, e)
		}
		// Insert in reverse ID order: the listing order must come from the
		// IDs, not from insertion.
		for i := len(all) - 1; i >= 0; i-- {
			sc.mustEnrol(t, 1, func() challenge.Enrolment { return all[i] })
		}
		elsewhere := other.enrolment()
		elsewhere.TeamID, elsewhere.CohortID = "red", "spring"
		other.mustEnrol(t, 1, func() challenge.Enrolment { return elsewhere })

		for _, c := range []struct {
			name string
			f    storage.EnrolmentFilter
			keep func(challenge.Enrolment) bool
		}{
			{"programme", storage.EnrolmentFilter{ProgrammeID: sc.programme}, func(challenge.Enrolment) bool { return true }},
			{"team", storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "red"}, func(e challenge.Enrolment) bool { return e.TeamID == "red" }},
			{"cohort", storage.EnrolmentFilter{ProgrammeID: sc.programme, CohortID: "spring"}, func(e challenge.Enrolment) bool { return e.CohortID == "spring" }},
			{"team and cohort", storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "red", CohortID: "autumn"}, func(e challenge.Enrolment) bool { return e.TeamID == "red" && e.CohortID == "autumn" }},
			{"unknown team", storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "green"}, func(challenge.Enrolment) bool { return false }},
			{"unknown programme", storage.EnrolmentFilter{ProgrammeID: uniq("prog")}, func(challenge.Enrolment) bool { return false }},
		} {
			var want []challenge.Enrolment
			for _, e := range sortEnrolments(all) {
				if c.keep(e) {
					want = append(want, e)
				}
			}
			got := listAll(t, h.store, listEnrolments(c.f))
			require.Equal(t, enrolmentIDs(want), enrolmentIDs(got),
				"ListEnrolments must return exactly the enrolments matching every non-empty filter field, ordered by ID (%s)", c.name)
			for i := range got {
				assertEnrolment(t, "a listed enrolment must round-trip every field", want[i], got[i])
			}
		}
	})

	t.Run("ListFollowsUpdates", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		moved := e
		moved.TeamID, moved.CohortID = "team-blue", ""
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.UpdateEnrolment(ctx, moved)
		})
		for _, c := range []struct {
			f    storage.EnrolmentFilter
			want int
		}{
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: e.TeamID}, 0},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, CohortID: e.CohortID}, 0},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "team-blue"}, 1},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme}, 1},
		} {
			got := listAll(t, h.store, listEnrolments(c.f))
			assert.Len(t, got, c.want, "ListEnrolments must filter by the team and cohort stored by the latest update (%+v)", c.f)
		}
	})

	// The engine reads an enrolment and writes it back in one
	// transaction, mostly with its team and cohort as they were, so an
	// adapter may write only what changed; these are the updates where
	// something indexed did change after such a read.
	t.Run("ListFollowsUpdatesAfterARead", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			got.Progress.Points += 10 // indexed fields as read
			if err := tx.UpdateEnrolment(ctx, got); err != nil {
				return err
			}
			got.Version++
			got.TeamID = "team-green" // then moved, in the same transaction
			return tx.UpdateEnrolment(ctx, got)
		})
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			got.CohortID = "winter"
			return tx.UpdateEnrolment(ctx, got)
		})
		stored, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assert.Equal(t, e.Progress.Points+10, stored.Progress.Points, "an update after a read must store its other fields")
		assert.Equal(t, e.Version+3, stored.Version)
		for _, c := range []struct {
			f    storage.EnrolmentFilter
			want int
		}{
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: e.TeamID}, 0},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "team-green"}, 1},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, CohortID: e.CohortID}, 0},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, CohortID: "winter"}, 1},
			{storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "team-green", CohortID: "winter"}, 1},
		} {
			got := listAll(t, h.store, listEnrolments(c.f))
			assert.Len(t, got, c.want, "an update after a read in the same transaction must move the team and cohort indexes (%+v)", c.f)
		}
	})
}

// changeEnrolment returns e with every mutable field changed, as the engine
// changes an enrolment (same ID, programme, participant and Version).
func changeEnrolment(e challenge.Enrolment) challenge.Enrolment {
	c := e.Clone()
	c.ProgrammeVersion = e.ProgrammeVersion // the scope has only version 1
	c.TeamID = e.TeamID + "-x"
	c.CohortID = e.CohortID + "-x"
	c.Start = e.Start.AddDays(1)
	c.FirstDay = e.FirstDay + 1
	c.Zones = append(c.Zones, challenge.ZoneChange{From: at(10*86400+int(e.Version), 5), Zone: "Asia/Kolkata"})
	c.Rota = challenge.Rota{Start: e.Start, On: 2, Off: 3}
	c.Absences = append(c.Absences, challenge.Absence{From: e.Start.AddDays(20), To: e.Start.AddDays(22), Reason: "sickness"})
	c.EnrolledAt = e.EnrolledAt.Add(time.Microsecond)
	c.Progress.Done.Add(70 + int(e.Version))
	c.Progress.Points += 15
	c.Progress.Current++
	c.Progress.Strength += 0.125
	c.Progress.Level++
	return c
}

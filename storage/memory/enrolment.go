package memory

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// GetEnrolment implements [storage.EnrolmentReader.GetEnrolment].
func (r *reader) GetEnrolment(ctx context.Context, id uuid.UUID) (challenge.Enrolment, error) {
	if err := ctxErr(ctx); err != nil {
		return challenge.Enrolment{}, err
	}
	rec := r.s.enrolments[id]
	if rec == nil || !rec.enrolled {
		return challenge.Enrolment{}, errEnrolmentNotFound
	}
	return rec.e.Clone(), nil
}

// LoadEnrolment implements [storage.EnrolmentLoader.LoadEnrolment].
func (r *reader) LoadEnrolment(ctx context.Context, id uuid.UUID, into *challenge.Enrolment) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	rec := r.s.enrolments[id]
	if rec == nil || !rec.enrolled {
		return errEnrolmentNotFound
	}
	into.CopyFrom(&rec.e)
	return nil
}

// GetEnrolmentByParticipant implements
// [storage.EnrolmentReader.GetEnrolmentByParticipant].
func (r *reader) GetEnrolmentByParticipant(ctx context.Context, programmeID string, participant challenge.ParticipantID) (challenge.Enrolment, error) {
	if err := ctxErr(ctx); err != nil {
		return challenge.Enrolment{}, err
	}
	id, ok := r.s.participants[participantKey{programmeID, participant}]
	if !ok {
		return challenge.Enrolment{}, errEnrolmentNotFound
	}
	return r.s.enrolments[id].e.Clone(), nil
}

// ListEnrolments implements [storage.EnrolmentReader.ListEnrolments]. It
// walks the narrowest index that the filter names.
func (r *reader) ListEnrolments(ctx context.Context, f storage.EnrolmentFilter, cursor storage.Cursor, limit int) (storage.Page[challenge.Enrolment], error) {
	var page storage.Page[challenge.Enrolment]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after uuid.UUID
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list enrolments: %w", err)
		}
	}
	s := r.s
	var ix *index[uuid.UUID]
	switch {
	case f.TeamID != "":
		ix = s.byTeam[groupKey{f.ProgrammeID, string(f.TeamID)}]
	case f.CohortID != "":
		ix = s.byCohort[groupKey{f.ProgrammeID, f.CohortID}]
	default:
		ix = s.byProgramme[f.ProgrammeID]
	}
	if ix == nil {
		return page, nil
	}
	limit = storage.ClampLimit(limit)
	var last uuid.UUID
	ix.ascend(after, cursor == "", func(id uuid.UUID) bool {
		e := &s.enrolments[id].e
		if f.CohortID != "" && e.CohortID != f.CohortID {
			return true
		}
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(last)
			return false
		}
		page.Items = append(page.Items, e.Clone())
		last = id
		return true
	})
	return page, nil
}

// InsertEnrolment implements [storage.EnrolmentWriter.InsertEnrolment].
func (w *writer) InsertEnrolment(ctx context.Context, e challenge.Enrolment) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	rec := s.enrolments[e.ID]
	if rec != nil && rec.enrolled {
		return errEnrolmentExists
	}
	pk := participantKey{e.ProgrammeID, e.ParticipantID}
	if _, ok := s.participants[pk]; ok {
		return errParticipantEnrolled
	}
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[e.ID] = rec
	}
	rec.e, rec.enrolled = e.Clone(), true
	stored := &rec.e
	utcEnrolment(stored)
	s.participants[pk] = e.ID
	s.indexEnrolment(stored.ID, stored.ProgrammeID, stored.TeamID, stored.CohortID)
	w.log(undoRec{op: undoInsertEnrolment, id: e.ID})
	return nil
}

// UpdateEnrolment implements [storage.EnrolmentWriter.UpdateEnrolment]. The
// previous value moves to the undo log as it is, and the new one is copied
// into memory the log held before, so one update copies the enrolment once.
func (w *writer) UpdateEnrolment(ctx context.Context, e challenge.Enrolment) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	rec := s.enrolments[e.ID]
	if rec == nil || !rec.enrolled {
		return errEnrolmentNotFound
	}
	stored := &rec.e
	if stored.Version != e.Version {
		return errEnrolmentVersion
	}
	slot := w.save(rec)
	w.log(undoRec{op: undoUpdateEnrolment, id: e.ID, slot: slot})
	s.reindexEnrolment(stored, e.TeamID, e.CohortID)
	zones, absences, done, badges := stored.Zones, stored.Absences, stored.Progress.Done, stored.Badges
	programme, participant := stored.ProgrammeID, stored.ParticipantID
	*stored = e
	// ProgrammeID and ParticipantID never change; keeping the stored ones
	// keeps the indexes right whatever the caller passed.
	stored.ProgrammeID, stored.ParticipantID = programme, participant
	stored.Zones = copyInto(zones, e.Zones)
	stored.Absences = copyInto(absences, e.Absences)
	stored.Progress.Done, stored.Badges = copyDoneAndHeld(done, badges, e.Progress.Done, e.Badges)
	stored.Version = e.Version + 1
	utcEnrolment(stored)
	return nil
}

// restoreEnrolment undoes an UpdateEnrolment.
func (s *Store) restoreEnrolment(id uuid.UUID, sv *savedEnrolment) {
	rec := s.enrolments[id]
	stored := &rec.e
	s.reindexEnrolment(stored, sv.e.TeamID, sv.e.CohortID)
	zones, absences, done, badges := stored.Zones, stored.Absences, stored.Progress.Done, stored.Badges
	*stored = sv.e
	stored.Zones = copyInto(zones, sv.e.Zones)
	stored.Absences = copyInto(absences, sv.e.Absences)
	stored.Progress.Done, stored.Badges = copyDoneAndHeld(done, badges, sv.e.Progress.Done, sv.e.Badges)
}

// unInsertEnrolment undoes an InsertEnrolment.
func (s *Store) unInsertEnrolment(id uuid.UUID) {
	rec := s.enrolments[id]
	e := &rec.e
	s.unindexEnrolment(id, e.ProgrammeID, e.TeamID, e.CohortID)
	delete(s.participants, participantKey{e.ProgrammeID, e.ParticipantID})
	rec.e, rec.enrolled = challenge.Enrolment{}, false
	s.dropIfEmpty(id, rec)
}

func (s *Store) indexEnrolment(id uuid.UUID, programme string, team challenge.TeamID, cohort string) {
	addTo(s.byProgramme, programme, id)
	if team != "" {
		addTo(s.byTeam, groupKey{programme, string(team)}, id)
	}
	if cohort != "" {
		addTo(s.byCohort, groupKey{programme, cohort}, id)
	}
}

func (s *Store) unindexEnrolment(id uuid.UUID, programme string, team challenge.TeamID, cohort string) {
	removeFrom(s.byProgramme, programme, id)
	if team != "" {
		removeFrom(s.byTeam, groupKey{programme, string(team)}, id)
	}
	if cohort != "" {
		removeFrom(s.byCohort, groupKey{programme, cohort}, id)
	}
}

// reindexEnrolment moves e between team and cohort indexes when they change.
func (s *Store) reindexEnrolment(e *challenge.Enrolment, team challenge.TeamID, cohort string) {
	if e.TeamID != team {
		if e.TeamID != "" {
			removeFrom(s.byTeam, groupKey{e.ProgrammeID, string(e.TeamID)}, e.ID)
		}
		if team != "" {
			addTo(s.byTeam, groupKey{e.ProgrammeID, string(team)}, e.ID)
		}
	}
	if e.CohortID != cohort {
		if e.CohortID != "" {
			removeFrom(s.byCohort, groupKey{e.ProgrammeID, e.CohortID}, e.ID)
		}
		if cohort != "" {
			addTo(s.byCohort, groupKey{e.ProgrammeID, cohort}, e.ID)
		}
	}
}

func addTo[G comparable](m map[G]*index[uuid.UUID], g G, id uuid.UUID) {
	ix := m[g]
	if ix == nil {
		ix = newIndex(compareUUID)
		m[g] = ix
	}
	ix.insert(id)
}

func removeFrom[G comparable](m map[G]*index[uuid.UUID], g G, id uuid.UUID) {
	if ix := m[g]; ix != nil {
		ix.remove(id)
		if ix.empty() {
			delete(m, g)
		}
	}
}

// utcEnrolment puts e's times in UTC, as the contract returns them.
func utcEnrolment(e *challenge.Enrolment) {
	e.EnrolledAt = e.EnrolledAt.UTC()
	for i := range e.Zones {
		e.Zones[i].From = e.Zones[i].From.UTC()
	}
}

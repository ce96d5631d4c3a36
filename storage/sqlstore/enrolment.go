package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

const enrolmentColumns = "id, programme_id, programme_version, participant_id, team_id, cohort_id, version, data"

const enrolmentListing = "enrolments"

// getEnrolmentQuery and updateEnrolmentQuery run on every completion; on
// SQLite the store prepares them once (see Store.prepareHot).
const (
	getEnrolmentQuery    = "SELECT " + enrolmentColumns + " FROM habitkit_enrolments WHERE id = ?"
	updateEnrolmentQuery = "UPDATE habitkit_enrolments SET programme_version = ?, team_id = ?, cohort_id = ?, data = ?, version = version + 1 WHERE id = ? AND version = ?"
	// updateEnrolmentDataQuery is updateEnrolmentQuery for an enrolment
	// whose indexed columns are as the transaction read them (see
	// tx.read): it leaves them out of the SET list, because SQLite
	// rewrites the entries of every index on a column the UPDATE sets,
	// even to the value it had (two B-tree pages of about eight that a
	// completion writes).
	updateEnrolmentDataQuery = "UPDATE habitkit_enrolments SET data = ?, version = version + 1 WHERE id = ? AND version = ?"
)

// readEnrolment is what a transaction remembers of the last enrolment it
// read or wrote: its indexed columns at the version it has. An update of that
// version that leaves them as they are need not set them (the version
// check guarantees the row still holds them).
type readEnrolment struct {
	id               uuid.UUID
	version          int64
	programmeVersion int
	team, cohort     string
}

// unchangedColumns reports whether e updates the enrolment t read last
// without changing its indexed columns.
func (t *tx) unchangedColumns(e *challenge.Enrolment) bool {
	r := &t.read
	return r.id == e.ID && r.id != uuid.Nil && r.version == e.Version && r.programmeVersion == e.ProgrammeVersion &&
		r.team == string(e.TeamID) && r.cohort == e.CohortID
}

// remember records e as the enrolment t read or wrote last.
func (t *tx) remember(e *challenge.Enrolment) {
	t.read = readEnrolment{id: e.ID, version: e.Version, programmeVersion: e.ProgrammeVersion, team: string(e.TeamID), cohort: e.CohortID}
}

// enrolmentCursor is the key after which an enrolment listing resumes.
type enrolmentCursor struct {
	L  string    `json:"l"`
	ID uuid.UUID `json:"id"`
}

// enrolmentData is the JSON of the enrolment fields that are never queried
// (the data column). Its tags have no omitempty, so that nil and empty
// slices come back as they went in.
type enrolmentData struct {
	Start      challenge.Date         `json:"start"`
	FirstDay   int                    `json:"firstDay"`
	Zones      []challenge.ZoneChange `json:"zones"`
	Rota       challenge.Rota         `json:"rota"`
	Absences   []challenge.Absence    `json:"absences"`
	EnrolledAt time.Time              `json:"enrolledAt"`
	Progress   challenge.Progress     `json:"progress"`
	// Held and BadgeLayout are Enrolment.Badges and BadgeLayout. (Data
	// written before held badges were bits kept references under
	// "badges", which reading ignores: an enrolment read without a layout
	// has its bits rebuilt from its awards by the engine.)
	Held        challenge.HeldBadges `json:"held,omitzero"`
	BadgeLayout uint32               `json:"badgeLayout,omitempty"`
	// BoardsOptOut is Enrolment.BoardsOptOut.
	BoardsOptOut bool `json:"boardsOptOut,omitempty"`
	// FinalPosition is Enrolment.FinalPosition.
	FinalPosition int `json:"finalPosition,omitempty"`
	// Reflections are the reflection counters badges read.
	Reflections challenge.ReflectionCounts `json:"reflections,omitzero"`
	// EmptyDone records an empty, non-nil Progress.Done, which the
	// omitempty of Progress's own JSON would turn into nil.
	EmptyDone bool `json:"emptyDone,omitempty"`
}

func encodeEnrolmentData(e challenge.Enrolment) (string, error) {
	d := enrolmentData{
		Start:         e.Start,
		FirstDay:      e.FirstDay,
		Rota:          e.Rota,
		Absences:      e.Absences,
		EnrolledAt:    normTime(e.EnrolledAt),
		Progress:      e.Progress,
		Reflections:   e.Reflections,
		BoardsOptOut:  e.BoardsOptOut,
		FinalPosition: e.FinalPosition,
		EmptyDone:     e.Progress.Done != nil && len(e.Progress.Done) == 0,
		Held:          e.Badges,
		BadgeLayout:   e.BadgeLayout,
	}
	if e.Zones != nil {
		d.Zones = make([]challenge.ZoneChange, len(e.Zones))
		for i, z := range e.Zones {
			d.Zones[i] = challenge.ZoneChange{From: normTime(z.From), Zone: z.Zone}
		}
	}
	b, err := json.Marshal(d)
	return string(b), err
}

func decodeEnrolmentData(b []byte, e *challenge.Enrolment) error {
	var d enrolmentData
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	e.Start, e.FirstDay, e.Rota, e.Absences = d.Start, d.FirstDay, d.Rota, d.Absences
	e.EnrolledAt = d.EnrolledAt.UTC()
	e.Zones = d.Zones
	for i := range e.Zones {
		e.Zones[i].From = e.Zones[i].From.UTC()
	}
	e.Progress = d.Progress
	e.Badges, e.BadgeLayout = d.Held, d.BadgeLayout
	e.BoardsOptOut = d.BoardsOptOut
	e.FinalPosition = d.FinalPosition
	e.Reflections = d.Reflections
	if d.EmptyDone && e.Progress.Done == nil {
		e.Progress.Done = challenge.Days{}
	}
	return nil
}

// scanEnrolment reads one row of enrolmentColumns.
func scanEnrolment(scan func(dest ...any) error) (challenge.Enrolment, error) {
	var (
		e                        challenge.Enrolment
		participant, team, cohrt string
		data                     []byte
	)
	if err := scan(&e.ID, &e.ProgrammeID, &e.ProgrammeVersion, &participant, &team, &cohrt, &e.Version, &data); err != nil {
		return challenge.Enrolment{}, err
	}
	e.ParticipantID, e.TeamID, e.CohortID = challenge.ParticipantID(participant), challenge.TeamID(team), cohrt
	if err := decodeEnrolmentData(data, &e); err != nil {
		return challenge.Enrolment{}, fmt.Errorf("decode enrolment %s: %w", e.ID, err)
	}
	return e, nil
}

// getEnrolment returns the enrolment the query selects.
//
// In a write transaction the read locks the row (SELECT ... FOR UPDATE on
// PostgreSQL and MySQL). The engine reads an enrolment in order to update
// it, and concurrent writers of one enrolment would otherwise all read the
// same Version and all but one fail with ErrConflict and redo their work;
// with the lock they queue at the read and each update succeeds. Plain reads
// (View, and other writers' non-locking reads) are not blocked.
func (t *tx) getEnrolment(ctx context.Context, op func() string, query string, args ...any) (challenge.Enrolment, error) {
	if t.failed != nil || t.spoilt != nil {
		return challenge.Enrolment{}, t.check(op())
	}
	if t.write {
		query += t.s.d.lockSuffix()
	}
	row := t.queryRowStmt(ctx, query, args)
	e, err := scanEnrolment(row.Scan)
	switch {
	case errors.Is(err, sqlNoRows):
		return challenge.Enrolment{}, notFound(op())
	case err != nil:
		return challenge.Enrolment{}, t.wrap(ctx, op(), err)
	}
	if t.write {
		t.remember(&e)
	}
	return e, nil
}

// GetEnrolment implements [storage.EnrolmentReader.GetEnrolment].
func (t *tx) GetEnrolment(ctx context.Context, id uuid.UUID) (challenge.Enrolment, error) {
	return t.getEnrolment(ctx, func() string { return "get enrolment " + id.String() }, getEnrolmentQuery, id)
}

// GetEnrolmentByParticipant implements [storage.EnrolmentReader.GetEnrolmentByParticipant].
func (t *tx) GetEnrolmentByParticipant(ctx context.Context, programmeID string, participant challenge.ParticipantID) (challenge.Enrolment, error) {
	return t.getEnrolment(ctx, func() string { return fmt.Sprintf("get enrolment of %q in programme %q", participant, programmeID) },
		"SELECT "+enrolmentColumns+" FROM habitkit_enrolments WHERE programme_id = ? AND participant_id = ?",
		programmeID, string(participant))
}

// ListEnrolments implements [storage.EnrolmentReader.ListEnrolments].
func (t *tx) ListEnrolments(ctx context.Context, f storage.EnrolmentFilter, cursor storage.Cursor, limit int) (storage.Page[challenge.Enrolment], error) {
	op := fmt.Sprintf("list enrolments of programme %q", f.ProgrammeID)
	limit = storage.ClampLimit(limit)
	q := "SELECT " + enrolmentColumns + " FROM habitkit_enrolments WHERE programme_id = ?"
	args := []any{f.ProgrammeID}
	if f.TeamID != "" {
		q += " AND team_id = ?"
		args = append(args, string(f.TeamID))
	}
	if f.CohortID != "" {
		q += " AND cohort_id = ?"
		args = append(args, f.CohortID)
	}
	if cursor != "" {
		var c enrolmentCursor
		if err := decodeCursor(cursor, enrolmentListing, &c, &c.L); err != nil {
			return storage.Page[challenge.Enrolment]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND id > ?"
		args = append(args, c.ID)
	}
	return listPage(ctx, t, op, q+" ORDER BY id", args, limit, scanEnrolment,
		func(last challenge.Enrolment) storage.Cursor {
			return storage.EncodeCursor(enrolmentCursor{L: enrolmentListing, ID: last.ID})
		})
}

// InsertEnrolment implements [storage.EnrolmentWriter.InsertEnrolment].
func (t *tx) InsertEnrolment(ctx context.Context, e challenge.Enrolment) error {
	op := "insert enrolment " + e.ID.String()
	data, err := encodeEnrolmentData(e)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	return t.insert(ctx, op,
		"INSERT INTO habitkit_enrolments ("+enrolmentColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.ProgrammeID, e.ProgrammeVersion, string(e.ParticipantID), string(e.TeamID), e.CohortID, e.Version, data)
}

// UpdateEnrolment implements [storage.EnrolmentWriter.UpdateEnrolment]
// as a compare-and-swap on the version column. A changed row always has its
// version bumped, so the rows-affected count is right on MySQL too (which
// counts changed, not matched, rows).
func (t *tx) UpdateEnrolment(ctx context.Context, e challenge.Enrolment) error {
	op := func() string { return fmt.Sprintf("update enrolment %s version %d", e.ID, e.Version) }
	data, err := encodeEnrolmentData(e)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op(), err)
	}
	var n int64
	if t.unchangedColumns(&e) {
		n, err = t.execf(ctx, op, updateEnrolmentDataQuery, data, e.ID, e.Version)
	} else {
		n, err = t.execf(ctx, op, updateEnrolmentQuery,
			e.ProgrammeVersion, string(e.TeamID), e.CohortID, data, e.ID, e.Version)
	}
	if err != nil {
		return err
	}
	if n > 0 {
		t.remember(&e)
		t.read.version++ // the row as it now stands
		return nil
	}
	return t.enrolmentNotUpdated(ctx, op(), e.ID)
}

// enrolmentNotUpdated explains why a compare-and-swap update of enrolment
// id matched no row: ErrNotFound when it does not exist, else ErrConflict
// because its stored version differs.
func (t *tx) enrolmentNotUpdated(ctx context.Context, op string, id uuid.UUID) error {
	ok, err := t.exists(ctx, op, "SELECT 1 FROM habitkit_enrolments WHERE id = ?", id)
	switch {
	case err != nil:
		return err
	case !ok:
		return notFound(op)
	}
	return fmt.Errorf("sqlstore: %s: %w: the stored version differs", op, storage.ErrConflict)
}

package storage

import (
	"context"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
)

// EnrolmentFilter selects enrolments of one programme. Empty fields do not
// filter.
type EnrolmentFilter struct {
	// ProgrammeID is required.
	ProgrammeID string
	// TeamID keeps only enrolments of this team.
	TeamID challenge.TeamID
	// CohortID keeps only enrolments of this cohort.
	CohortID string
}

// EnrolmentReader reads enrolments.
type EnrolmentReader interface {
	// GetEnrolment returns the enrolment with id, or ErrNotFound.
	GetEnrolment(ctx context.Context, id uuid.UUID) (challenge.Enrolment, error)
	// GetEnrolmentByParticipant returns the participant's enrolment in the
	// programme, or ErrNotFound.
	GetEnrolmentByParticipant(ctx context.Context, programmeID string, participant challenge.ParticipantID) (challenge.Enrolment, error)
	// ListEnrolments returns the enrolments matching f ordered by ID
	// (UUIDv7, so by enrolment time), paged by cursor.
	ListEnrolments(ctx context.Context, f EnrolmentFilter, cursor Cursor, limit int) (Page[challenge.Enrolment], error)
}

// EnrolmentWriter writes enrolments.
type EnrolmentWriter interface {
	// InsertEnrolment stores a new enrolment as given (its Version is
	// stored as it is, normally 1). It returns ErrConflict if the ID
	// exists or the participant is already enrolled in the programme.
	InsertEnrolment(ctx context.Context, e challenge.Enrolment) error
	// UpdateEnrolment replaces the stored enrolment with e if the stored
	// Version equals e.Version, and stores it with Version e.Version+1.
	// It returns ErrNotFound if there is no enrolment with e.ID, and
	// ErrConflict if the stored Version differs (a concurrent writer won).
	// ProgrammeID and ParticipantID never change.
	UpdateEnrolment(ctx context.Context, e challenge.Enrolment) error
}

// EnrolmentLoader is an optional interface of a transaction (check with a
// type assertion on the [ReadTx] or [Tx] a store hands to fn): it reads an
// enrolment into a value the caller keeps from call to call, as
// database/sql's Rows.Scan fills the caller's destinations. The engine
// reads an enrolment on every completion; an adapter that keeps
// enrolments in memory saves copying them into new slices each time.
type EnrolmentLoader interface {
	// LoadEnrolment sets *into to the enrolment with id, as GetEnrolment
	// returns it, reusing the memory of into's slices (see
	// [challenge.Enrolment.CopyFrom]); into shares no memory with the
	// store afterwards. It returns ErrNotFound if there is none, and then
	// leaves *into as it was.
	LoadEnrolment(ctx context.Context, id uuid.UUID, into *challenge.Enrolment) error
}

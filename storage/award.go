package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AwardKey identifies an award: one occurrence of one badge for one
// enrolment. A badge is awarded at most once per key, and the key is the
// award's only identity: nothing refers to an award by anything else, so
// an award has no ID of its own for a store to index.
type AwardKey struct {
	// EnrolmentID is the enrolment that earned the badge.
	EnrolmentID uuid.UUID
	// BadgeID is the badge's ID in its programme.
	BadgeID string
	// Tier is the 1-based tier for tiered badges, 0 otherwise.
	Tier int
	// Day is the programme day for badges that repeat daily, 0 otherwise.
	Day int
}

// Award records that an enrolment earned a badge occurrence.
type Award struct {
	AwardKey
	// ProgrammeID is the enrolment's programme.
	ProgrammeID string
	// AwardedAt is when the engine awarded it.
	AwardedAt time.Time
	// Evidence is what earned it, as JSON made by the engine; adapters
	// store the bytes as they are.
	Evidence []byte
}

// AwardReader reads awards.
type AwardReader interface {
	// GetAward returns the award with key, or ErrNotFound.
	GetAward(ctx context.Context, key AwardKey) (Award, error)
	// ListAwards returns the enrolment's awards ordered by (BadgeID, Tier,
	// Day), paged by cursor.
	ListAwards(ctx context.Context, enrolmentID uuid.UUID, cursor Cursor, limit int) (Page[Award], error)
	// CountHolders returns, for each badge of the programme that anyone
	// holds, how many distinct enrolments hold at least one occurrence of
	// it. Badges nobody holds are absent from the map.
	CountHolders(ctx context.Context, programmeID string) (map[string]int, error)
}

// AwardWriter writes awards.
type AwardWriter interface {
	// InsertAward stores a. It returns ErrConflict if an award with the
	// same key exists; the transaction stays usable.
	InsertAward(ctx context.Context, a Award) error
	// DeleteAward removes the award with key (a badge that no longer
	// holds). It returns ErrNotFound if there is none. The engine records
	// the removal in the audit trail.
	DeleteAward(ctx context.Context, key AwardKey) error
}

package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// AuditEntry records an administrative action, such as a revocation. Audit
// entries are append-only.
type AuditEntry struct {
	// ID is a UUIDv7 made by the engine; entries are ordered by it.
	ID uuid.UUID
	// ProgrammeID is the programme the action concerns.
	ProgrammeID string
	// EnrolmentID is the enrolment concerned, if any.
	EnrolmentID uuid.UUID
	// Action names what was done, such as "completion.revoked".
	Action string
	// Actor is the host's identifier of who did it.
	Actor string
	// Reason is the actor's explanation.
	Reason string
	// Subject identifies the record acted on, such as "day 3 / activity x".
	Subject string
	// At is when it was done.
	At time.Time
}

// AuditFilter selects audit entries of one programme.
type AuditFilter struct {
	// ProgrammeID is required.
	ProgrammeID string
	// EnrolmentID keeps only entries about this enrolment when not zero.
	EnrolmentID uuid.UUID
}

// AuditReader reads the audit trail.
type AuditReader interface {
	// ListAudit returns the entries matching f ordered by ID, paged by
	// cursor.
	ListAudit(ctx context.Context, f AuditFilter, cursor Cursor, limit int) (Page[AuditEntry], error)
}

// AuditWriter appends to the audit trail.
type AuditWriter interface {
	// InsertAudit appends e. It returns ErrConflict if e.ID exists.
	InsertAudit(ctx context.Context, e AuditEntry) error
}

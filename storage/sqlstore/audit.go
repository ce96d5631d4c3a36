package sqlstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/storage"
)

const auditColumns = "id, programme_id, enrolment_id, action, actor, reason, subject, at"

const auditListing = "audit"

// auditCursor is the key after which an audit listing resumes.
type auditCursor struct {
	L  string    `json:"l"`
	ID uuid.UUID `json:"id"`
}

// InsertAudit implements [storage.AuditWriter.InsertAudit].
func (t *tx) InsertAudit(ctx context.Context, e storage.AuditEntry) error {
	var enrolment any // NULL for "no enrolment"
	if e.EnrolmentID != uuid.Nil {
		enrolment = e.EnrolmentID
	}
	return t.insert(ctx, "insert audit entry "+e.ID.String(),
		"INSERT INTO habitkit_audit ("+auditColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.ProgrammeID, enrolment, e.Action, e.Actor, e.Reason, e.Subject, t.timeArg(e.At))
}

// ListAudit implements [storage.AuditReader.ListAudit].
func (t *tx) ListAudit(ctx context.Context, f storage.AuditFilter, cursor storage.Cursor, limit int) (storage.Page[storage.AuditEntry], error) {
	op := fmt.Sprintf("list audit entries of programme %q", f.ProgrammeID)
	limit = storage.ClampLimit(limit)
	q := "SELECT " + auditColumns + " FROM habitkit_audit WHERE programme_id = ?"
	args := []any{f.ProgrammeID}
	if f.EnrolmentID != uuid.Nil {
		q += " AND enrolment_id = ?"
		args = append(args, f.EnrolmentID)
	}
	if cursor != "" {
		var c auditCursor
		if err := decodeCursor(cursor, auditListing, &c, &c.L); err != nil {
			return storage.Page[storage.AuditEntry]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND id > ?"
		args = append(args, c.ID)
	}
	return listPage(ctx, t, op, q+" ORDER BY id", args, limit,
		func(scan func(...any) error) (storage.AuditEntry, error) {
			var (
				e         storage.AuditEntry
				enrolment uuid.NullUUID
				at        = timeScan{d: t.s.d}
			)
			err := scan(&e.ID, &e.ProgrammeID, &enrolment, &e.Action, &e.Actor, &e.Reason, &e.Subject, &at)
			e.EnrolmentID, e.At = enrolment.UUID, at.t
			return e, err
		},
		func(last storage.AuditEntry) storage.Cursor {
			return storage.EncodeCursor(auditCursor{L: auditListing, ID: last.ID})
		})
}

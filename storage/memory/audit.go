package memory

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/storage"
)

// ListAudit implements [storage.AuditReader.ListAudit].
func (r *reader) ListAudit(ctx context.Context, f storage.AuditFilter, cursor storage.Cursor, limit int) (storage.Page[storage.AuditEntry], error) {
	var page storage.Page[storage.AuditEntry]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after uuid.UUID
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list audit: %w", err)
		}
	}
	ix := r.s.auditBy[auditGroup{f.ProgrammeID, f.EnrolmentID}]
	if ix == nil {
		return page, nil
	}
	limit = storage.ClampLimit(limit)
	ix.ascend(after, cursor == "", func(id uuid.UUID) bool {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(page.Items[limit-1].ID)
			return false
		}
		page.Items = append(page.Items, *r.s.audit[id])
		return true
	})
	return page, nil
}

// InsertAudit implements [storage.AuditWriter.InsertAudit].
func (w *writer) InsertAudit(ctx context.Context, e storage.AuditEntry) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	if _, ok := s.audit[e.ID]; ok {
		return errAuditExists
	}
	e.At = e.At.UTC()
	s.audit[e.ID] = &e
	addTo(s.auditBy, auditGroup{e.ProgrammeID, uuid.Nil}, e.ID)
	if e.EnrolmentID != uuid.Nil {
		addTo(s.auditBy, auditGroup{e.ProgrammeID, e.EnrolmentID}, e.ID)
	}
	w.log(undoRec{op: undoInsertAudit, id: e.ID})
	return nil
}

// unInsertAudit undoes an InsertAudit.
func (s *Store) unInsertAudit(id uuid.UUID) {
	e := s.audit[id]
	removeFrom(s.auditBy, auditGroup{e.ProgrammeID, uuid.Nil}, id)
	if e.EnrolmentID != uuid.Nil {
		removeFrom(s.auditBy, auditGroup{e.ProgrammeID, e.EnrolmentID}, id)
	}
	delete(s.audit, id)
}

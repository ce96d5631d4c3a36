package storagetest

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/habitkit/habitkit/storage"
)

func (h *harness) testAudit(t *testing.T) {
	t.Run("InsertListRoundTrip", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		ids := sortedIDs(5)
		entries := []storage.AuditEntry{
			auditEntry(ids[0], sc.programme, es[0].ID),
			auditEntry(ids[1], sc.programme, uuid.Nil), // about the programme only
			auditEntry(ids[2], sc.programme, es[1].ID),
			auditEntry(ids[3], other.programme, uuid.Nil),
			auditEntry(ids[4], sc.programme, es[0].ID),
		}
		entries[1].Action, entries[1].Subject = "programme.published", ""
		// Inserted out of ID order: the listing order must come from the
		// IDs.
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for _, i := range []int{4, 2, 0, 3, 1} {
				if err := tx.InsertAudit(ctx, entries[i]); err != nil {
					return err
				}
			}
			return nil
		})
		got := listAll(t, h.store, listAudit(storage.AuditFilter{ProgrammeID: sc.programme}))
		assertAudit(t, "ListAudit must return the programme's entries ordered by ID, every field round-tripped",
			[]storage.AuditEntry{entries[0], entries[1], entries[2], entries[4]}, got)
		got = listAll(t, h.store, listAudit(storage.AuditFilter{ProgrammeID: sc.programme, EnrolmentID: es[0].ID}))
		assertAudit(t, "ListAudit with an EnrolmentID must return only the entries about that enrolment, ordered by ID",
			[]storage.AuditEntry{entries[0], entries[4]}, got)
		got = listAll(t, h.store, listAudit(storage.AuditFilter{ProgrammeID: uniq("prog")}))
		assert.Empty(t, got, "ListAudit of a programme without entries must return none")
	})

	t.Run("DuplicateIDConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		original := auditEntry(newID(), sc.programme, uuid.Nil)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertAudit(ctx, original)
		})
		dup := original
		dup.Reason = "again"
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertAudit(ctx, dup)
		})
		assert.ErrorIs(t, err, storage.ErrConflict, "inserting an audit entry whose ID exists must return ErrConflict")
		got := listAll(t, h.store, listAudit(storage.AuditFilter{ProgrammeID: sc.programme}))
		assertAudit(t, "a conflicting insert must leave the audit trail unchanged", []storage.AuditEntry{original}, got)
	})
}

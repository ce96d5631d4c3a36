package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// errDeliberate is the error the suite's transaction functions fail with.
var errDeliberate = errors.New("storagetest: deliberate failure")

// scopeState is everything a scope's records look like from outside.
type scopeState struct {
	Programme   storage.Programme
	Enrolments  []challenge.Enrolment
	Completions []challenge.Completion
	Audit       []storage.AuditEntry
}

func (sc *scope) state(t testing.TB) scopeState {
	t.Helper()
	var st scopeState
	var err error
	st.Programme, err = getProgramme(t, sc.store, sc.programme, 0)
	require.NoError(t, err, "getting a stored programme must succeed")
	st.Programme = normProgramme(st.Programme)
	st.Enrolments = mapSlice(listAll(t, sc.store, listEnrolments(storage.EnrolmentFilter{ProgrammeID: sc.programme})), normEnrolment)
	for _, e := range st.Enrolments {
		cs := listAll(t, sc.store, listCompletions(storage.CompletionFilter{EnrolmentID: e.ID, IncludeRevoked: true}))
		st.Completions = append(st.Completions, mapSlice(cs, normCompletion)...)
	}
	st.Audit = mapSlice(listAll(t, sc.store, listAudit(storage.AuditFilter{ProgrammeID: sc.programme})), normAudit)
	return st
}

func (h *harness) testTx(t *testing.T) {
	t.Run("ErrorRollsBackEverything", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e1 := sc.mustEnrol(t, 1, nil)[0]
		c1 := completion(e1, 3, "walk")
		mustInsertCompletions(t, h.store, c1)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertAudit(ctx, auditEntry(newID(), sc.programme, e1.ID))
		})
		before := sc.state(t)

		otherProgramme := programmeVersion(uniq("prog"), 1)
		e2 := sc.enrolment()
		e2.TeamID, e2.CohortID = "team-rollback", "cohort-rollback"
		c2 := completion(e1, 4, "walk")
		c3 := completion(e2, 1, "walk")
		a2 := auditEntry(newID(), sc.programme, e2.ID)
		var stepErr error
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			stepErr = func() error {
				steps := []func() error{
					func() error { return tx.InsertProgramme(ctx, programmeVersion(sc.programme, 2)) },
					func() error { return tx.InsertProgramme(ctx, otherProgramme) },
					func() error { return tx.InsertEnrolment(ctx, e2) },
					func() error {
						changed := changeEnrolment(e1)
						changed.TeamID = "team-rollback"
						if err := tx.UpdateEnrolment(ctx, changed); err != nil {
							return err
						}
						changed.Version++
						changed = changeEnrolment(changed)
						changed.TeamID = "team-rollback"
						return tx.UpdateEnrolment(ctx, changed)
					},
					func() error { return tx.InsertCompletion(ctx, c2) },
					func() error { return tx.InsertCompletion(ctx, c3) },
					func() error { return tx.RevokeCompletion(ctx, c1.CompletionKey, revocation("admin")) },
					func() error { return tx.InsertAudit(ctx, a2) },
				}
				for i, step := range steps {
					if err := step(); err != nil {
						return fmt.Errorf("step %d: %w", i, err)
					}
				}
				return nil
			}()
			return errDeliberate
		})
		require.NoError(t, stepErr, "writes of new records inside a transaction must succeed")
		require.ErrorIs(t, err, errDeliberate, "Update must return fn's error")

		assert.Equal(t, before, sc.state(t), "when fn returns an error, Update must write nothing: every insert, update and revocation is rolled back")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetProgramme(ctx, otherProgramme.ID, 0)
			assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new programme)")
			_, err = tx.GetEnrolment(ctx, e2.ID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new enrolment)")
			_, err = tx.GetEnrolmentByParticipant(ctx, sc.programme, e2.ParticipantID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new enrolment by participant)")
			_, err = tx.GetCompletion(ctx, c3.CompletionKey)
			assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new completion)")
			_, err = tx.GetCompletionByIdempotencyKey(ctx, c2.IdempotencyKey)
			assert.ErrorIs(t, err, storage.ErrNotFound, "when fn returns an error, Update must write nothing (a new idempotency key)")
			for team, want := range map[challenge.TeamID][]challenge.Enrolment{"team-rollback": nil, e1.TeamID: {e1}} {
				page, err := tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: team}, "", 0)
				assert.NoError(t, err, "listing enrolments must succeed")
				assert.Equal(t, enrolmentIDs(want), enrolmentIDs(page.Items), "when fn returns an error, Update must write nothing (team %q after an update changed it)", team)
			}
			return nil
		})

		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return errors.Join(
				tx.InsertProgramme(ctx, programmeVersion(sc.programme, 2)),
				tx.InsertProgramme(ctx, otherProgramme),
				tx.InsertEnrolment(ctx, e2),
				tx.InsertCompletion(ctx, c2),
				tx.InsertCompletion(ctx, c3),
				tx.InsertAudit(ctx, a2),
			)
		})
		assert.NoError(t, err, "a rolled-back insert must leave no trace: inserting the same records again must succeed")
	})

	t.Run("ReturnsFnErrorUnchanged", func(t *testing.T) {
		t.Parallel()
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return fmt.Errorf("wrapped by fn: %w", errDeliberate)
		})
		assert.ErrorIs(t, err, errDeliberate, "Update must return fn's error unchanged, so errors.Is works on it")
		err = h.store.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
			return fmt.Errorf("wrapped by fn: %w", errDeliberate)
		})
		assert.ErrorIs(t, err, errDeliberate, "View must return fn's error unchanged, so errors.Is works on it")
	})

	t.Run("ReadsSeeOwnWrites", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		p := programmeVersion(uniq("prog"), 1)
		e := sc.enrolment()
		c := completion(e, 2, "walk")
		a := auditEntry(newID(), sc.programme, e.ID)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.InsertProgramme(ctx, p), "inserting a new programme must succeed")
			got, err := tx.GetProgramme(ctx, p.ID, 0)
			require.NoError(t, err, "reads inside a transaction must see its own writes (a programme)")
			assertProgramme(t, "reads inside a transaction must see its own writes (a programme)", p, got)

			require.NoError(t, tx.InsertEnrolment(ctx, e), "inserting a new enrolment must succeed")
			gotE, err := tx.GetEnrolment(ctx, e.ID)
			require.NoError(t, err, "reads inside a transaction must see its own writes (an enrolment)")
			assertEnrolment(t, "reads inside a transaction must see its own writes (an enrolment)", e, gotE)
			_, err = tx.GetEnrolmentByParticipant(ctx, sc.programme, e.ParticipantID)
			require.NoError(t, err, "reads inside a transaction must see its own writes (an enrolment by participant)")
			page, err := tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: e.TeamID}, "", 0)
			require.NoError(t, err, "listing enrolments must succeed")
			assert.Equal(t, enrolmentIDs([]challenge.Enrolment{e}), enrolmentIDs(page.Items), "reads inside a transaction must see its own writes (an enrolment listing)")

			changed := changeEnrolment(e)
			require.NoError(t, tx.UpdateEnrolment(ctx, changed), "updating an enrolment at its stored Version must succeed")
			gotE, err = tx.GetEnrolment(ctx, e.ID)
			require.NoError(t, err, "reads inside a transaction must see its own writes (an updated enrolment)")
			changed.Version++
			assertEnrolment(t, "reads inside a transaction must see its own writes (an updated enrolment)", changed, gotE)
			changed = changeEnrolment(changed)
			require.NoError(t, tx.UpdateEnrolment(ctx, changed), "updating an enrolment twice in one transaction must succeed when each update carries the Version the previous one stored")

			require.NoError(t, tx.InsertCompletion(ctx, c), "inserting a new completion must succeed")
			gotC, err := tx.GetCompletion(ctx, c.CompletionKey)
			require.NoError(t, err, "reads inside a transaction must see its own writes (a completion)")
			assertCompletion(t, "reads inside a transaction must see its own writes (a completion)", c, gotC)
			_, err = tx.GetCompletionByIdempotencyKey(ctx, c.IdempotencyKey)
			require.NoError(t, err, "reads inside a transaction must see its own writes (an idempotency key)")
			cpage, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, "", 0)
			require.NoError(t, err, "listing completions must succeed")
			assert.Len(t, cpage.Items, 1, "reads inside a transaction must see its own writes (a completion listing)")

			require.NoError(t, tx.RevokeCompletion(ctx, c.CompletionKey, revocation("admin")), "revoking a completion must succeed")
			gotC, err = tx.GetCompletion(ctx, c.CompletionKey)
			require.NoError(t, err, "getting a revoked completion must succeed")
			assert.True(t, gotC.Revoked(), "reads inside a transaction must see its own writes (a revocation)")
			cpage, err = tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, "", 0)
			require.NoError(t, err, "listing completions must succeed")
			assert.Empty(t, cpage.Items, "reads inside a transaction must see its own writes (a revocation hides the completion from the listing)")

			require.NoError(t, tx.InsertAudit(ctx, a), "inserting a new audit entry must succeed")
			apage, err := tx.ListAudit(ctx, storage.AuditFilter{ProgrammeID: sc.programme}, "", 0)
			require.NoError(t, err, "listing the audit trail must succeed")
			assertAudit(t, "reads inside a transaction must see its own writes (an audit entry)", []storage.AuditEntry{a}, apage.Items)
			return nil
		})
	})

	t.Run("ConflictLeavesTxUsable", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c1 := completion(e, 1, "walk")
		mustInsertCompletions(t, h.store, c1)
		c2 := completion(e, 2, "walk")
		var dupErr, partErr, staleErr, revokeErr, missErr error
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			dup := completion(e, 1, "walk")
			dupErr = tx.InsertCompletion(ctx, dup)
			again := sc.enrolment()
			again.ParticipantID = e.ParticipantID
			partErr = tx.InsertEnrolment(ctx, again)
			stale := e
			stale.Version = 7
			staleErr = tx.UpdateEnrolment(ctx, stale)
			revokeErr = tx.RevokeCompletion(ctx, challenge.CompletionKey{EnrolmentID: e.ID, Day: 9, ActivityID: "walk"}, revocation("admin"))
			_, missErr = tx.GetEnrolment(ctx, newID())

			// The engine reads the existing record after a conflict, then
			// goes on writing.
			got, err := tx.GetCompletion(ctx, c1.CompletionKey)
			if err != nil {
				return fmt.Errorf("after a conflict, reads in the same transaction must still work: %w", err)
			}
			if got.ID != c1.ID {
				return fmt.Errorf("after a conflict, a read must return the original record")
			}
			if err := tx.InsertCompletion(ctx, c2); err != nil {
				return fmt.Errorf("after a conflict, writes in the same transaction must still work: %w", err)
			}
			en, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			en.Progress.Points++
			return tx.UpdateEnrolment(ctx, en)
		})
		assert.ErrorIs(t, dupErr, storage.ErrConflict, "inserting a completion whose key exists must return ErrConflict")
		assert.ErrorIs(t, partErr, storage.ErrConflict, "enrolling a participant twice in one programme must return ErrConflict")
		assert.ErrorIs(t, staleErr, storage.ErrConflict, "updating an enrolment whose stored Version differs must return ErrConflict")
		assert.ErrorIs(t, revokeErr, storage.ErrNotFound, "revoking a completion whose key does not exist must return ErrNotFound")
		assert.ErrorIs(t, missErr, storage.ErrNotFound, "getting an enrolment whose ID does not exist must return ErrNotFound")
		_, err := getCompletion(t, h.store, c2.CompletionKey)
		assert.NoError(t, err, "after ErrConflict the transaction must stay usable: its other writes must commit")
		got, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assert.Equal(t, e.Progress.Points+1, got.Progress.Points, "after ErrConflict the transaction must stay usable: its other writes must commit")
		assert.Equal(t, e.Version+1, got.Version, "a failed UpdateEnrolment must write nothing")
	})

	t.Run("PanicRollsBack", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.enrolment()
		type panicValue struct{ s string }
		recovered := func() (r any) {
			defer func() { r = recover() }()
			_ = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				if err := tx.InsertEnrolment(ctx, e); err != nil {
					return err
				}
				panic(panicValue{"storagetest"})
			})
			return nil
		}()
		assert.Equal(t, panicValue{"storagetest"}, recovered, "when fn panics, the panic must continue out of Update")
		_, err := getEnrolment(t, h.store, e.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "when fn panics, Update must write nothing")
		err = h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertEnrolment(ctx, e)
		})
		assert.NoError(t, err, "after fn panicked, the store must go on working (the transaction was released)")
	})

	t.Run("ViewIsSnapshot", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 1, "walk")
		written := make(chan error, 1)
		write := func() {
			written <- h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				en, err := tx.GetEnrolment(ctx, e.ID)
				if err != nil {
					return err
				}
				en.Progress.Points++
				if err := tx.UpdateEnrolment(ctx, en); err != nil {
					return err
				}
				return tx.InsertCompletion(ctx, c)
			})
		}
		waited := false
		err := h.store.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
			first, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			go write()
			if h.suite.Features.WriteDuringView {
				// The write commits while this View is open.
				if err := <-written; err != nil {
					return fmt.Errorf("an Update must be able to commit while a View runs (Features.WriteDuringView): %w", err)
				}
				waited = true
			}
			// Otherwise the writer may be waiting for this View to end, or
			// may commit at any moment: either way, no read below may see it.
			second, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			assertEnrolment(t, "a View must see one snapshot: a write committed while it runs must not be visible", first, second)
			_, err = tx.GetCompletion(ctx, c.CompletionKey)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a View must see one snapshot: a completion committed while it runs must not be visible")
			page, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, "", 0)
			if err != nil {
				return err
			}
			assert.Empty(t, page.Items, "a View must see one snapshot: a completion committed while it runs must not be listed")
			return nil
		})
		require.NoError(t, err, "a View whose function succeeds must return no error")
		if !waited {
			require.NoError(t, <-written, "an Update must commit once a View ends")
		}
		got, err := getEnrolment(t, h.store, e.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assert.Equal(t, e.Progress.Points+1, got.Progress.Points, "a View that ends must make the write committed meanwhile visible to later transactions")
	})

	t.Run("CancelledContextWritesNothing", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.enrolment()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := h.store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertEnrolment(ctx, e)
		})
		assert.ErrorIs(t, err, context.Canceled, "Update with a cancelled context must return an error wrapping ctx.Err()")
		_, err = getEnrolment(t, h.store, e.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "Update with a cancelled context must write nothing")
		err = h.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetEnrolment(ctx, e.ID)
			return err
		})
		assert.ErrorIs(t, err, context.Canceled, "View with a cancelled context must return an error wrapping ctx.Err()")
	})

	t.Run("CancelledDuringUpdateWritesNothing", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.enrolment()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var insertErr error
		err := h.store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			insertErr = tx.InsertEnrolment(ctx, e)
			cancel()
			return insertErr
		})
		require.NoError(t, insertErr, "inserting a new enrolment must succeed")
		assert.ErrorIs(t, err, context.Canceled, "Update whose context is cancelled before it commits must return an error wrapping ctx.Err()")
		_, err = getEnrolment(t, h.store, e.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "Update whose context is cancelled before it commits must write nothing")
	})

	t.Run("ClosedStoreReturnsErrClosed", func(t *testing.T) {
		t.Parallel()
		s := h.fresh(t)
		require.NoError(t, s.Close(), "closing an open store must succeed")
		err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertProgramme(ctx, programmeVersion(uniq("prog"), 1))
		})
		assert.ErrorIs(t, err, storage.ErrClosed, "after Close, Update must return ErrClosed")
		err = s.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetProgramme(ctx, "any", 0)
			return err
		})
		assert.ErrorIs(t, err, storage.ErrClosed, "after Close, View must return ErrClosed")
	})
}

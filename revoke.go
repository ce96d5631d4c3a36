package habitkit

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// RevokeRequest asks to revoke a completion (cheating, a mistake).
type RevokeRequest struct {
	// EnrolmentID is the participant's enrolment (required).
	EnrolmentID uuid.UUID
	// Day is the completion's programme day (required).
	Day int
	// ActivityID is the completion's activity; empty means the day's
	// scheduled activity.
	ActivityID string
	// Actor is the host's identifier of the administrator (required).
	Actor string
	// Reason explains the revocation (required); it is kept in the audit
	// trail.
	Reason string
}

// ActionCompletionRevoked is the audit action recorded by Revoke.
const ActionCompletionRevoked = "completion.revoked"

// Revoke revokes a completion. Points, streaks, strength and level are
// recomputed exactly from the remaining completions, the revocation stays on
// the completion and in the audit trail, and a CompletionRevoked event is
// delivered. It returns the participant's progress snapshot afterwards.
// ErrNotFound: no such enrolment or completion; ErrRevoked: already revoked.
func (e *Engine) Revoke(ctx context.Context, req RevokeRequest) (challenge.Snapshot, error) {
	fail := func(err error) (challenge.Snapshot, error) {
		return challenge.Snapshot{}, fmt.Errorf("habitkit: revoke: enrolment %s: day %d: %w", req.EnrolmentID, req.Day, err)
	}
	if err := validateRevokeRequest(req); err != nil {
		return fail(err)
	}
	now := e.clock.Now().UTC()
	var snap challenge.Snapshot
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = events[:0], scores[:0]
		en, err := tx.GetEnrolment(ctx, req.EnrolmentID)
		if err != nil {
			return err
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		p := ed.p
		activityID := req.ActivityID
		if activityID == "" {
			slot, ok := p.SlotOn(req.Day)
			if !ok {
				return fmt.Errorf("no completion on day %d: %w", req.Day, storage.ErrNotFound)
			}
			activityID = slot.ActivityID
		}
		key := challenge.CompletionKey{EnrolmentID: en.ID, Day: req.Day, ActivityID: activityID}
		c, err := tx.GetCompletion(ctx, key)
		if err != nil {
			return fmt.Errorf("completion of %q: %w", activityID, err)
		}
		if c.Revoked() {
			return fmt.Errorf("completion of %q: %w", activityID, challenge.ErrRevoked)
		}
		today, err := en.DayAt(now, p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		rev := challenge.Revocation{At: now, Actor: req.Actor, Reason: req.Reason}
		if err := tx.RevokeCompletion(ctx, key, rev); err != nil {
			return err
		}
		before := metricsOf(&en.Progress)
		changes := en.Progress.Remove(challenge.NewCalendar(p, &en), req.Day, today, nil)
		h := header(&en, now)
		events = append(events, CompletionRevoked{EventHeader: h, Day: req.Day, ActivityID: activityID, Actor: req.Actor, Reason: req.Reason})
		events = changeEvents(p, h, changes, events)
		_, events, err = e.evaluateBadges(ctx, tx, ed, &en, today, req.Day, completionSources, false, now, true, events)
		if err != nil {
			return err
		}
		if scores, err = e.addScores(ctx, tx, ed, &en, before, req.Day, now, scores); err != nil {
			return err
		}
		if err := tx.UpdateEnrolment(ctx, en); err != nil {
			return err
		}
		auditID, err := e.ids.next()
		if err != nil {
			return err
		}
		err = tx.InsertAudit(ctx, storage.AuditEntry{
			ID: auditID, ProgrammeID: en.ProgrammeID, EnrolmentID: en.ID, Action: ActionCompletionRevoked,
			Actor: req.Actor, Reason: req.Reason, Subject: fmt.Sprintf("day %d activity %s", req.Day, activityID), At: now,
		})
		if err != nil {
			return err
		}
		snap = en.Progress.Snapshot()
		return nil
	})
	if err != nil {
		return fail(err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return snap, nil
}

func validateRevokeRequest(req RevokeRequest) error {
	var problems ValidationErrors
	if req.EnrolmentID == uuid.Nil {
		problems = append(problems, &ValidationError{Field: "EnrolmentID", Reason: "must be set"})
	}
	if req.Day < 1 {
		problems = append(problems, &ValidationError{Field: "Day", Reason: "must be a programme day (1 or more)"})
	}
	if strings.TrimSpace(req.Actor) == "" {
		problems = append(problems, &ValidationError{Field: "Actor", Reason: "must not be empty"})
	}
	if strings.TrimSpace(req.Reason) == "" {
		problems = append(problems, &ValidationError{Field: "Reason", Reason: "must not be empty"})
	}
	return problems.Err()
}

// Completions lists an enrolment's completions ordered by day, a page at a
// time; includeRevoked also lists revoked ones (with their Revocation).
func (e *Engine) Completions(ctx context.Context, enrolmentID uuid.UUID, includeRevoked bool, cursor storage.Cursor, limit int) (storage.Page[challenge.Completion], error) {
	var page storage.Page[challenge.Completion]
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		if _, err := tx.GetEnrolment(ctx, enrolmentID); err != nil {
			return err
		}
		var err error
		page, err = tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: enrolmentID, IncludeRevoked: includeRevoked}, cursor, limit)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("habitkit: completions of %s: %w", enrolmentID, err)
	}
	return page, nil
}

// AuditTrail lists a programme's audit entries (such as revocations) in the
// order they were made, a page at a time.
func (e *Engine) AuditTrail(ctx context.Context, f storage.AuditFilter, cursor storage.Cursor, limit int) (storage.Page[storage.AuditEntry], error) {
	var page storage.Page[storage.AuditEntry]
	if f.ProgrammeID == "" {
		return page, fmt.Errorf("habitkit: audit trail: %w", &ValidationError{Field: "ProgrammeID", Reason: "must not be empty"})
	}
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		page, err = tx.ListAudit(ctx, f, cursor, limit)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("habitkit: audit trail of %s: %w", f.ProgrammeID, err)
	}
	return page, nil
}

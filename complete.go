package habitkit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// CompleteRequest asks to record that a participant completed a day's
// activity.
type CompleteRequest struct {
	// EnrolmentID is the participant's enrolment (required).
	EnrolmentID uuid.UUID
	// Day is the programme day; 0 means today in the participant's zone.
	// Earlier days are accepted inside the programme's grace window.
	Day int
	// ActivityID is the activity; empty means the day's scheduled one.
	ActivityID string
	// IdempotencyKey, when set, identifies this request: sending it again
	// returns the original outcome, and sending it with a different
	// request returns ErrIdempotencyKeyReused. Keys are unique across the
	// store, at most 200 bytes.
	IdempotencyKey string
}

// Outcome is the result of Complete.
type Outcome struct {
	// Completion is the recorded completion, including the progress
	// snapshot (Completion.Outcome) taken when it was first recorded.
	Completion challenge.Completion
	// Replayed is true when the completion had already been recorded and
	// this call changed nothing.
	Replayed bool
	// Badges are the badge occurrences this completion earned (none on a
	// replay).
	Badges []EarnedBadge
}

const maxIdempotencyKey = 200

// Complete records that the participant completed a day's activity and
// updates their streak, strength, points and level in one transaction.
//
// It is idempotent on (enrolment, day, activity): recording the same
// completion again changes nothing and returns the original outcome with
// Replayed set. Errors: ErrNotYetOpen for a future day, ErrTooLate for a
// day past the grace window, ErrOutsideProgramme for a day outside the
// programme, ErrBeforeEnrolment for a day before a late joiner's first day,
// ErrNotScheduled when the activity is not that day's, ErrNotFound for an
// unknown enrolment or activity, ErrRevoked when the completion was revoked,
// ErrIdempotencyKeyReused, and ValidationError for malformed requests. On
// any error nothing is stored and no event is delivered.
func (e *Engine) Complete(ctx context.Context, req CompleteRequest) (Outcome, error) {
	var out Outcome
	if err := validateCompleteRequest(req); err != nil {
		return out, e.completeErr(req, err)
	}
	op := e.completeOps.Get().(*completeOp)
	op.req, op.now, op.listen = req, e.clock.Now().UTC(), e.hasListeners()
	err := e.retryUpdate(ctx, op.fn)
	if err == nil && op.wrote {
		e.enrolments.put(&op.en)
	}
	out, events, scores := op.out, op.events, op.scores
	*op = completeOp{e: e, fn: op.fn, scores: scores[:0], badges: op.badges, load: op.load}
	if err != nil {
		e.completeOps.Put(op)
		return Outcome{}, e.completeErr(req, err)
	}
	e.applyScores(scores)
	clear(scores)
	e.completeOps.Put(op)
	e.deliver(events)
	return out, nil
}

// completeOp carries one Complete call through its transaction. Ops are
// pooled with their transaction function bound once, so the hot path
// allocates no closure and its outcome does not escape to the heap.
type completeOp struct {
	e      *Engine
	fn     func(ctx context.Context, tx storage.Tx) error
	req    CompleteRequest
	now    time.Time
	listen bool
	out    Outcome
	events []Event
	scores []scoreChange // rows to apply to the rank index after commit
	badges badgeScratch  // buffers of the badge evaluation
	// careful is set when a combined write (storage.CompletionRecorder)
	// met a conflict, or an attempt that started from the enrolment cache
	// failed: the next attempts read the enrolment from storage and insert
	// the completion first, so that a conflict there can be read and
	// replayed in the transaction.
	careful bool
	// cached is set when the attempt started from the enrolment cache.
	cached bool
	// en is the enrolment as the last attempt wrote it (wrote set), for
	// the enrolment cache once the transaction commits; it shares memory
	// with load.
	en    challenge.Enrolment
	wrote bool
	// load is what each attempt reads the enrolment into: the memory of
	// its lists is kept from call to call.
	load challenge.Enrolment
}

func newCompleteOp(e *Engine) *completeOp {
	op := &completeOp{e: e}
	op.fn = op.run
	return op
}

// run is one attempt of the transaction; it resets what it collects,
// since the store or the engine may run it again.
func (op *completeOp) run(ctx context.Context, tx storage.Tx) error {
	var err error
	op.scores, op.wrote = op.scores[:0], false
	op.cached = false
	op.out, op.events, err = op.complete(ctx, tx)
	if err != nil && op.cached {
		// The cached enrolment may be stale, and any outcome drawn from
		// it (a refusal included) with it: run again from storage.
		op.careful = true
		op.e.enrolments.drop(op.req.EnrolmentID)
		if !errors.Is(err, storage.ErrConflict) {
			err = fmt.Errorf("%w: re-running from storage after an attempt from the enrolment cache failed: %w", storage.ErrConflict, err)
		}
	}
	return err
}

func (e *Engine) completeErr(req CompleteRequest, err error) error {
	return fmt.Errorf("habitkit: complete: enrolment %s: day %d: %w", req.EnrolmentID, req.Day, err)
}

func validateCompleteRequest(req CompleteRequest) error {
	var problems ValidationErrors
	if req.EnrolmentID == uuid.Nil {
		problems = append(problems, &ValidationError{Field: "EnrolmentID", Reason: "must be set"})
	}
	if req.Day < 0 {
		problems = append(problems, &ValidationError{Field: "Day", Reason: "must be 0 (today) or a programme day"})
	}
	if len(req.IdempotencyKey) > maxIdempotencyKey {
		problems = append(problems, &ValidationError{Field: "IdempotencyKey", Reason: fmt.Sprintf("must be at most %d bytes", maxIdempotencyKey)})
	}
	return problems.Err()
}

// complete is one attempt of Complete inside tx.
func (op *completeOp) complete(ctx context.Context, tx storage.Tx) (Outcome, []Event, error) {
	e, req, now, listen := op.e, op.req, op.now, op.listen
	scores, sc, careful, cached := &op.scores, &op.badges, &op.careful, &op.cached
	var events []Event
	if req.IdempotencyKey != "" {
		c, err := tx.GetCompletionByIdempotencyKey(ctx, req.IdempotencyKey)
		switch {
		case err == nil:
			if c.EnrolmentID != req.EnrolmentID || (req.Day != 0 && req.Day != c.Day) || (req.ActivityID != "" && req.ActivityID != c.ActivityID) {
				return Outcome{}, events, challenge.ErrIdempotencyKeyReused
			}
			return replay(c)
		case !errors.Is(err, storage.ErrNotFound):
			return Outcome{}, events, err
		}
	}
	// The enrolment is read into op.load, whose memory the op keeps from
	// call to call: where the store can load into it (or the cache has
	// the enrolment), reading it allocates nothing.
	en := &op.load
	var err error
	if !*careful {
		*cached = e.enrolments.load(req.EnrolmentID, en)
	}
	if !*cached {
		if l, ok := tx.(storage.EnrolmentLoader); ok {
			err = l.LoadEnrolment(ctx, req.EnrolmentID, en)
		} else {
			*en, err = tx.GetEnrolment(ctx, req.EnrolmentID)
		}
		if err != nil {
			return Outcome{}, events, err
		}
	}
	ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
	if err != nil {
		return Outcome{}, events, err
	}
	p := ed.p
	today, err := en.DayAt(now, p.DayStartHour, e.locate)
	if err != nil {
		return Outcome{}, events, err
	}
	day, err := checkDay(p, en, req.Day, today)
	if err != nil {
		return Outcome{}, events, err
	}
	slot, ok := p.SlotOn(day)
	if !ok {
		return Outcome{}, events, fmt.Errorf("nothing is scheduled on day %d: %w", day, challenge.ErrNotScheduled)
	}
	activityID := slot.ActivityID
	if req.ActivityID != "" && req.ActivityID != slot.ActivityID {
		if _, ok := p.Activity(req.ActivityID); !ok {
			return Outcome{}, events, fmt.Errorf("activity %q: %w", req.ActivityID, storage.ErrNotFound)
		}
		return Outcome{}, events, fmt.Errorf("activity %q on day %d (%q is scheduled): %w", req.ActivityID, day, slot.ActivityID, challenge.ErrNotScheduled)
	}
	key := challenge.CompletionKey{EnrolmentID: en.ID, Day: day, ActivityID: activityID}
	if en.Progress.Done.Has(day) {
		// Done days are exactly the recorded, unrevoked completions.
		return replayKey(ctx, tx, key, events)
	}
	activity, _ := p.Activity(activityID)
	cal := challenge.NewCalendar(p, en)
	var buf [8]challenge.Change
	longestBefore := en.Progress.Longest
	before := metricsOf(&en.Progress)
	changes := en.Progress.Record(cal, day, today, buf[:0])
	id, err := e.ids.next()
	if err != nil {
		return Outcome{}, events, err
	}
	c := challenge.Completion{
		ID:             id,
		CompletionKey:  key,
		ProgrammeID:    en.ProgrammeID,
		VariationID:    slot.VariationID,
		IdempotencyKey: req.IdempotencyKey,
		CompletedAt:    now,
		Points:         activity.Points,
		Outcome:        en.Progress.Snapshot(),
	}
	// Where the store can write the completion and the enrolment in one
	// statement, that happens at the end. Otherwise, or after that met a
	// conflict, insert first and read only on a conflict: the common case
	// costs no read, and the unique key decides races between writers.
	recorder, combined := tx.(storage.CompletionRecorder)
	combined = combined && !*careful
	if !combined {
		if err := tx.InsertCompletion(ctx, c); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				if out, evs, rerr := replayKey(ctx, tx, key, events); !errors.Is(rerr, storage.ErrNotFound) {
					return out, evs, rerr
				}
			}
			return Outcome{}, events, err
		}
	}
	if listen {
		h := header(en, now)
		events = append(events, Completed{EventHeader: h, Day: day, ActivityID: activityID, Points: activity.Points, Late: day < today})
		events = changeEvents(p, h, changes, events)
	}
	// Done days only grow here, by day alone, so only badges that read
	// that day are checked, and those over the streak only when the
	// longest streak changed. It can fall when a pending gap settles as
	// missed, and then every badge is re-checked.
	ev := badgeEvent{today: today, day: day, added: day, changed: completionSources, gained: en.Progress.Longest >= longestBefore, now: now, listen: listen, cal: cal}
	if en.Progress.Longest == longestBefore {
		ev.changed = completionOnlySources
	}
	earned, events, err := e.applyBadges(ctx, tx, ed, en, &ev, events, sc)
	if err != nil {
		return Outcome{}, events, err
	}
	if *scores, err = e.addScores(ctx, tx, ed, en, before, day, now, *scores); err != nil {
		return Outcome{}, events, err
	}
	if combined {
		if err := recorder.RecordCompletion(ctx, c, *en); err != nil {
			// A conflict may be a recorded (perhaps revoked) completion,
			// which only the careful path can tell; the attempt is
			// rolled back and run again.
			*careful = *careful || errors.Is(err, storage.ErrConflict)
			return Outcome{}, events, err
		}
	} else if err := tx.UpdateEnrolment(ctx, *en); err != nil {
		return Outcome{}, events, err
	}
	if e.enrolments != nil {
		op.en, op.wrote = *en, true
		op.en.Version++ // as stored
	}
	return Outcome{Completion: c, Badges: earned}, events, nil
}

// replayKey returns the outcome of the recorded completion with key
// (ErrNotFound when there is none).
func replayKey(ctx context.Context, tx storage.Tx, key challenge.CompletionKey, events []Event) (Outcome, []Event, error) {
	c, err := tx.GetCompletion(ctx, key)
	if err != nil {
		return Outcome{}, events, err
	}
	return replay(c)
}

func replay(c challenge.Completion) (Outcome, []Event, error) {
	if c.Revoked() {
		return Outcome{}, nil, fmt.Errorf("day %d activity %q: %w", c.Day, c.ActivityID, challenge.ErrRevoked)
	}
	return Outcome{Completion: c, Replayed: true}, nil, nil
}

// checkDay resolves the requested day (0 = today) and checks that it may be
// completed today.
func checkDay(p *challenge.Programme, en *challenge.Enrolment, requested, today int) (int, error) {
	day := requested
	if day == 0 {
		day = today
		if today < 1 {
			return 0, fmt.Errorf("the programme starts on %s: %w", en.Start, challenge.ErrNotYetOpen)
		}
	}
	switch {
	case day > p.Length:
		return 0, fmt.Errorf("day %d of %d: %w", day, p.Length, challenge.ErrOutsideProgramme)
	case day > today:
		return 0, fmt.Errorf("day %d opens after day %d: %w", day, today, challenge.ErrNotYetOpen)
	case day < en.FirstDay:
		return 0, fmt.Errorf("day %d is before first day %d: %w", day, en.FirstDay, challenge.ErrBeforeEnrolment)
	case day < today-p.GraceDays:
		return 0, fmt.Errorf("day %d ended; today is day %d and the grace window is %d days: %w", day, today, p.GraceDays, challenge.ErrTooLate)
	}
	return day, nil
}

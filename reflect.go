package habitkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Errors of the reflection calls. The refusals of package reflection are
// re-exported as the same values.
var (
	// ErrAlreadyReflected means the participant has already written the
	// reflection for that day's activity; edit it with EditReflection.
	ErrAlreadyReflected = errors.New("already reflected on this day's activity")
	// ErrOwnItem means a participant tried to react to or flag their own
	// reflection or response: reactions and flags are what colleagues
	// give.
	ErrOwnItem = errors.New("not allowed on one's own item")
	// ErrNotAuthor means only the item's author may edit or delete it.
	ErrNotAuthor = reflection.ErrNotAuthor
	// ErrEditWindowClosed means the author's edit window has passed.
	ErrEditWindowClosed = reflection.ErrEditWindowClosed
	// ErrNotModerator means only a moderator may hide or restore.
	ErrNotModerator = reflection.ErrNotModerator
	// ErrAlreadyFlagged means the participant has already flagged the item.
	ErrAlreadyFlagged = reflection.ErrAlreadyFlagged
	// ErrAlreadyHidden means a moderator tried to hide a hidden item.
	ErrAlreadyHidden = reflection.ErrAlreadyHidden
	// ErrNotHidden means a moderator tried to restore a visible item.
	ErrNotHidden = reflection.ErrNotHidden
)

// Viewer is who reads or acts on reflections, as the host knows them: the
// participant and their roles in the programme. The engine adds the
// viewer's team from their enrolment. Someone who is not enrolled in the
// programme and has no role there reads nothing; a moderator or a manager
// need not be enrolled.
type Viewer struct {
	// Participant is the person (required).
	Participant challenge.ParticipantID
	// ManagerOf lists the teams the person manages: they read their team
	// reflections.
	ManagerOf []challenge.TeamID
	// Moderator reports whether the person moderates the programme: they
	// read team and hidden reflections (never private ones), and hide and
	// restore items.
	Moderator bool
}

func (v Viewer) validate() error {
	if v.Participant == "" {
		return &ValidationError{Field: "Viewer.Participant", Reason: "must name who reads or acts"}
	}
	return nil
}

// ReflectRequest asks to record a participant's reflection on a day.
type ReflectRequest struct {
	// EnrolmentID is the author's enrolment (required).
	EnrolmentID uuid.UUID
	// Day is the programme day; 0 means today. Any day from the
	// participant's first day to today (and no later than the programme's
	// last day) may be reflected on.
	Day int
	// ActivityID is the activity; empty means the day's scheduled one.
	ActivityID string
	// Answers answer one or more of the day's prompts: the variation's
	// prompts when it has some, otherwise the activity's. On a day whose
	// activity has no prompts, one free-form answer with an empty Prompt
	// is accepted.
	Answers []reflection.Answer
	// Visibility is who may read it; 0 means the programme's default.
	Visibility reflection.Visibility
}

// ReflectOutcome is the result of Reflect.
type ReflectOutcome struct {
	// Reflection is the stored reflection.
	Reflection reflection.Reflection
	// Points are the bonus points it earned.
	Points int
	// Badges are the badge occurrences it earned.
	Badges []EarnedBadge
}

// Reflect records the participant's reflection on a day's activity, adds
// the programme's reflection bonus to their points (so levels follow) and
// awards the reflection badges it earns, in one transaction.
//
// There is one reflection per (enrolment, day, activity): a second Reflect
// returns ErrAlreadyReflected (the first stays as it was; the author edits
// it with EditReflection). Other errors: ErrNotYetOpen for a future day,
// ErrOutsideProgramme, ErrBeforeEnrolment, ErrNotScheduled when the
// activity is not that day's, ErrNotFound for an unknown enrolment or
// activity, and ValidationErrors for answers that break the text rules or
// do not answer the day's prompts. On any error nothing is stored and no
// event is delivered.
func (e *Engine) Reflect(ctx context.Context, req ReflectRequest) (ReflectOutcome, error) {
	fail := func(err error) (ReflectOutcome, error) {
		return ReflectOutcome{}, fmt.Errorf("habitkit: reflect: enrolment %s: day %d: %w", req.EnrolmentID, req.Day, err)
	}
	var problems ValidationErrors
	if req.EnrolmentID == uuid.Nil {
		problems = append(problems, &ValidationError{Field: "EnrolmentID", Reason: "must be set"})
	}
	if req.Day < 0 {
		problems = append(problems, &ValidationError{Field: "Day", Reason: "must be 0 (today) or a programme day"})
	}
	if req.Visibility != 0 && !req.Visibility.Valid() {
		problems = append(problems, &ValidationError{Field: "Visibility", Reason: "must be private, team or programme"})
	}
	if err := problems.Err(); err != nil {
		return fail(err)
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var (
		out    ReflectOutcome
		events []Event
		scores []scoreChange
	)
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		out, events, scores = ReflectOutcome{}, nil, scores[:0]
		en, err := tx.GetEnrolment(ctx, req.EnrolmentID)
		if err != nil {
			return err
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		p, set := ed.p, ed.settings
		today, err := en.DayAt(now, p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		day, err := reflectionDay(p, &en, req.Day, today)
		if err != nil {
			return err
		}
		slot, ok := p.SlotOn(day)
		if !ok {
			return fmt.Errorf("nothing is scheduled on day %d: %w", day, challenge.ErrNotScheduled)
		}
		if req.ActivityID != "" && req.ActivityID != slot.ActivityID {
			if _, ok := p.Activity(req.ActivityID); !ok {
				return fmt.Errorf("activity %q: %w", req.ActivityID, storage.ErrNotFound)
			}
			return fmt.Errorf("activity %q on day %d (%q is scheduled): %w", req.ActivityID, day, slot.ActivityID, challenge.ErrNotScheduled)
		}
		answers, err := set.TextRules().ValidateAnswers(dayPrompts(p, slot), req.Answers)
		if err != nil {
			return err
		}
		vis := req.Visibility
		if vis == 0 {
			vis = set.DefaultVisibility
		}
		key := storage.ReflectionKey{EnrolmentID: en.ID, Day: day, ActivityID: slot.ActivityID}
		switch _, err := tx.GetReflectionByKey(ctx, key); {
		case err == nil:
			return ErrAlreadyReflected
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		id, err := e.ids.next()
		if err != nil {
			return err
		}
		r := reflection.Reflection{
			ID: id, ProgrammeID: en.ProgrammeID, EnrolmentID: en.ID, Author: en.ParticipantID, AuthorTeam: en.TeamID,
			Day: day, ActivityID: slot.ActivityID, VariationID: slot.VariationID, Answers: answers, Visibility: vis,
			CreatedAt: now, Version: 1,
		}
		// A concurrent Reflect that won the key makes this insert fail
		// with ErrConflict; the re-run then finds it above.
		if err := tx.InsertReflection(ctx, r); err != nil {
			return err
		}
		en.Reflections.Written++
		var changes []challenge.Change
		before := metricsOf(&en.Progress)
		changes = en.Progress.AddBonus(challenge.NewCalendar(p, &en), day, set.Points.Reflection, today, changes)
		if scores, err = e.addScores(ctx, tx, ed, &en, before, day, now, scores); err != nil {
			return err
		}
		h := header(&en, now)
		if listen {
			events = append(events, Reflected{EventHeader: h, ReflectionID: id, Day: day, ActivityID: slot.ActivityID,
				Visibility: vis, Points: set.Points.Reflection})
			events = changeEvents(p, h, changes, events)
		}
		earned, evs, err := e.evaluateBadges(ctx, tx, ed, &en, today, 0, reflectionSources, true, now, listen, events)
		if err != nil {
			return err
		}
		events = evs
		if err := tx.UpdateEnrolment(ctx, en); err != nil {
			return err
		}
		out = ReflectOutcome{Reflection: r, Points: set.Points.Reflection, Badges: earned}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return out, nil
}

// reflectionDay resolves the requested day (0 = today) and checks that it
// may be reflected on today: not a future day, inside the programme and
// the enrolment. Unlike completions there is no grace window: a
// participant may reflect on any day they have lived through.
func reflectionDay(p *challenge.Programme, en *challenge.Enrolment, requested, today int) (int, error) {
	day := requested
	if day == 0 {
		day = today
		if today < 1 {
			return 0, fmt.Errorf("the programme starts on %s: %w", en.Start, challenge.ErrNotYetOpen)
		}
		if today > p.Length {
			return 0, fmt.Errorf("day %d of %d: %w", day, p.Length, challenge.ErrOutsideProgramme)
		}
	}
	switch {
	case day > p.Length:
		return 0, fmt.Errorf("day %d of %d: %w", day, p.Length, challenge.ErrOutsideProgramme)
	case day > today:
		return 0, fmt.Errorf("day %d opens after day %d: %w", day, today, challenge.ErrNotYetOpen)
	case day < en.FirstDay:
		return 0, fmt.Errorf("day %d is before first day %d: %w", day, en.FirstDay, challenge.ErrBeforeEnrolment)
	}
	return day, nil
}

// dayPrompts returns the prompts a reflection on slot answers: the
// variation's when it has any, else the activity's, else one free-form
// prompt "".
func dayPrompts(p *challenge.Programme, slot challenge.Slot) []string {
	a, ok := p.Activity(slot.ActivityID)
	if !ok {
		return nil
	}
	if v, ok := a.Variation(slot.VariationID); ok && len(v.Prompts) > 0 {
		return v.Prompts
	}
	if len(a.Prompts) > 0 {
		return a.Prompts
	}
	return []string{""}
}

// Prompts returns the prompts a reflection on the enrolment's day answers
// (day 0 means today); see ReflectRequest.Answers.
func (e *Engine) Prompts(ctx context.Context, enrolmentID uuid.UUID, day int) ([]string, error) {
	now := e.clock.Now().UTC()
	var out []string
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		en, err := tx.GetEnrolment(ctx, enrolmentID)
		if err != nil {
			return err
		}
		p, _, err := e.programme(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		if day == 0 {
			if day, err = en.DayAt(now, p.DayStartHour, e.locate); err != nil {
				return err
			}
		}
		slot, ok := p.SlotOn(day)
		if !ok {
			return fmt.Errorf("nothing is scheduled on day %d: %w", day, challenge.ErrNotScheduled)
		}
		out = slices.Clone(dayPrompts(p, slot))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("habitkit: prompts: enrolment %s: day %d: %w", enrolmentID, day, err)
	}
	return out, nil
}

// ReflectionEdit is what EditReflection changes; zero fields keep their
// value.
type ReflectionEdit struct {
	// Answers, when not nil, replace the answers (checked as in Reflect).
	Answers []reflection.Answer
	// Visibility, when not 0, replaces the visibility.
	Visibility reflection.Visibility
}

// EditReflection changes the answers or the visibility of a reflection.
// Only its author may (ErrNotAuthor), within the programme's edit window
// (ErrEditWindowClosed); a reflection the author cannot read (deleted) is
// ErrNotFound. Moderation state, responses and reactions are kept.
func (e *Engine) EditReflection(ctx context.Context, by Viewer, id uuid.UUID, edit ReflectionEdit) (reflection.Reflection, error) {
	fail := func(err error) (reflection.Reflection, error) {
		return reflection.Reflection{}, fmt.Errorf("habitkit: edit reflection %s: %w", id, err)
	}
	if err := by.validate(); err != nil {
		return fail(err)
	}
	if edit.Visibility != 0 && !edit.Visibility.Valid() {
		return fail(&ValidationError{Field: "Visibility", Reason: "must be private, team or programme"})
	}
	now := e.clock.Now().UTC()
	var out reflection.Reflection
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		r, v, ed, _, err := e.readableReflection(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if err := reflection.CanEdit(r.Author, v.Participant, r.CreatedAt, now, ed.settings.Window()); err != nil {
			return err
		}
		if edit.Answers != nil {
			slot := challenge.Slot{Day: r.Day, ActivityID: r.ActivityID, VariationID: r.VariationID}
			answers, err := ed.settings.TextRules().ValidateAnswers(dayPrompts(ed.p, slot), edit.Answers)
			if err != nil {
				return err
			}
			r.Answers = answers
		}
		if edit.Visibility != 0 {
			r.Visibility = edit.Visibility
		}
		r.EditedAt = now
		if err := tx.UpdateReflection(ctx, r); err != nil {
			return err
		}
		r.Version++
		out = r
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return redact(out, by.Moderator), nil
}

// DeleteReflection deletes the author's reflection (ErrNotAuthor for
// anyone else). It stays as a tombstone nobody reads, so that responses and
// counts do not dangle. The reflection bonus is taken back and the
// author's count of reflections written falls; reflection badges already
// held are kept.
func (e *Engine) DeleteReflection(ctx context.Context, by Viewer, id uuid.UUID) error {
	if err := by.validate(); err != nil {
		return fmt.Errorf("habitkit: delete reflection %s: %w", id, err)
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = nil, scores[:0]
		r, v, ed, en, err := e.readableReflection(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if err := reflection.CanDelete(r.Author, v.Participant); err != nil {
			return err
		}
		r.Deleted = true
		if err := tx.UpdateReflection(ctx, r); err != nil {
			return err
		}
		if en == nil || en.ID != r.EnrolmentID {
			return nil // the author's enrolment is gone
		}
		en.Reflections.Written = max(0, en.Reflections.Written-1)
		events, err = e.bonus(ctx, tx, ed, en, r.Day, -ed.settings.Points.Reflection, now, listen, events, &scores)
		if err != nil {
			return err
		}
		return tx.UpdateEnrolment(ctx, *en)
	})
	if err != nil {
		return fmt.Errorf("habitkit: delete reflection %s: %w", id, err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return nil
}

// bonus adds points to en's progress as of now and appends the level
// events; the caller writes en.
func (e *Engine) bonus(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, day, points int, now time.Time, listen bool, events []Event, scores *[]scoreChange) ([]Event, error) {
	today, err := en.DayAt(now, ed.p.DayStartHour, e.locate)
	if err != nil {
		return events, err
	}
	before := metricsOf(&en.Progress)
	changes := en.Progress.AddBonus(challenge.NewCalendar(ed.p, en), day, points, today, nil)
	if *scores, err = e.addScores(ctx, tx, ed, en, before, day, now, *scores); err != nil {
		return events, err
	}
	if listen {
		events = changeEvents(ed.p, header(en, now), changes, events)
	}
	return events, nil
}

// credit raises one of en's reflection counters (through inc), adds points
// and evaluates the badges of src, appending events; the caller writes en.
func (e *Engine) credit(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, day, points int,
	src []badge.Source, now time.Time, listen bool, events []Event, scores *[]scoreChange) ([]EarnedBadge, []Event, error) {
	events, err := e.bonus(ctx, tx, ed, en, day, points, now, listen, events, scores)
	if err != nil {
		return nil, events, err
	}
	today, err := en.DayAt(now, ed.p.DayStartHour, e.locate)
	if err != nil {
		return nil, events, err
	}
	return e.evaluateBadges(ctx, tx, ed, en, today, 0, src, true, now, listen, events)
}

// RespondOutcome is the result of Respond.
type RespondOutcome struct {
	// Response is the stored response.
	Response reflection.Response
	// Points are the bonus points it earned: the programme's response
	// bonus for the first response to a colleague's reflection, else 0.
	Points int
	// Badges are the badge occurrences it earned.
	Badges []EarnedBadge
}

// Respond adds a response under a reflection the responder can read
// (ErrNotFound otherwise, as for a reflection that does not exist).
// Responses sit one level under a reflection. The responder's first
// response to a colleague's reflection earns the programme's response
// bonus and counts toward response badges; further responses to the same
// reflection, and responses to one's own, earn nothing. A responder who is
// not enrolled (a manager, a moderator) may respond and earns nothing.
func (e *Engine) Respond(ctx context.Context, by Viewer, reflectionID uuid.UUID, text string) (RespondOutcome, error) {
	fail := func(err error) (RespondOutcome, error) {
		return RespondOutcome{}, fmt.Errorf("habitkit: respond to %s: %w", reflectionID, err)
	}
	if err := by.validate(); err != nil {
		return fail(err)
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var (
		out    RespondOutcome
		events []Event
		scores []scoreChange
	)
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		out, events, scores = RespondOutcome{}, nil, scores[:0]
		r, v, ed, en, err := e.readableReflection(ctx, tx, by, reflectionID)
		if err != nil {
			return err
		}
		clean, err := ed.settings.TextRules().CleanAnswer("text", text)
		if err != nil {
			return err
		}
		// The responder's enrolment was read first, so that concurrent
		// responses by the same person queue on it (SQL stores lock it)
		// before deciding whether this is their first response here.
		first := false
		if en != nil && r.Author != v.Participant {
			if first, err = e.firstResponse(ctx, tx, r.ID, v.Participant, uuid.Nil); err != nil {
				return err
			}
		}
		id, err := e.ids.next()
		if err != nil {
			return err
		}
		resp := reflection.Response{ID: id, ReflectionID: r.ID, Author: v.Participant, AuthorTeam: v.Team, Text: clean, CreatedAt: now, Version: 1}
		if err := tx.InsertResponse(ctx, resp); err != nil {
			return err
		}
		h := EventHeader{ProgrammeID: r.ProgrammeID, ParticipantID: v.Participant, At: now}
		if en != nil {
			h.EnrolmentID = en.ID
		}
		points := 0
		if first {
			points = ed.settings.Points.Response
		}
		if listen {
			events = append(events, Responded{EventHeader: h, ReflectionID: r.ID, ResponseID: id, Author: r.Author, Points: points})
		}
		var earned []EarnedBadge
		if first {
			// ed is the responder's own edition, since they are enrolled.
			en.Reflections.Responded++
			if earned, events, err = e.credit(ctx, tx, ed, en, r.Day, points, responseSources, now, listen, events, &scores); err != nil {
				return err
			}
			if err := tx.UpdateEnrolment(ctx, *en); err != nil {
				return err
			}
		}
		out = RespondOutcome{Response: resp, Points: points, Badges: earned}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return out, nil
}

// firstResponse reports whether by has no response to the reflection that
// still counts (not deleted or erased), apart from the response except.
func (e *Engine) firstResponse(ctx context.Context, tx storage.ReadTx, reflectionID uuid.UUID, by challenge.ParticipantID, except uuid.UUID) (bool, error) {
	for cursor := storage.Cursor(""); ; {
		page, err := tx.ListResponses(ctx, reflectionID, cursor, storage.MaxLimit)
		if err != nil {
			return false, err
		}
		for _, resp := range page.Items {
			if resp.Author == by && resp.ID != except && !resp.Deleted && !resp.AuthorErased {
				return false, nil
			}
		}
		if cursor = page.Next; cursor == "" {
			return true, nil
		}
	}
}

// EditResponse replaces the text of a response. Only its author may
// (ErrNotAuthor), within the programme's edit window
// (ErrEditWindowClosed), and only while they can still read it.
func (e *Engine) EditResponse(ctx context.Context, by Viewer, id uuid.UUID, text string) (reflection.Response, error) {
	fail := func(err error) (reflection.Response, error) {
		return reflection.Response{}, fmt.Errorf("habitkit: edit response %s: %w", id, err)
	}
	if err := by.validate(); err != nil {
		return fail(err)
	}
	now := e.clock.Now().UTC()
	var out reflection.Response
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		resp, _, v, ed, _, err := e.readableResponse(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if err := reflection.CanEdit(resp.Author, v.Participant, resp.CreatedAt, now, ed.settings.Window()); err != nil {
			return err
		}
		clean, err := ed.settings.TextRules().CleanAnswer("text", text)
		if err != nil {
			return err
		}
		resp.Text, resp.EditedAt = clean, now
		if err := tx.UpdateResponse(ctx, resp); err != nil {
			return err
		}
		resp.Version++
		out = resp
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return redactResponse(out, by.Moderator), nil
}

// DeleteResponse deletes the author's response (ErrNotAuthor for anyone
// else). When it was their last response to that reflection, the response
// bonus is taken back and their count of reflections responded to falls;
// badges already held are kept.
func (e *Engine) DeleteResponse(ctx context.Context, by Viewer, id uuid.UUID) error {
	if err := by.validate(); err != nil {
		return fmt.Errorf("habitkit: delete response %s: %w", id, err)
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = nil, scores[:0]
		resp, parent, v, ed, en, err := e.readableResponse(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if err := reflection.CanDelete(resp.Author, v.Participant); err != nil {
			return err
		}
		last := false
		if en != nil && parent.Author != v.Participant {
			if last, err = e.firstResponse(ctx, tx, parent.ID, v.Participant, resp.ID); err != nil {
				return err
			}
		}
		resp.Deleted = true
		if err := tx.UpdateResponse(ctx, resp); err != nil {
			return err
		}
		if last {
			en.Reflections.Responded = max(0, en.Reflections.Responded-1)
			if events, err = e.bonus(ctx, tx, ed, en, parent.Day, -ed.settings.Points.Response, now, listen, events, &scores); err != nil {
				return err
			}
			return tx.UpdateEnrolment(ctx, *en)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("habitkit: delete response %s: %w", id, err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return nil
}

// React leaves by's reaction of kind on a reflection they can read
// (ErrNotFound otherwise), replacing their earlier reaction if any: one
// reaction per person per reflection. Reacting to one's own reflection is
// ErrOwnItem, so that reactions received always come from colleagues. A new
// reaction counts toward the author's reaction badges.
func (e *Engine) React(ctx context.Context, by Viewer, reflectionID uuid.UUID, kind reflection.ReactionKind) error {
	fail := func(err error) error { return fmt.Errorf("habitkit: react to %s: %w", reflectionID, err) }
	if err := by.validate(); err != nil {
		return fail(err)
	}
	if !kind.Valid() {
		return fail(&ValidationError{Field: "kind", Reason: "must be helpful, inspiring or agree"})
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = nil, scores[:0]
		r, v, _, en, err := e.readableReflection(ctx, tx, by, reflectionID)
		if err != nil {
			return err
		}
		if r.Author == v.Participant {
			return ErrOwnItem
		}
		// Read the author's enrolment before the reaction, so that
		// concurrent reactions by one person queue on it (SQL stores lock
		// it) and the second sees the first's reaction as a replacement.
		author, aed, err := e.authorEnrolment(ctx, tx, r)
		if err != nil {
			return err
		}
		replaced := false
		switch old, err := tx.GetReaction(ctx, r.ID, v.Participant); {
		case err == nil:
			if old.Kind == kind {
				return nil // nothing changes, nothing to tell
			}
			replaced = true
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		if err := tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: v.Participant, Kind: kind, At: now}); err != nil {
			return err
		}
		h := EventHeader{ProgrammeID: r.ProgrammeID, ParticipantID: v.Participant, At: now}
		if en != nil {
			h.EnrolmentID = en.ID
		}
		if listen {
			events = append(events, Reacted{EventHeader: h, ReflectionID: r.ID, Author: r.Author, Kind: kind, Replaced: replaced})
		}
		if replaced || author == nil {
			return nil
		}
		author.Reflections.ReactionsReceived++
		if _, events, err = e.credit(ctx, tx, aed, author, r.Day, 0, reactionSources, now, listen, events, &scores); err != nil {
			return err
		}
		return tx.UpdateEnrolment(ctx, *author)
	})
	if err != nil {
		return fail(err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return nil
}

// authorEnrolment returns the enrolment of r's author with its edition, or
// nil when the author was erased.
func (e *Engine) authorEnrolment(ctx context.Context, tx storage.ReadTx, r reflection.Reflection) (*challenge.Enrolment, *edition, error) {
	if r.AuthorErased || r.EnrolmentID == uuid.Nil {
		return nil, nil, nil
	}
	en, err := tx.GetEnrolment(ctx, r.EnrolmentID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
	if err != nil {
		return nil, nil, err
	}
	return &en, ed, nil
}

// Unreact withdraws by's reaction to a reflection (ErrNotFound when there
// is none). The author's count of reactions received falls; reaction
// badges already held are kept, so that a colleague changing their mind
// never takes a badge away (and a badge is never awarded twice by a
// reaction withdrawn and given again). Withdrawing needs no read access:
// it is the reader's own data, and they may have lost access since.
func (e *Engine) Unreact(ctx context.Context, by Viewer, reflectionID uuid.UUID) error {
	if err := by.validate(); err != nil {
		return fmt.Errorf("habitkit: unreact to %s: %w", reflectionID, err)
	}
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := tx.GetReaction(ctx, reflectionID, by.Participant); err != nil {
			return err
		}
		r, err := tx.GetReflection(ctx, reflectionID)
		if err != nil {
			return err
		}
		author, _, err := e.authorEnrolment(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := tx.DeleteReaction(ctx, reflectionID, by.Participant); err != nil {
			return err
		}
		if author == nil {
			return nil
		}
		author.Reflections.ReactionsReceived = max(0, author.Reflections.ReactionsReceived-1)
		return tx.UpdateEnrolment(ctx, *author)
	})
	if err != nil {
		return fmt.Errorf("habitkit: unreact to %s: %w", reflectionID, err)
	}
	return nil
}

// Flag reports a reflection or a response (id names either) that by can
// read (ErrNotFound otherwise), with a reason. Each person flags an item
// once (ErrAlreadyFlagged); authors cannot flag their own (ErrOwnItem).
// When the flags since the item's last review reach the programme's
// AutoHideAfter, the item is hidden and a Hidden event follows the
// Flagged one.
func (e *Engine) Flag(ctx context.Context, by Viewer, id uuid.UUID, reason string) error {
	return e.moderate(ctx, "flag", by, id, func(m *reflection.Moderated, author challenge.ParticipantID, v reflection.Viewer, ed *edition, now time.Time) (bool, error) {
		if author == v.Participant {
			return false, ErrOwnItem
		}
		return m.Flag(v.Participant, reason, ed.settings.AutoHideAfter, now)
	})
}

// Hide hides a reflection or a response (id names either) with a reason
// shown to its author. Only moderators may (ErrNotModerator). Hidden
// items are read only by their author and moderators.
func (e *Engine) Hide(ctx context.Context, by Viewer, id uuid.UUID, reason string) error {
	return e.moderate(ctx, "hide", by, id, func(m *reflection.Moderated, _ challenge.ParticipantID, v reflection.Viewer, _ *edition, now time.Time) (bool, error) {
		return true, m.Hide(v.Participant, v.Moderator, reason, now)
	})
}

// Restore makes a hidden reflection or response (id names either) visible
// again and marks its flags so far as reviewed. Only moderators may
// (ErrNotModerator).
func (e *Engine) Restore(ctx context.Context, by Viewer, id uuid.UUID) error {
	return e.moderate(ctx, "restore", by, id, func(m *reflection.Moderated, _ challenge.ParticipantID, v reflection.Viewer, _ *edition, now time.Time) (bool, error) {
		return false, m.Restore(v.Participant, v.Moderator, now)
	})
}

// moderate runs one moderation move on the reflection or response with
// id. move changes the item's moderation state and reports whether it hid
// it; the item is written only when move succeeds.
func (e *Engine) moderate(ctx context.Context, op string, by Viewer, id uuid.UUID,
	move func(m *reflection.Moderated, author challenge.ParticipantID, v reflection.Viewer, ed *edition, now time.Time) (bool, error)) error {
	if err := by.validate(); err != nil {
		return fmt.Errorf("habitkit: %s %s: %w", op, id, err)
	}
	now, listen := e.clock.Now().UTC(), e.hasListeners()
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = nil, scores[:0]
		var (
			m        *reflection.Moderated
			author   challenge.ParticipantID
			v        reflection.Viewer
			ed       *edition
			en       *challenge.Enrolment
			write    func() error
			response bool
		)
		r, rv, red, ren, err := e.readableReflection(ctx, tx, by, id)
		switch {
		case err == nil:
			m, author, v, ed, en = &r.Moderated, r.Author, rv, red, ren
			write = func() error { return tx.UpdateReflection(ctx, r) }
		case errors.Is(err, storage.ErrNotFound):
			resp, _, sv, sed, sen, serr := e.readableResponse(ctx, tx, by, id)
			if serr != nil {
				return serr
			}
			m, author, v, ed, en, response = &resp.Moderated, resp.Author, sv, sed, sen, true
			write = func() error { return tx.UpdateResponse(ctx, resp) }
		default:
			return err
		}
		wasHidden := m.Hidden
		hid, err := move(m, author, v, ed, now)
		if err != nil {
			return err
		}
		if err := write(); err != nil {
			return err
		}
		if !listen {
			return nil
		}
		h := EventHeader{ProgrammeID: ed.p.ID, ParticipantID: v.Participant, At: now}
		if en != nil {
			h.EnrolmentID = en.ID
		}
		switch op {
		case "flag":
			f := m.Flags[len(m.Flags)-1]
			events = append(events, Flagged{EventHeader: h, ItemID: id, Response: response, Reason: f.Reason, OpenFlags: m.OpenFlags()})
			if hid && !wasHidden {
				events = append(events, Hidden{EventHeader: h, ItemID: id, Response: response, Automatic: true, Reason: m.HiddenReason})
			}
		case "hide":
			events = append(events, Hidden{EventHeader: h, ItemID: id, Response: response, Reason: m.HiddenReason})
		case "restore":
			events = append(events, Restored{EventHeader: h, ItemID: id, Response: response})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("habitkit: %s %s: %w", op, id, err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return nil
}

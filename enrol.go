package habitkit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// EnrolRequest asks to enrol a participant in a programme.
type EnrolRequest struct {
	// ProgrammeID is the programme to join (its latest version).
	ProgrammeID string
	// ParticipantID is the host's identifier of the person (required).
	ParticipantID challenge.ParticipantID
	// TeamID is the participant's team (optional).
	TeamID challenge.TeamID
	// CohortID joins a cohort of the programme; empty means self-paced:
	// day 1 is the day of enrolment in the participant's zone. Joining a
	// cohort that has started makes today the participant's first day.
	CohortID string
	// TimeZone is an IANA zone name; empty means the programme's zone.
	TimeZone string
	// Rota gives personal rest days (for example 4 on / 4 off shifts).
	Rota challenge.Rota
	// Absences are personal rest periods (leave, sickness).
	Absences []challenge.Absence
	// BoardsOptOut keeps the participant off what others see of the
	// programme's leaderboards from the start (see Engine.SetBoardsOptOut).
	BoardsOptOut bool
}

// Enrol enrols a participant and returns the enrolment. It returns
// ErrNotFound for an unknown programme or cohort, ErrConflict when the
// participant is already enrolled in the programme, ErrOutsideProgramme
// when the cohort has already finished, and a ValidationError naming the
// field for bad input. On any error nothing is stored.
func (e *Engine) Enrol(ctx context.Context, req EnrolRequest) (challenge.Enrolment, error) {
	fail := func(err error) (challenge.Enrolment, error) {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: enrol %q in %s: %w", req.ParticipantID, req.ProgrammeID, err)
	}
	if err := validateEnrolRequest(req); err != nil {
		return fail(err)
	}
	now := e.clock.Now().UTC()
	id, err := e.ids.next()
	if err != nil {
		return fail(err)
	}
	var en challenge.Enrolment
	var scores []scoreChange
	err = e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		scores = scores[:0]
		ed, err := e.edition(ctx, tx, req.ProgrammeID, 0)
		if err != nil {
			return err
		}
		p, version := ed.p, ed.version
		zone := req.TimeZone
		if zone == "" {
			zone = p.TimeZone
		}
		loc, err := e.locate(zone)
		if err != nil {
			return &ValidationError{Field: "TimeZone", Reason: fmt.Sprintf("unknown time zone %q", zone)}
		}
		en = challenge.Enrolment{
			ID:               id,
			ProgrammeID:      p.ID,
			ProgrammeVersion: version,
			ParticipantID:    req.ParticipantID,
			TeamID:           req.TeamID,
			CohortID:         req.CohortID,
			FirstDay:         1,
			Zones:            []challenge.ZoneChange{{From: now, Zone: zone}},
			Rota:             req.Rota,
			Absences:         append([]challenge.Absence(nil), req.Absences...),
			EnrolledAt:       now,
			Version:          1,
			BoardsOptOut:     req.BoardsOptOut,
		}
		if req.CohortID == "" {
			en.Start = challenge.LocalDate(now, loc, p.DayStartHour)
		} else {
			c, ok := p.Cohort(req.CohortID)
			if !ok {
				return fmt.Errorf("cohort %q: %w", req.CohortID, storage.ErrNotFound)
			}
			en.Start = c.Start
			today, err := en.DayAt(now, p.DayStartHour, e.locate)
			if err != nil {
				return err
			}
			if today > p.Length {
				return fmt.Errorf("cohort %q finished on day %d: %w", req.CohortID, p.Length, challenge.ErrOutsideProgramme)
			}
			en.FirstDay = max(1, today)
		}
		en.Progress = challenge.NewProgress(p)
		if len(ed.badges) > 0 {
			en.BadgeLayout = ed.plan.Layout() // holds nothing yet, under this layout
		}
		if err := tx.InsertEnrolment(ctx, en); err != nil {
			if errors.Is(err, storage.ErrConflict) {
				if _, gerr := tx.GetEnrolmentByParticipant(ctx, p.ID, req.ParticipantID); gerr == nil {
					return errors.Join(fmt.Errorf("participant already enrolled"), err, errNoRetry)
				}
			}
			return err
		}
		today, err := en.DayAt(now, p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		scores, err = e.joinBoards(ctx, tx, ed, &en, 1, today, now, scores)
		return err
	})
	if err != nil {
		return fail(err)
	}
	e.applyScores(scores)
	e.enrolments.put(&en)
	return en.Clone(), nil
}

func validateEnrolRequest(req EnrolRequest) error {
	var problems ValidationErrors
	if strings.TrimSpace(req.ProgrammeID) == "" {
		problems = append(problems, &ValidationError{Field: "ProgrammeID", Reason: "must not be empty"})
	}
	if strings.TrimSpace(string(req.ParticipantID)) == "" {
		problems = append(problems, &ValidationError{Field: "ParticipantID", Reason: "must not be empty"})
	}
	if r := req.Rota; !r.IsZero() {
		if r.On < 1 || r.Off < 1 {
			problems = append(problems, &ValidationError{Field: "Rota", Reason: "on and off must both be at least 1 day"})
		}
		if r.Start.IsZero() {
			problems = append(problems, &ValidationError{Field: "Rota.Start", Reason: "must be set"})
		}
	}
	for i, a := range req.Absences {
		problems = append(problems, validateAbsence(fmt.Sprintf("Absences[%d]", i), a)...)
	}
	return problems.Err()
}

func validateAbsence(field string, a challenge.Absence) ValidationErrors {
	var problems ValidationErrors
	if a.From.IsZero() || a.To.IsZero() {
		problems = append(problems, &ValidationError{Field: field, Reason: "from and to must both be set"})
	} else if a.To.Before(a.From) {
		problems = append(problems, &ValidationError{Field: field, Reason: fmt.Sprintf("ends (%s) before it starts (%s)", a.To, a.From)})
	}
	return problems
}

// Enrolment returns the enrolment with id, or ErrNotFound.
func (e *Engine) Enrolment(ctx context.Context, id uuid.UUID) (challenge.Enrolment, error) {
	var en challenge.Enrolment
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		en, err = tx.GetEnrolment(ctx, id)
		return err
	})
	if err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: enrolment %s: %w", id, err)
	}
	return en, nil
}

// EnrolmentOf returns the participant's enrolment in the programme, or
// ErrNotFound.
func (e *Engine) EnrolmentOf(ctx context.Context, programmeID string, participant challenge.ParticipantID) (challenge.Enrolment, error) {
	var en challenge.Enrolment
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		en, err = tx.GetEnrolmentByParticipant(ctx, programmeID, participant)
		return err
	})
	if err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: enrolment of %q in %s: %w", participant, programmeID, err)
	}
	return en, nil
}

// Enrolments lists a programme's enrolments in enrolment order, a page at a
// time: pass "" for the first page and Page.Next for the following ones.
func (e *Engine) Enrolments(ctx context.Context, f storage.EnrolmentFilter, cursor storage.Cursor, limit int) (storage.Page[challenge.Enrolment], error) {
	var page storage.Page[challenge.Enrolment]
	if f.ProgrammeID == "" {
		return page, fmt.Errorf("habitkit: enrolments: %w", &ValidationError{Field: "ProgrammeID", Reason: "must not be empty"})
	}
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		page, err = tx.ListEnrolments(ctx, f, cursor, limit)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("habitkit: enrolments of %s: %w", f.ProgrammeID, err)
	}
	return page, nil
}

package habitkit

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// MoveTimeZone records that the participant now lives in zone (an IANA
// name). Their day number does not change at the moment of the move; from
// then on days roll over at the new zone's day start, so a move never gives
// two rollovers in one local day and never skips a day.
func (e *Engine) MoveTimeZone(ctx context.Context, enrolmentID uuid.UUID, zone string) (challenge.Enrolment, error) {
	if _, err := e.locate(zone); err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: move time zone: enrolment %s: %w", enrolmentID,
			&ValidationError{Field: "zone", Reason: fmt.Sprintf("unknown time zone %q", zone)})
	}
	return e.modify(ctx, "move time zone", enrolmentID, func(now time.Time, _ *challenge.Programme, en *challenge.Enrolment) error {
		if en.Zone() == zone {
			return nil
		}
		last := en.Zones[len(en.Zones)-1].From
		if now.Before(last) {
			// The host's clocks disagree; keep the history ordered.
			now = last
		}
		en.Zones = append(en.Zones, challenge.ZoneChange{From: now, Zone: zone})
		return nil
	})
}

// AddAbsence adds a personal rest period (leave, sickness) and recomputes
// the participant's progress, since past days may become rest days.
func (e *Engine) AddAbsence(ctx context.Context, enrolmentID uuid.UUID, a challenge.Absence) (challenge.Enrolment, error) {
	if problems := validateAbsence("absence", a); len(problems) > 0 {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: add absence: enrolment %s: %w", enrolmentID, problems)
	}
	return e.modify(ctx, "add absence", enrolmentID, func(_ time.Time, _ *challenge.Programme, en *challenge.Enrolment) error {
		en.Absences = append(en.Absences, a)
		return nil
	})
}

// SetRota replaces the participant's rota (the zero Rota removes it) and
// recomputes their progress.
func (e *Engine) SetRota(ctx context.Context, enrolmentID uuid.UUID, r challenge.Rota) (challenge.Enrolment, error) {
	if err := validateEnrolRequest(EnrolRequest{ProgrammeID: "-", ParticipantID: "-", Rota: r}); err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: set rota: enrolment %s: %w", enrolmentID, err)
	}
	return e.modify(ctx, "set rota", enrolmentID, func(_ time.Time, _ *challenge.Programme, en *challenge.Enrolment) error {
		en.Rota = r
		return nil
	})
}

// SetTeam moves the participant to another team.
func (e *Engine) SetTeam(ctx context.Context, enrolmentID uuid.UUID, team challenge.TeamID) (challenge.Enrolment, error) {
	return e.modify(ctx, "set team", enrolmentID, func(_ time.Time, _ *challenge.Programme, en *challenge.Enrolment) error {
		en.TeamID = team
		return nil
	})
}

// modify applies change to an enrolment and recomputes its progress from
// scratch (rest days or day numbers may have changed for past days).
func (e *Engine) modify(ctx context.Context, what string, id uuid.UUID, change func(now time.Time, p *challenge.Programme, en *challenge.Enrolment) error) (challenge.Enrolment, error) {
	now := e.clock.Now().UTC()
	var en challenge.Enrolment
	var events []Event
	var scores []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, scores = events[:0], scores[:0]
		var err error
		en, err = tx.GetEnrolment(ctx, id)
		if err != nil {
			return err
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		p := ed.p
		old := en.Clone()
		if err := change(now, p, &en); err != nil {
			return err
		}
		today, err := en.DayAt(now, p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		if old.TeamID != en.TeamID {
			if scores, err = e.moveTeam(ctx, tx, ed, &old, &en, today, now, scores); err != nil {
				return err
			}
		}
		was := metricsOf(&en.Progress)
		cal := challenge.NewCalendar(p, &en)
		before := en.Progress.Level
		en.Progress = challenge.Recompute(cal, en.Progress.Done, today)
		if en.Progress.Level > before {
			events = changeEvents(p, header(&en, now), []challenge.Change{{Kind: challenge.LevelReached, Level: en.Progress.Level, Points: en.Progress.Points}}, events)
		}
		// Rest days may have changed for past days: weeks may now be
		// complete, or no longer. Daily badges are untouched (day 0).
		_, events, err = e.evaluateBadges(ctx, tx, ed, &en, today, 0, completionSources, false, now, true, events)
		if err != nil {
			return err
		}
		if scores, err = e.addScores(ctx, tx, ed, &en, was, 0, now, scores); err != nil {
			return err
		}
		if err := tx.UpdateEnrolment(ctx, en); err != nil {
			return err
		}
		en.Version++
		return nil
	})
	if err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: %s: enrolment %s: %w", what, id, err)
	}
	e.applyScores(scores)
	e.deliver(events)
	return en, nil
}

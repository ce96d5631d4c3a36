package habitkit

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// DayStatus says where a participant is in their programme.
type DayStatus int

// The day statuses.
const (
	// NotStarted: day 1 has not begun (a cohort that starts later).
	NotStarted DayStatus = iota + 1
	// Running: today is a programme day.
	Running
	// Finished: the last day has ended.
	Finished
)

// String returns the status name.
func (s DayStatus) String() string {
	switch s {
	case NotStarted:
		return "not started"
	case Running:
		return "running"
	case Finished:
		return "finished"
	}
	return fmt.Sprintf("DayStatus(%d)", int(s))
}

// Today is what a participant sees today: the day's challenge and whether
// it is done.
type Today struct {
	// EnrolmentID is the participant's enrolment.
	EnrolmentID uuid.UUID
	// Status says whether the programme is running for the participant.
	Status DayStatus
	// Day is the programme day (may be < 1 or > Length outside Running).
	Day int
	// Length is the programme's number of days.
	Length int
	// Date is the participant's local programme date.
	Date challenge.Date
	// Rest says why today is a rest day (challenge.NotRest when it is not).
	Rest challenge.RestReason
	// Activity is today's activity, or nil when nothing is scheduled.
	Activity *challenge.Activity
	// Variation is today's variation, or nil.
	Variation *challenge.Variation
	// Prompts are the reflection prompts for today (the variation's when
	// it has its own, else the activity's).
	Prompts []string
	// Done is true when today's activity is completed.
	Done bool
	// Late lists earlier days still inside the grace window whose activity
	// is not done: they can still be completed.
	Late []int
	// Streak is the current streak.
	Streak int
	// AtRisk is true when the streak will break unless a pending day is
	// completed.
	AtRisk bool
}

// Progress is a participant's standing in their programme.
type Progress struct {
	// Day is today's programme day and Length the number of days.
	Day, Length int
	// Status says whether the programme is running for the participant.
	Status DayStatus
	// DaysDone counts completed days.
	DaysDone int
	// Streak is the current streak; Longest the longest so far.
	Streak, Longest int
	// Freezes is the number of streak freezes held.
	Freezes int
	// Strength is the habit strength in [0, 1].
	Strength float64
	// Points is the total of points.
	Points int
	// Level is the 1-based level reached (0 = none) and LevelName its name.
	Level     int
	LevelName string
	// NextLevelPoints is the threshold of the next level, or 0 at the top.
	NextLevelPoints int
}

// view is an enrolment's progress brought up to now, without writing.
type view struct {
	p     *challenge.Programme
	en    challenge.Enrolment
	today int
	date  challenge.Date
}

func (e *Engine) view(ctx context.Context, id uuid.UUID, now time.Time) (view, error) {
	var v view
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		en, err := tx.GetEnrolment(ctx, id)
		if err != nil {
			return err
		}
		p, _, err := e.programme(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		today, err := en.DayAt(now, p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		// Settle days that ended since the last write, so a read shows a
		// broken streak as broken; nothing is stored.
		en.Progress.Advance(challenge.NewCalendar(p, &en), today, nil)
		loc, err := e.locate(en.Zone())
		if err != nil {
			return err
		}
		v = view{p: p, en: en, today: today, date: challenge.LocalDate(now, loc, p.DayStartHour)}
		return nil
	})
	return v, err
}

func status(day, length int) DayStatus {
	switch {
	case day < 1:
		return NotStarted
	case day > length:
		return Finished
	}
	return Running
}

// Today returns the participant's day: its challenge, texts and prompts,
// whether it is done, and whether the streak is at risk.
func (e *Engine) Today(ctx context.Context, enrolmentID uuid.UUID) (Today, error) {
	v, err := e.view(ctx, enrolmentID, e.clock.Now().UTC())
	if err != nil {
		return Today{}, fmt.Errorf("habitkit: today: enrolment %s: %w", enrolmentID, err)
	}
	p, en := v.p, &v.en
	cal := challenge.NewCalendar(p, en)
	t := Today{
		EnrolmentID: en.ID, Status: status(v.today, p.Length), Day: v.today, Length: p.Length, Date: v.date,
		Streak: en.Progress.Current, AtRisk: en.Progress.AtRisk(cal, v.today),
	}
	if t.Status != Running {
		return t, nil
	}
	t.Rest = cal.RestReason(v.today)
	if slot, ok := p.SlotOn(v.today); ok {
		a, _ := p.Activity(slot.ActivityID)
		ac := cloneActivity(*a)
		t.Activity = &ac
		t.Prompts = ac.Prompts
		if slot.VariationID != "" {
			if va, ok := ac.Variation(slot.VariationID); ok {
				t.Variation = va
				if len(va.Prompts) > 0 {
					t.Prompts = va.Prompts
				}
			}
		}
		t.Done = en.Progress.Done.Has(v.today)
	}
	for d := max(en.FirstDay, v.today-p.GraceDays); d < v.today; d++ {
		if _, ok := p.SlotOn(d); ok && !en.Progress.Done.Has(d) {
			t.Late = append(t.Late, d)
		}
	}
	return t, nil
}

// Progress returns the participant's standing: day N of M, days done,
// current and longest streak, freezes, strength, points and level.
func (e *Engine) Progress(ctx context.Context, enrolmentID uuid.UUID) (Progress, error) {
	v, err := e.view(ctx, enrolmentID, e.clock.Now().UTC())
	if err != nil {
		return Progress{}, fmt.Errorf("habitkit: progress: enrolment %s: %w", enrolmentID, err)
	}
	pr := v.en.Progress
	out := Progress{
		Day: v.today, Length: v.p.Length, Status: status(v.today, v.p.Length), DaysDone: pr.Completed,
		Streak: pr.Current, Longest: pr.Longest, Freezes: pr.Freezes, Strength: pr.Strength,
		Points: pr.Points, Level: pr.Level,
	}
	if pr.Level >= 1 && pr.Level <= len(v.p.Levels) {
		out.LevelName = v.p.Levels[pr.Level-1].Name
	}
	if pr.Level < len(v.p.Levels) {
		out.NextLevelPoints = v.p.Levels[pr.Level].Points
	}
	return out, nil
}

// cloneActivity deep-copies a so callers cannot change the shared programme.
func cloneActivity(a challenge.Activity) challenge.Activity {
	a.Tags = append([]string(nil), a.Tags...)
	a.Prompts = append([]string(nil), a.Prompts...)
	vs := make([]challenge.Variation, len(a.Variations))
	for i, v := range a.Variations {
		v.Prompts = append([]string(nil), v.Prompts...)
		vs[i] = v
	}
	a.Variations = vs
	return a
}

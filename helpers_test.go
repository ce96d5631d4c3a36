package habitkit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

var london = mustLocation("Europe/London")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns hh:mm on 2027-03-dd in London (GMT in early March).
func at(day, hour, minute int) time.Time {
	return time.Date(2027, 3, day, hour, minute, 0, 0, london)
}

// testProgramme is a 10-day programme starting for cohort "march" on
// 2027-03-01 (day 1), with a 04:00 day start and one day of grace.
func testProgramme() *challenge.Programme {
	p := &challenge.Programme{
		ID: "digital-confidence", Title: "Digital confidence", Length: 10, DayStartHour: 4,
		TimeZone: "Europe/London", GraceDays: 1,
		Activities: []challenge.Activity{
			{ID: "show-form", Title: "Show someone the online form", Points: 10, Prompts: []string{"What did they say?"},
				Variations: []challenge.Variation{
					{ID: "counter", Context: "At the front counter"},
					{ID: "patrol", Context: "On patrol", Prompts: []string{"Where were you?"}},
				}},
			{ID: "use-app", Title: "File a report in the app", Points: 5},
		},
		Cohorts:       []challenge.Cohort{{ID: "march", Start: challenge.NewDate(2027, 3, 1)}},
		StreakBonuses: []challenge.StreakBonus{{Streak: 3, Points: 20}},
		Levels:        []challenge.Level{{Name: "Starter", Points: 10}, {Name: "Regular", Points: 50}},
		Freezes:       challenge.FreezeRule{EarnEvery: 3, Max: 1},
	}
	for d := 1; d <= 10; d++ {
		s := challenge.Slot{Day: d, ActivityID: "show-form", VariationID: "counter"}
		switch {
		case d%2 == 0:
			s = challenge.Slot{Day: d, ActivityID: "use-app"}
		case d%3 == 0:
			s.VariationID = "patrol"
		}
		p.Schedule = append(p.Schedule, s)
	}
	return p
}

// recorder collects delivered events.
type recorder struct {
	mu     sync.Mutex
	events []habitkit.Event
}

func (r *recorder) record(e habitkit.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) take() []habitkit.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

type fixture struct {
	t      *testing.T
	ctx    context.Context
	engine *habitkit.Engine
	store  storage.Store
	clock  *testclock.Clock
	events *recorder
}

func newFixture(t *testing.T, store storage.Store, opts ...func(*habitkit.Options)) *fixture {
	t.Helper()
	if store == nil {
		store = memory.New(nil)
	}
	f := &fixture{t: t, ctx: context.Background(), store: store, clock: testclock.New(at(1, 9, 0)), events: &recorder{}}
	var err error
	o := &habitkit.Options{Clock: f.clock, OnEvent: f.events.record}
	for _, opt := range opts {
		opt(o)
	}
	f.engine, err = habitkit.New(store, o)
	require.NoError(t, err)
	_, err = f.engine.Publish(f.ctx, testProgramme())
	require.NoError(t, err)
	return f
}

func (f *fixture) enrol(participant string) challenge.Enrolment {
	f.t.Helper()
	en, err := f.engine.Enrol(f.ctx, habitkit.EnrolRequest{
		ProgrammeID: "digital-confidence", ParticipantID: challenge.ParticipantID(participant), TeamID: "north", CohortID: "march",
	})
	require.NoError(f.t, err)
	f.events.take()
	return en
}

func (f *fixture) complete(en challenge.Enrolment, day int) habitkit.Outcome {
	f.t.Helper()
	out, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, Day: day})
	require.NoError(f.t, err)
	return out
}

func (f *fixture) progress(en challenge.Enrolment) habitkit.Progress {
	f.t.Helper()
	p, err := f.engine.Progress(f.ctx, en.ID)
	require.NoError(f.t, err)
	return p
}

func eventTypes(events []habitkit.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		switch e.(type) {
		case habitkit.Completed:
			out[i] = "Completed"
		case habitkit.StreakExtended:
			out[i] = "StreakExtended"
		case habitkit.StreakBroken:
			out[i] = "StreakBroken"
		case habitkit.FreezeEarned:
			out[i] = "FreezeEarned"
		case habitkit.FreezeUsed:
			out[i] = "FreezeUsed"
		case habitkit.StreakBonusEarned:
			out[i] = "StreakBonusEarned"
		case habitkit.LevelReached:
			out[i] = "LevelReached"
		case habitkit.CompletionRevoked:
			out[i] = "CompletionRevoked"
		default:
			out[i] = "?"
		}
	}
	return out
}

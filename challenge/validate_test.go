package challenge_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// validProgramme returns a small programme that passes Validate, with its
// schedule deliberately out of day order.
func validProgramme() *challenge.Programme {
	return &challenge.Programme{
		ID:           "demo",
		Title:        "Demo programme",
		Length:       10,
		DayStartHour: 4,
		TimeZone:     "Europe/London",
		GraceDays:    1,
		RestDays: challenge.RestDays{
			Weekdays: []time.Weekday{time.Sunday},
			Dates:    []challenge.Date{challenge.NewDate(2027, time.May, 3)},
		},
		Activities: []challenge.Activity{
			{
				ID: "show-the-form", Title: "Show the form", Tags: []string{"public"}, Points: 15,
				Variations: []challenge.Variation{{ID: "front-counter"}, {ID: "on-patrol"}},
			},
			{ID: "check-website", Title: "Check the website", Points: 10},
		},
		Schedule: []challenge.Slot{
			{Day: 3, ActivityID: "show-the-form", VariationID: "on-patrol"},
			{Day: 1, ActivityID: "check-website"},
			{Day: 2, ActivityID: "show-the-form", VariationID: "front-counter"},
		},
		Cohorts:       []challenge.Cohort{{ID: "spring", Start: challenge.NewDate(2027, time.April, 12)}},
		StreakBonuses: []challenge.StreakBonus{{Streak: 3, Points: 10}},
		Levels:        []challenge.Level{{Name: "Starter", Points: 0}, {Name: "Signposter", Points: 50}},
		Freezes:       challenge.FreezeRule{EarnEvery: 7, Max: 2},
	}
}

// validated returns validProgramme after a successful Validate.
func validated(t *testing.T) *challenge.Programme {
	t.Helper()
	p := validProgramme()
	require.NoError(t, p.Validate())
	return p
}

// fields returns the Field of every problem in err, which must be
// ValidationErrors.
func fields(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, challenge.ErrInvalid)
	var errs challenge.ValidationErrors
	require.True(t, errors.As(err, &errs), "want ValidationErrors, got %T: %v", err, err)
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field
		assert.NotEmpty(t, e.Reason, "problem %d has no reason", i)
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *challenge.Programme)
		field  string // the field that must be named
	}{
		{"id required", func(p *challenge.Programme) { p.ID = " " }, "id"},
		{"id characters", func(p *challenge.Programme) { p.ID = "my demo!" }, "id"},
		{"title required", func(p *challenge.Programme) { p.Title = "" }, "title"},
		{"length zero", func(p *challenge.Programme) { p.Length = 0 }, "length"},
		{"length too long", func(p *challenge.Programme) { p.Length = challenge.MaxLength + 1 }, "length"},
		{"dayStartHour negative", func(p *challenge.Programme) { p.DayStartHour = -1 }, "dayStartHour"},
		{"dayStartHour 24", func(p *challenge.Programme) { p.DayStartHour = 24 }, "dayStartHour"},
		{"timeZone required", func(p *challenge.Programme) { p.TimeZone = "" }, "timeZone"},
		{"timeZone unknown", func(p *challenge.Programme) { p.TimeZone = "Europe/Lundon" }, "timeZone"},
		{"graceDays negative", func(p *challenge.Programme) { p.GraceDays = -1 }, "graceDays"},
		{"graceDays not below length", func(p *challenge.Programme) { p.GraceDays = 10 }, "graceDays"},
		{"rest weekday out of range", func(p *challenge.Programme) { p.RestDays.Weekdays = append(p.RestDays.Weekdays, 7) }, "restDays.weekdays[1]"},
		{"rest date zero", func(p *challenge.Programme) { p.RestDays.Dates[0] = challenge.Date{} }, "restDays.dates[0]"},
		{"rest date not real", func(p *challenge.Programme) { p.RestDays.Dates[0] = challenge.Date{Year: 2027, Month: 2, Day: 30} }, "restDays.dates[0]"},
		{"activity id required", func(p *challenge.Programme) { p.Activities[1].ID = "" }, "activities[1].id"},
		{"activity id unique", func(p *challenge.Programme) { p.Activities[1].ID = "show-the-form" }, "activities[1].id"},
		{"activity title required", func(p *challenge.Programme) { p.Activities[1].Title = "" }, "activities[1].title"},
		{"activity points negative", func(p *challenge.Programme) { p.Activities[1].Points = -5 }, "activities[1].points"},
		{"tag empty", func(p *challenge.Programme) { p.Activities[0].Tags = []string{"public", " "} }, "activities[0].tags[1]"},
		{"variation id required", func(p *challenge.Programme) { p.Activities[1].Variations = []challenge.Variation{{Title: "x"}} }, "activities[1].variations[0].id"},
		{"variation id unique", func(p *challenge.Programme) { p.Activities[0].Variations[1].ID = "front-counter" }, "activities[0].variations[1].id"},
		{"slot day zero", func(p *challenge.Programme) { p.Schedule[1].Day = 0 }, "schedule[day 0].day"},
		{"slot day after end", func(p *challenge.Programme) { p.Schedule[1].Day = 11 }, "schedule[day 11].day"},
		{"slot day twice", func(p *challenge.Programme) { p.Schedule[2].Day = 1 }, "schedule[day 1]"},
		{"slot activity required", func(p *challenge.Programme) { p.Schedule[1].ActivityID = "" }, "schedule[day 1].activity"},
		{"slot activity unknown", func(p *challenge.Programme) { p.Schedule[1].ActivityID = "check-web" }, "schedule[day 1].activity"},
		{"slot variation unknown", func(p *challenge.Programme) { p.Schedule[0].VariationID = "in-custody" }, "schedule[day 3].variation"},
		{"slot variation of an activity without", func(p *challenge.Programme) { p.Schedule[1].VariationID = "front-counter" }, "schedule[day 1].variation"},
		{"cohort id required", func(p *challenge.Programme) { p.Cohorts[0].ID = "" }, "cohorts[0].id"},
		{"cohort id unique", func(p *challenge.Programme) { p.Cohorts = append(p.Cohorts, p.Cohorts[0]) }, "cohorts[1].id"},
		{"cohort start required", func(p *challenge.Programme) { p.Cohorts[0].Start = challenge.Date{} }, "cohorts[0].start"},
		{"streak at least 1", func(p *challenge.Programme) { p.StreakBonuses[0].Streak = 0 }, "streakBonuses[0].streak"},
		{"streak bonus points negative", func(p *challenge.Programme) { p.StreakBonuses[0].Points = -1 }, "streakBonuses[0].points"},
		{"streak lengths unique", func(p *challenge.Programme) {
			p.StreakBonuses = append(p.StreakBonuses, challenge.StreakBonus{Streak: 3, Points: 20})
		}, "streakBonuses[1].streak"},
		{"level name required", func(p *challenge.Programme) { p.Levels[1].Name = "" }, "levels[1].name"},
		{"level points negative", func(p *challenge.Programme) { p.Levels[0].Points = -1 }, "levels[0].points"},
		{"level points ascending", func(p *challenge.Programme) { p.Levels[1].Points = 0 }, "levels[1].points"},
		{"earnEvery negative", func(p *challenge.Programme) { p.Freezes.EarnEvery = -1 }, "freezes.earnEvery"},
		{"max negative", func(p *challenge.Programme) { p.Freezes.Max = -1 }, "freezes.max"},
		{"initial negative", func(p *challenge.Programme) { p.Freezes.Initial = -1 }, "freezes.initial"},
		{"initial above max", func(p *challenge.Programme) { p.Freezes.Initial = 3 }, "freezes.initial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProgramme()
			tt.mutate(p)
			before := append([]challenge.Slot(nil), p.Schedule...)

			err := p.Validate()
			assert.Contains(t, fields(t, err), tt.field)
			assert.Equal(t, before, p.Schedule, "a failed Validate must not reorder the schedule")
		})
	}
}

func TestValidateOK(t *testing.T) {
	p := validProgramme()
	require.NoError(t, p.Validate())

	assert.Equal(t, []int{1, 2, 3}, []int{p.Schedule[0].Day, p.Schedule[1].Day, p.Schedule[2].Day}, "schedule sorted by day")
	slot, ok := p.SlotOn(3)
	require.True(t, ok)
	assert.Equal(t, "on-patrol", slot.VariationID)
	_, ok = p.SlotOn(4)
	assert.False(t, ok, "day 4 has no slot")
	a, ok := p.Activity("check-website")
	require.True(t, ok)
	assert.Equal(t, 10, a.Points)

	t.Run("idempotent", func(t *testing.T) {
		schedule := slices.Clone(p.Schedule)
		require.NoError(t, p.Validate())
		assert.Equal(t, schedule, p.Schedule)
		assert.Equal(t, validated(t), p)
	})
	t.Run("stale index dropped on failure", func(t *testing.T) {
		q := validProgramme()
		require.NoError(t, q.Validate())
		q.Activities[1].ID = "renamed"
		require.Error(t, q.Validate())
		_, ok := q.Activity("check-website")
		assert.False(t, ok, "lookups must not answer from an index of the old programme")
		_, ok = q.Activity("renamed")
		assert.True(t, ok)
	})
}

func TestValidateReportsEverything(t *testing.T) {
	p := validProgramme()
	p.ID = ""
	p.Length = 0
	p.TimeZone = "Mars/Olympus_Mons"
	p.Activities[1].Points = -1
	p.Schedule[0].VariationID = "nope"
	p.Levels[1].Points = 0
	p.Freezes.Initial = 5

	assert.Equal(t, []string{
		"id",
		"length",
		"timeZone",
		"activities[1].points",
		"schedule[day 3].variation",
		"levels[1].points",
		"freezes.initial",
	}, fields(t, p.Validate()))
}

func TestValidateEmpty(t *testing.T) {
	var p challenge.Programme
	assert.Equal(t, []string{"id", "title", "length", "timeZone"}, fields(t, p.Validate()))
}

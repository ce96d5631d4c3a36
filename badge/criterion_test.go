package badge_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

func TestCriterionKinds(t *testing.T) {
	p := mustProgramme(t)
	withCounts := func(f badge.Facts, src badge.Source, n int) badge.Facts {
		f.Counts = map[badge.Source]int{src: n}
		return f
	}
	over := func(f badge.Facts, pos int, isOver bool) badge.Facts {
		f.Position, f.Over = pos, isOver
		return f
	}
	daily := func(f badge.Facts, day int) badge.Facts {
		f.Day, f.Today = day, day
		return f
	}
	tests := []struct {
		name     string
		crit     badge.Criterion
		repeat   badge.Repeat
		facts    badge.Facts
		met      bool
		text     string
		evidence badge.Evidence
	}{
		{"completions met", badge.Criterion{Kind: badge.Completions, Count: 3}, badge.Once, facts(p, 0, 2, 5, 9, 12), true, "3 of 3 completions",
			badge.Evidence{Days: []int{2, 5, 9}}},
		{"completions not met", badge.Criterion{Kind: badge.Completions, Count: 5}, badge.Once, facts(p, 0, 2, 5), false, "2 of 5 completions", badge.Evidence{}},
		{"completions by tag met", badge.Criterion{Kind: badge.Completions, Count: 2, Tag: "app"}, badge.Once, facts(p, 0, 1, 2, 4, 6, 9), true, "2 of 2 completions",
			badge.Evidence{Days: []int{1, 9}}},
		{"completions by tag not met", badge.Criterion{Kind: badge.Completions, Count: 2, Tag: "app"}, badge.Once, facts(p, 0, 1, 2, 4, 6), false, "1 of 2 completions", badge.Evidence{}},
		{"completions ignore days past the programme", badge.Criterion{Kind: badge.Completions, Count: 2}, badge.Once, facts(p, 0, 3, 15, 70), false, "1 of 2 completions", badge.Evidence{}},
		{"streak met", badge.Criterion{Kind: badge.Streak, Count: 5}, badge.Once, facts(p, 6), true, "streak 5 of 5",
			badge.Evidence{Counts: map[string]int{"streak": 6}}},
		{"streak not met", badge.Criterion{Kind: badge.Streak, Count: 5}, badge.Once, facts(p, 3), false, "streak 3 of 5", badge.Evidence{}},
		{"days met", badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 8, 14}}, badge.Once, facts(p, 0, 1, 2, 8, 14), true, "3 of 3 days",
			badge.Evidence{Days: []int{1, 8, 14}}},
		{"days not met", badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 8, 14}}, badge.Once, facts(p, 0, 1, 14), false, "2 of 3 days", badge.Evidence{}},
		{"week skips the rest day", badge.Criterion{Kind: badge.WeekComplete, Week: 1}, badge.Once, facts(p, 6, 1, 2, 3, 4, 5, 6), true, "6 of 6 days",
			badge.Evidence{Days: []int{1, 2, 3, 4, 5, 6}}},
		{"week not met", badge.Criterion{Kind: badge.WeekComplete, Week: 2}, badge.Once, facts(p, 0, 8, 9, 10, 11), false, "4 of 7 days", badge.Evidence{}},
		{"programme met", badge.Criterion{Kind: badge.ProgrammeComplete}, badge.Once, facts(p, 13, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14), true, "13 of 13 days",
			badge.Evidence{Days: []int{1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14}}},
		{"programme not met", badge.Criterion{Kind: badge.ProgrammeComplete}, badge.Once, facts(p, 4, 1, 2, 3, 4), false, "4 of 13 days", badge.Evidence{}},
		{"first completion met", badge.Criterion{Kind: badge.FirstCompletion}, badge.Once, facts(p, 1, 4, 9), true, "1 of 1 completion",
			badge.Evidence{Days: []int{4}}},
		{"first completion not met", badge.Criterion{Kind: badge.FirstCompletion}, badge.Once, facts(p, 0), false, "0 of 1 completion", badge.Evidence{}},
		{"day completed met", badge.Criterion{Kind: badge.DayCompleted}, badge.Daily, daily(facts(p, 1, 5), 5), true, "1 of 1 day",
			badge.Evidence{Days: []int{5}}},
		{"day completed not met", badge.Criterion{Kind: badge.DayCompleted}, badge.Daily, daily(facts(p, 1, 4), 5), false, "0 of 1 day", badge.Evidence{}},
		{"reflections met", badge.Criterion{Kind: badge.Reflections, Count: 3}, badge.Once, withCounts(facts(p, 0), badge.SourceReflections, 3), true, "3 of 3 reflections",
			badge.Evidence{Counts: map[string]int{"reflections": 3}}},
		{"reflections not met", badge.Criterion{Kind: badge.Reflections, Count: 3}, badge.Once, withCounts(facts(p, 0), badge.SourceResponses, 9), false, "0 of 3 reflections", badge.Evidence{}},
		{"responses met", badge.Criterion{Kind: badge.Responses, Count: 1}, badge.Once, withCounts(facts(p, 0), badge.SourceResponses, 1), true, "1 of 1 response",
			badge.Evidence{Counts: map[string]int{"responses": 1}}},
		{"responses not met", badge.Criterion{Kind: badge.Responses, Count: 5}, badge.Once, withCounts(facts(p, 0), badge.SourceResponses, 4), false, "4 of 5 responses", badge.Evidence{}},
		{"reactions met", badge.Criterion{Kind: badge.ReactionsReceived, Count: 10}, badge.Once, withCounts(facts(p, 0), badge.SourceReactions, 12), true, "10 of 10 reactions",
			badge.Evidence{Counts: map[string]int{"reactions": 12}}},
		{"reactions not met", badge.Criterion{Kind: badge.ReactionsReceived, Count: 10}, badge.Once, facts(p, 0), false, "0 of 10 reactions", badge.Evidence{}},
		{"position met", badge.Criterion{Kind: badge.FinalPosition, Position: 10}, badge.Once, over(facts(p, 0), 3, true), true, "position 3, in the top 10",
			badge.Evidence{Counts: map[string]int{"position": 3}}},
		{"position not final yet", badge.Criterion{Kind: badge.FinalPosition, Position: 10}, badge.Once, over(facts(p, 0), 3, false), false, "position 3, top 10 needed", badge.Evidence{}},
		{"position too low", badge.Criterion{Kind: badge.FinalPosition, Position: 10}, badge.Once, over(facts(p, 0), 12, true), false, "position 12, top 10 needed", badge.Evidence{}},
		{"position unknown", badge.Criterion{Kind: badge.FinalPosition, Position: 10}, badge.Once, over(facts(p, 0), 0, true), false, "no position yet, top 10 needed", badge.Evidence{}},
		{"all of met", badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Completions, Count: 1, Tag: "app"}, {Kind: badge.Streak, Count: 2},
		}}, badge.Once, facts(p, 2, 3, 4), true, "2 of 2 goals",
			badge.Evidence{Days: []int{3}, Counts: map[string]int{"streak": 2}}},
		{"all of not met", badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Completions, Count: 1, Tag: "app"}, {Kind: badge.Streak, Count: 3},
		}}, badge.Once, facts(p, 2, 3, 4), false, "1 of 2 goals", badge.Evidence{}},
		{"any of met", badge.Criterion{Kind: badge.AnyOf, Any: []badge.Criterion{
			{Kind: badge.Streak, Count: 9}, {Kind: badge.Completions, Count: 2, Tag: "website"},
		}}, badge.Once, facts(p, 2, 2, 4), true, "2 of 2 completions",
			badge.Evidence{Days: []int{2, 4}}},
		{"any of shows the closest", badge.Criterion{Kind: badge.AnyOf, Any: []badge.Criterion{
			{Kind: badge.Streak, Count: 10}, {Kind: badge.Completions, Count: 4, Tag: "website"},
		}}, badge.Once, facts(p, 2, 2, 4), false, "2 of 4 completions", badge.Evidence{}},
		{"custom met", badge.Criterion{Kind: badge.Custom, Sources: []badge.Source{badge.SourceStreak},
			Func: func(f badge.Facts) badge.Measure {
				return badge.Measure{Current: f.Longest, Target: 2, Unit: "visits", Met: f.Longest >= 2}
			}}, badge.Once, facts(p, 2), true, "2 of 2 visits", badge.Evidence{}},
		{"custom not met", badge.Criterion{Kind: badge.Custom, Sources: []badge.Source{badge.SourceStreak},
			Func: func(f badge.Facts) badge.Measure { return badge.Measure{Current: f.Longest, Target: 2} }}, badge.Once, facts(p, 1), false, "1 of 2", badge.Evidence{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs := []badge.Definition{{ID: "b", Name: "B", Repeat: tt.repeat, Criterion: tt.crit}}
			require.NoError(t, badge.Validate(defs, p))

			st := badge.Progress(defs, tt.facts, nil)
			require.Len(t, st, 1)
			assert.Equal(t, tt.met, st[0].Measure.Met, "met")
			assert.Equal(t, tt.text, st[0].Measure.String())

			changes := badge.Evaluate(defs, tt.facts, allSources, nil)
			if !tt.met {
				assert.Empty(t, changes)
				return
			}
			require.Len(t, changes, 1)
			assert.Equal(t, badge.Award, changes[0].Kind)
			assert.Equal(t, tt.evidence, changes[0].Measure.Evidence)
		})
	}
}

func TestDependsOn(t *testing.T) {
	tests := []struct {
		name string
		crit badge.Criterion
		want []badge.Source
	}{
		{"completions", badge.Criterion{Kind: badge.Completions, Count: 1}, []badge.Source{badge.SourceCompletions}},
		{"streak", badge.Criterion{Kind: badge.Streak, Count: 1}, []badge.Source{badge.SourceStreak}},
		{"week", badge.Criterion{Kind: badge.WeekComplete, Week: 1}, []badge.Source{badge.SourceCompletions}},
		{"reactions", badge.Criterion{Kind: badge.ReactionsReceived, Count: 1}, []badge.Source{badge.SourceReactions}},
		{"position", badge.Criterion{Kind: badge.FinalPosition, Position: 1}, []badge.Source{badge.SourcePosition}},
		{"composite union", badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Reflections, Count: 1},
			{Kind: badge.AnyOf, Any: []badge.Criterion{{Kind: badge.Streak, Count: 3}, {Kind: badge.Completions, Count: 3}}},
			{Kind: badge.Streak, Count: 5},
		}}, []badge.Source{badge.SourceCompletions, badge.SourceStreak, badge.SourceReflections}},
		{"custom", badge.Criterion{Kind: badge.Custom, Sources: []badge.Source{badge.SourceResponses, badge.SourceCompletions}},
			[]badge.Source{badge.SourceCompletions, badge.SourceResponses}},
		{"none", badge.Criterion{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.crit.DependsOn())
		})
	}
}

func TestMeasureString(t *testing.T) {
	tests := []struct {
		name string
		m    badge.Measure
		want string
	}{
		{"days", badge.Measure{Current: 4, Target: 7, Unit: badge.UnitDays}, "4 of 7 days"},
		{"one day", badge.Measure{Current: 0, Target: 1, Unit: badge.UnitDays}, "0 of 1 day"},
		{"streak", badge.Measure{Current: 3, Target: 5, Unit: badge.UnitStreak}, "streak 3 of 5"},
		{"reflections", badge.Measure{Current: 1, Target: 10, Unit: badge.UnitReflections}, "1 of 10 reflections"},
		{"own unit", badge.Measure{Current: 1, Target: 1, Unit: "visits"}, "1 of 1 visits"},
		{"no unit", badge.Measure{Current: 2, Target: 3}, "2 of 3"},
		{"past the target", badge.Measure{Current: 9, Target: 5, Unit: badge.UnitCompletions, Met: true}, "5 of 5 completions"},
		{"position", badge.Measure{Current: 4, Target: 3, Unit: badge.UnitPosition}, "position 4, top 3 needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.String())
		})
	}
}

func TestEnumStrings(t *testing.T) {
	assert.Equal(t, "day-completed", badge.DayCompleted.String())
	assert.Equal(t, "Kind(99)", badge.Kind(99).String())
	assert.Equal(t, "reactions", badge.SourceReactions.String())
	assert.Equal(t, "daily", badge.Daily.String())
	assert.Equal(t, "revoke", badge.Revoke.String())
	assert.True(t, badge.Streak.Tiered())
	assert.False(t, badge.WeekComplete.Tiered())
}

// TestWeekPastTheEnd: a last week that runs past the programme's end
// requires only the days inside it (days after the end are no days).
func TestWeekPastTheEnd(t *testing.T) {
	p := &challenge.Programme{ID: "p", Title: "P", Length: 9, TimeZone: "UTC",
		Activities: []challenge.Activity{{ID: "a", Title: "A"}}}
	for d := 1; d <= 9; d++ {
		p.Schedule = append(p.Schedule, challenge.Slot{Day: d, ActivityID: "a"})
	}
	require.NoError(t, p.Validate())
	en := &challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4), FirstDay: 1}
	var done challenge.Days
	for d := 8; d <= 9; d++ {
		done.Add(d)
	}
	defs := []badge.Definition{{ID: "w2", Name: "Week 2", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 2}}}
	changes := badge.Evaluate(defs, badge.Facts{Calendar: challenge.NewCalendar(p, en), Done: done, Today: 9, Day: 9},
		[]badge.Source{badge.SourceCompletions}, nil)
	require.Len(t, changes, 1, "days 8 and 9 complete week 2 of a 9-day programme")
	assert.Equal(t, badge.Award, changes[0].Kind)
}

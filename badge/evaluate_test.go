package badge_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
)

var streakTiers = badge.Definition{
	ID: "streak", Name: "On a roll",
	Tiers:     []badge.Tier{{Name: "bronze", Threshold: 3}, {Name: "silver", Threshold: 7}, {Name: "gold", Threshold: 12}},
	Criterion: badge.Criterion{Kind: badge.Streak},
}

var appTiers = badge.Definition{
	ID: "app", Name: "App regular",
	Tiers:     []badge.Tier{{Name: "bronze", Threshold: 1}, {Name: "silver", Threshold: 3}},
	Criterion: badge.Criterion{Kind: badge.Completions, Tag: "app"},
}

func TestEvaluateTiers(t *testing.T) {
	p := mustProgramme(t)
	defs := []badge.Definition{streakTiers, appTiers}
	require.NoError(t, badge.Validate(defs, p))
	changed := []badge.Source{badge.SourceCompletions, badge.SourceStreak}
	tests := []struct {
		name  string
		facts badge.Facts
		held  badge.HeldSet
		want  []string
	}{
		{"nothing yet", facts(p, 2, 1), held(key("app", 1, 0)), nil},
		{"jump awards every tier reached", facts(p, 8, 1, 2, 3, 4, 5, 6, 8, 9), nil, []string{
			"award streak tier 1: streak 3 of 3",
			"award streak tier 2: streak 7 of 7",
			"award app tier 1: 1 of 1 completion",
			"award app tier 2: 3 of 3 completions",
		}},
		{"held tiers are left alone", facts(p, 8, 1, 2, 3, 4, 5, 6, 8, 9),
			held(key("streak", 1, 0), key("app", 1, 0), key("app", 2, 0)),
			[]string{"award streak tier 2: streak 7 of 7"}},
		{"revocation drops only the tiers that no longer hold", facts(p, 4, 1, 2, 3, 4),
			held(key("streak", 1, 0), key("streak", 2, 0), key("app", 1, 0), key("app", 2, 0)),
			[]string{"revoke streak tier 2: streak 4 of 7", "revoke app tier 2: 2 of 3 completions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, nilIfEmpty(summary(badge.Evaluate(defs, tt.facts, changed, tt.held))))
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestEvaluateTierEvidence(t *testing.T) {
	p := mustProgramme(t)
	changes := badge.Evaluate([]badge.Definition{appTiers}, facts(p, 0, 1, 3, 5, 9), []badge.Source{badge.SourceCompletions}, nil)
	require.Len(t, changes, 2)
	assert.Equal(t, []int{1}, changes[0].Measure.Evidence.Days, "bronze is earned by the first app completion")
	assert.Equal(t, []int{1, 3, 5}, changes[1].Measure.Evidence.Days, "silver by the first three")
}

func TestEvaluateDaily(t *testing.T) {
	p := mustProgramme(t)
	defs := []badge.Definition{{ID: "today", Name: "Today's challenge done", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}}}
	require.NoError(t, badge.Validate(defs, p))
	changed := []badge.Source{badge.SourceCompletions, badge.SourceStreak}
	s := badge.HeldSet{}

	for _, day := range []int{3, 4, 5} {
		f := facts(p, 0, 3, 4, 5)
		f.Day = day
		changes := badge.Evaluate(defs, f, changed, s)
		require.Len(t, changes, 1, "day %d", day)
		assert.Equal(t, badge.Occurrence{Day: day}, changes[0].Occurrence)
		assert.Equal(t, badge.Award, changes[0].Kind)
		s.Apply(changes)
	}

	f := facts(p, 0, 3, 4, 5)
	f.Day = 4
	assert.Empty(t, badge.Evaluate(defs, f, changed, s), "completing day 4 again awards nothing more")

	// Revoking day 5 revokes day 5's award and nothing else.
	f = facts(p, 0, 3, 4)
	f.Day = 5
	changes := badge.Evaluate(defs, f, changed, s)
	assert.Equal(t, []string{"revoke today day 5: 0 of 1 day"}, summary(changes))
	s.Apply(changes)
	assert.Equal(t, badge.HeldSet{key("today", 0, 3): true, key("today", 0, 4): true}, s)

	f.Day = 0
	assert.Empty(t, badge.Evaluate(defs, f, changed, s), "an event about no day touches no daily badge")
}

func TestEvaluateOnceRevoked(t *testing.T) {
	p := mustProgramme(t)
	defs := []badge.Definition{
		{ID: "first", Name: "First step", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "week1", Name: "Full week", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 1}},
		{ID: "both", Name: "All-rounder", Criterion: badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Completions, Count: 1, Tag: "app"}, {Kind: badge.Completions, Count: 1, Tag: "website"},
		}}},
	}
	require.NoError(t, badge.Validate(defs, p))
	s := held(key("first", 0, 0), key("week1", 0, 0), key("both", 0, 0))
	// Day 2 (the only website day done) is revoked.
	f := facts(p, 1, 1, 3, 5)
	f.Day = 2
	got := badge.Evaluate(defs, f, []badge.Source{badge.SourceCompletions, badge.SourceStreak}, s)
	assert.Equal(t, []string{"revoke week1: 3 of 6 days", "revoke both: 1 of 2 goals"}, summary(got))
}

func TestEvaluateOnlyWhatTheEventCanAffect(t *testing.T) {
	p := mustProgramme(t)
	calls := 0
	counting := badge.Definition{ID: "custom", Name: "Custom", Criterion: badge.Criterion{
		Kind:    badge.Custom,
		Sources: []badge.Source{badge.SourceReflections},
		Func: func(f badge.Facts) badge.Measure {
			calls++
			n := f.Counts[badge.SourceReflections]
			return badge.Measure{Current: n, Target: 2, Unit: badge.UnitReflections, Met: n >= 2}
		},
	}}
	composite := badge.Definition{ID: "mixed", Name: "Mixed", Criterion: badge.Criterion{Kind: badge.AnyOf, Any: []badge.Criterion{
		{Kind: badge.Streak, Count: 100}, counting.Criterion,
	}}}
	defs := []badge.Definition{counting, composite}
	require.NoError(t, badge.Validate(defs, p))

	f := facts(p, 1, 1)
	f.Counts = map[badge.Source]int{badge.SourceReflections: 2}
	assert.Empty(t, badge.Evaluate(defs, f, []badge.Source{badge.SourceCompletions}, nil))
	assert.Equal(t, 0, calls, "a completion does not re-check a reflections criterion")
	assert.Empty(t, badge.Evaluate(defs, f, []badge.Source{badge.SourceResponses, badge.SourcePosition}, nil))
	assert.Equal(t, 0, calls)

	got := badge.Evaluate(defs, f, []badge.Source{badge.SourceReflections}, nil)
	assert.Equal(t, []string{"award custom: 2 of 2 reflections", "award mixed: 2 of 2 reflections"}, summary(got))
	assert.Equal(t, 2, calls, "once for the badge, once inside the composite")

	calls = 0
	got = badge.Evaluate(defs, f, []badge.Source{badge.SourceStreak}, nil)
	assert.Equal(t, []string{"award mixed: 2 of 2 reflections"}, summary(got), "the composite also reads the streak")
	assert.Equal(t, 1, calls)
}

func TestProgress(t *testing.T) {
	p := mustProgramme(t)
	defs := []badge.Definition{
		streakTiers,
		{ID: "first", Name: "First step", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "secret", Name: "Secret", Hidden: true, Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 14}}},
		{ID: "secret2", Name: "Secret found", Hidden: true, Criterion: badge.Criterion{Kind: badge.Streak, Count: 2}},
		{ID: "today", Name: "Today", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
		appTiers,
	}
	require.NoError(t, badge.Validate(defs, p))
	f := facts(p, 4, 1, 2, 3, 4)
	f.Today = 5
	s := held(key("streak", 1, 0), key("first", 0, 0), key("secret2", 0, 0), key("today", 0, 2), key("today", 0, 4),
		key("app", 1, 0), key("app", 2, 0))

	got := badge.Progress(defs, f, s)
	ids := make([]string, len(got))
	for i, st := range got {
		ids[i] = st.Definition.ID
	}
	assert.Equal(t, []string{"streak", "first", "secret2", "today", "app"}, ids, "an unearned hidden badge is left out")
	require.Len(t, got, 5)

	assert.Equal(t, []badge.Occurrence{{Tier: 1}}, got[0].Earned)
	assert.Equal(t, badge.Occurrence{Tier: 2}, got[0].Next)
	assert.Equal(t, "streak 4 of 7", got[0].Measure.String())
	assert.False(t, got[0].Complete)

	assert.True(t, got[1].Complete)
	assert.Equal(t, []badge.Occurrence{{}}, got[1].Earned)

	assert.Equal(t, []badge.Occurrence{{Day: 2}, {Day: 4}}, got[3].Earned)
	assert.Equal(t, badge.Occurrence{Day: 5}, got[3].Next)
	assert.Equal(t, "0 of 1 day", got[3].Measure.String())
	assert.False(t, got[3].Complete)

	assert.True(t, got[4].Complete, "every tier is held")
	assert.Equal(t, badge.Occurrence{}, got[4].Next)
	assert.Equal(t, "2 of 3 completions", got[4].Measure.String(), "the measure at the top tier, now")
}

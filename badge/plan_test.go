package badge_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

// planDefs are badges of every data kind over the 14-day programme, with a
// Custom one over completions.
func planDefs(customCalls *int) []badge.Definition {
	tiers := []badge.Tier{{Name: "bronze", Threshold: 2}, {Name: "silver", Threshold: 4}, {Name: "gold", Threshold: 8}}
	return []badge.Definition{
		{ID: "first", Name: "First", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "daily", Name: "Daily", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
		{ID: "streak", Name: "Streak", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Streak}},
		{ID: "done", Name: "Done", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Completions}},
		{ID: "app", Name: "App", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Completions, Tag: "app"}},
		{ID: "web", Name: "Web", Criterion: badge.Criterion{Kind: badge.Completions, Count: 3, Tag: "website"}},
		{ID: "ends", Name: "Ends", Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 14}}},
		{ID: "week-1", Name: "Week 1", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 1}},
		{ID: "week-2", Name: "Week 2", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 2}},
		{ID: "all", Name: "All", Criterion: badge.Criterion{Kind: badge.ProgrammeComplete}},
		{ID: "both", Name: "Both", Criterion: badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Completions, Count: 2, Tag: "app"}, {Kind: badge.DaysCompleted, Days: []int{6}}}}},
		{ID: "either", Name: "Either", Criterion: badge.Criterion{Kind: badge.AnyOf, Any: []badge.Criterion{
			{Kind: badge.Streak, Count: 5}, {Kind: badge.DaysCompleted, Days: []int{12}}}}},
		{ID: "reflect", Name: "Reflect", Criterion: badge.Criterion{Kind: badge.Reflections, Count: 1}},
		{ID: "custom", Name: "Custom", Criterion: badge.Criterion{Kind: badge.Custom, Sources: []badge.Source{badge.SourceCompletions},
			Func: func(f badge.Facts) badge.Measure {
				*customCalls++
				n := 0
				for d := 1; d <= 14; d++ {
					if f.Done.Has(d) && d%3 == 0 {
						n++
					}
				}
				return badge.Measure{Current: n, Target: 2, Met: n >= 2}
			}}},
	}
}

// longestRun is the longest run of consecutive completed days, day 7 (not
// scheduled) neither extending nor breaking it: a stand-in for the
// engine's streak that is enough for badges.
func longestRun(done challenge.Days) int {
	best, run := 0, 0
	for d := 1; d <= 14; d++ {
		switch {
		case d == 7:
		case done.Has(d):
			run++
			best = max(best, run)
		default:
			run = 0
		}
	}
	return best
}

// TestPlanAfterOneCompletion completes the days of many random orders one
// at a time. After each, a Plan told the one day added (and the streak
// source only when the longest streak changed) must award exactly what a
// full re-check of every badge awards, so the held occurrences stay the
// same as with no skipping at all.
func TestPlanAfterOneCompletion(t *testing.T) {
	p := mustProgramme(t)
	var calls int
	defs := planDefs(&calls)
	require.NoError(t, badge.Validate(defs, p))
	plan := badge.NewPlan(defs, p)
	rng := rand.New(rand.NewPCG(3, 4))
	for run := range 300 {
		order := rng.Perm(14)
		var done challenge.Days
		held := badge.HeldBits{Plan: plan} // what the plan decided, as an enrolment keeps it
		full := badge.HeldSet{}            // what full evaluation decided
		longest := 0
		for _, i := range order[:1+rng.IntN(14)] {
			day := i + 1
			done.Add(day)
			before := longest
			longest = longestRun(done)
			changed := []badge.Source{badge.SourceCompletions}
			if longest != before {
				changed = append(changed, badge.SourceStreak)
			}
			f := badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Longest: longest, Today: 14, Day: day}
			want := badge.Evaluate(defs, f, allSources, full)
			full.Apply(want)

			f.Gained, f.Added = true, day
			calls = 0
			got := plan.Evaluate(f, changed, held)
			require.Equal(t, summary(want), summary(got), "run %d, completing day %d of %v", run, day, order)
			assert.Equal(t, 1, calls, "a Custom criterion is checked on every completion it may depend on")
			for _, c := range got {
				slot, ok := plan.Slot(c.Index, c.Occurrence)
				require.True(t, ok, "%s has a slot", c)
				held.Bits.Set(slot)
			}
		}
	}
}

// TestPlanSkipsWhatADayCannotChange shows the work a Plan saves: a
// completion of day 2 (website) does not check the app-tagged badge, the
// week-2 badge or the badge of days 1 and 14.
func TestPlanSkipsWhatADayCannotChange(t *testing.T) {
	p := mustProgramme(t)
	var calls int
	defs := planDefs(&calls)
	plan := badge.NewPlan(defs, p)
	// Days 1, 3, 5 and 9 were completed with no award made: held is empty,
	// as if the badges had just been added. A plan that checks only what
	// day 2 can change awards only what reads day 2.
	f := facts(p, 1, 1, 2, 3, 5, 9)
	f.Day, f.Gained, f.Added = 2, true, 2
	got := plan.Evaluate(f, []badge.Source{badge.SourceCompletions}, nil)
	assert.Equal(t, []string{
		"award first: 1 of 1 completion",
		"award daily day 2: 1 of 1 day",
		"award done tier 1: 2 of 2 completions",
		"award done tier 2: 4 of 4 completions",
		"award custom: 2 of 2",
	}, summary(got), "app, ends and week-2 do not read day 2 and the streak did not change; a Custom criterion is always checked")
	// Without Added every badge over completions is checked.
	f.Added = 0
	got = plan.Evaluate(f, []badge.Source{badge.SourceCompletions}, nil)
	assert.Contains(t, summary(got), "award app tier 2: 4 of 4 completions")
}

// TestPlanSlots checks the slot layout: definition order, a slot per day
// of a daily badge, per tier of a tiered one, one for any other; no two
// occurrences share a slot, and occurrences a badge does not have have none.
func TestPlanSlots(t *testing.T) {
	p := mustProgramme(t)
	var calls int
	defs := planDefs(&calls)
	plan := badge.NewPlan(defs, p)
	seen := map[int]string{}
	for i, d := range defs {
		var occs []badge.Occurrence
		switch {
		case d.Repeat == badge.Daily:
			for day := 1; day <= p.Length; day++ {
				occs = append(occs, badge.Occurrence{Day: day})
			}
			for _, bad := range []badge.Occurrence{{}, {Day: p.Length + 1}, {Day: -1}, {Tier: 1, Day: 1}} {
				_, ok := plan.Slot(i, bad)
				assert.False(t, ok, "%s %+v has no slot", d.ID, bad)
			}
		case len(d.Tiers) > 0:
			for tier := 1; tier <= len(d.Tiers); tier++ {
				occs = append(occs, badge.Occurrence{Tier: tier})
			}
			for _, bad := range []badge.Occurrence{{}, {Tier: len(d.Tiers) + 1}, {Tier: 1, Day: 2}} {
				_, ok := plan.Slot(i, bad)
				assert.False(t, ok, "%s %+v has no slot", d.ID, bad)
			}
		default:
			occs = append(occs, badge.Occurrence{})
			_, ok := plan.Slot(i, badge.Occurrence{Day: 1})
			assert.False(t, ok, "%s day 1 has no slot", d.ID)
		}
		for _, o := range occs {
			s, ok := plan.Slot(i, o)
			require.True(t, ok, "%s %+v", d.ID, o)
			require.NotContains(t, seen, s, "%s %+v shares a slot", d.ID, o)
			seen[s] = d.ID
			assert.Less(t, s, plan.Slots())
		}
		got, ok := plan.Index(d.ID)
		assert.True(t, ok)
		assert.Equal(t, i, got)
	}
	assert.Len(t, seen, plan.Slots(), "every slot belongs to an occurrence")
	_, ok := plan.Index("no-such-badge")
	assert.False(t, ok)
	_, ok = plan.Slot(len(defs), badge.Occurrence{})
	assert.False(t, ok, "an index past the definitions has no slot")

	// The layout's fingerprint changes with anything that moves a slot.
	assert.NotZero(t, plan.Layout())
	assert.Equal(t, plan.Layout(), badge.NewPlan(planDefs(&calls), p).Layout(), "the same definitions lay out the same")
	swapped := planDefs(&calls)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	assert.NotEqual(t, plan.Layout(), badge.NewPlan(swapped, p).Layout(), "reordered")
	fewer := planDefs(&calls)
	assert.NotEqual(t, plan.Layout(), badge.NewPlan(fewer[1:], p).Layout(), "one dropped")
	retiered := planDefs(&calls)
	for i := range retiered {
		if len(retiered[i].Tiers) > 1 {
			retiered[i].Tiers = retiered[i].Tiers[:1]
			break
		}
	}
	assert.NotEqual(t, plan.Layout(), badge.NewPlan(retiered, p).Layout(), "a tier dropped")
}

// TestHeldBitsHas checks HeldBits against the slots it names.
func TestHeldBitsHas(t *testing.T) {
	p := mustProgramme(t)
	var calls int
	defs := planDefs(&calls)
	plan := badge.NewPlan(defs, p)
	held := badge.HeldBits{Plan: plan}
	set := func(id string, o badge.Occurrence) {
		i, ok := plan.Index(id)
		require.True(t, ok, id)
		s, ok := plan.Slot(i, o)
		require.True(t, ok, "%s %+v", id, o)
		held.Bits.Set(s)
	}
	set("daily", badge.Occurrence{Day: 3})
	set("done", badge.Occurrence{Tier: 2})
	set("first", badge.Occurrence{})
	for _, tt := range []struct {
		id   string
		o    badge.Occurrence
		want bool
	}{
		{"daily", badge.Occurrence{Day: 3}, true},
		{"daily", badge.Occurrence{Day: 4}, false},
		{"daily", badge.Occurrence{}, false},
		{"done", badge.Occurrence{Tier: 2}, true},
		{"done", badge.Occurrence{Tier: 1}, false},
		{"done", badge.Occurrence{Tier: 2, Day: 3}, false},
		{"first", badge.Occurrence{}, true},
		{"first", badge.Occurrence{Day: 3}, false},
		{"unknown", badge.Occurrence{}, false},
		{"", badge.Occurrence{}, false},
	} {
		assert.Equal(t, tt.want, held.Has(tt.id, tt.o), "%s %+v", tt.id, tt.o)
	}
}

// TestPlanWithHeldSet checks that a Plan gives Evaluate's answers whatever
// Held it is given.
func TestPlanWithHeldSet(t *testing.T) {
	p := mustProgramme(t)
	var calls int
	defs := planDefs(&calls)
	f := facts(p, 4, 1, 2, 3, 4, 5, 6)
	f.Day = 6
	held := held(key("first", 0, 0), key("done", 1, 0), key("streak", 3, 0))
	want := badge.Evaluate(defs, f, allSources, held)
	assert.Equal(t, summary(want), summary(badge.NewPlan(defs, p).Evaluate(f, allSources, held)))
	plan := badge.NewPlan(defs, p)
	bits := badge.HeldBits{Plan: plan}
	for k := range held {
		i, ok := plan.Index(k.Badge)
		require.True(t, ok)
		s, ok := plan.Slot(i, k.Occurrence)
		require.True(t, ok)
		bits.Bits.Set(s)
	}
	assert.Equal(t, summary(want), summary(plan.Evaluate(f, allSources, &bits)))
	assert.Equal(t, summary(want), summary(plan.Evaluate(f, allSources, bits)))
	other := badge.HeldBits{Plan: badge.NewPlan(defs, p), Bits: bits.Bits}
	assert.Equal(t, summary(want), summary(plan.Evaluate(f, allSources, other)), "bits of another plan are asked, not read")
}

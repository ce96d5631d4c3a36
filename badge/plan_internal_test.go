package badge

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// TestMetIsMeasureMet checks that the cheap check evaluation makes first
// agrees with the full measure, for every data kind, on random facts, and
// so do the criteria a plan compiles to word operations.
func TestMetIsMeasureMet(t *testing.T) {
	p, err := challenge.ParseDefinition([]byte(`
id: met
title: Met
length: 20
timeZone: Europe/London
restDays: {weekdays: [sunday]}
activities:
  - {id: a, title: A, points: 1, tags: [x]}
  - {id: b, title: B, points: 1, tags: [y]}
schedule:
  - {days: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19], activity: a}
  - {days: [2, 4, 6, 8, 10, 12, 14, 16, 18], activity: b}
`))
	require.NoError(t, err)
	criteria := []Criterion{
		{Kind: Completions, Count: 4}, {Kind: Completions, Count: 3, Tag: "x"}, {Kind: Completions, Count: 2, Tag: "none"},
		{Kind: Streak, Count: 5}, {Kind: DaysCompleted, Days: []int{2, 3, 3}}, {Kind: DaysCompleted},
		{Kind: WeekComplete, Week: 1}, {Kind: WeekComplete, Week: 3}, {Kind: WeekComplete, Week: 4},
		{Kind: ProgrammeComplete}, {Kind: FirstCompletion}, {Kind: DayCompleted},
		{Kind: Reflections, Count: 2}, {Kind: Responses, Count: 1}, {Kind: ReactionsReceived, Count: 3},
		{Kind: FinalPosition, Position: 3},
		{Kind: AllOf, All: []Criterion{{Kind: Completions, Count: 2, Tag: "x"}, {Kind: Streak, Count: 2}}},
		{Kind: AnyOf, Any: []Criterion{{Kind: WeekComplete, Week: 2}, {Kind: Completions, Count: 9}}},
		{Kind: AllOf}, {Kind: AnyOf},
		{Kind: AllOf, All: []Criterion{{Kind: Streak, Count: 2}, {Kind: AnyOf, Any: []Criterion{{Kind: Streak, Count: 3}, {Kind: DayCompleted}}}, {Kind: DaysCompleted, Days: []int{4}}}},
	}
	// Definition 0 holds every criterion, so that the plan knows every
	// tag; definition i+1 compiles criterion i alone.
	defs := []Definition{{ID: "p", Criterion: Criterion{Kind: AllOf, All: criteria}}}
	for i, c := range criteria {
		defs = append(defs, Definition{ID: fmt.Sprint(i), Criterion: c})
	}
	plan := NewPlan(defs, p)
	rng := rand.New(rand.NewPCG(1, 2))
	// How often each criterion was met, and its measure worked out from
	// words.
	metN, fast := make([]int, len(criteria)), make([]int, len(criteria))
	for range 3000 {
		var done challenge.Days
		density := rng.Float64()
		for d := 1; d <= 21; d++ {
			if rng.Float64() < density {
				done.Add(d)
			}
		}
		// No enrolment, one starting on any weekday (perhaps late), or one
		// with a rota, whose rest days a plan leaves to the calendar.
		var en *challenge.Enrolment
		switch rng.IntN(3) {
		case 1:
			en = &challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4+rng.IntN(7)), FirstDay: 1 + rng.IntN(5)}
		case 2:
			en = &challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4), FirstDay: 1, Rota: challenge.Rota{Start: challenge.NewDate(2027, 1, 5), On: 3, Off: 2}}
		}
		f := Facts{
			Calendar: challenge.NewCalendar(p, en), Done: done, Longest: rng.IntN(8), Today: 20, Day: rng.IntN(21),
			Counts:   map[Source]int{SourceReflections: rng.IntN(4), SourceResponses: rng.IntN(3), SourceReactions: rng.IntN(5)},
			Position: rng.IntN(6), Over: rng.IntN(2) == 0,
		}
		withPlan := f
		withPlan.plan = plan
		for i := range criteria {
			c := &criteria[i]
			for _, target := range []int{0, 1, 3, 6} {
				want := c.measure(&f, target, f.Day, false).Met
				require.Equal(t, want, c.met(&f, target, f.Day), "criterion %d (%s) target %d on %v", i, c.Kind, target, f.Done)
				require.Equal(t, want, c.met(&withPlan, target, f.Day), "with a plan: criterion %d (%s) target %d", i, c.Kind, target)
				compiled := withPlan
				require.Equal(t, want, plan.fast[i+1].met(c, &compiled, target, f.Day), "compiled: criterion %d (%s) target %d on %v of %+v", i, c.Kind, target, f.Done, en)
				require.Equal(t, c.measure(&f, target, f.Day, true), c.measure(&withPlan, target, f.Day, true), "a plan's tag days change no measure")
				if want {
					metN[i]++
					measured := withPlan
					require.Equal(t, c.measure(&f, target, f.Day, true), plan.fast[i+1].measure(c, &measured, target, f.Day),
						"compiled measure: criterion %d (%s) target %d on %v of %+v", i, c.Kind, target, f.Done, en)
					if _, ok := plan.fast[i+1].measureMet(c, &measured, target, f.Day); ok {
						fast[i]++
					}
				}
			}
		}
	}
	// Every compiled kind must have been measured from words, not only
	// handed back to Criterion.measure.
	for i := range criteria {
		if plan.fast[i+1].op != opSlow && metN[i] > 0 {
			require.Positive(t, fast[i], "criterion %d (%s) was never measured from words", i, criteria[i].Kind)
		}
	}
}

// TestNextDayAgreesWithALoop checks nextDay, which scans days a word at a
// time, against a walk of one day at a time, over sets that end inside,
// at and past a word's edge and ranges that start and stop anywhere.
func TestNextDayAgreesWithALoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		var done challenge.Days
		for range rng.IntN(40) {
			done.Add(1 + rng.IntN(200))
		}
		from, to := rng.IntN(210), rng.IntN(210)
		for _, in := range []bool{false, true} {
			want := to + 1
			for d := max(from, 0); d <= to; d++ {
				if done.Has(d) == in {
					want = d
					break
				}
			}
			require.Equal(t, want, nextDay(done, from, to, in), "days %v, %d..%d, in %v", done, from, to, in)
		}
	}
}

// TestPlanRestDaysAgreeWithTheCalendar checks the rest days a plan fills
// in at once against the calendar's answer for each day, for day 1 on
// every weekday, late first days, and enrolments whose rota, absences or
// programme rest dates the plan leaves to the calendar.
func TestPlanRestDaysAgreeWithTheCalendar(t *testing.T) {
	def := `
id: rest
title: Rest
length: 80
timeZone: Europe/London
restDays: {weekdays: [saturday, sunday]%s}
activities:
  - {id: a, title: A, points: 1}
schedule:
  - {days: [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 40, 63, 64, 65, 66, 70, 80], activity: a}
`
	for _, dates := range []string{"", ", dates: [2027-01-06]"} {
		p, err := challenge.ParseDefinition([]byte(fmt.Sprintf(def, dates)))
		require.NoError(t, err)
		pl := NewPlan(nil, p)
		require.Equal(t, dates == "", pl.restWeek != nil, "rest dates leave every day to the calendar")
		enrolments := []*challenge.Enrolment{nil}
		for start := range 7 {
			for _, first := range []int{0, 1, 2, 9, 70} {
				enrolments = append(enrolments, &challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4+start), FirstDay: first})
			}
		}
		enrolments = append(enrolments,
			&challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4), FirstDay: 1, Rota: challenge.Rota{Start: challenge.NewDate(2027, 1, 4), On: 2, Off: 1}},
			&challenge.Enrolment{Start: challenge.NewDate(2027, 1, 4), FirstDay: 1, Absences: []challenge.Absence{{From: challenge.NewDate(2027, 1, 12), To: challenge.NewDate(2027, 1, 14)}}})
		for _, e := range enrolments {
			cal := challenge.NewCalendar(p, e)
			f := Facts{Calendar: cal, plan: pl}
			for _, d := range []int{5, 1, 80, 33} { // the first question fills the cache
				require.Equal(t, cal.IsRest(d), f.isRest(d), "day %d of %+v", d, e)
			}
			for d := -1; d <= 82; d++ {
				require.Equal(t, cal.IsRest(d), f.isRest(d), "day %d of %+v", d, e)
			}
		}
	}
}

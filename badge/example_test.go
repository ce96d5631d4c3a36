package badge_test

import (
	"fmt"
	"log"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

// ExampleEvaluate completes three days of a programme, evaluating the
// badges after each completion the way the engine does, then revokes
// day 2.
func ExampleEvaluate() {
	file := []byte(`
id: example
title: Example
length: 7
timeZone: Europe/London
activities:
  - {id: app, title: Use the app, points: 10, tags: [app]}
schedule:
  - {days: 1-7, activity: app}
badges:
  - {id: first-step, name: First step, criterion: first-completion}
  - {id: today, name: Today's challenge done, repeat: daily, criterion: day-completed}
  - id: streak
    name: On a roll
    tiers: [{name: bronze, at: 2}, {name: silver, at: 3}]
    criterion: streak
  - {id: week-one, name: Full first week, criterion: {week: 1}}
`)
	p, err := challenge.ParseDefinition(file)
	if err != nil {
		log.Fatal(err)
	}
	defs, err := badge.ParseDefinitions(file)
	if err != nil {
		log.Fatal(err)
	}
	if err := badge.Validate(defs, p); err != nil {
		log.Fatal(err)
	}

	cal := challenge.NewCalendar(p, nil)
	progress := challenge.NewProgress(p)
	held := badge.HeldSet{}
	changed := []badge.Source{badge.SourceCompletions, badge.SourceStreak}
	facts := func(day int) badge.Facts {
		return badge.Facts{Calendar: cal, Done: progress.Done, Longest: progress.Longest, Today: 3, Day: day}
	}

	for day := 1; day <= 3; day++ {
		progress.Record(cal, day, day, nil)
		changes := badge.Evaluate(defs, facts(day), changed, held)
		held.Apply(changes)
		for _, c := range changes {
			fmt.Println(c)
		}
	}

	fmt.Println("-- day 2 revoked")
	progress.Remove(cal, 2, 3, nil)
	changes := badge.Evaluate(defs, facts(2), changed, held)
	held.Apply(changes)
	for _, c := range changes {
		fmt.Println(c)
	}

	fmt.Println("-- badge page")
	for _, st := range badge.Progress(defs, facts(0), held) {
		fmt.Printf("%s: %d earned, next: %v\n", st.Definition.Name, len(st.Earned), st.Measure)
	}
	// Output:
	// award first-step: 1 of 1 completion
	// award today day 1: 1 of 1 day
	// award today day 2: 1 of 1 day
	// award streak tier 1: streak 2 of 2
	// award today day 3: 1 of 1 day
	// award streak tier 2: streak 3 of 3
	// -- day 2 revoked
	// revoke today day 2: 0 of 1 day
	// revoke streak tier 1: streak 1 of 2
	// revoke streak tier 2: streak 1 of 3
	// -- badge page
	// First step: 1 earned, next: 1 of 1 completion
	// Today's challenge done: 2 earned, next: 1 of 1 day
	// On a roll: 0 earned, next: streak 1 of 2
	// Full first week: 0 earned, next: 2 of 7 days
}

// ExampleHeldBits keeps what a participant holds as an enrolment does:
// one bit per occurrence, in the slots the plan lays out, which the plan
// evaluates without looking anything up by ID.
func ExampleHeldBits() {
	file := []byte(`
id: example
title: Example
length: 3
timeZone: Europe/London
activities:
  - {id: app, title: Use the app, points: 10}
schedule:
  - {days: 1-3, activity: app}
badges:
  - {id: first-step, name: First step, criterion: first-completion}
  - {id: today, name: Today's challenge done, repeat: daily, criterion: day-completed}
`)
	p, err := challenge.ParseDefinition(file)
	if err != nil {
		log.Fatal(err)
	}
	defs, err := badge.ParseDefinitions(file)
	if err != nil {
		log.Fatal(err)
	}
	plan := badge.NewPlan(defs, p)
	held := badge.HeldBits{Plan: plan}
	var done challenge.Days
	for day := 1; day <= 2; day++ {
		done.Add(day)
		f := badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Today: day, Day: day, Gained: true, Added: day}
		for _, c := range plan.Evaluate(f, []badge.Source{badge.SourceCompletions}, held) {
			slot, _ := plan.Slot(c.Index, c.Occurrence)
			held.Bits.Set(slot)
			fmt.Printf("%s: slot %d\n", c, slot)
		}
	}
	fmt.Println("slots:", plan.Slots(), "held:", held.Bits.Count())
	fmt.Println("today, day 2:", held.Has("today", badge.Occurrence{Day: 2}))
	fmt.Println("today, day 3:", held.Has("today", badge.Occurrence{Day: 3}))
	// Output:
	// award first-step: 1 of 1 completion: slot 0
	// award today day 1: 1 of 1 day: slot 1
	// award today day 2: 1 of 1 day: slot 2
	// slots: 4 held: 3
	// today, day 2: true
	// today, day 3: false
}

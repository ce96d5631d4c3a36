package challenge_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/habitkit/habitkit/challenge"
)

func ExampleParseDefinition() {
	p, err := challenge.ParseDefinition([]byte(`
id: reporting-habits
title: Online reporting habits
length: 7
dayStartHour: "04:00"
timeZone: Europe/London
activities:
  - id: show-the-form
    title: Show someone the online reporting form
    points: 15
    variations: [front-counter, on-patrol]
schedule:
  - day: 1
    activity: show-the-form
  - activity: show-the-form
    days: [2, 3, 4]
    variations: [front-counter, on-patrol, front-counter]
  - activity: show-the-form
    days: 5-7
    variation: on-patrol
`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title, "starts its days at", p.DayStartHour)
	for day := 1; day <= p.Length; day++ {
		slot, _ := p.SlotOn(day)
		if slot.VariationID == "" {
			fmt.Printf("day %d: %s\n", day, slot.ActivityID)
		} else {
			fmt.Printf("day %d: %s (%s)\n", day, slot.ActivityID, slot.VariationID)
		}
	}
	// Output:
	// Online reporting habits starts its days at 4
	// day 1: show-the-form
	// day 2: show-the-form (front-counter)
	// day 3: show-the-form (on-patrol)
	// day 4: show-the-form (front-counter)
	// day 5: show-the-form (on-patrol)
	// day 6: show-the-form (on-patrol)
	// day 7: show-the-form (on-patrol)
}

// Every problem in a file is reported at once, each with its line.
func ExampleParseDefinition_problems() {
	_, err := challenge.ParseDefinition([]byte(`id: reporting-habits
title: Online reporting habits
length: 7
timeZone: Europe/Lodnon
activities:
  - id: show-the-form
    title: Show someone the online reporting form
    poinst: 15
schedule:
  - {days: 1-7, activity: show-the-form, variation: on-patrol}
points:
  levels:
    - {name: Starter, points: 10}
    - {name: Signposter, points: 5}
`))
	var problems challenge.ValidationErrors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(p)
		}
	}
	// Output:
	// line 4: timeZone: "Europe/Lodnon" is not a known IANA time zone (such as "Europe/London")
	// line 8: activities[0].poinst: unknown field "poinst" in an activity (did you mean "points"?)
	// line 10: schedule[day 1].variation: activity "show-the-form" has no variation "on-patrol"
	// line 14: points.levels[1].points: must be more than the previous level's 10 points, not 5
}

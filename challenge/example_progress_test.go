package challenge_test

import (
	"fmt"
	"log"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

func ExampleProgress_Record() {
	p := &challenge.Programme{
		ID: "report-it", Title: "Report it online", Length: 10, TimeZone: "Europe/London",
		RestDays:      challenge.RestDays{Weekdays: []time.Weekday{time.Saturday, time.Sunday}},
		Activities:    []challenge.Activity{{ID: "report", Title: "Log one incident online", Points: 10}},
		StreakBonuses: []challenge.StreakBonus{{Streak: 3, Points: 15}},
		Levels:        []challenge.Level{{Name: "Constable"}, {Name: "Sergeant", Points: 40}},
		Freezes:       challenge.FreezeRule{EarnEvery: 3, Max: 1},
	}
	for day := 1; day <= p.Length; day++ {
		p.Schedule = append(p.Schedule, challenge.Slot{Day: day, ActivityID: "report"})
	}
	if err := p.Validate(); err != nil {
		log.Fatal(err)
	}
	// Day 1 is Monday 4 March 2024; days 6 and 7 are the weekend.
	e := &challenge.Enrolment{Start: challenge.NewDate(2024, time.March, 4), FirstDay: 1}
	c := challenge.NewCalendar(p, e)

	pr := challenge.NewProgress(p)
	changes := make([]challenge.Change, 0, 8)
	// Each day is completed on the day itself; Thursday (day 4) is missed.
	for _, day := range []int{1, 2, 3, 5, 8} {
		changes = pr.Record(c, day, day, changes[:0])
		for _, ch := range changes {
			fmt.Println(ch)
		}
	}
	fmt.Printf("streak %d, points %d, %s, strength %.2f\n",
		pr.Current, pr.Points, p.Levels[pr.Level-1].Name, pr.Strength)
	// Output:
	// day 1: streak extended to 1
	// day 2: streak extended to 2
	// day 3: streak extended to 3
	// day 3: bonus of 15 points for a 3-day streak
	// day 3: level 2 reached with 45 points
	// day 3: freeze earned at streak 3 (1 held)
	// day 4: freeze used, streak 3 kept (0 left)
	// day 5: streak extended to 4
	// day 8: streak extended to 5
	// streak 5, points 65, Sergeant, strength 0.23
}

func ExampleCalendar_RestReason() {
	p := &challenge.Programme{
		ID: "report-it", Title: "Report it online", Length: 7, TimeZone: "Europe/London",
		RestDays:   challenge.RestDays{Weekdays: []time.Weekday{time.Sunday}},
		Activities: []challenge.Activity{{ID: "report", Title: "Log one incident online", Points: 10}},
	}
	for day := 2; day <= p.Length; day++ { // nothing on day 1
		p.Schedule = append(p.Schedule, challenge.Slot{Day: day, ActivityID: "report"})
	}
	if err := p.Validate(); err != nil {
		log.Fatal(err)
	}
	start := challenge.NewDate(2024, time.March, 4) // a Monday
	e := &challenge.Enrolment{
		Start:    start,
		FirstDay: 1,
		Rota:     challenge.Rota{Start: start, On: 4, Off: 2}, // off on days 5 and 6
		Absences: []challenge.Absence{{From: start.AddDays(2), To: start.AddDays(2), Reason: "training"}},
	}
	c := challenge.NewCalendar(p, e)
	for day := 1; day <= p.Length; day++ {
		fmt.Printf("day %d: %v\n", day, c.RestReason(day))
	}
	// Output:
	// day 1: unscheduled
	// day 2: not rest
	// day 3: absence
	// day 4: not rest
	// day 5: rota
	// day 6: rota
	// day 7: rest weekday
}

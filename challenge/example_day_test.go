package challenge_test

import (
	"fmt"
	"log"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

// A night shift's completion at 02:30 belongs to the previous programme
// date when days start at 04:00.
func ExampleLocalDate() {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		log.Fatal(err)
	}
	done := time.Date(2024, time.June, 12, 2, 30, 0, 0, london)
	fmt.Println(challenge.LocalDate(done, london, 0))
	fmt.Println(challenge.LocalDate(done, london, 4))
	// Output:
	// 2024-06-12
	// 2024-06-11
}

// A participant flies from London to Tokyo on day 5: the day number does
// not jump at the move, and the next day starts at Tokyo's midnight.
func ExampleEnrolment_DayAt() {
	var zones challenge.LocationCache
	moved := time.Date(2024, time.June, 5, 12, 0, 0, 0, time.UTC)
	e := &challenge.Enrolment{
		Start: challenge.NewDate(2024, time.June, 1),
		Zones: []challenge.ZoneChange{
			{Zone: "Europe/London"},
			{From: moved, Zone: "Asia/Tokyo"},
		},
	}
	for _, at := range []time.Time{
		moved.Add(-time.Hour),    // 12:00 in London
		moved,                    // 21:00 in Tokyo
		moved.Add(3 * time.Hour), // 00:00 in Tokyo
	} {
		day, err := e.DayAt(at, 0, zones.Load)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(at.Format(time.RFC3339), "day", day)
	}
	// Output:
	// 2024-06-05T11:00:00Z day 5
	// 2024-06-05T12:00:00Z day 5
	// 2024-06-05T15:00:00Z day 6
}

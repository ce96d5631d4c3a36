package leaderboard_test

import (
	"fmt"
	"log"
	"time"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

func ExampleIndex() {
	ix := leaderboard.New(leaderboard.Competition)
	ix.Set("ann", 50, 20) // At: when the score was reached
	ix.Set("bob", 50, 10)
	ix.Set("cat", 40, 5)
	ix.Set("dan", 30, 7)

	for _, e := range ix.Range(0, 10) {
		rank, _ := ix.Rank(e.Member)
		fmt.Println(rank, e.Member, e.Score)
	}
	fmt.Println("tied with ann:", ix.Tied("ann"))

	ix.Set("dan", 60, 30) // an update moves dan to the top
	for _, e := range ix.Neighbourhood("cat", 1) {
		fmt.Print(e.Member, " ")
	}
	fmt.Println()
	// Output:
	// 1 bob 50
	// 1 ann 50
	// 3 cat 40
	// 4 dan 30
	// tied with ann: 2
	// ann cat
}

func ExampleParseSettings() {
	file := []byte(`
id: thirty-days
leaderboards:
  optOut: anonymised
  boards:
    - id: people-points
      title: Top officers
    - id: teams-weekly
      title: Teams this week
      subject: teams
      period: week
      aggregation: mean-per-member
      lateJoiners: whole-period
`)
	s, err := leaderboard.ParseSettings(file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("opted out:", s.OptOut)
	for _, b := range s.Boards {
		fmt.Println(b.ID, b.Subject, b.Period, b.Metric, b.Aggregation, b.LateJoiners)
	}

	day := challenge.NewDate(2026, time.November, 25)
	first, last := leaderboard.PeriodBounds(leaderboard.Weekly, day)
	fmt.Println(leaderboard.PeriodKey(leaderboard.Weekly, day), first, last)

	_, err = leaderboard.ParseSettings([]byte("leaderboards:\n  boards:\n    - id: x\n      title: X\n      metirc: points\n"))
	fmt.Println(err)
	// Output:
	// opted out: anonymised
	// people-points people programme points sum everyone
	// teams-weekly teams week points mean whole-period
	// 2026-W48 2026-11-23 2026-11-29
	// line 5: leaderboards.boards[0].metirc: unknown field "metirc" in a board (did you mean "metric"?)
}

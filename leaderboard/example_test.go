package leaderboard_test

import (
	"fmt"

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

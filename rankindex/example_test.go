package rankindex_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

func ExampleLocal() {
	ctx := context.Background()
	ix := rankindex.NewLocal()
	week := rankindex.Board{Key: "programme-1/people/2026-W10", Ranking: leaderboard.Competition}

	// A board answers only once warmed: the caller that claims the
	// warm-up loads the stored scores, then marks it Ready.
	_, err := ix.Standing(ctx, week, "ann")
	fmt.Println(errors.Is(err, rankindex.ErrWarming))
	if ok, _ := ix.BeginWarm(ctx, week); ok {
		_ = ix.Apply(ctx, week,
			rankindex.Update{Member: "ann", Score: 50, At: 20, Version: 1},
			rankindex.Update{Member: "bob", Score: 50, At: 10, Version: 1},
			rankindex.Update{Member: "cat", Score: 40, At: 5, Version: 1},
		)
		_ = ix.FinishWarm(ctx, week)
	}

	// Live updates carry the score row's version: a late, stale delivery
	// is ignored.
	_ = ix.Apply(ctx, week, rankindex.Update{Member: "dan", Score: 60, At: 30, Version: 2})
	_ = ix.Apply(ctx, week, rankindex.Update{Member: "dan", Score: 10, At: 25, Version: 1})

	top, _ := ix.Range(ctx, week, 0, 10)
	for _, r := range top {
		fmt.Println(r.Rank, r.Member, r.Score)
	}
	s, _ := ix.Standing(ctx, week, "ann")
	fmt.Printf("ann: rank %d of %d, tied with %d\n", s.Rank, s.Total, s.Tied-1)
	// Output:
	// true
	// 1 dan 60
	// 2 bob 50
	// 2 ann 50
	// 4 cat 40
	// ann: rank 2 of 4, tied with 1
}

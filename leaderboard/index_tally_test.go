package leaderboard_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/leaderboard"
)

// TestTally drives the tally (the count of members per score that ranks
// and ties are read from) through its structural cases against a map of
// scores: growth to several levels, scores that drift so that most counts
// fall to zero and the tally must rebuild, and the switch to the main tree
// when a board has too many distinct scores. Every case checks the
// tally's invariants and compares CountAbove, Rank, Tied and Standing with
// the definition.
func TestTally(t *testing.T) {
	tests := []struct {
		name       string
		members    int
		ops        int
		limit      int // 0: the default
		score      func(rng *rand.Rand, op int) int64
		wantOn     bool // whether the tally is still on at the end
		wantHeight int  // the least height the tally must reach
	}{
		{
			name: "many scores, deep", members: 3000, ops: 12000,
			score:  func(rng *rand.Rand, _ int) int64 { return rng.Int64N(2000) - 1000 },
			wantOn: true, wantHeight: 2,
		},
		{
			// Scores only rise, as points do, so old scores empty out.
			name: "drifting scores rebuild", members: 500, ops: 20000,
			score:  func(rng *rand.Rand, op int) int64 { return int64(op/4) + rng.Int64N(50) },
			wantOn: true, wantHeight: 1,
		},
		{
			name: "too many scores switch off", members: 2000, ops: 6000, limit: 100,
			score:  func(rng *rand.Rand, _ int) int64 { return rng.Int64N(1 << 40) },
			wantOn: false,
		},
		{
			name: "few scores stay on under a low limit", members: 2000, ops: 6000, limit: 100,
			score:  func(rng *rand.Rand, _ int) int64 { return rng.Int64N(80) },
			wantOn: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []leaderboard.Ranking{leaderboard.Competition, leaderboard.FirstReached} {
				rng := rand.New(rand.NewPCG(uint64(tt.members), uint64(tt.ops)))
				ix := leaderboard.New(r)
				if tt.limit > 0 {
					leaderboard.LimitTally(ix, tt.limit)
				}
				scores := map[string]int64{}
				height := 0
				check := func(op int) {
					require.NoError(t, leaderboard.CheckTally(ix), "op %d", op)
					require.LessOrEqual(t, leaderboard.TallyEntries(ix), 2*len(scores)+64, "op %d: zero counts not reclaimed", op)
					for range 5 {
						probe := tt.score(rng, op) + rng.Int64N(3) - 1
						above := 0
						for _, s := range scores {
							if s > probe {
								above++
							}
						}
						require.Equal(t, above, ix.CountAbove(probe), "op %d: CountAbove(%d)", op, probe)
					}
					for m, s := range scores {
						above, tied := 0, 0
						for _, o := range scores {
							above += btoi(o > s)
							tied += btoi(o == s)
						}
						st, ok := ix.Standing(m)
						require.True(t, ok)
						require.Equal(t, tied, st.Tied, "op %d: Tied(%q)", op, m)
						require.Equal(t, tied, ix.Tied(m), "op %d: Tied(%q)", op, m)
						if r == leaderboard.Competition {
							require.Equal(t, above+1, st.Rank, "op %d: Standing(%q).Rank", op, m)
							rank, _ := ix.Rank(m)
							require.Equal(t, above+1, rank, "op %d: Rank(%q)", op, m)
						}
						break // one member per check: the loop is O(n)
					}
				}
				for op := range tt.ops {
					m := fmt.Sprintf("m%05d", rng.IntN(tt.members))
					if rng.IntN(10) == 0 {
						ix.Remove(m)
						delete(scores, m)
					} else {
						s := tt.score(rng, op)
						ix.Set(m, s, int64(op))
						scores[m] = s
					}
					height = max(height, leaderboard.TallyHeight(ix))
					if op%97 == 0 {
						check(op)
					}
				}
				check(tt.ops)
				require.Equal(t, tt.wantOn, leaderboard.TallyOn(ix))
				if tt.wantOn {
					require.GreaterOrEqual(t, height, tt.wantHeight)
				}
				for m := range scores {
					ix.Remove(m)
					delete(scores, m)
				}
				check(tt.ops + 1)
				require.Equal(t, 0, ix.CountAbove(-1<<62))
			}
		})
	}
}

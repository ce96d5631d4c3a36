package leaderboard_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/habitkit/habitkit/leaderboard"
)

func TestTeamScore(t *testing.T) {
	tests := []struct {
		name    string
		a       leaderboard.Aggregation
		sum     int64
		members int
		want    int64
	}{
		{"sum", leaderboard.Sum, 125, 10, 125},
		{"sum ignores members", leaderboard.Sum, 125, 0, 125},
		{"sum negative", leaderboard.Sum, -7, 3, -7},
		{"mean exact", leaderboard.MeanPerMember, 125, 10, 12500},
		{"mean of one", leaderboard.MeanPerMember, 40, 1, 40000},
		{"mean rounds down", leaderboard.MeanPerMember, 10, 3, 3333},
		{"mean two thirds rounds down", leaderboard.MeanPerMember, 20, 3, 6666},
		{"mean negative rounds toward -inf", leaderboard.MeanPerMember, -10, 3, -3334},
		{"mean negative exact", leaderboard.MeanPerMember, -9, 3, -3000},
		{"mean zero sum", leaderboard.MeanPerMember, 0, 7, 0},
		{"no members", leaderboard.MeanPerMember, 50, 0, 0},
		{"negative members", leaderboard.MeanPerMember, 50, -2, 0},
		{"small team beats big team with same mean", leaderboard.MeanPerMember, 30, 2, 15000},
		{"saturates high", leaderboard.MeanPerMember, math.MaxInt64, 1, math.MaxInt64},
		{"saturates low", leaderboard.MeanPerMember, math.MinInt64, 1, math.MinInt64},
		{"huge sum, many members", leaderboard.MeanPerMember, math.MaxInt64, 1 << 40, 8388607999},
		{"invalid aggregation is sum", leaderboard.Aggregation(9), 42, 5, 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, leaderboard.TeamScore(tt.a, tt.sum, tt.members))
			if tt.a == leaderboard.MeanPerMember && tt.members > 0 {
				assert.Equal(t, reference(tt.sum, tt.members), tt.want, "agrees with the big-integer reference")
			}
		})
	}
}

// reference computes floor(sum*MeanScale/members) exactly, saturated.
func reference(sum int64, members int) int64 {
	n := new(big.Int).Mul(big.NewInt(sum), big.NewInt(leaderboard.MeanScale))
	d := big.NewInt(int64(members))
	q, m := new(big.Int).DivMod(n, d, new(big.Int)) // Euclidean: m >= 0, so q is the floor for d > 0
	_ = m
	switch {
	case q.Cmp(big.NewInt(math.MaxInt64)) > 0:
		return math.MaxInt64
	case q.Cmp(big.NewInt(math.MinInt64)) < 0:
		return math.MinInt64
	}
	return q.Int64()
}

// TestTeamScoreMatchesReference compares against exact arithmetic over
// random and edge inputs, including those near the saturation bounds.
func TestTeamScoreMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	edges := []int64{0, 1, -1, 999, -999, 1000, -1000, math.MaxInt64, math.MinInt64,
		math.MaxInt64 / leaderboard.MeanScale, math.MinInt64 / leaderboard.MeanScale,
		math.MaxInt64/leaderboard.MeanScale + 1, math.MinInt64/leaderboard.MeanScale - 1,
		math.MinInt64/leaderboard.MeanScale - 2}
	memberEdges := []int{1, 2, 3, 7, 999, 1000, 1001, math.MaxInt32, math.MaxInt64}
	for _, s := range edges {
		for _, m := range memberEdges {
			for _, ds := range []int64{-3, 0, 3} {
				sum := s + ds
				if (ds > 0 && sum < s) || (ds < 0 && sum > s) {
					continue // wrapped
				}
				assert.Equal(t, reference(sum, m), leaderboard.TeamScore(leaderboard.MeanPerMember, sum, m), "sum %d members %d", sum, m)
			}
		}
	}
	for range 100_000 {
		sum := int64(r.Uint64())
		if r.IntN(2) == 0 {
			sum = r.Int64N(1_000_000) - 500_000
		}
		m := 1 + r.IntN(5000)
		if r.IntN(10) == 0 {
			m = int(r.Int64N(math.MaxInt64-1)) + 1
		}
		if got, want := leaderboard.TeamScore(leaderboard.MeanPerMember, sum, m), reference(sum, m); got != want {
			t.Fatalf("TeamScore(mean, %d, %d) = %d, want %d", sum, m, got, want)
		}
	}
}

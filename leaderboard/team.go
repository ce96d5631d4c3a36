package leaderboard

import (
	"math"
	"math/bits"
)

// TeamScore is a team's score on a board of teams, from the sum of its
// counted members' metric and the number of members counted.
//
// Sum gives sum. MeanPerMember gives the mean in fixed point,
// sum × MeanScale ÷ members, rounded toward negative infinity so that equal
// means always score equally whatever the signs; a team with no members
// counted scores 0 (as does a negative count). A result beyond the range
// of int64 saturates at math.MaxInt64 or math.MinInt64. An invalid
// Aggregation is treated as Sum.
func TeamScore(a Aggregation, sum int64, members int) int64 {
	if a != MeanPerMember {
		return sum
	}
	if members <= 0 {
		return 0
	}
	m := int64(members)
	// sum = q·m + r with 0 <= r < m, so
	// floor(sum·S/m) = q·S + floor(r·S/m), and the second term is < S.
	q, r := sum/m, sum%m
	if r < 0 {
		q, r = q-1, r+m
	}
	hi, lo := bits.Mul64(uint64(r), MeanScale)
	frac, _ := bits.Div64(hi, lo, uint64(m)) // hi < m because r < m
	f := int64(frac)
	if q >= 0 {
		if q > (math.MaxInt64-f)/MeanScale {
			return math.MaxInt64
		}
		return q*MeanScale + f
	}
	// q·S may overflow where q·S + f does not, so add (q+1)·S and f−S.
	if q < math.MinInt64/MeanScale-1 {
		return math.MinInt64
	}
	base := (q + 1) * MeanScale
	if base < math.MinInt64+(MeanScale-f) {
		return math.MinInt64
	}
	return base + (f - MeanScale)
}

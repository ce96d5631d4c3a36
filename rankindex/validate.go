package rankindex

import (
	"strconv"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

// Validate checks b: a Key of 1 to MaxKeyLen bytes and a known Ranking.
// It returns a *challenge.ValidationError naming the field ("board.key" or
// "board.ranking"). Implementations of Index call it on every call.
func (b Board) Validate() error {
	switch {
	case b.Key == "":
		return challenge.Invalid("board.key", "must not be empty")
	case len(b.Key) > MaxKeyLen:
		return challenge.Invalid("board.key", "is %d bytes, more than %d", len(b.Key), MaxKeyLen)
	case b.Ranking != leaderboard.Competition && b.Ranking != leaderboard.FirstReached:
		return challenge.Invalid("board.ranking", "unknown ranking %v", b.Ranking)
	}
	return nil
}

// ValidateUpdates checks every update before any is applied: a Member of 1
// to MaxMemberLen bytes, a Version in 1..MaxVersion and, unless Remove is
// set, a Score within ±MaxScore. It returns a *challenge.ValidationError
// naming the first bad field ("updates[2].score").
func ValidateUpdates(updates []Update) error {
	for i := range updates {
		u := &updates[i]
		switch {
		case u.Member == "":
			return challenge.Invalid(field(i, "member"), "must not be empty")
		case len(u.Member) > MaxMemberLen:
			return challenge.Invalid(field(i, "member"), "is %d bytes, more than %d", len(u.Member), MaxMemberLen)
		case u.Version < 1 || u.Version > MaxVersion:
			return challenge.Invalid(field(i, "version"), "%d is outside 1..%d", u.Version, int64(MaxVersion))
		case !u.Remove && (u.Score > MaxScore || u.Score < -MaxScore):
			return challenge.Invalid(field(i, "score"), "%d is outside ±%d", u.Score, int64(MaxScore))
		}
	}
	return nil
}

// ValidateCount checks a position or count argument (Range's from and n,
// Neighbourhood's k): it must not be negative. field names it in the error.
func ValidateCount(field string, v int) error {
	if v < 0 {
		return challenge.Invalid(field, "%d is negative", v)
	}
	return nil
}

func field(i int, name string) string {
	return "updates[" + strconv.Itoa(i) + "]." + name
}

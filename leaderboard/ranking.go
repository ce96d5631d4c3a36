package leaderboard

// Ranking is the rule that turns an order of scores into ranks. The zero
// value is Competition, the rule the design asks for by default.
type Ranking int

const (
	// Competition is standard competition ranking ("1224"): members with
	// equal scores share a rank and the rank after a tie skips, so a rank is
	// 1 + the number of members with a strictly higher score.
	Competition Ranking = iota
	// FirstReached breaks ties by who reached the score first (Entry.At
	// ascending), then by member id ascending, so every rank is unique and
	// a rank equals 1 + the member's position in the listing order.
	FirstReached
)

// String returns the name ParseRanking accepts: "competition" or
// "first-reached". Unknown values print as "Ranking(n)" so that a bad value
// in a log line is visible rather than silently renamed.
func (r Ranking) String() string { return rankingEnum.string("Ranking", int(r)) }

// ParseRanking returns the Ranking named s, as printed by String, ignoring
// case, spaces, '-' and '_' (so "firstReached" works too). The empty string
// means the default, Competition, so that a definition file may omit the
// field. Any other name is a *challenge.ValidationError for the field
// "ranking" (errors.Is(err, challenge.ErrInvalid) reports true).
func ParseRanking(s string) (Ranking, error) {
	v, err := rankingEnum.parse(s)
	return Ranking(v), err
}

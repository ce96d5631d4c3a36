package badge

import "fmt"

// Definition is one badge of a programme: what it looks like and what
// earns it. Definitions are plain data, usually read from the programme's
// definition file with [ParseDefinitions]; a host may also build them in Go,
// with a Custom criterion where the data kinds do not suffice.
type Definition struct {
	// ID identifies the badge within its programme: letters, digits, '-',
	// '_' and '.'.
	ID string
	// Name is shown to participants.
	Name string
	// Description says what the badge is for.
	Description string
	// ImageURL is the badge's picture (the host serves it).
	ImageURL string
	// Hidden badges are not shown on the badge page until earned: a
	// surprise.
	Hidden bool
	// Repeat says whether the badge is earned once or once per day.
	Repeat Repeat
	// Tiers, ascending, award the badge again at each threshold (bronze,
	// silver, gold). Empty means a single award.
	Tiers []Tier
	// Criterion says what earns the badge.
	Criterion Criterion
}

// Tier is one level of a tiered badge.
type Tier struct {
	// Name is shown to participants ("bronze").
	Name string
	// Threshold replaces the criterion's Count for this tier.
	Threshold int
}

// Repeat says how often a badge can be earned.
type Repeat int

const (
	// Once: the badge (or each of its tiers) is earned at most once.
	Once Repeat = iota
	// Daily: the badge is earned once per programme day, for that day
	// ("today's challenge done"). Its criterion is DayCompleted, or a
	// Custom one reading Facts.Day.
	Daily
)

// String returns "once" or "daily".
func (r Repeat) String() string {
	switch r {
	case Once:
		return "once"
	case Daily:
		return "daily"
	}
	return fmt.Sprintf("Repeat(%d)", int(r))
}

// Occurrence identifies one award of a badge: which tier and, for a Daily
// badge, which day. The zero Occurrence is the single award of an untiered
// badge.
type Occurrence struct {
	// Tier is the 1-based tier, or 0 for an untiered badge.
	Tier int `json:"tier,omitempty"`
	// Day is the programme day of a Daily badge's award, else 0.
	Day int `json:"day,omitempty"`
}

package badge

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/habitkit/habitkit/challenge"
)

// Facts are what evaluation reads about one enrolment. The engine fills
// them from the enrolment's denormalised progress and counters, never by
// reading the participant's history: the only walk evaluation makes is
// over the bits of Done (at most the programme's length).
type Facts struct {
	// Calendar is the enrolment's calendar: it says which days are rest
	// days, and through its programme which activity (and so which tags)
	// each day has.
	Calendar challenge.Calendar
	// Done are the completed (not revoked) programme days.
	Done challenge.Days
	// Longest is the longest streak reached.
	Longest int
	// Today is the participant's current programme day; Progress measures
	// Daily badges against it.
	Today int
	// Day is the programme day the event concerns (the day completed or
	// revoked); Evaluate awards or revokes Daily badges for it alone.
	Day int
	// Counts holds the counted sources: SourceReflections (reflections
	// written), SourceResponses (responses given) and SourceReactions
	// (reactions received). A missing entry is 0.
	Counts map[Source]int
	// Position is the final leaderboard position, 1-based; 0 when not
	// known.
	Position int
	// Over reports whether the programme has ended for the participant,
	// so that Position is final.
	Over bool
	// Gained reports that the event only added facts (a new completion):
	// then a held occurrence whose criterion can only stay met as facts
	// grow is not re-checked, since it cannot be lost. Custom and
	// FinalPosition criteria are re-checked all the same.
	Gained bool
	// Added, with Gained, is the one day the event added to Done (a new
	// completion), 0 when the event added no day or several. Then a
	// criterion over completions that does not count, list or span that
	// day is not checked at all: its figures are those of the previous
	// evaluation. (Whether the longest streak changed is told by passing
	// SourceStreak among the changed sources, or not.) Custom and
	// FinalPosition criteria are checked all the same.
	Added int

	// plan, during an evaluation with a [Plan] of this programme, gives
	// the days of each tag.
	plan *Plan
	// rest caches the calendar's answers for days 1..255 during one
	// evaluation: weeks and the whole programme ask about the same days
	// for every badge and tier.
	rest restCache
	// counts caches the completed-day counts by tag for one evaluation:
	// tiers and composites count the same days again.
	counts countCache
}

// countCache remembers a few (tag, count) pairs; "" is every done day.
type countCache struct {
	n    int
	tags [4]string
	vals [4]int
}

// countDone counts the completed days whose activity has tag (every
// completed day when tag is ""), remembering the answer.
func (f *Facts) countDone(tag string) int {
	for i := 0; i < f.counts.n; i++ {
		if f.counts.tags[i] == tag {
			return f.counts.vals[i]
		}
	}
	n := 0
	if days := f.tagDays(tag); days != nil {
		n = popcount(f.Done, days, f.length())
	} else {
		for d := range f.doneDays() {
			if tag == "" || f.hasTag(d, tag) {
				n++
			}
		}
	}
	if f.counts.n < len(f.counts.tags) {
		f.counts.tags[f.counts.n], f.counts.vals[f.counts.n] = tag, n
		f.counts.n++
	}
	return n
}

// restCache remembers the calendar's answers, one bit per day: known says
// the day was asked about, rest the answer. Days are asked about only when
// needed: most checks stop at the first day not done. With a plan, and a
// calendar whose rest days follow from the programme and the weekday of
// day 1 alone, the first question fills in every day at once from the
// plan (see Plan.restDays).
type restCache struct {
	known, rest [4]uint64
	tried       bool // the plan was asked
	full        bool // and filled in every day
}

// isRest reports whether day is a rest day of the enrolment's calendar.
func (f *Facts) isRest(day int) bool {
	if day < 1 || day >= 256 || day > f.length() {
		return f.Calendar.IsRest(day)
	}
	f.restDays() // fills in every day at once when the plan can
	w, bit := day/64, uint64(1)<<uint(day%64)
	if f.rest.known[w]&bit == 0 {
		f.rest.known[w] |= bit
		if f.Calendar.IsRest(day) {
			f.rest.rest[w] |= bit
		}
	}
	return f.rest.rest[w]&bit != 0
}

// tagDays returns the programme days of tag from the plan, or nil when
// there is no plan or it does not know the tag.
func (f *Facts) tagDays(tag string) challenge.Days {
	if f.plan == nil {
		return nil
	}
	return f.plan.tagDays(tag)
}

// dayHasTag is hasTag, answered by the plan when it can be.
func (f *Facts) dayHasTag(day int, tag string) bool {
	if days := f.tagDays(tag); days != nil {
		return days.Has(day)
	}
	return f.hasTag(day, tag)
}

// length is the programme's length, or 0 without a programme.
func (f *Facts) length() int {
	if p := f.Calendar.Programme(); p != nil && p.Length > 0 {
		return p.Length
	}
	return 0
}

// doneDays yields the completed days in 1..length, ascending, by walking
// the set bits of Done.
func (f *Facts) doneDays() func(func(int) bool) {
	n := f.length()
	return func(yield func(int) bool) {
		for w, word := range f.Done {
			for word != 0 {
				d := w*64 + bits.TrailingZeros64(word)
				if d > n {
					return
				}
				if d >= 1 && !yield(d) {
					return
				}
				word &= word - 1
			}
		}
	}
}

// hasTag reports whether the activity scheduled on day has tag.
func (f *Facts) hasTag(day int, tag string) bool {
	p := f.Calendar.Programme()
	if p == nil {
		return false
	}
	s, ok := p.SlotOn(day)
	if !ok {
		return false
	}
	a, ok := p.Activity(s.ActivityID)
	return ok && slices.Contains(a.Tags, tag)
}

// Units of the measures this package makes. A Custom criterion may use its
// own (a plural noun reads best: "3 of 5 visits").
const (
	UnitCompletions = "completions"
	UnitDays        = "days"
	UnitStreak      = "day streak"
	UnitReflections = "reflections"
	UnitResponses   = "responses"
	UnitReactions   = "reactions"
	UnitPosition    = "position"
	UnitGoals       = "goals"
)

// singular of the plural units, for "1 of 1 day".
var singular = map[string]string{
	UnitCompletions: "completion",
	UnitDays:        "day",
	UnitReflections: "reflection",
	UnitResponses:   "response",
	UnitReactions:   "reaction",
	UnitGoals:       "goal",
}

// Measure is how far a participant is toward a criterion (or one tier of
// it): Current of Target in Unit, whether it is met, and when it is, the
// evidence that met it.
type Measure struct {
	// Current is the participant's figure: completions, days done, the
	// longest streak, a count, or the leaderboard position (0 unknown).
	Current int
	// Target is the figure to reach (for UnitPosition: the worst position
	// that still counts).
	Target int
	// Unit names what is counted, one of the Unit constants (or a Custom
	// criterion's own).
	Unit string
	// Met reports whether the criterion holds.
	Met bool
	// Evidence records what earned the award; empty unless Met.
	Evidence Evidence
}

// Evidence records what met a criterion, kept with the award so that a
// participant (or an administrator reviewing a revocation) can see why it
// was given.
type Evidence struct {
	// Days are the programme days whose completions met it, ascending.
	Days []int `json:"days,omitempty"`
	// Counts are the figures that met it, by name: "streak",
	// "reflections", "responses", "reactions", "position".
	Counts map[string]int `json:"counts,omitempty"`
}

// String describes m for a badge page: "4 of 7 days", "streak 3 of 5",
// "1 of 1 completion", "position 12, top 10 needed". A figure past its
// target shows as the target ("5 of 5 completions", not "6 of 5"): the
// page says how far along a badge is, and past the end is done.
func (m Measure) String() string {
	if m.Unit != UnitPosition && m.Target > 0 && m.Current > m.Target {
		m.Current = m.Target
	}
	switch m.Unit {
	case UnitStreak:
		return fmt.Sprintf("streak %d of %d", m.Current, m.Target)
	case UnitPosition:
		switch {
		case m.Met:
			return fmt.Sprintf("position %d, in the top %d", m.Current, m.Target)
		case m.Current < 1:
			return fmt.Sprintf("no position yet, top %d needed", m.Target)
		}
		return fmt.Sprintf("position %d, top %d needed", m.Current, m.Target)
	case "":
		return fmt.Sprintf("%d of %d", m.Current, m.Target)
	}
	unit := m.Unit
	if s, ok := singular[unit]; ok && m.Target == 1 {
		unit = s
	}
	return fmt.Sprintf("%d of %d %s", m.Current, m.Target, unit)
}

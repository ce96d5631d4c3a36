package badge

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/habitkit/habitkit/challenge"
)

// Kind says what a [Criterion] measures. The zero Kind is no criterion at
// all, which [Validate] refuses.
type Kind int

const (
	// Completions is met when Count completed days are reached; with Tag,
	// only days whose scheduled activity has that tag count.
	Completions Kind = iota + 1
	// Streak is met when the longest streak reached is at least Count.
	Streak
	// DaysCompleted is met when every programme day in Days is completed.
	DaysCompleted
	// WeekComplete is met when every scheduled, non-rest day of programme
	// week Week is completed. Weeks are 7-day blocks counted from day 1
	// (week 1 is days 1-7), not calendar weeks, so they are the same for
	// every cohort. A week with no scheduled day is never complete.
	WeekComplete
	// ProgrammeComplete is met when every scheduled, non-rest day of the
	// programme is completed.
	ProgrammeComplete
	// FirstCompletion is met by any completed day.
	FirstCompletion
	// DayCompleted is met when the day of the occurrence is completed; it
	// is the criterion of [Daily] badges ("today's challenge done").
	DayCompleted
	// Reflections is met when Count reflections have been written.
	Reflections
	// Responses is met when Count responses to colleagues' reflections
	// have been given.
	Responses
	// ReactionsReceived is met when the participant's reflections have
	// received Count reactions.
	ReactionsReceived
	// FinalPosition is met when the programme is over and the participant
	// finished at Position or better (1 is first).
	FinalPosition
	// AllOf is met when every criterion in All is met.
	AllOf
	// AnyOf is met when at least one criterion in Any is met.
	AnyOf
	// Custom is met when Func says so; Func reads only the Sources it
	// declares.
	Custom
)

// kindInfo is everything the package knows about one kind. Adding a kind
// means adding a row here and a case to Criterion.measure.
type kindInfo struct {
	name   string // as written in definition files
	source Source // the facts it reads (0 for composites and Custom)
	unit   string // the unit of its Measure
	// counted kinds compare one number with Count, so tiers apply to them.
	counted bool
}

var kinds = [...]kindInfo{
	Completions:       {"completions", SourceCompletions, UnitCompletions, true},
	Streak:            {"streak", SourceStreak, UnitStreak, true},
	DaysCompleted:     {"days", SourceCompletions, UnitDays, false},
	WeekComplete:      {"week", SourceCompletions, UnitDays, false},
	ProgrammeComplete: {"programme-complete", SourceCompletions, UnitDays, false},
	FirstCompletion:   {"first-completion", SourceCompletions, UnitCompletions, false},
	DayCompleted:      {"day-completed", SourceCompletions, UnitDays, false},
	Reflections:       {"reflections", SourceReflections, UnitReflections, true},
	Responses:         {"responses", SourceResponses, UnitResponses, true},
	ReactionsReceived: {"reactions", SourceReactions, UnitReactions, true},
	FinalPosition:     {"top", SourcePosition, UnitPosition, false},
	AllOf:             {"allOf", 0, UnitGoals, false},
	AnyOf:             {"anyOf", 0, "", false},
	Custom:            {"custom", 0, "", false},
}

func (k Kind) valid() bool { return k >= Completions && int(k) < len(kinds) }

// String returns the name of k as written in definition files, such as
// "completions" or "day-completed".
func (k Kind) String() string {
	if k.valid() {
		return kinds[k].name
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Tiered reports whether tiers may be used with k: true for the kinds that
// compare one number with Count (Completions, Streak, Reflections,
// Responses and ReactionsReceived).
func (k Kind) Tiered() bool { return k.valid() && kinds[k].counted }

// Source is a kind of fact a criterion reads. The engine tells [Evaluate]
// which sources an event changed, and only criteria that depend on one of
// them are checked again.
//
// Adding a source is a local change: a constant here, its value in
// [Facts] (a field, or an entry of Facts.Counts), and the kinds that read
// it (a row of the kinds table and a case in Criterion.measure).
type Source int

const (
	// SourceCompletions changes when a day is completed or a completion is
	// revoked.
	SourceCompletions Source = iota + 1
	// SourceStreak changes when the longest streak changes.
	SourceStreak
	// SourceReflections changes when the participant writes a reflection
	// (or one is removed).
	SourceReflections
	// SourceResponses changes when the participant responds to a
	// colleague's reflection.
	SourceResponses
	// SourceReactions changes when the participant's reflections receive
	// a reaction.
	SourceReactions
	// SourcePosition changes when the participant's final leaderboard
	// position becomes known or changes.
	SourcePosition

	sourceEnd // one past the last source
)

var sourceNames = [...]string{
	SourceCompletions: "completions",
	SourceStreak:      "streak",
	SourceReflections: "reflections",
	SourceResponses:   "responses",
	SourceReactions:   "reactions",
	SourcePosition:    "position",
}

func (s Source) valid() bool { return s >= SourceCompletions && s < sourceEnd }

// String returns the source's lower-case name, such as "reflections".
func (s Source) String() string {
	if s.valid() {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// sourceSet is a set of sources, one bit each; it lets Evaluate select
// criteria without allocating.
type sourceSet uint64

func setOf(sources []Source) sourceSet {
	var s sourceSet
	for _, src := range sources {
		if src.valid() {
			s |= 1 << uint(src)
		}
	}
	return s
}

// Criterion says what earns a badge. It is plain data, as read from a
// definition file, except for Custom criteria built in Go. Which fields
// apply depends on Kind (see the [Kind] constants); [Validate] refuses a
// field set for a kind that does not read it.
type Criterion struct {
	// Kind says what is measured.
	Kind Kind
	// Count is the number to reach for Completions, Streak, Reflections,
	// Responses and ReactionsReceived. A badge with tiers leaves it 0:
	// each tier's Threshold takes its place.
	Count int
	// Tag, for Completions, counts only days whose activity has this tag.
	Tag string
	// Days are the programme days DaysCompleted requires.
	Days []int
	// Week is the 1-based programme week WeekComplete requires.
	Week int
	// All are the criteria AllOf requires.
	All []Criterion
	// Any are the criteria of which AnyOf requires one.
	Any []Criterion
	// Position is the worst final leaderboard position FinalPosition
	// accepts (3 means "finish in the top 3").
	Position int
	// Func measures a Custom criterion. It must be pure and read only
	// the facts of the declared Sources: it is not called when none of
	// them changed.
	Func func(Facts) Measure `json:"-"`
	// Sources are the facts Func reads (Custom only).
	Sources []Source
}

// DependsOn returns the sources whose change can change whether c is met,
// in ascending order without repeats; for AllOf and AnyOf, the union of
// their parts'.
func (c Criterion) DependsOn() []Source {
	set := c.sources()
	var out []Source
	for s := SourceCompletions; s < sourceEnd; s++ {
		if set&(1<<uint(s)) != 0 {
			out = append(out, s)
		}
	}
	return out
}

func (c *Criterion) sources() sourceSet {
	switch c.Kind {
	case AllOf, AnyOf:
		var s sourceSet
		for i := range c.All {
			s |= c.All[i].sources()
		}
		for i := range c.Any {
			s |= c.Any[i].sources()
		}
		return s
	case Custom:
		return setOf(c.Sources)
	}
	if c.Kind.valid() {
		return 1 << uint(kinds[c.Kind].source)
	}
	return 0
}

// measure evaluates c on f. target, when > 0, replaces Count (a tier's
// threshold). day is the day of a Daily occurrence (DayCompleted).
// Evidence is filled only when ev is set and the measure is met: it
// records what earned an award, and only a new award needs it, so
// re-checking held awards allocates nothing.
func (c *Criterion) measure(f *Facts, target, day int, ev bool) Measure {
	if target <= 0 {
		target = c.Count
	}
	switch c.Kind {
	case Completions:
		return countDays(f, c.Tag, target, ev)
	case FirstCompletion:
		return countDays(f, "", 1, ev)
	case Streak:
		return counted(f.Longest, target, UnitStreak, "streak", ev)
	case Reflections, Responses, ReactionsReceived:
		src := kinds[c.Kind].source
		return counted(f.Counts[src], target, kinds[c.Kind].unit, src.String(), ev)
	case DaysCompleted:
		if len(c.Days) == 0 {
			return Measure{Unit: UnitDays} // invalid; never met
		}
		return daysDone(f, c.Days, 0, 0, false, ev)
	case WeekComplete:
		from := (c.Week-1)*7 + 1
		return daysDone(f, nil, from, min(from+6, f.length()), true, ev)
	case ProgrammeComplete:
		return daysDone(f, nil, 1, f.length(), true, ev)
	case DayCompleted:
		m := Measure{Target: 1, Unit: UnitDays}
		if day >= 1 && f.Done.Has(day) {
			m.Current, m.Met = 1, true
			if ev {
				m.Evidence.Days = []int{day}
			}
		}
		return m
	case FinalPosition:
		m := Measure{Current: f.Position, Target: c.Position, Unit: UnitPosition}
		if f.Over && f.Position >= 1 && f.Position <= c.Position {
			m.Met = true
			if ev {
				m.Evidence.Counts = map[string]int{"position": f.Position}
			}
		}
		return m
	case AllOf:
		return allOf(f, c.All, day, ev)
	case AnyOf:
		return anyOf(f, c.Any, day, ev)
	case Custom:
		if c.Func == nil {
			return Measure{}
		}
		return c.Func(*f)
	}
	return Measure{}
}

// met reports whether c holds on f: measure(f, target, day, false).Met,
// found with early exits (the first day not done, the first part not
// met) and without building a measure. Evaluation calls it for every
// occurrence it checks; only the occurrences that change are measured.
func (c *Criterion) met(f *Facts, target, day int) bool {
	if target <= 0 {
		target = c.Count
	}
	switch c.Kind {
	case Completions:
		return target >= 1 && f.countDone(c.Tag) >= target
	case FirstCompletion:
		return f.countDone("") >= 1
	case Streak:
		return target >= 1 && f.Longest >= target
	case Reflections, Responses, ReactionsReceived:
		return target >= 1 && f.Counts[kinds[c.Kind].source] >= target
	case DaysCompleted:
		for _, d := range c.Days {
			if !f.Done.Has(d) {
				return false
			}
		}
		return len(c.Days) > 0
	case WeekComplete:
		from := (c.Week-1)*7 + 1
		return scheduledDone(f, from, min(from+6, f.length()))
	case ProgrammeComplete:
		return scheduledDone(f, 1, f.length())
	case DayCompleted:
		return day >= 1 && f.Done.Has(day)
	case FinalPosition:
		return f.Over && f.Position >= 1 && f.Position <= c.Position
	case AllOf:
		for i := range c.All {
			if !c.All[i].met(f, 0, day) {
				return false
			}
		}
		return len(c.All) > 0
	case AnyOf:
		for i := range c.Any {
			if c.Any[i].met(f, 0, day) {
				return true
			}
		}
		return false
	case Custom:
		return c.measure(f, target, day, false).Met
	}
	return false
}

// scheduledDone reports whether every day of from..to that is not a rest
// day is done, and there is at least one such day: daysDone's Met. It
// finds the days not done a word of f.Done at a time and asks the calendar
// only about those, until one is not a rest day, which is usually the
// first.
func scheduledDone(f *Facts, from, to int) bool {
	for d := nextDay(f.Done, from, to, false); d <= to; d = nextDay(f.Done, d+1, to, false) {
		if !f.isRest(d) {
			return false
		}
	}
	for d := nextDay(f.Done, from, to, true); d <= to; d = nextDay(f.Done, d+1, to, true) {
		if !f.isRest(d) {
			return true
		}
	}
	return false
}

// nextDay returns the first day of from..to that is in done (when in is
// true) or not in it (when in is false), or to+1 when there is none.
func nextDay(done challenge.Days, from, to int, in bool) int {
	for d := max(from, 0); d <= to; {
		w := d / 64
		var word uint64
		switch {
		case w < len(done) && in:
			word = done[w]
		case w < len(done):
			word = ^done[w]
		case in:
			return to + 1 // no day past the set is in it
		default:
			return d
		}
		if word >>= uint(d % 64); word != 0 {
			if d += bits.TrailingZeros64(word); d <= to {
				return d
			}
			return to + 1
		}
		d = (w + 1) * 64
	}
	return to + 1
}

// counted measures a number against a target.
func counted(n, target int, unit, key string, ev bool) Measure {
	m := Measure{Current: n, Target: target, Unit: unit}
	if target >= 1 && n >= target {
		m.Met = true
		if ev {
			m.Evidence.Counts = map[string]int{key: n}
		}
	}
	return m
}

// countDays counts the completed days (whose activity has tag, when tag is
// set). When the count reaches target the evidence is the first target
// days counted: the completions that earned the award.
func countDays(f *Facts, tag string, target int, ev bool) Measure {
	m := Measure{Target: target, Unit: UnitCompletions, Current: f.countDone(tag)}
	if target < 1 || m.Current < target {
		return m
	}
	m.Met = true
	if !ev {
		return m
	}
	m.Evidence.Days = make([]int, 0, target)
	if days := f.tagDays(tag); days != nil {
		// The plan knows the tag's days: walk the bits of both.
		m.Evidence.Days = firstDays(m.Evidence.Days, f.Done, days, f.length(), target)
		return m
	}
	for d := range f.doneDays() {
		if len(m.Evidence.Days) == target {
			break
		}
		if tag == "" || f.dayHasTag(d, tag) {
			m.Evidence.Days = append(m.Evidence.Days, d)
		}
	}
	return m
}

// firstDays appends to dst the first days of 1..n, ascending, that are in
// both a and b, until dst holds limit days.
func firstDays(dst []int, a, b challenge.Days, n, limit int) []int {
	for w := range min(len(a), len(b)) {
		for word := a[w] & b[w]; word != 0; word &= word - 1 {
			if len(dst) >= limit {
				return dst
			}
			d := w*64 + bits.TrailingZeros64(word)
			if d > n {
				return dst
			}
			if d >= 1 {
				dst = append(dst, d)
			}
		}
	}
	return dst
}

// daysDone measures how many of the required days are completed: the
// days listed, or without a list every day of from..to. With
// scheduledOnly, rest days (by the enrolment's calendar) are not required.
// (Plain loops rather than an iterator: a func value would make the loop
// bodies escape, and this runs on every completion.)
func daysDone(f *Facts, list []int, from, to int, scheduledOnly, ev bool) Measure {
	m := Measure{Unit: UnitDays}
	required := func(d int) bool { return !scheduledOnly || !f.isRest(d) }
	if list == nil {
		for d := from; d <= to; d++ {
			if required(d) {
				m.Target++
				if f.Done.Has(d) {
					m.Current++
				}
			}
		}
	} else {
		for _, d := range list {
			if required(d) {
				m.Target++
				if f.Done.Has(d) {
					m.Current++
				}
			}
		}
	}
	if m.Target == 0 || m.Current < m.Target {
		return m
	}
	m.Met = true
	if !ev {
		return m
	}
	m.Evidence.Days = make([]int, 0, m.Target)
	if list == nil {
		for d := from; d <= to; d++ {
			if required(d) {
				m.Evidence.Days = append(m.Evidence.Days, d)
			}
		}
		return m
	}
	for _, d := range list {
		if required(d) && !slices.Contains(m.Evidence.Days, d) {
			m.Evidence.Days = append(m.Evidence.Days, d)
		}
	}
	slices.Sort(m.Evidence.Days)
	return m
}

// allOf counts the parts met; when all are, the evidence is theirs merged.
func allOf(f *Facts, parts []Criterion, day int, ev bool) Measure {
	m := Measure{Target: len(parts), Unit: UnitGoals}
	var evs []Evidence
	for i := range parts {
		pm := parts[i].measure(f, 0, day, ev)
		if pm.Met {
			m.Current++
			if ev {
				evs = append(evs, pm.Evidence)
			}
		}
	}
	if m.Target > 0 && m.Current == m.Target {
		m.Met = true
		if ev {
			m.Evidence = merge(evs)
		}
	}
	return m
}

// anyOf returns the measure of the first part met or, when none is, of the
// part closest to being met: "3 of 5 completions" tells a participant more
// than "0 of 1 goals".
func anyOf(f *Facts, parts []Criterion, day int, ev bool) Measure {
	var best Measure
	bestRatio := -1.0
	for i := range parts {
		pm := parts[i].measure(f, 0, day, ev)
		if pm.Met {
			return pm
		}
		ratio := 0.0
		if pm.Target > 0 {
			ratio = float64(pm.Current) / float64(pm.Target)
		}
		if ratio > bestRatio {
			best, bestRatio = pm, ratio
		}
	}
	return best
}

func merge(evs []Evidence) Evidence {
	var out Evidence
	for _, e := range evs {
		for _, d := range e.Days {
			if !slices.Contains(out.Days, d) {
				out.Days = append(out.Days, d)
			}
		}
		for k, v := range e.Counts {
			if out.Counts == nil {
				out.Counts = make(map[string]int)
			}
			out.Counts[k] = max(out.Counts[k], v)
		}
	}
	slices.Sort(out.Days)
	return out
}

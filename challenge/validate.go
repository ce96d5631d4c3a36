package challenge

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxLength is the longest programme allowed, in days (about ten years).
// The bound keeps per-programme indexes and day bitsets small.
const MaxLength = 3660

// Validate checks every rule of p and reports every broken one at once, as
// [ValidationErrors] whose Fields are dotted paths such as "timeZone",
// "activities[2].points" or "schedule[day 5].variation" (list indexes are
// 0-based; schedule slots are named by their day because Validate reorders
// them). The error matches [ErrInvalid].
//
// On success Validate sorts p.Schedule by day and builds the lookup index
// used by [Programme.Activity] and [Programme.SlotOn]. On failure it changes
// nothing except that it drops a previously built index, which may no
// longer describe p. Calling Validate again on a valid programme is
// harmless, so it may be called defensively.
//
// Validate loads p.TimeZone with [time.LoadLocation] to prove the name is
// known; that reads the zone database, not the clock.
func (p *Programme) Validate() error {
	if probs := p.check(); len(probs) > 0 {
		p.index = nil
		errs := make(ValidationErrors, len(probs))
		for i, pr := range probs {
			errs[i] = pr.err
		}
		return errs
	}
	slices.SortStableFunc(p.Schedule, func(a, b Slot) int { return a.Day - b.Day })
	p.buildIndex()
	return nil
}

// problem is one broken rule found by check. slot is the index in
// p.Schedule of the slot concerned, or -1: [ParseDefinition] uses it to find
// the slot's line, since schedule Fields name days rather than positions.
type problem struct {
	err  *ValidationError
	slot int
}

// checker collects problems; its methods keep the rules below readable.
type checker struct{ probs []problem }

func (c *checker) add(field, format string, args ...any) {
	c.probs = append(c.probs, problem{err: Invalid(field, format, args...), slot: -1})
}

func (c *checker) addSlot(slot int, field, format string, args ...any) {
	c.probs = append(c.probs, problem{err: Invalid(field, format, args...), slot: slot})
}

// check applies every rule without changing p.
func (p *Programme) check() []problem {
	var c checker

	switch {
	case blank(p.ID):
		c.add("id", "a programme id is required")
	case !ValidID(p.ID):
		c.add("id", "%q may contain only letters, digits, '-', '_' and '.'", p.ID)
	}
	if blank(p.Title) {
		c.add("title", "a title is required")
	}
	lengthOK := p.Length >= 1 && p.Length <= MaxLength
	if !lengthOK {
		c.add("length", "must be between 1 and %d days, not %d", MaxLength, p.Length)
	}
	if p.DayStartHour < 0 || p.DayStartHour > 23 {
		c.add("dayStartHour", "must be an hour from 0 to 23, not %d", p.DayStartHour)
	}
	if blank(p.TimeZone) {
		c.add("timeZone", "a time zone is required, such as \"Europe/London\"")
	} else if _, err := time.LoadLocation(p.TimeZone); err != nil {
		c.add("timeZone", "%q is not a known IANA time zone (such as \"Europe/London\")", p.TimeZone)
	}
	switch {
	case p.GraceDays < 0:
		c.add("graceDays", "must not be negative, not %d", p.GraceDays)
	case lengthOK && p.GraceDays >= p.Length:
		c.add("graceDays", "must be less than the programme's length (%d), not %d", p.Length, p.GraceDays)
	}

	for i, w := range p.RestDays.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			c.add(fmt.Sprintf("restDays.weekdays[%d]", i), "%d is not a day of the week (0 = Sunday .. 6 = Saturday)", int(w))
		}
	}
	for i, d := range p.RestDays.Dates {
		checkDate(&c, fmt.Sprintf("restDays.dates[%d]", i), d)
	}

	activities := p.checkActivities(&c)
	p.checkSchedule(&c, lengthOK, activities)

	cohorts := make(map[string]int, len(p.Cohorts))
	for i, co := range p.Cohorts {
		f := fmt.Sprintf("cohorts[%d]", i)
		if blank(co.ID) {
			c.add(f+".id", "a cohort id is required")
		} else if j, dup := cohorts[co.ID]; dup {
			c.add(f+".id", "cohort id %q is already used by cohorts[%d]", co.ID, j)
		} else {
			cohorts[co.ID] = i
		}
		checkDate(&c, f+".start", co.Start)
	}

	streaks := make(map[int]int, len(p.StreakBonuses))
	for i, b := range p.StreakBonuses {
		f := fmt.Sprintf("streakBonuses[%d]", i)
		if b.Streak < 1 {
			c.add(f+".streak", "must be at least 1 day, not %d", b.Streak)
		} else if j, dup := streaks[b.Streak]; dup {
			c.add(f+".streak", "a bonus for a %d-day streak is already given by streakBonuses[%d]", b.Streak, j)
		} else {
			streaks[b.Streak] = i
		}
		if b.Points < 0 {
			c.add(f+".points", "must not be negative, not %d", b.Points)
		}
	}

	for i, l := range p.Levels {
		f := fmt.Sprintf("levels[%d]", i)
		if blank(l.Name) {
			c.add(f+".name", "a level name is required")
		}
		switch {
		case l.Points < 0:
			c.add(f+".points", "must not be negative, not %d", l.Points)
		case i > 0 && l.Points <= p.Levels[i-1].Points:
			c.add(f+".points", "must be more than the previous level's %d points, not %d", p.Levels[i-1].Points, l.Points)
		}
	}

	fr := p.Freezes
	if fr.EarnEvery < 0 {
		c.add("freezes.earnEvery", "must not be negative, not %d", fr.EarnEvery)
	}
	if fr.Max < 0 {
		c.add("freezes.max", "must not be negative, not %d", fr.Max)
	}
	switch {
	case fr.Initial < 0:
		c.add("freezes.initial", "must not be negative, not %d", fr.Initial)
	case fr.Max >= 0 && fr.Initial > fr.Max:
		c.add("freezes.initial", "must not be more than max (%d), not %d", fr.Max, fr.Initial)
	}
	return c.probs
}

// checkActivities checks the activities and returns the index of each
// activity by id (the first one, when ids repeat).
func (p *Programme) checkActivities(c *checker) map[string]int {
	seen := make(map[string]int, len(p.Activities))
	for i, a := range p.Activities {
		f := fmt.Sprintf("activities[%d]", i)
		if blank(a.ID) {
			c.add(f+".id", "an activity id is required")
		} else if j, dup := seen[a.ID]; dup {
			c.add(f+".id", "activity id %q is already used by activities[%d]", a.ID, j)
		} else {
			seen[a.ID] = i
		}
		if blank(a.Title) {
			c.add(f+".title", "a title is required")
		}
		if a.Points < 0 {
			c.add(f+".points", "must not be negative, not %d", a.Points)
		}
		for j, t := range a.Tags {
			if blank(t) {
				c.add(fmt.Sprintf("%s.tags[%d]", f, j), "a tag must not be empty")
			}
		}
		vars := make(map[string]int, len(a.Variations))
		for j, v := range a.Variations {
			vf := fmt.Sprintf("%s.variations[%d].id", f, j)
			if blank(v.ID) {
				c.add(vf, "a variation id is required")
			} else if k, dup := vars[v.ID]; dup {
				c.add(vf, "variation id %q is already used by %s.variations[%d]", v.ID, f, k)
			} else {
				vars[v.ID] = j
			}
		}
	}
	return seen
}

// checkSchedule checks the slots. It looks activities up in activities
// rather than through p.index, which may be stale while p is being edited.
func (p *Programme) checkSchedule(c *checker, lengthOK bool, activities map[string]int) {
	days := make(map[int]bool, len(p.Schedule))
	for i, s := range p.Schedule {
		f := fmt.Sprintf("schedule[day %d]", s.Day)
		switch {
		// The reasons do not repeat the day (the field names it), so that
		// ParseDefinition reports a range that overshoots, or overlaps
		// another entry, once rather than once per day.
		case s.Day < 1:
			c.addSlot(i, f+".day", "days are numbered from 1")
		case lengthOK && s.Day > p.Length:
			c.addSlot(i, f+".day", "the programme ends on day %d", p.Length)
		case days[s.Day]:
			c.addSlot(i, f, "this day is scheduled more than once")
		default:
			days[s.Day] = true
		}
		if blank(s.ActivityID) {
			c.addSlot(i, f+".activity", "an activity is required")
			continue
		}
		ai, ok := activities[s.ActivityID]
		if !ok {
			c.addSlot(i, f+".activity", "there is no activity %q", s.ActivityID)
			continue
		}
		if a := &p.Activities[ai]; s.VariationID != "" {
			if _, ok := a.Variation(s.VariationID); !ok {
				c.addSlot(i, f+".variation", "activity %q has no variation %q", s.ActivityID, s.VariationID)
			}
		}
	}
}

func checkDate(c *checker, field string, d Date) {
	switch {
	case d.IsZero():
		c.add(field, "a date is required")
	case d.Month < time.January || d.Month > time.December || NewDate(d.Year, d.Month, d.Day) != d:
		c.add(field, "%04d-%02d-%02d is not a real date", d.Year, int(d.Month), d.Day)
	}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// ValidID reports whether s is a valid identifier for a programme, an
// activity, a badge and the like: made only of ASCII letters, digits, '-',
// '_' and '.', since ids travel in URLs, file names and storage keys.
func ValidID(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return s != ""
}

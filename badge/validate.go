package badge

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
)

// Validate checks defs, against programme p when p is not nil, and reports
// every problem at once as [challenge.ValidationErrors] (matching
// [challenge.ErrInvalid]) whose Fields are paths such as
// "badges[3].criterion.count" or "badges[0].tiers[1].threshold" (0-based
// indexes into defs).
//
// Without a programme it checks what the definitions alone can show: ids
// (present, well formed, unique), names, tiers (named, thresholds > 0 and
// strictly ascending, only with Completions, Streak, Reflections, Responses
// and ReactionsReceived, never on a Daily badge), counts, days, weeks and
// positions >= 1, composites with parts, Custom criteria with a Func and
// Sources, Daily badges with a day criterion, and no field set that the
// criterion's kind does not read. With p it also checks that tags are used
// by some activity, that days lie in 1..p.Length and that weeks start
// inside the programme.
func Validate(defs []Definition, p *challenge.Programme) error {
	probs := check(defs, p)
	if len(probs) == 0 {
		return nil
	}
	errs := make(challenge.ValidationErrors, len(probs))
	for i := range probs {
		errs[i] = &probs[i]
	}
	return errs
}

// checker collects problems.
type checker struct {
	p     *challenge.Programme
	tags  map[string]bool
	probs []challenge.ValidationError
}

func (c *checker) add(field, format string, args ...any) {
	c.probs = append(c.probs, challenge.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func check(defs []Definition, p *challenge.Programme) []challenge.ValidationError {
	c := &checker{p: p}
	if p != nil {
		c.tags = make(map[string]bool)
		for _, a := range p.Activities {
			for _, t := range a.Tags {
				c.tags[t] = true
			}
		}
	}
	ids := make(map[string]int, len(defs))
	for i := range defs {
		d := &defs[i]
		at := "badges[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(d.ID) == "":
			c.add(at+".id", "give the badge an id")
		case !challenge.ValidID(d.ID):
			c.add(at+".id", "an id may hold only letters, digits, '-', '_' and '.', not %q", d.ID)
		default:
			if j, dup := ids[d.ID]; dup {
				c.add(at+".id", "the id %q is already used by badges[%d]", d.ID, j)
			} else {
				ids[d.ID] = i
			}
		}
		if strings.TrimSpace(d.Name) == "" {
			c.add(at+".name", "give the badge a name")
		}
		c.repeat(at, d)
		c.tiers(at, d)
		c.criterion(at+".criterion", &d.Criterion, len(d.Tiers) > 0, 0)
	}
	return c.probs
}

func (c *checker) repeat(at string, d *Definition) {
	switch d.Repeat {
	case Once:
		if d.Criterion.Kind == DayCompleted {
			c.add(at+".repeat", "a day-completed badge is earned once per day: say repeat: daily")
		}
	case Daily:
		if k := d.Criterion.Kind; k != DayCompleted && k != Custom {
			c.add(at+".repeat", "a daily badge is earned for one day at a time: its criterion must be day-completed (or Custom in Go), not %v", k)
		}
		if len(d.Tiers) > 0 {
			c.add(at+".tiers", "a daily badge cannot have tiers")
		}
	default:
		c.add(at+".repeat", "want once or daily, not %v", d.Repeat)
	}
}

func (c *checker) tiers(at string, d *Definition) {
	if len(d.Tiers) == 0 {
		return
	}
	if k := d.Criterion.Kind; k.valid() && !k.Tiered() {
		c.add(at+".tiers", "tiers need a criterion that counts (completions, streak, reflections, responses or reactions), not %v", k)
	}
	prev := 0
	for i, t := range d.Tiers {
		tat := at + ".tiers[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(t.Name) == "" {
			c.add(tat+".name", "give the tier a name (such as bronze)")
		}
		switch {
		case t.Threshold < 1:
			c.add(tat+".threshold", "a tier is reached at 1 or more, not %d", t.Threshold)
		case t.Threshold <= prev:
			c.add(tat+".threshold", "tiers go up: %d must be more than the tier before (%d)", t.Threshold, prev)
		}
		prev = max(prev, t.Threshold)
	}
}

// maxDepth bounds the nesting of allOf and anyOf: deeper is surely a
// mistake, and the bound keeps evaluation cheap.
const maxDepth = 4

func (c *checker) criterion(at string, cr *Criterion, tiered bool, depth int) {
	if !cr.Kind.valid() {
		if cr.Kind == 0 {
			c.add(at, "say what earns the badge")
		} else {
			c.add(at+".kind", "unknown kind %v", cr.Kind)
		}
		return
	}
	// Fields the kind does not read are refused: they would be silently
	// ignored, and the author surely meant something by them.
	stray := func(set bool, field string) {
		if set {
			c.add(at+"."+field, "%s does not apply to a %v criterion", field, cr.Kind)
		}
	}
	k := cr.Kind
	stray(cr.Count != 0 && !k.Tiered(), "count")
	stray(cr.Tag != "" && k != Completions, "tag")
	stray(len(cr.Days) > 0 && k != DaysCompleted, "days")
	stray(cr.Week != 0 && k != WeekComplete, "week")
	stray(len(cr.All) > 0 && k != AllOf, "all")
	stray(len(cr.Any) > 0 && k != AnyOf, "any")
	stray(cr.Position != 0 && k != FinalPosition, "position")
	stray(cr.Func != nil && k != Custom, "func")
	stray(len(cr.Sources) > 0 && k != Custom, "sources")
	if depth > 0 && k == DayCompleted {
		c.add(at, "day-completed stands alone as the criterion of a daily badge")
	}

	switch k {
	case Completions, Streak, Reflections, Responses, ReactionsReceived:
		switch {
		case tiered && cr.Count != 0:
			c.add(at+".count", "the tiers give the numbers: leave the number out here")
		case !tiered && cr.Count < 1:
			c.add(at+".count", "say how many (1 or more) earn the badge")
		}
		if k == Completions && cr.Tag != "" && c.tags != nil && !c.tags[cr.Tag] {
			c.add(at+".tag", "no activity has the tag %q", cr.Tag)
		}
	case DaysCompleted:
		if len(cr.Days) == 0 {
			c.add(at+".days", "list the days that must be completed")
		}
		for i, d := range cr.Days {
			dat := at + ".days[" + strconv.Itoa(i) + "]"
			switch {
			case d < 1:
				c.add(dat, "days are counted from 1, not %d", d)
			case c.p != nil && d > c.p.Length:
				c.add(dat, "day %d is after the programme's last day (%d)", d, c.p.Length)
			case slices.Contains(cr.Days[:i], d):
				c.add(dat, "day %d is listed twice", d)
			}
		}
	case WeekComplete:
		switch {
		case cr.Week < 1:
			c.add(at+".week", "weeks are counted from 1, not %d", cr.Week)
		case c.p != nil && (cr.Week-1)*7+1 > c.p.Length:
			c.add(at+".week", "week %d starts after the programme's last day (%d)", cr.Week, c.p.Length)
		}
	case FinalPosition:
		if cr.Position < 1 {
			c.add(at+".position", "say which final position (1 or more) earns the badge")
		}
	case AllOf, AnyOf:
		parts, name := cr.All, "all"
		if k == AnyOf {
			parts, name = cr.Any, "any"
		}
		if len(parts) == 0 {
			c.add(at+"."+name, "list the criteria to combine")
		}
		if depth >= maxDepth {
			c.add(at, "allOf and anyOf are nested too deeply (more than %d levels)", maxDepth)
			return
		}
		for i := range parts {
			c.criterion(at+"."+name+"["+strconv.Itoa(i)+"]", &parts[i], false, depth+1)
		}
	case Custom:
		if cr.Func == nil {
			c.add(at+".func", "a custom criterion needs its Func")
		}
		if len(cr.Sources) == 0 {
			c.add(at+".sources", "a custom criterion must declare the Sources its Func reads")
		}
		for i, s := range cr.Sources {
			if !s.valid() {
				c.add(at+".sources["+strconv.Itoa(i)+"]", "unknown source %v", s)
			}
		}
	}
}

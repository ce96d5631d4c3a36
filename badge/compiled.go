package badge

import "github.com/habitkit/habitkit/challenge"

// compiled is a criterion over completions turned, for a plan's
// programme, into operations on words of days: "is it met?" for a tiered
// count, a list of days or a whole week is then a few ANDs and a
// population count. Criteria of other kinds (counts of reflections, final
// positions, Custom) are left to Criterion.met.
type compiled struct {
	op compiledOp
	// days are the days that count (op count: every day, or a tag's), the
	// days required (op allDays) or the span whose scheduled days are
	// required (op scheduled), within 1..length.
	days challenge.Days
	// count is the criterion's own target (op count).
	count int
	// parts are the compiled parts of AllOf (op all) and AnyOf (op any).
	parts []compiled
}

type compiledOp uint8

const (
	opSlow      compiledOp = iota // ask Criterion.met
	opCount                       // completed days among days >= target
	opSome                        // a day of days completed (whatever the target)
	opStreak                      // longest streak >= target
	opAllDays                     // every one of days completed
	opScheduled                   // every scheduled (not rest) day of days completed, and one at least
	opDay                         // the occurrence's day completed
	opAll                         // every part met
	opAny                         // some part met
)

// compile turns c into word operations for programme days 1..n, with f's
// calendar for the programme's tags.
func (pl *Plan) compile(c *Criterion, f *Facts, n int) compiled {
	span := func(from, to int) challenge.Days {
		var d challenge.Days
		for day := max(from, 1); day <= min(to, n); day++ {
			d.Add(day)
		}
		return d
	}
	switch c.Kind {
	case Completions:
		return compiled{op: opCount, days: pl.tagDays(c.Tag), count: c.Count}
	case FirstCompletion:
		return compiled{op: opSome, days: pl.tagDays("")}
	case Streak:
		return compiled{op: opStreak, count: c.Count}
	case DaysCompleted:
		var d challenge.Days
		for _, day := range c.Days {
			if day < 1 || day > n {
				return compiled{op: opSlow} // never met; Criterion.met knows
			}
			d.Add(day)
		}
		if d == nil {
			return compiled{op: opSlow}
		}
		return compiled{op: opAllDays, days: d}
	case WeekComplete:
		from := (c.Week-1)*7 + 1
		return compiled{op: opScheduled, days: span(from, from+6)}
	case ProgrammeComplete:
		return compiled{op: opScheduled, days: span(1, n)}
	case DayCompleted:
		return compiled{op: opDay}
	case AllOf, AnyOf:
		out := compiled{op: opAll}
		parts := c.All
		if c.Kind == AnyOf {
			out.op, parts = opAny, c.Any
		}
		if len(parts) == 0 {
			return compiled{op: opSlow}
		}
		for i := range parts {
			p := pl.compile(&parts[i], f, n)
			if p.op == opSlow {
				return compiled{op: opSlow}
			}
			out.parts = append(out.parts, p)
		}
		return out
	}
	return compiled{op: opSlow}
}

// met is c.met(f, target, day) for the criterion cc was compiled from,
// answered with word operations where it can be. f must be of the plan's
// programme.
func (cc *compiled) met(c *Criterion, f *Facts, target, day int) bool {
	if target <= 0 {
		target = cc.count
	}
	switch cc.op {
	case opCount:
		return target >= 1 && cc.days != nil && popcount(f.Done, cc.days, f.length()) >= target
	case opSome:
		return cc.days != nil && popcount(f.Done, cc.days, f.length()) >= 1
	case opStreak:
		return target >= 1 && f.Longest >= target
	case opAllDays:
		return subset(cc.days, f.Done)
	case opScheduled:
		rest, ok := f.restDays()
		if !ok {
			break
		}
		required := false
		for w, word := range cc.days {
			if w < len(rest) {
				word &^= rest[w]
			}
			if word == 0 {
				continue
			}
			required = true
			if w >= len(f.Done) || word&^f.Done[w] != 0 {
				return false
			}
		}
		return required
	case opDay:
		return day >= 1 && f.Done.Has(day)
	case opAll:
		for i := range cc.parts {
			if !cc.parts[i].met(&c.All[i], f, 0, day) {
				return false
			}
		}
		return true
	case opAny:
		for i := range cc.parts {
			if cc.parts[i].met(&c.Any[i], f, 0, day) {
				return true
			}
		}
		return false
	}
	return c.met(f, target, day)
}

// subset reports whether every day of a is in b.
func subset(a, b challenge.Days) bool {
	for w, word := range a {
		var have uint64
		if w < len(b) {
			have = b[w]
		}
		if word&^have != 0 {
			return false
		}
	}
	return true
}

// restDays returns the rest days 1..length as words when the plan filled
// them in at once (see Plan.restDays), and false when the calendar must be
// asked day by day.
func (f *Facts) restDays() ([]uint64, bool) {
	if !f.rest.tried {
		f.rest.tried = true
		if f.plan != nil {
			f.plan.restDays(f)
		}
	}
	if !f.rest.full {
		return nil, false
	}
	return f.rest.rest[:], true
}

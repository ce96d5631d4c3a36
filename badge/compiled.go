package badge

import (
	"math/bits"

	"github.com/habitkit/habitkit/challenge"
)

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

// metMeasure is a met criterion's measure as compiled parts work it out:
// the evidence days as words (days 1..255) rather than a list, so that
// composites merge them with ORs and the list is made once, at its size.
type metMeasure struct {
	current, target int
	unit            string
	days            [4]uint64
	counts          map[string]int
}

// measure is c.measure(f, target, day, true) for a criterion that is met
// (cc.met said so): for the compiled kinds it is worked out from words of
// days, with one allocation for the evidence days; otherwise, or when the
// calendar's rest days are not at hand as words, it asks c.
func (cc *compiled) measure(c *Criterion, f *Facts, target, day int) Measure {
	if cc.op == opDay && day >= 1 && day <= f.length() {
		// A daily badge's, the most often measured: the day itself.
		return Measure{Current: 1, Target: 1, Unit: UnitDays, Met: true, Evidence: Evidence{Days: []int{day}}}
	}
	mm, ok := metMeasure{}, false
	if f.length() < 256 {
		mm, ok = cc.measureMet(c, f, target, day)
	}
	if !ok {
		return c.measure(f, target, day, true)
	}
	m := Measure{Current: mm.current, Target: mm.target, Unit: mm.unit, Met: true}
	m.Evidence.Counts = mm.counts
	n := 0
	for _, w := range mm.days {
		n += bits.OnesCount64(w)
	}
	if n > 0 {
		m.Evidence.Days = make([]int, 0, n)
		for w, word := range mm.days {
			for ; word != 0; word &= word - 1 {
				m.Evidence.Days = append(m.Evidence.Days, w*64+bits.TrailingZeros64(word))
			}
		}
	}
	return m
}

// measureMet returns the measure of c, which is met, and whether it could
// work it out: false leaves the answer to c.measure. Days are within
// 1..length < 256.
func (cc *compiled) measureMet(c *Criterion, f *Facts, target, day int) (mm metMeasure, ok bool) {
	if target <= 0 {
		target = cc.count
	}
	n := f.length()
	switch cc.op {
	case opCount, opSome:
		if cc.op == opSome {
			target = 1
		}
		if cc.days == nil || target < 1 {
			return mm, false
		}
		mm = metMeasure{current: popcount(f.Done, cc.days, n), target: target, unit: UnitCompletions}
		// The evidence is the first target days counted.
		left := target
		for w := range min(len(f.Done), len(cc.days), len(mm.days)) {
			word := f.Done[w] & cc.days[w]
			for ; word != 0 && left > 0; word &= word - 1 {
				if d := w*64 + bits.TrailingZeros64(word); d >= 1 && d <= n {
					mm.days[w] |= 1 << uint(d%64)
					left--
				}
			}
		}
		return mm, true
	case opStreak:
		if target < 1 {
			return mm, false
		}
		mm = metMeasure{current: f.Longest, target: target, unit: UnitStreak, counts: map[string]int{"streak": f.Longest}}
		return mm, true
	case opAllDays:
		mm = metMeasure{current: len(c.Days), target: len(c.Days), unit: UnitDays}
		copy(mm.days[:], cc.days)
		return mm, true
	case opScheduled:
		rest, ok := f.restDays()
		if !ok {
			return mm, false
		}
		mm = metMeasure{unit: UnitDays}
		for w := range min(len(cc.days), len(mm.days)) {
			mm.days[w] = cc.days[w] &^ rest[w]
			mm.target += bits.OnesCount64(mm.days[w])
		}
		mm.current = mm.target
		return mm, true
	case opDay:
		if day < 1 || day > n {
			return mm, false
		}
		mm = metMeasure{current: 1, target: 1, unit: UnitDays}
		mm.days[day/64] |= 1 << uint(day%64)
		return mm, true
	case opAll:
		mm = metMeasure{current: len(cc.parts), target: len(cc.parts), unit: UnitGoals}
		for i := range cc.parts {
			part, ok := cc.parts[i].measureMet(&c.All[i], f, 0, day)
			if !ok {
				return mm, false
			}
			for w := range mm.days {
				mm.days[w] |= part.days[w]
			}
			switch {
			case part.counts == nil:
			case mm.counts == nil:
				mm.counts = part.counts // made for this measure alone
			default:
				for k, v := range part.counts {
					mm.counts[k] = max(mm.counts[k], v)
				}
			}
		}
		return mm, true
	case opAny:
		// The first part met, as anyOf measures it.
		for i := range cc.parts {
			if cc.parts[i].met(&c.Any[i], f, 0, day) {
				return cc.parts[i].measureMet(&c.Any[i], f, 0, day)
			}
		}
	}
	return mm, false
}

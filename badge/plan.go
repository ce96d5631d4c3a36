package badge

import (
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

// Plan is a programme's badge definitions prepared for evaluation: what
// each criterion reads, which days' completions can change it, and the
// days of each tag the criteria count. Build one per published programme
// version with [NewPlan] and keep it: it is immutable and safe for
// concurrent use. Its answers are those of [Evaluate]; it only finds them
// with less work.
type Plan struct {
	defs []Definition
	p    *challenge.Programme
	info []defInfo
	// tags holds, for each tag a Completions criterion counts ("" for
	// every day), the programme days whose activity has it.
	tags []tagDays
	// order lists the definitions' indexes by ID, and ids their IDs in
	// that order, for finding a definition by ID.
	order []int
	ids   []string
	// slot0 is each definition's first occurrence slot (see Slot) and
	// nslots how many it has; slots is the number of slots, and layout
	// their fingerprint.
	slot0, nslots []int32
	slots         int
	layout        uint32
	// restWeek[w], for a programme of at most 255 days without rest
	// dates, holds the days that are rest days (by weekday, or with
	// nothing scheduled) when day 1 falls on weekday w; nil otherwise.
	restWeek *[7][4]uint64
	// programmeDays are the days 1..length, when restWeek is set.
	programmeDays [4]uint64
	// fast holds each definition's criterion compiled to word
	// operations (see compiled).
	fast []compiled
	// checks[streak][day] lists, in definition order, the definitions a
	// single new completion of day must check: streak says the longest
	// streak changed too (sources SourceCompletions and SourceStreak),
	// else only SourceCompletions changed. The rest are skipped by the
	// rules of appendChanges, decided here once instead of on every call.
	checks [2][][]dayCheck
}

// defInfo is what a Plan knows about one definition.
type defInfo struct {
	sources  sourceSet
	monotone bool
	// custom says a Custom criterion is part of it: its Func is called
	// once per check, so the cheap pre-check of met is not made.
	custom bool
	// allDays or days: the days whose completion can change the measure
	// (for composites, the union of their parts').
	allDays bool
	days    challenge.Days
}

type tagDays struct {
	tag  string
	days challenge.Days
}

// NewPlan prepares defs, which must be valid for p (see [Validate]), for
// evaluation against facts whose calendar has programme p. defs must not be
// modified afterwards.
func NewPlan(defs []Definition, p *challenge.Programme) *Plan {
	pl := &Plan{defs: defs, p: p, info: make([]defInfo, len(defs)), order: make([]int, len(defs))}
	for i := range pl.order {
		pl.order[i] = i
	}
	slices.SortStableFunc(pl.order, func(a, b int) int { return strings.Compare(defs[a].ID, defs[b].ID) })
	pl.ids = make([]string, len(defs))
	for k, i := range pl.order {
		pl.ids[k] = defs[i].ID
	}
	f := Facts{Calendar: challenge.NewCalendar(p, nil)}
	n := f.length()
	pl.layOut(n)
	pl.weekRests(n)
	for i := range defs {
		c := &defs[i].Criterion
		in := &pl.info[i]
		in.sources, in.monotone, in.custom = c.sources(), c.monotone(), c.hasCustom()
		in.allDays = c.readsEveryDay()
		if !in.allDays {
			for d := 1; d <= n; d++ {
				if c.readsDay(&f, d) {
					in.days.Add(d)
				}
			}
		}
		pl.addTags(&f, c, n)
	}
	pl.fast = make([]compiled, len(defs))
	for i := range defs {
		pl.fast[i] = pl.compile(&defs[i].Criterion, &f, n)
	}
	for streak := range pl.checks {
		want := sourceSet(1) << uint(SourceCompletions)
		if streak == 1 {
			want |= 1 << uint(SourceStreak)
		}
		pl.checks[streak] = make([][]dayCheck, n+1)
		for d := 1; d <= n; d++ {
			for i := range defs {
				if pl.checked(i, want, d) {
					pl.checks[streak][d] = append(pl.checks[streak][d], pl.newCheck(i, d))
				}
			}
		}
	}
	return pl
}

// checked reports whether defs[i] must be checked after a single new
// completion of day, when the sources in want changed: the filter of
// appendChanges, for the plan's precomputed lists.
func (pl *Plan) checked(i int, want sourceSet, day int) bool {
	in := &pl.info[i]
	rel := in.sources & want
	if rel == 0 {
		return false
	}
	return !in.monotone || rel != 1<<uint(SourceCompletions) || in.allDays || in.days.Has(day)
}

// dayCheck is a definition to check after a completion of one day. When
// word is not -1, the definition is monotone and without a Custom part,
// and every occurrence the completion could award (the day's of a daily
// badge, each tier, or the one) has its bit in held word word: when all
// the bits of mask are set there, nothing can change, and the definition
// is passed over with one test.
//
// It carries what checking the definition reads first, so that the loop
// over a day's checks finds it in the list rather than in the plan's
// tables: the definition and its compiled criterion, its first slot and
// number of slots, and whether gain may decide it.
type dayCheck struct {
	i, word int32
	s0, n   int32
	gain    bool
	mask    uint64
	def     *Definition
	fast    *compiled
}

// newCheck returns the check of definition i after a completion of day.
func (pl *Plan) newCheck(i, day int) dayCheck {
	in := &pl.info[i]
	c := dayCheck{i: int32(i), word: -1, s0: pl.slot0[i], n: pl.nslots[i], gain: in.monotone && !in.custom, def: &pl.defs[i], fast: &pl.fast[i]}
	if !c.gain {
		return c
	}
	first, n := int(c.s0), int(c.n)
	if c.def.Repeat == Daily {
		if day > n {
			return c
		}
		first, n = first+day-1, 1
	}
	last := first + n - 1
	if n < 1 || first/64 != last/64 {
		return c
	}
	c.word = int32(first / 64)
	c.mask = (^uint64(0) >> uint(64-n)) << uint(first%64)
	return c
}

// checkList returns the precomputed list of definitions to check for
// facts f after the sources in want changed, or false when none applies.
func (pl *Plan) checkList(f *Facts, want sourceSet) ([]dayCheck, bool) {
	if !f.Gained || f.Added < 1 {
		return nil, false
	}
	var streak int
	switch want {
	case 1 << uint(SourceCompletions):
	case 1<<uint(SourceCompletions) | 1<<uint(SourceStreak):
		streak = 1
	default:
		return nil, false
	}
	if f.Added >= len(pl.checks[streak]) {
		return nil, false
	}
	return pl.checks[streak][f.Added], true
}

// addTags records the days of every tag that c (or a part of it) counts.
func (pl *Plan) addTags(f *Facts, c *Criterion, n int) {
	for i := range c.All {
		pl.addTags(f, &c.All[i], n)
	}
	for i := range c.Any {
		pl.addTags(f, &c.Any[i], n)
	}
	var tag string
	switch c.Kind {
	case Completions:
		tag = c.Tag
	case FirstCompletion:
	default:
		return
	}
	if pl.tagDays(tag) != nil {
		return
	}
	td := tagDays{tag: tag}
	for d := 1; d <= n; d++ {
		if tag == "" || f.hasTag(d, tag) {
			td.days.Add(d)
		}
	}
	if td.days == nil {
		td.days = challenge.Days{} // known, and empty
	}
	pl.tags = append(pl.tags, td)
}

// tagDays returns the days of tag, or nil when the plan does not know it.
func (pl *Plan) tagDays(tag string) challenge.Days {
	for i := range pl.tags {
		if pl.tags[i].tag == tag {
			return pl.tags[i].days
		}
	}
	return nil
}

// Definitions returns the definitions the plan was built from.
func (pl *Plan) Definitions() []Definition { return pl.defs }

// Evaluate is [Evaluate] over the plan's definitions.
func (pl *Plan) Evaluate(f Facts, changed []Source, held Held) []Change {
	return appendChanges(nil, pl.defs, pl, &f, changed, held)
}

// AppendChanges is [Plan.Evaluate] appending to dst, so that a caller can
// reuse one slice across evaluations.
func (pl *Plan) AppendChanges(dst []Change, f Facts, changed []Source, held Held) []Change {
	return appendChanges(dst, pl.defs, pl, &f, changed, held)
}

// readsEveryDay reports whether a completion on any day can change c.
func (c *Criterion) readsEveryDay() bool {
	switch c.Kind {
	case Completions:
		return c.Tag == ""
	case FirstCompletion, ProgrammeComplete, DayCompleted, Custom:
		return true
	case AllOf, AnyOf:
		for i := range c.All {
			if c.All[i].readsEveryDay() {
				return true
			}
		}
		for i := range c.Any {
			if c.Any[i].readsEveryDay() {
				return true
			}
		}
	}
	return false
}

// readsDay reports whether completing day can change c's measure: whether
// c counts, lists or spans that day.
func (c *Criterion) readsDay(f *Facts, day int) bool {
	switch c.Kind {
	case Completions:
		return c.Tag == "" || f.dayHasTag(day, c.Tag)
	case FirstCompletion, ProgrammeComplete, DayCompleted, Custom:
		return true
	case DaysCompleted:
		for _, d := range c.Days {
			if d == day {
				return true
			}
		}
		return false
	case WeekComplete:
		from := (c.Week-1)*7 + 1
		return day >= from && day <= from+6
	case AllOf, AnyOf:
		for i := range c.All {
			if c.All[i].readsDay(f, day) {
				return true
			}
		}
		for i := range c.Any {
			if c.Any[i].readsDay(f, day) {
				return true
			}
		}
	}
	return false
}

// info returns what evaluation needs to know about defs[i] (all but the
// days): from the plan when there is one, else worked out now into tmp.
func info(pl *Plan, defs []Definition, i int, tmp *defInfo) *defInfo {
	if pl != nil {
		return &pl.info[i]
	}
	c := &defs[i].Criterion
	*tmp = defInfo{sources: c.sources(), monotone: c.monotone(), custom: c.hasCustom()}
	return tmp
}

// hasCustom reports whether c is or contains a Custom criterion.
func (c *Criterion) hasCustom() bool {
	if c.Kind == Custom {
		return true
	}
	for i := range c.All {
		if c.All[i].hasCustom() {
			return true
		}
	}
	for i := range c.Any {
		if c.Any[i].hasCustom() {
			return true
		}
	}
	return false
}

// readsAdded reports whether completing f.Added can change defs[i].
func readsAdded(pl *Plan, defs []Definition, i int, f *Facts) bool {
	if pl != nil {
		in := &pl.info[i]
		return in.allDays || in.days.Has(f.Added)
	}
	return defs[i].Criterion.readsDay(f, f.Added)
}

// heldView answers Has for evaluation: from the bits of a [HeldBits] of
// the plan, or else by asking held.
type heldView struct {
	pl   *Plan
	bits challenge.HeldBadges
}

func (h *heldView) has(held Held, i int, id string, o Occurrence) bool {
	if h.pl == nil {
		return held.Has(id, o)
	}
	// Evaluation asks only about occurrences of the definition's kind
	// (a day of a daily badge, a tier, or the one occurrence), so the
	// slot's offset is the day or tier less one; the bound keeps a day
	// past the programme from reading the next definition's slots.
	k := max(o.Tier+o.Day-1, 0)
	return k < int(h.pl.nslots[i]) && h.bits.Has(int(h.pl.slot0[i])+k)
}

// holdsAllTiers reports whether the bits hold every tier 1..n of
// definition i.
func (h *heldView) holdsAllTiers(i, n int) bool {
	if h.pl == nil {
		return false
	}
	for t := range n {
		if !h.bits.Has(int(h.pl.slot0[i]) + t) {
			return false
		}
	}
	return true
}

// appendChanges is Evaluate, with a plan when pl is not nil.
func appendChanges(out []Change, defs []Definition, pl *Plan, f *Facts, changed []Source, held Held) []Change {
	var h heldView
	if held == nil {
		held = HeldSet(nil)
	}
	if pl != nil {
		switch r := held.(type) {
		case HeldSet:
			if r == nil {
				h.pl = pl
			}
		case HeldBits:
			if r.Plan == pl {
				h.pl, h.bits = pl, r.Bits
			}
		case *HeldBits:
			if r.Plan == pl {
				h.pl, h.bits = pl, r.Bits
			}
		}
	}
	if pl != nil && f.Calendar.Programme() == pl.p {
		f.plan = pl // its tag days are this programme's
	}
	want := setOf(changed)
	if pl != nil {
		if list, ok := pl.checkList(f, want); ok {
			// A check's mask is of the daily occurrence of the day
			// completed, which is the day decided.
			skip := h.pl != nil && f.Day == f.Added
			for k := range list {
				c := &list[k]
				if skip && c.word >= 0 && int(c.word) < len(h.bits) && h.bits[c.word]&c.mask == c.mask {
					continue // all held, and none can be lost
				}
				if c.gain && h.pl != nil {
					out = gain(out, c, f, h.bits)
				} else {
					i := int(c.i)
					out = decideAll(out, i, &defs[i], &pl.info[i], f, held, &h)
				}
			}
			return out
		}
	}
	// After a single new completion, the only completion fact that
	// changed is f.Added: a criterion that does not read that day has the
	// figures it had after the previous event, which was evaluated.
	oneDay := f.Gained && f.Added >= 1
	var tmp defInfo
	for i := range defs {
		def := &defs[i]
		in := info(pl, defs, i, &tmp)
		rel := in.sources & want
		if rel == 0 {
			continue
		}
		if oneDay && in.monotone && rel == 1<<uint(SourceCompletions) && !readsAdded(pl, defs, i, f) {
			continue
		}
		out = decideAll(out, i, def, in, f, held, &h)
	}
	return out
}

// gain is decideAll for the definition of check c, monotone and without a
// Custom part, after an event that only added facts (f.Gained), with the
// held occurrences in bits: an occurrence held stays held, and one not
// held is awarded when met. It reads the bits directly, which is all that
// sets it apart.
func gain(out []Change, c *dayCheck, f *Facts, bits challenge.HeldBadges) []Change {
	def, fast, i := c.def, c.fast, int(c.i)
	s0, n := int(c.s0), int(c.n)
	switch {
	case def.Repeat == Daily:
		if f.Day < 1 || f.Day > n || bits.Has(s0+f.Day-1) || !fast.met(&def.Criterion, f, 0, f.Day) {
			return out
		}
		m := fast.measure(&def.Criterion, f, 0, f.Day)
		return append(out, Change{Badge: def.ID, Index: i, Occurrence: Occurrence{Day: f.Day}, Kind: Award, Measure: m})
	case len(def.Tiers) > 0:
		// Thresholds ascend (Validate) and a tiered criterion counts, so
		// the first tier not held that is not met is as far as any can be.
		for t := range def.Tiers {
			if bits.Has(s0 + t) {
				continue
			}
			threshold := def.Tiers[t].Threshold
			if !fast.met(&def.Criterion, f, threshold, 0) {
				break
			}
			m := fast.measure(&def.Criterion, f, threshold, 0)
			out = append(out, Change{Badge: def.ID, Index: i, Occurrence: Occurrence{Tier: t + 1}, Kind: Award, Measure: m})
		}
		return out
	}
	if bits.Has(s0) || !fast.met(&def.Criterion, f, 0, 0) {
		return out
	}
	m := fast.measure(&def.Criterion, f, 0, 0)
	return append(out, Change{Badge: def.ID, Index: i, Kind: Award, Measure: m})
}

// decideAll decides every occurrence of defs[i] that the event can
// change: the day's for a Daily badge, each tier, or the one occurrence.
func decideAll(out []Change, i int, def *Definition, in *defInfo, f *Facts, held Held, h *heldView) []Change {
	switch {
	case def.Repeat == Daily:
		if f.Day < 1 {
			return out
		}
		return decide(out, i, def, in, Occurrence{Day: f.Day}, f, 0, f.Day, held, h)
	case len(def.Tiers) > 0:
		if f.Gained && in.monotone && !in.custom {
			if h.holdsAllTiers(i, len(def.Tiers)) {
				return out // none can be lost
			}
			// Held tiers cannot be lost. Thresholds ascend (Validate) and
			// a tiered criterion counts, so the first tier not held that
			// is not met is as far as any can be.
			for t, tier := range def.Tiers {
				o := Occurrence{Tier: t + 1}
				if h.has(held, i, def.ID, o) {
					continue
				}
				if !def.Criterion.met(f, tier.Threshold, 0) {
					break
				}
				m := def.Criterion.measure(f, tier.Threshold, 0, true)
				out = append(out, Change{Badge: def.ID, Index: i, Occurrence: o, Kind: Award, Measure: m})
			}
			return out
		}
		// Each tier is measured at its own threshold, so that its
		// evidence is what earned that tier. Tiers are few.
		for t, tier := range def.Tiers {
			out = decide(out, i, def, in, Occurrence{Tier: t + 1}, f, tier.Threshold, 0, held, h)
		}
		return out
	}
	return decide(out, i, def, in, Occurrence{}, f, 0, 0, held, h)
}

// popcount counts the days in both sets within 1..n.
func popcount(a, b challenge.Days, n int) int {
	c := 0
	for w := range min(len(a), len(b)) {
		word := a[w] & b[w]
		if w == 0 {
			word &^= 1 // day 0 is no programme day
		}
		if hi := n - w*64; hi < 63 {
			if hi < 0 {
				break
			}
			word &= (uint64(1) << uint(hi+1)) - 1
		}
		c += bits.OnesCount64(word)
	}
	return c
}

// weekRests fills restWeek: for each weekday of day 1, the programme's
// rest days 1..n that do not depend on the date itself.
func (pl *Plan) weekRests(n int) {
	p := pl.p
	if p == nil || n < 1 || n >= 256 || len(p.RestDays.Dates) > 0 {
		return
	}
	pl.restWeek = new([7][4]uint64)
	for d := 1; d <= n; d++ {
		pl.programmeDays[d/64] |= 1 << uint(d%64)
	}
	for w := range 7 {
		for d := 1; d <= n; d++ {
			_, scheduled := p.SlotOn(d)
			if !scheduled || p.IsRestWeekday(time.Weekday((w+d-1)%7)) {
				pl.restWeek[w][d/64] |= 1 << uint(d%64)
			}
		}
	}
}

// restDays fills f's rest cache for days 1..length from restWeek when
// the calendar's rest days follow from it: the programme is the plan's,
// and the enrolment has no rota and no absence. Days before the
// enrolment's first day are rest days too. Otherwise it leaves the cache
// to be filled one question at a time.
func (pl *Plan) restDays(f *Facts) {
	if pl.restWeek == nil || f.Calendar.Programme() != pl.p {
		return
	}
	first := 1
	if e := f.Calendar.Enrolment(); e != nil {
		if !e.Rota.IsZero() || len(e.Absences) > 0 {
			return
		}
		first = e.FirstDay
	}
	week := &pl.restWeek[f.Calendar.StartWeekday()]
	if first <= 1 && f.rest.known == [4]uint64{} {
		// Nothing asked yet (the usual case: this is the first
		// question): the week's rest days are the answer as they are.
		f.rest.known, f.rest.rest, f.rest.full = pl.programmeDays, *week, true
		return
	}
	rest := *week // a copy: the plan's is shared
	for d := 1; d < first && d < 256; d++ {
		rest[d/64] |= 1 << uint(d%64)
	}
	for w, known := range pl.programmeDays {
		f.rest.known[w] |= known
		f.rest.rest[w] = f.rest.rest[w]&^known | rest[w]&known
	}
	f.rest.full = true
}

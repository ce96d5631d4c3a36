package badge

import "fmt"

// Held reports which awards a participant holds; the engine implements it
// over the awards it loaded (or uses [HeldSet]).
type Held interface {
	// Has reports whether the award of badge for occurrence is held.
	Has(badge string, occurrence Occurrence) bool
}

// HeldSet is a Held kept in a map, for tests and small hosts.
type HeldSet map[HeldKey]bool

// HeldKey names one award in a [HeldSet].
type HeldKey struct {
	// Badge is the badge's ID.
	Badge string
	Occurrence
}

// Has implements Held.
func (s HeldSet) Has(badge string, o Occurrence) bool { return s[HeldKey{badge, o}] }

// Apply updates s with changes: awards are added, revocations removed.
func (s HeldSet) Apply(changes []Change) {
	for _, c := range changes {
		switch c.Kind {
		case Award:
			s[HeldKey{c.Badge, c.Occurrence}] = true
		case Revoke:
			delete(s, HeldKey{c.Badge, c.Occurrence})
		}
	}
}

// ChangeKind says whether a [Change] awards or revokes.
type ChangeKind int

const (
	// Award: the occurrence is newly earned.
	Award ChangeKind = iota + 1
	// Revoke: a held occurrence no longer holds (after a revocation).
	Revoke
)

// String returns "award" or "revoke".
func (k ChangeKind) String() string {
	switch k {
	case Award:
		return "award"
	case Revoke:
		return "revoke"
	}
	return fmt.Sprintf("ChangeKind(%d)", int(k))
}

// Change is one award or revocation that [Evaluate] decided. Measure is
// the measure at the time: for an award, its Evidence is what earned it.
type Change struct {
	// Badge is the badge's ID, and Index its definition's position in the
	// definitions evaluated.
	Badge string
	Index int
	Occurrence
	// Kind says whether the occurrence is awarded or revoked.
	Kind ChangeKind
	// Measure is the criterion's measure (for a tier: at its threshold).
	Measure Measure
}

// String describes c in one line, for logs and examples.
func (c Change) String() string {
	s := c.Kind.String() + " " + c.Badge
	if c.Tier > 0 {
		s += fmt.Sprintf(" tier %d", c.Tier)
	}
	if c.Day > 0 {
		s += fmt.Sprintf(" day %d", c.Day)
	}
	return s + ": " + c.Measure.String()
}

// Evaluate decides which awards an event earns or takes back. changed are
// the sources the event changed (a completion: SourceCompletions and
// SourceStreak; a revocation: the same; a reflection: SourceReflections);
// only definitions whose criterion depends on one of them are checked, so
// a Custom criterion is not called otherwise.
//
// For each definition checked it returns, in definition order (tiers
// ascending):
//   - an Award for every occurrence that is met and not held: every tier
//     newly reached (several when the figure jumped), the single award of
//     an untiered badge, or, for a Daily badge, the occurrence of f.Day;
//   - a Revoke for every held occurrence that no longer holds (after a
//     revocation of a completion, a streak can be shorter, a tag count
//     lower). A Daily badge only ever awards or revokes f.Day's occurrence.
//
// Awards that are held and still hold are left alone. With f.Gained and
// f.Added set (one new completion), criteria over completions that cannot
// count that day are skipped as well. Evaluate is pure; it allocates only
// the changes and their evidence (re-checking held awards allocates
// nothing). The only walk it makes is over the bits of f.Done, for tag
// counts and whole weeks. defs are assumed valid (see [Validate]); a nil
// held holds nothing. A [Plan] gives the same answers faster.
func Evaluate(defs []Definition, f Facts, changed []Source, held Held) []Change {
	return appendChanges(nil, defs, nil, &f, changed, held)
}

// decide measures one occurrence of def (at target, for day) and appends
// the change, if any, that the measure implies. The cheap check of met
// comes first: the full measure (and its evidence) is made only for an
// occurrence that changes, the one case where it is needed.
func decide(out []Change, i int, def *Definition, in *defInfo, o Occurrence, f *Facts, target, day int, held Held, hv *heldView) []Change {
	has := hv.has(held, i, def.ID, o)
	if has && f.Gained && in.monotone {
		return out
	}
	if !in.custom && def.Criterion.met(f, target, day) == has {
		return out
	}
	m := def.Criterion.measure(f, target, day, !has)
	switch {
	case m.Met && !has:
		return append(out, Change{Badge: def.ID, Index: i, Occurrence: o, Kind: Award, Measure: m})
	case !m.Met && has:
		return append(out, Change{Badge: def.ID, Index: i, Occurrence: o, Kind: Revoke, Measure: m})
	}
	return out
}

// Status is one badge as the badge page shows it.
type Status struct {
	// Definition is the badge.
	Definition Definition
	// Earned are the occurrences held, tiers ascending or days ascending;
	// the host has their dates.
	Earned []Occurrence
	// Next is the occurrence Measure is toward: the lowest tier not held,
	// today's occurrence of a Daily badge, or the zero Occurrence. It is
	// zero when Complete.
	Next Occurrence
	// Measure is the progress toward Next ("4 of 7 days"); when Complete,
	// the measure now (for a tiered badge, at its highest tier). Its
	// Evidence is empty: the evidence of an award is the one stored with
	// it when it was made.
	Measure Measure
	// Complete reports that nothing more can be earned: an untiered badge
	// or every tier is held. Daily badges are never complete.
	Complete bool
}

// Progress returns the badge page of one participant: every badge, in
// definition order, with the occurrences held and the measure toward the
// next one. Hidden badges are left out until one of their occurrences is
// held. A nil held holds nothing.
func Progress(defs []Definition, f Facts, held Held) []Status {
	if held == nil {
		held = HeldSet(nil)
	}
	out := make([]Status, 0, len(defs))
	for i := range defs {
		def := &defs[i]
		st := Status{Definition: *def}
		switch {
		case def.Repeat == Daily:
			for d := 1; d <= f.length(); d++ {
				if held.Has(def.ID, Occurrence{Day: d}) {
					st.Earned = append(st.Earned, Occurrence{Day: d})
				}
			}
			st.Next = Occurrence{Day: f.Today}
			st.Measure = def.Criterion.measure(&f, 0, f.Today, false)
		case len(def.Tiers) > 0:
			st.Complete = true
			for t, tier := range def.Tiers {
				o := Occurrence{Tier: t + 1}
				if held.Has(def.ID, o) {
					st.Earned = append(st.Earned, o)
				} else if st.Complete {
					st.Complete = false
					st.Next = o
					st.Measure = def.Criterion.measure(&f, tier.Threshold, 0, false)
				}
			}
			if st.Complete {
				st.Measure = def.Criterion.measure(&f, def.Tiers[len(def.Tiers)-1].Threshold, 0, false)
			}
		default:
			st.Measure = def.Criterion.measure(&f, 0, 0, false)
			if held.Has(def.ID, Occurrence{}) {
				st.Earned = []Occurrence{{}}
				st.Complete = true
			}
		}
		if def.Hidden && len(st.Earned) == 0 {
			continue
		}
		out = append(out, st)
	}
	return out
}

// monotone reports whether c, once met, stays met while facts only grow:
// true for every data kind but FinalPosition (a position can fall) and
// Custom (unknown).
func (c *Criterion) monotone() bool {
	switch c.Kind {
	case Custom, FinalPosition:
		return false
	}
	for i := range c.All {
		if !c.All[i].monotone() {
			return false
		}
	}
	for i := range c.Any {
		if !c.Any[i].monotone() {
			return false
		}
	}
	return true
}

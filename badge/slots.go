package badge

import (
	"hash/fnv"
	"sort"
	"strconv"

	"github.com/habitkit/habitkit/challenge"
)

// layOut numbers the occurrence slots of pl's definitions for a programme
// of n days: in definition order, a Daily badge takes one slot per
// programme day, a tiered badge one per tier, any other badge one. The
// fingerprint covers what decides the numbering (each definition's ID,
// repeat, tier count and the programme's length), so that held bits
// written under one layout are never read under another.
func (pl *Plan) layOut(n int) {
	pl.slot0, pl.nslots = make([]int32, len(pl.defs)), make([]int32, len(pl.defs))
	h := fnv.New32a()
	var buf []byte
	buf = strconv.AppendInt(buf, int64(n), 10)
	for i := range pl.defs {
		d := &pl.defs[i]
		pl.slot0[i], pl.nslots[i] = int32(pl.slots), int32(slotsOf(d, n))
		pl.slots += slotsOf(d, n)
		buf = append(buf, 0)
		buf = append(buf, d.ID...)
		buf = append(buf, 0, byte(d.Repeat))
		buf = strconv.AppendInt(buf, int64(len(d.Tiers)), 10)
	}
	_, _ = h.Write(buf) // a hash.Hash never fails
	pl.layout = h.Sum32()
	if pl.layout == 0 {
		pl.layout = 1 // 0 means no layout
	}
}

// slotsOf returns how many occurrence slots d takes in a programme of n
// days.
func slotsOf(d *Definition, n int) int {
	switch {
	case d.Repeat == Daily:
		return n
	case len(d.Tiers) > 0:
		return len(d.Tiers)
	}
	return 1
}

// slot returns the slot of occurrence o of definition i, or -1 when the
// definition has no such occurrence.
func (pl *Plan) slot(i int, o Occurrence) int {
	d := &pl.defs[i]
	k := 0
	switch {
	case d.Repeat == Daily:
		k = o.Day - 1
		if o.Tier != 0 {
			return -1
		}
	case len(d.Tiers) > 0:
		k = o.Tier - 1
		if o.Day != 0 {
			return -1
		}
	default:
		if o != (Occurrence{}) {
			return -1
		}
	}
	if k < 0 || k >= int(pl.nslots[i]) {
		return -1
	}
	return int(pl.slot0[i]) + k
}

// Slot returns the slot of occurrence o of definition i of the plan's
// definitions in a [challenge.HeldBadges], and false when that definition
// has no such occurrence (a day outside the programme, a tier it does not
// have). Slots are numbered in definition order: a Daily badge takes one
// per programme day, a tiered badge one per tier, any other badge one.
func (pl *Plan) Slot(i int, o Occurrence) (int, bool) {
	if i < 0 || i >= len(pl.defs) {
		return -1, false
	}
	s := pl.slot(i, o)
	return s, s >= 0
}

// Index returns the position of the definition with id among the plan's
// definitions, and false when there is none.
func (pl *Plan) Index(id string) (int, bool) {
	k := sort.SearchStrings(pl.ids, id)
	if k < len(pl.ids) && pl.ids[k] == id {
		return pl.order[k], true
	}
	return -1, false
}

// Layout returns the fingerprint of the plan's slot layout, never 0. An
// enrolment's held bits are valid for a plan only when they were written
// under its layout: a host that adds, drops or reorders Go-built badges
// changes the layout of a published version.
func (pl *Plan) Layout() uint32 { return pl.layout }

// Slots returns the number of occurrence slots of the plan's definitions.
func (pl *Plan) Slots() int { return pl.slots }

// HeldBits is a [Held] over the bits that [challenge.Enrolment] keeps in
// Badges, laid out by Plan (see [Plan.Slot]). Evaluating with the plan it
// names tests bits directly.
type HeldBits struct {
	// Plan lays out the slots of Bits.
	Plan *Plan
	// Bits are the held occurrences, one bit per slot.
	Bits challenge.HeldBadges
}

// Has implements Held.
func (h HeldBits) Has(id string, o Occurrence) bool {
	i, ok := h.Plan.Index(id)
	return ok && h.Bits.Has(h.Plan.slot(i, o))
}

package challenge

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ParticipantID identifies a person; the host owns these IDs.
type ParticipantID string

// TeamID identifies a team; the host owns these IDs.
type TeamID string

// Enrolment is one participant's place in one programme: where their day 1
// falls, their time zone history, their personal rest days and their
// progress so far.
type Enrolment struct {
	// ID is a UUIDv7 made by habitkit.
	ID uuid.UUID `json:"id"`
	// ProgrammeID and ProgrammeVersion pin the programme definition.
	ProgrammeID      string `json:"programmeId"`
	ProgrammeVersion int    `json:"programmeVersion"`
	// ParticipantID is unique within a programme.
	ParticipantID ParticipantID `json:"participantId"`
	// TeamID is the participant's team (may be empty).
	TeamID TeamID `json:"teamId,omitempty"`
	// CohortID is empty for self-paced enrolments.
	CohortID string `json:"cohortId,omitempty"`
	// Start is the civil date of programme day 1 for this participant.
	Start Date `json:"start"`
	// FirstDay is the first programme day the participant may complete;
	// it is greater than 1 for someone who joined a cohort late.
	FirstDay int `json:"firstDay"`
	// Zones is the participant's time zone history, oldest first; the
	// first entry is the zone at enrolment. It is never empty.
	Zones []ZoneChange `json:"zones"`
	// Rota gives personal rest days on a repeating on/off pattern.
	Rota Rota `json:"rota,omitzero"`
	// Absences are personal rest periods (leave, sickness).
	Absences []Absence `json:"absences,omitempty"`
	// EnrolledAt is when the enrolment was made.
	EnrolledAt time.Time `json:"enrolledAt"`
	// Version counts updates; storage uses it to detect concurrent writers.
	Version int64 `json:"version"`
	// Progress is the participant's streak, points and level, kept
	// incrementally by the engine.
	Progress Progress `json:"progress"`
	// Badges lists the badge occurrences the participant holds, one
	// reference per badge and tier sorted by (Badge, Tier); a daily
	// badge's reference holds all its days. The engine keeps it in step
	// with the stored awards in the same transaction, so that evaluating
	// badges needs no extra read. [AddBadgeRef] and [RemoveBadgeRef] keep
	// that shape.
	Badges []BadgeRef `json:"badges,omitempty"`
	// BoardsOptOut is set when the participant opted out of leaderboards:
	// others then do not see them (or see them anonymised, as the
	// programme says), while they still see their own standing.
	BoardsOptOut bool `json:"boardsOptOut,omitempty"`
	// FinalPosition is the participant's final rank on the programme's
	// position board once their programme is over and the engine has
	// settled it (0 until then); badges for final positions read it.
	FinalPosition int `json:"finalPosition,omitempty"`
	// Reflections counts the participant's reflection activity, which
	// badge criteria read. The engine keeps it in step with the stored
	// reflections, responses and reactions in the same transaction.
	Reflections ReflectionCounts `json:"reflections,omitzero"`
}

// ReflectionCounts are the figures of a participant's reflection activity
// that badges count.
type ReflectionCounts struct {
	// Written counts the participant's reflections that are not deleted.
	Written int `json:"written,omitempty"`
	// Responded counts the colleagues' reflections the participant has
	// responded to: several responses to one reflection count once, and
	// responses to their own reflections not at all.
	Responded int `json:"responded,omitempty"`
	// ReactionsReceived counts the reactions colleagues have left on the
	// participant's reflections (a withdrawn reaction no longer counts).
	ReactionsReceived int `json:"reactionsReceived,omitempty"`
}

// BadgeRef names the held occurrences of one badge and tier: the badge
// itself, or for a daily badge every day of it held. A daily badge earned
// on all 30 days of a programme is one reference, not thirty, so that an
// enrolment stays small to read, copy and write.
type BadgeRef struct {
	// Badge is the badge's ID.
	Badge string `json:"badge"`
	// Tier is the 1-based tier of a tiered badge, 0 otherwise.
	Tier int `json:"tier,omitempty"`
	// Days are the programme days held of a daily badge (never empty for
	// one); nil for a badge held once.
	Days Days `json:"days,omitempty"`
}

// Holds reports whether r holds the occurrence on day: any day of a
// daily badge (day > 0) is held when it is in Days, and day 0 means the
// badge held once.
func (r *BadgeRef) Holds(day int) bool {
	if day == 0 {
		return r.Days == nil
	}
	return r.Days.Has(day)
}

// compareBadgeRef orders a reference against (badge, tier). It compares
// the IDs once and stops there when they differ: it runs for every badge
// and tier on every completion.
func compareBadgeRef(r *BadgeRef, badge string, tier int) int {
	if c := strings.Compare(r.Badge, badge); c != 0 {
		return c
	}
	switch {
	case r.Tier < tier:
		return -1
	case r.Tier > tier:
		return 1
	}
	return 0
}

// FindBadgeRef returns the position of the reference of (badge, tier) in
// refs, sorted as Enrolment.Badges, or where it would go.
func FindBadgeRef(refs []BadgeRef, badge string, tier int) (int, bool) {
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareBadgeRef(&refs[m], badge, tier) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(refs) && compareBadgeRef(&refs[lo], badge, tier) == 0
}

// HoldsBadge reports whether refs, sorted as Enrolment.Badges, hold the
// occurrence (badge, tier, day); day is 0 for a badge held once.
func HoldsBadge(refs []BadgeRef, badge string, tier, day int) bool {
	i, ok := FindBadgeRef(refs, badge, tier)
	return ok && refs[i].Holds(day)
}

// AddBadgeRef returns refs with the occurrence (badge, tier, day) held,
// in order; day is 0 for a badge held once. Like append it may reuse and
// change the memory of refs, including a reference's Days.
func AddBadgeRef(refs []BadgeRef, badge string, tier, day int) []BadgeRef {
	i, ok := FindBadgeRef(refs, badge, tier)
	if !ok {
		r := BadgeRef{Badge: badge, Tier: tier}
		if day > 0 {
			r.Days.Add(day)
		}
		return slices.Insert(refs, i, r)
	}
	if day > 0 {
		refs[i].Days.Add(day)
	}
	return refs
}

// RemoveBadgeRef returns refs without the occurrence (badge, tier, day);
// a daily badge's reference goes when its last day does. Like AddBadgeRef
// it changes the memory of refs.
func RemoveBadgeRef(refs []BadgeRef, badge string, tier, day int) []BadgeRef {
	i, ok := FindBadgeRef(refs, badge, tier)
	if !ok {
		return refs
	}
	if day > 0 {
		refs[i].Days.Remove(day)
		if !noDays(refs[i].Days) {
			return refs
		}
	} else if refs[i].Days != nil {
		return refs // day 0 of a daily badge is not held
	}
	return slices.Delete(refs, i, i+1)
}

// noDays reports whether d holds no day.
func noDays(d Days) bool {
	for _, w := range d {
		if w != 0 {
			return false
		}
	}
	return true
}

// CopyFrom makes e a deep copy of src, as [Enrolment.Clone] does, but into
// the memory of e's own slices (its badge references' days included) where
// they have room, so that a caller that reads an enrolment on every call
// into the same value allocates only while its lists grow. e must not
// share memory with src. Nil and empty slices stay as they are in src.
func (e *Enrolment) CopyFrom(src *Enrolment) {
	zones, absences, done, refs := e.Zones, e.Absences, e.Progress.Done, e.Badges
	*e = *src
	e.Zones = reuse(zones, src.Zones)
	e.Absences = reuse(absences, src.Absences)
	e.Progress.Done = reuse(done, src.Progress.Done)
	if src.Badges == nil {
		e.Badges = nil
		return
	}
	// Each reference keeps the days array of the one that was at its
	// position: references are sorted, and a new badge is inserted
	// rarely, so positions mostly keep their badge.
	refs = refs[:cap(refs)]
	if cap(refs) >= len(src.Badges) {
		e.Badges = refs[:len(src.Badges)]
		clear(refs[len(src.Badges):]) // let go of the strings and days beyond
	} else {
		e.Badges = make([]BadgeRef, len(src.Badges), max(len(src.Badges), 2*cap(refs)))
		copy(e.Badges, refs)
	}
	for i := range e.Badges {
		d, s := &e.Badges[i], &src.Badges[i]
		d.Badge, d.Tier = s.Badge, s.Tier
		switch {
		case s.Days == nil:
			d.Days = nil
		case d.Days != nil && cap(d.Days) >= len(s.Days):
			d.Days = append(d.Days[:0], s.Days...)
		default: // empty stays empty, not nil
			d.Days = append(make(Days, 0, len(s.Days)), s.Days...)
		}
	}
}

// reuse returns a copy of src in dst's memory when it has room: nil for
// nil and empty for empty, as in src.
func reuse[S ~[]E, E any](dst, src S) S {
	switch {
	case src == nil:
		return nil
	case cap(dst) < len(src):
		return append(S(nil), src...)
	case dst == nil:
		return S{}
	}
	return append(dst[:0], src...)
}

// CloneBadgeRefs returns a deep copy of refs (nil for nil) in two
// allocations: the references, and one array for all their days.
func CloneBadgeRefs(refs []BadgeRef) []BadgeRef {
	if refs == nil {
		return nil
	}
	buf := make([]uint64, 0, badgeWords(refs))
	return cloneRefsInto(&buf, refs)
}

// badgeWords counts the words of all the days of refs.
func badgeWords(refs []BadgeRef) int {
	n := 0
	for i := range refs {
		n += len(refs[i].Days)
	}
	return n
}

// cloneRefsInto copies refs (not nil) with their days in buf, which has
// room for them.
func cloneRefsInto(buf *[]uint64, refs []BadgeRef) []BadgeRef {
	c := make([]BadgeRef, len(refs))
	copy(c, refs)
	for i := range c {
		c[i].Days = cloneDaysInto(buf, c[i].Days)
	}
	return c
}

// cloneDaysInto copies d to the end of buf, which has room for it, and
// returns the copy: nil for nil, and capped, so that growing it cannot
// overwrite what follows in buf.
func cloneDaysInto(buf *[]uint64, d Days) Days {
	switch {
	case d == nil:
		return nil
	case len(d) == 0:
		return Days{}
	}
	at := len(*buf)
	*buf = append(*buf, d...)
	return (*buf)[at:len(*buf):len(*buf)]
}

// ZoneChange records that from instant From on the participant lives in
// the IANA time zone Zone.
type ZoneChange struct {
	// From is when the zone took effect.
	From time.Time `json:"from"`
	// Zone is an IANA time zone name.
	Zone string `json:"zone"`
}

// Rota is a repeating pattern of On working days then Off rest days,
// counted from Start (Start is the first On day). The zero Rota means none.
type Rota struct {
	// Start is the first working day of the pattern.
	Start Date `json:"start"`
	// On is the number of working days in each cycle (>= 1).
	On int `json:"on"`
	// Off is the number of rest days in each cycle (>= 1).
	Off int `json:"off"`
}

// IsZero reports whether r is the zero Rota (no rota).
func (r Rota) IsZero() bool { return r == Rota{} }

// IsRest reports whether d is an off day of the rota. Days before Start
// follow the same cycle backwards.
func (r Rota) IsRest(d Date) bool {
	if r.On <= 0 || r.Off <= 0 {
		return false
	}
	cycle := r.On + r.Off
	i := d.Sub(r.Start) % cycle
	if i < 0 {
		i += cycle
	}
	return i >= r.On
}

// Absence is a personal rest period, both ends included.
type Absence struct {
	// From is the first day of absence.
	From Date `json:"from"`
	// To is the last day of absence (>= From).
	To Date `json:"to"`
	// Reason is a short label such as "leave" or "sickness".
	Reason string `json:"reason,omitempty"`
}

// Contains reports whether d falls within the absence.
func (a Absence) Contains(d Date) bool { return !d.Before(a.From) && !d.After(a.To) }

// Zone returns the participant's current time zone name.
func (e *Enrolment) Zone() string {
	if len(e.Zones) == 0 {
		return ""
	}
	return e.Zones[len(e.Zones)-1].Zone
}

// DateOfDay returns the nominal civil date of programme day (Start + day - 1).
// Rest weekdays, rest dates, rotas and absences are judged on this date.
func (e *Enrolment) DateOfDay(day int) Date { return e.Start.AddDays(day - 1) }

// Clone returns a deep copy of e: no slice is shared with e. The days of
// Progress.Done and of every badge reference share one new array (each
// capped), so a clone costs at most four allocations.
func (e Enrolment) Clone() Enrolment {
	c := e
	if e.Zones != nil {
		c.Zones = append([]ZoneChange(nil), e.Zones...)
	}
	if e.Absences != nil {
		c.Absences = append([]Absence(nil), e.Absences...)
	}
	var buf []uint64
	if n := len(e.Progress.Done) + badgeWords(e.Badges); n > 0 {
		buf = make([]uint64, 0, n)
	}
	// Progress.Clone copies Done alone; the copy here is the same, in buf.
	c.Progress.Done = cloneDaysInto(&buf, e.Progress.Done)
	if e.Badges != nil {
		c.Badges = cloneRefsInto(&buf, e.Badges)
	}
	return c
}

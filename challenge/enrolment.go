package challenge

import (
	"math/bits"
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
	// Badges records the badge occurrences the participant holds, one
	// bit per occurrence in the slots that package badge lays out for the
	// programme version's badges (badge.Plan.Slot), and BadgeLayout is the
	// fingerprint of that layout (badge.Plan.Layout). The engine keeps
	// both in step with the stored awards in the same transaction, so that
	// evaluating badges needs no extra read; when the layout changes (a
	// host changed its Go-built badges), the engine rebuilds Badges from
	// the awards. Storage keeps both as they are.
	Badges HeldBadges `json:"badges,omitzero"`
	// BadgeLayout is the fingerprint of the layout of Badges (0 for none).
	BadgeLayout uint32 `json:"badgeLayout,omitempty"`
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

// HeldBadges is a set of badge occurrence slots (a bitset): slot n is
// bit n%64 of word n/64. Package badge numbers the slots.
type HeldBadges []uint64

// Has reports whether slot is in the set.
func (h HeldBadges) Has(slot int) bool {
	w := slot >> 6
	return slot >= 0 && w < len(h) && h[w]&(1<<uint(slot&63)) != 0
}

// Set puts slot in the set, growing it when needed.
func (h *HeldBadges) Set(slot int) {
	if slot < 0 {
		return
	}
	w := slot >> 6
	for len(*h) <= w {
		*h = append(*h, 0)
	}
	(*h)[w] |= 1 << uint(slot&63)
}

// Clear takes slot out of the set.
func (h HeldBadges) Clear(slot int) {
	if w := slot >> 6; slot >= 0 && w < len(h) {
		h[w] &^= 1 << uint(slot&63)
	}
}

// Count returns the number of slots in the set.
func (h HeldBadges) Count() int {
	n := 0
	for _, w := range h {
		n += bits.OnesCount64(w)
	}
	return n
}

// CopyFrom makes e a deep copy of src, as [Enrolment.Clone] does, but into
// the memory of e's own slices where
// they have room, so that a caller that reads an enrolment on every call
// into the same value allocates only while its lists grow. e must not
// share memory with src. Nil and empty slices stay as they are in src.
func (e *Enrolment) CopyFrom(src *Enrolment) {
	zones, absences, done, held := e.Zones, e.Absences, e.Progress.Done, e.Badges
	*e = *src
	e.Zones = reuse(zones, src.Zones)
	e.Absences = reuse(absences, src.Absences)
	e.Progress.Done = reuse(done, src.Progress.Done)
	e.Badges = reuse(held, src.Badges)
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
func (r Rota) IsZero() bool {
	// Field by field: comparing the structs calls memequal, and this runs
	// for every rest-day question.
	return r.On == 0 && r.Off == 0 && r.Start.Year == 0 && r.Start.Month == 0 && r.Start.Day == 0
}

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

// Clone returns a deep copy of e: no slice is shared with e. Progress.Done
// and Badges share one new array (each capped), so a clone costs at most
// three allocations.
func (e Enrolment) Clone() Enrolment {
	c := e
	if e.Zones != nil {
		c.Zones = append([]ZoneChange(nil), e.Zones...)
	}
	if e.Absences != nil {
		c.Absences = append([]Absence(nil), e.Absences...)
	}
	var buf []uint64
	if n := len(e.Progress.Done) + len(e.Badges); n > 0 {
		buf = make([]uint64, 0, n)
	}
	// Progress.Clone copies Done alone; the copy here is the same, in buf.
	c.Progress.Done = cloneDaysInto(&buf, e.Progress.Done)
	c.Badges = HeldBadges(cloneDaysInto(&buf, Days(e.Badges)))
	return c
}

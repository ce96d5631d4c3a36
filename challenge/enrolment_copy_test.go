package challenge

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestEnrolmentCopyFrom(t *testing.T) {
	at := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	days := func(ds ...int) Days {
		var d Days
		for _, x := range ds {
			d.Add(x)
		}
		return d
	}
	full := Enrolment{
		ID: uuid.MustParse("01890000-0000-7000-8000-000000000001"), ProgrammeID: "p", ProgrammeVersion: 2,
		ParticipantID: "a", TeamID: "t", Start: Date{2027, 1, 1}, FirstDay: 1, Version: 4,
		Zones:       []ZoneChange{{From: at, Zone: "Europe/London"}, {From: at.Add(time.Hour), Zone: "Europe/Paris"}},
		Absences:    []Absence{{From: Date{2027, 1, 3}, To: Date{2027, 1, 4}, Reason: "leave"}},
		Progress:    Progress{Done: days(1, 2, 3, 70), Points: 30},
		Badges:      HeldBadges{0b1011, 1 << 40},
		BadgeLayout: 0xfeed,
	}
	small := Enrolment{
		ID: uuid.MustParse("01890000-0000-7000-8000-000000000002"), ProgrammeID: "q", Version: 1,
		Zones:    []ZoneChange{{From: at, Zone: "UTC"}},
		Absences: []Absence{},
		Progress: Progress{Done: Days{}},
		Badges:   HeldBadges{1 << 5},
	}
	empty := Enrolment{Badges: HeldBadges{}}
	tests := []struct {
		name     string
		dst, src Enrolment
	}{
		{"into the zero value", Enrolment{}, full.Clone()},
		{"grow", small.Clone(), full.Clone()},
		{"shrink", full.Clone(), small},
		{"to nil lists", full.Clone(), Enrolment{ID: full.ID}},
		{"to empty lists", full.Clone(), empty},
		{"same shape", full.Clone(), full.Clone()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, want := tt.src, snapshot(tt.src)
			dst := tt.dst
			dst.CopyFrom(&src)
			assert.Equal(t, want, dst, "CopyFrom must give a copy equal to the source, nil and empty lists kept apart")
			// The copy shares no memory with the source.
			for i := range dst.Badges {
				dst.Badges[i] = ^dst.Badges[i]
			}
			dst.Progress.Done.Add(64)
			for i := range dst.Zones {
				dst.Zones[i].Zone = "changed"
			}
			for i := range dst.Absences {
				dst.Absences[i].Reason = "changed"
			}
			assert.Equal(t, want, src, "changing the copy must not change the source")
		})
	}
}

// snapshot is a deep copy of e that keeps empty lists empty (Clone makes
// empty zones and absences nil).
func snapshot(e Enrolment) Enrolment {
	c := e.Clone()
	if e.Zones != nil && len(e.Zones) == 0 {
		c.Zones = []ZoneChange{}
	}
	if e.Absences != nil && len(e.Absences) == 0 {
		c.Absences = []Absence{}
	}
	return c
}

// TestEnrolmentCopyFromReusesMemory checks the point of CopyFrom: copying
// enrolments of the same shape again and again allocates nothing.
func TestEnrolmentCopyFromReusesMemory(t *testing.T) {
	src := Enrolment{
		Zones:    []ZoneChange{{Zone: "UTC"}},
		Progress: Progress{Done: Days{0b1110}},
		Badges:   HeldBadges{0b110},
	}
	var dst Enrolment
	dst.CopyFrom(&src)
	allocs := testing.AllocsPerRun(100, func() { dst.CopyFrom(&src) })
	assert.Zero(t, allocs, "copying into an enrolment of the same shape must reuse its memory")
}

package challenge_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

func days(ds ...int) challenge.Days {
	var s challenge.Days
	for _, d := range ds {
		s.Add(d)
	}
	return s
}

func TestAddAndRemoveBadgeRef(t *testing.T) {
	type occ struct {
		badge     string
		tier, day int
	}
	tests := []struct {
		name          string
		add, remove   []occ
		want          []challenge.BadgeRef
		held, notHeld []occ
	}{
		{
			name: "a daily badge is one reference",
			add:  []occ{{"today", 0, 5}, {"today", 0, 1}, {"today", 0, 70}, {"today", 0, 5}},
			want: []challenge.BadgeRef{{Badge: "today", Days: days(1, 5, 70)}},
			held: []occ{{"today", 0, 1}, {"today", 0, 70}}, notHeld: []occ{{"today", 0, 2}, {"today", 0, 0}, {"today", 1, 1}},
		},
		{
			name: "sorted by badge then tier",
			add:  []occ{{"streak", 2, 0}, {"b", 0, 0}, {"streak", 1, 0}, {"B", 0, 3}, {"streak", 1, 0}},
			want: []challenge.BadgeRef{{Badge: "B", Days: days(3)}, {Badge: "b"}, {Badge: "streak", Tier: 1}, {Badge: "streak", Tier: 2}},
			held: []occ{{"b", 0, 0}, {"streak", 2, 0}}, notHeld: []occ{{"b", 0, 1}, {"streak", 3, 0}, {"a", 0, 0}},
		},
		{
			name:   "removing a day keeps the others",
			add:    []occ{{"today", 0, 2}, {"today", 0, 3}, {"x", 0, 0}},
			remove: []occ{{"today", 0, 2}, {"today", 0, 9}, {"today", 0, 0}, {"y", 0, 0}},
			want:   []challenge.BadgeRef{{Badge: "today", Days: days(3)}, {Badge: "x"}},
		},
		{
			name:    "the last day takes the reference",
			add:     []occ{{"today", 0, 64}, {"x", 1, 0}},
			remove:  []occ{{"today", 0, 64}, {"x", 1, 0}},
			want:    []challenge.BadgeRef{},
			notHeld: []occ{{"today", 0, 64}, {"x", 1, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := []challenge.BadgeRef{}
			for _, o := range tt.add {
				refs = challenge.AddBadgeRef(refs, o.badge, o.tier, o.day)
			}
			for _, o := range tt.remove {
				refs = challenge.RemoveBadgeRef(refs, o.badge, o.tier, o.day)
			}
			assert.Equal(t, tt.want, refs)
			for _, o := range tt.held {
				assert.True(t, challenge.HoldsBadge(refs, o.badge, o.tier, o.day), "%+v", o)
			}
			for _, o := range tt.notHeld {
				assert.False(t, challenge.HoldsBadge(refs, o.badge, o.tier, o.day), "%+v", o)
			}
		})
	}
}

// TestCloneSharesNothing changes every slice of a clone, in place and by
// growing, and checks that the original is unchanged.
func TestCloneSharesNothing(t *testing.T) {
	e := challenge.Enrolment{
		Zones:    []challenge.ZoneChange{{Zone: "Europe/London"}},
		Absences: []challenge.Absence{{Reason: "leave"}},
		Progress: challenge.Progress{Done: days(1, 2, 3)},
		Badges:   []challenge.BadgeRef{{Badge: "a", Days: days(2)}, {Badge: "b"}, {Badge: "c", Days: days(1, 3)}},
	}
	orig := challenge.Enrolment{
		Zones:    []challenge.ZoneChange{{Zone: "Europe/London"}},
		Absences: []challenge.Absence{{Reason: "leave"}},
		Progress: challenge.Progress{Done: days(1, 2, 3)},
		Badges:   []challenge.BadgeRef{{Badge: "a", Days: days(2)}, {Badge: "b"}, {Badge: "c", Days: days(1, 3)}},
	}
	c := e.Clone()
	require.Equal(t, e, c)
	c.Zones[0].Zone = "x"
	c.Absences[0].Reason = "x"
	c.Progress.Done.Add(2)
	c.Progress.Done.Remove(1)
	c.Progress.Done.Add(100) // grows past its word
	c.Badges[0].Days.Add(100)
	c.Badges[0].Days.Remove(2)
	c.Badges[2].Days.Remove(1)
	c.Badges[1].Badge = "x"
	assert.Equal(t, orig, e)
	assert.Equal(t, days(3), c.Badges[2].Days, "growing one reference's days leaves the next one's alone")

	var zero challenge.Enrolment
	assert.Equal(t, zero, zero.Clone(), "nil stays nil")
	empty := challenge.Enrolment{Progress: challenge.Progress{Done: challenge.Days{}}, Badges: []challenge.BadgeRef{}}
	assert.Equal(t, empty, empty.Clone(), "empty stays empty")
	assert.Equal(t, []challenge.BadgeRef{{Badge: "a", Days: days(2)}}, challenge.CloneBadgeRefs([]challenge.BadgeRef{{Badge: "a", Days: days(2)}}))
}

package challenge_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// calStart is day 1 of the calendar tests: Monday 1 January 2024.
var calStart = challenge.NewDate(2024, time.January, 1)

// calProgramme returns a valid programme of length days with activity "a"
// (10 points) scheduled on every day except those in unscheduled.
func calProgramme(t *testing.T, length int, unscheduled ...int) *challenge.Programme {
	t.Helper()
	p := &challenge.Programme{
		ID: "cal", Title: "Calendar", Length: length, TimeZone: "UTC",
		Activities: []challenge.Activity{{ID: "a", Title: "A", Points: 10}},
	}
	skip := map[int]bool{}
	for _, d := range unscheduled {
		skip[d] = true
	}
	for d := 1; d <= length; d++ {
		if !skip[d] {
			p.Schedule = append(p.Schedule, challenge.Slot{Day: d, ActivityID: "a"})
		}
	}
	return p
}

// calEnrolment returns an enrolment whose day 1 is calStart.
func calEnrolment() *challenge.Enrolment {
	return &challenge.Enrolment{Start: calStart, FirstDay: 1, Zones: []challenge.ZoneChange{{Zone: "UTC"}}}
}

func TestCalendarRestReason(t *testing.T) {
	t.Parallel()
	date := func(day int) challenge.Date { return calStart.AddDays(day - 1) }
	tests := []struct {
		name        string
		unscheduled []int
		prog        func(p *challenge.Programme)
		enrol       func(e *challenge.Enrolment)
		want        map[int]challenge.RestReason
	}{
		{
			name: "every day scheduled",
			want: map[int]challenge.RestReason{1: challenge.NotRest, 7: challenge.NotRest, 14: challenge.NotRest},
		},
		{
			name: "weekly rest weekdays",
			prog: func(p *challenge.Programme) {
				p.RestDays.Weekdays = []time.Weekday{time.Saturday, time.Sunday}
			},
			want: map[int]challenge.RestReason{
				5: challenge.NotRest, 6: challenge.RestWeekday, 7: challenge.RestWeekday,
				8: challenge.NotRest, 13: challenge.RestWeekday, 14: challenge.RestWeekday,
			},
		},
		{
			name: "explicit rest dates",
			prog: func(p *challenge.Programme) { p.RestDays.Dates = []challenge.Date{date(3), date(11)} },
			want: map[int]challenge.RestReason{
				2: challenge.NotRest, 3: challenge.RestDate, 4: challenge.NotRest, 11: challenge.RestDate,
			},
		},
		{
			name:  "rota 4 on 4 off from day 2",
			enrol: func(e *challenge.Enrolment) { e.Rota = challenge.Rota{Start: date(2), On: 4, Off: 4} },
			want: map[int]challenge.RestReason{
				// Day 1 is the last off day of the cycle before the rota's start.
				1: challenge.RestRota,
				2: challenge.NotRest, 3: challenge.NotRest, 4: challenge.NotRest, 5: challenge.NotRest,
				6: challenge.RestRota, 7: challenge.RestRota, 8: challenge.RestRota, 9: challenge.RestRota,
				10: challenge.NotRest, 13: challenge.NotRest, 14: challenge.RestRota,
			},
		},
		{
			name: "absences, both ends included",
			enrol: func(e *challenge.Enrolment) {
				e.Absences = []challenge.Absence{
					{From: date(4), To: date(5), Reason: "leave"},
					{From: date(10), To: date(10), Reason: "sickness"},
				}
			},
			want: map[int]challenge.RestReason{
				3: challenge.NotRest, 4: challenge.RestAbsence, 5: challenge.RestAbsence,
				6: challenge.NotRest, 10: challenge.RestAbsence, 11: challenge.NotRest,
			},
		},
		{
			name:        "days without a slot and outside the programme",
			unscheduled: []int{7},
			want: map[int]challenge.RestReason{
				6: challenge.NotRest, 7: challenge.RestUnscheduled, 8: challenge.NotRest,
				15: challenge.RestUnscheduled, 100: challenge.RestUnscheduled,
			},
		},
		{
			name:  "before the first day",
			enrol: func(e *challenge.Enrolment) { e.FirstDay = 4 },
			want: map[int]challenge.RestReason{
				-1: challenge.RestBeforeEnrolment, 0: challenge.RestBeforeEnrolment,
				1: challenge.RestBeforeEnrolment, 3: challenge.RestBeforeEnrolment, 4: challenge.NotRest,
			},
		},
		{
			name:  "day 0 with FirstDay unset is before the enrolment",
			enrol: func(e *challenge.Enrolment) { e.FirstDay = 0 },
			want:  map[int]challenge.RestReason{0: challenge.RestBeforeEnrolment, 1: challenge.NotRest},
		},
		{
			name:        "priority: enrolment, slot, weekday, date, rota, absence",
			unscheduled: []int{6},
			prog: func(p *challenge.Programme) {
				p.RestDays.Weekdays = []time.Weekday{time.Saturday, time.Sunday}
				p.RestDays.Dates = []challenge.Date{date(1), date(7), date(8)}
			},
			enrol: func(e *challenge.Enrolment) {
				e.FirstDay = 2
				e.Rota = challenge.Rota{Start: calStart, On: 8, Off: 4} // off on days 9..12
				e.Absences = []challenge.Absence{{From: date(1), To: date(14)}}
			},
			want: map[int]challenge.RestReason{
				1:  challenge.RestBeforeEnrolment, // also a rest date and absent
				2:  challenge.RestAbsence,
				6:  challenge.RestUnscheduled, // also a Saturday
				7:  challenge.RestWeekday,     // also a rest date
				8:  challenge.RestDate,        // also absent
				9:  challenge.RestRota,        // also absent
				13: challenge.RestWeekday,     // also absent
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := calProgramme(t, 14, tt.unscheduled...)
			if tt.prog != nil {
				tt.prog(p)
			}
			require.NoError(t, p.Validate())
			e := calEnrolment()
			if tt.enrol != nil {
				tt.enrol(e)
			}
			c := challenge.NewCalendar(p, e)
			for day, want := range tt.want {
				assert.Equal(t, want, c.RestReason(day), "day %d", day)
				assert.Equal(t, want != challenge.NotRest, c.IsRest(day), "IsRest(%d)", day)
			}
		})
	}
}

func TestCalendarWithoutIndex(t *testing.T) {
	t.Parallel()
	// A programme that was never validated uses the linear lookups; the
	// answers must be the same.
	p := calProgramme(t, 10, 3)
	p.RestDays.Weekdays = []time.Weekday{time.Sunday}
	c := challenge.NewCalendar(p, calEnrolment())
	assert.Equal(t, challenge.RestUnscheduled, c.RestReason(3))
	assert.Equal(t, challenge.RestWeekday, c.RestReason(7))
	assert.Equal(t, challenge.NotRest, c.RestReason(8))
}

func TestCalendarZeroAndNil(t *testing.T) {
	t.Parallel()
	var zero challenge.Calendar
	assert.Nil(t, zero.Programme())
	assert.Nil(t, zero.Enrolment())
	assert.Equal(t, challenge.RestUnscheduled, zero.RestReason(1))
	assert.Equal(t, challenge.RestBeforeEnrolment, zero.RestReason(0))

	p := calProgramme(t, 5)
	c := challenge.NewCalendar(p, nil)
	assert.Same(t, p, c.Programme())
	assert.Nil(t, c.Enrolment())
	assert.Equal(t, challenge.NotRest, c.RestReason(1), "no enrolment: no personal rest days, FirstDay 1")
	assert.Equal(t, challenge.RestBeforeEnrolment, c.RestReason(0))

	e := calEnrolment()
	assert.Same(t, e, challenge.NewCalendar(p, e).Enrolment())
}

func TestCalendarRestReasonString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    challenge.RestReason
		want string
	}{
		{challenge.NotRest, "not rest"},
		{challenge.RestWeekday, "rest weekday"},
		{challenge.RestDate, "rest date"},
		{challenge.RestRota, "rota"},
		{challenge.RestAbsence, "absence"},
		{challenge.RestUnscheduled, "unscheduled"},
		{challenge.RestBeforeEnrolment, "before enrolment"},
		{challenge.RestReason(42), "RestReason(42)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.r.String())
		})
	}
}

func TestCalendarDoesNotAllocate(t *testing.T) {
	p := calProgramme(t, 30, 5)
	p.RestDays.Weekdays = []time.Weekday{time.Saturday}
	p.RestDays.Dates = []challenge.Date{calStart.AddDays(20)}
	require.NoError(t, p.Validate())
	e := calEnrolment()
	e.Rota = challenge.Rota{Start: calStart, On: 4, Off: 4}
	e.Absences = []challenge.Absence{{From: calStart.AddDays(9), To: calStart.AddDays(11)}}
	rest := 0
	allocs := testing.AllocsPerRun(100, func() {
		c := challenge.NewCalendar(p, e)
		for d := 0; d <= 31; d++ {
			if c.IsRest(d) {
				rest++
			}
		}
	})
	assert.Zero(t, allocs)
	assert.Positive(t, rest)
}

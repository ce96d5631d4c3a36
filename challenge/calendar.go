package challenge

import "time"

import "fmt"

// Calendar answers, for one enrolment in one programme, which programme
// days are rest days and why. It is a cheap value (two pointers): building
// and querying it allocate nothing, so the engine makes one per use case.
//
// A day is a rest day when nothing is expected of the participant on it:
//   - it is before the enrolment's FirstDay (a late joiner's earlier days),
//   - it has no schedule slot (or lies outside 1..Length),
//   - its nominal date ([Enrolment.DateOfDay]) is one of the programme's
//     weekly rest weekdays or explicit rest dates,
//   - it is an off day of the participant's rota, or
//   - it falls inside one of the participant's absences.
//
// Rest days neither extend nor break a streak, even when the activity was
// done on them (see [Progress]).
//
// The zero Calendar has no programme: every day is [RestUnscheduled].
type Calendar struct {
	p *Programme
	e *Enrolment
	// start is the ordinal of day 1's date (e.Start, or the zero Date
	// without e), worked out once: every rest-day question needs it.
	start int64
}

// NewCalendar returns the calendar of enrolment e in programme p. Neither
// is copied, so both must stay unchanged while the Calendar is in use. A nil
// e means an enrolment with no personal rest days whose FirstDay is 1 and
// whose day 1 falls on the zero Date.
func NewCalendar(p *Programme, e *Enrolment) Calendar {
	// Without an enrolment there is no start date: use the zero Date like
	// DateOfDay would, so the answers are still stable.
	var start Date
	if e != nil {
		start = e.Start
	}
	return Calendar{p: p, e: e, start: start.ordinal()}
}

// StartWeekday returns the weekday of programme day 1.
func (c Calendar) StartWeekday() time.Weekday { return weekdayOf(c.start) }

// Programme returns the calendar's programme (nil for the zero Calendar).
func (c Calendar) Programme() *Programme { return c.p }

// Enrolment returns the calendar's enrolment (may be nil).
func (c Calendar) Enrolment() *Enrolment { return c.e }

// RestReason says why a programme day is a rest day, or that it is not.
// When several reasons apply, the first in this order wins:
// RestBeforeEnrolment, RestUnscheduled, RestWeekday, RestDate, RestRota,
// RestAbsence. Programme-wide reasons come before personal ones because they
// apply to everyone and so explain the day better.
type RestReason int

const (
	// NotRest is a scheduled day: the participant is expected to complete it.
	NotRest RestReason = iota
	// RestWeekday is one of the programme's weekly rest weekdays.
	RestWeekday
	// RestDate is one of the programme's explicit rest dates.
	RestDate
	// RestRota is an off day of the participant's rota.
	RestRota
	// RestAbsence falls inside one of the participant's absences.
	RestAbsence
	// RestUnscheduled has no schedule slot (or is outside 1..Length).
	RestUnscheduled
	// RestBeforeEnrolment is before the enrolment's FirstDay.
	RestBeforeEnrolment
)

// String returns a short lower-case name of r.
func (r RestReason) String() string {
	switch r {
	case NotRest:
		return "not rest"
	case RestWeekday:
		return "rest weekday"
	case RestDate:
		return "rest date"
	case RestRota:
		return "rota"
	case RestAbsence:
		return "absence"
	case RestUnscheduled:
		return "unscheduled"
	case RestBeforeEnrolment:
		return "before enrolment"
	}
	return fmt.Sprintf("RestReason(%d)", int(r))
}

// RestReason returns why programme day is a rest day, or NotRest.
func (c Calendar) RestReason(day int) RestReason {
	first := 1
	if c.e != nil && c.e.FirstDay > first {
		first = c.e.FirstDay
	}
	if day < first {
		return RestBeforeEnrolment
	}
	if c.p == nil {
		return RestUnscheduled
	}
	if _, ok := c.p.SlotOn(day); !ok {
		return RestUnscheduled
	}
	return c.dateReason(c.start + int64(day-1))
}

// dateReason judges the date-based rules for a scheduled day whose date
// is the ordinal ord. It turns ord into a Date only when a rule needs one:
// this runs for every pending day on every completion.
func (c Calendar) dateReason(ord int64) RestReason {
	if c.p.IsRestWeekday(weekdayOf(ord)) {
		return RestWeekday
	}
	if len(c.p.RestDays.Dates) == 0 && (c.e == nil || (c.e.Rota.IsZero() && len(c.e.Absences) == 0)) {
		return NotRest
	}
	d := dateFromDays(ord)
	if c.p.IsRestDate(d) {
		return RestDate
	}
	if c.e == nil {
		return NotRest
	}
	if c.e.Rota.IsRest(d) {
		return RestRota
	}
	for _, a := range c.e.Absences {
		if a.Contains(d) {
			return RestAbsence
		}
	}
	return NotRest
}

// IsRest reports whether programme day is a rest day of any kind.
func (c Calendar) IsRest(day int) bool { return c.RestReason(day) != NotRest }

// length returns the programme's length, or 0 for the zero Calendar.
func (c Calendar) length() int {
	if c.p == nil || c.p.Length < 0 {
		return 0
	}
	return c.p.Length
}

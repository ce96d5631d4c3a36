package leaderboard

import (
	"fmt"
	"strconv"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

// PeriodKey names the period of p that contains the civil date d, for
// storing and looking up a board's scores: "" for WholeProgramme (a board
// has one whole-programme period), "2026-11-25" for Daily, the ISO 8601
// week "2026-W48" for Weekly and "2026-11" for Monthly. Keys of one
// period sort in time order as strings (for years 0 to 9999).
//
// The date is the participant's local date of the programme day in the
// programme's time zone, after the day-start hour (the engine computes
// it): a completion at 02:30 under a 04:00 day start belongs to the
// previous day, and so does its week and month. Weeks run Monday to Sunday
// and are numbered in the ISO week-numbering year, which differs from the
// calendar year in the first and last days of some years
// (2021-01-03 is in 2020-W53, 2024-12-30 in 2025-W01).
//
// The zero Date (no date) and an invalid Period give "".
func PeriodKey(p Period, d challenge.Date) string {
	if d.IsZero() {
		return ""
	}
	d = d.AddDays(0) // normalise, as NewDate does
	switch p {
	case Daily:
		return d.String()
	case Weekly:
		y, w := isoWeek(d)
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Monthly:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return ""
}

// PeriodBounds returns the first and last date of the period of p that
// contains d: d itself for Daily, Monday to Sunday for Weekly, the first
// to the last of the month for Monthly.
//
// For WholeProgramme it returns two zero Dates: the whole programme's
// bounds depend on the programme, the cohort or the self-paced enrolment,
// which this function does not know, so the engine uses those. An invalid
// Period and the zero Date give zero Dates too.
func PeriodBounds(p Period, d challenge.Date) (first, last challenge.Date) {
	if d.IsZero() {
		return challenge.Date{}, challenge.Date{}
	}
	d = d.AddDays(0)
	switch p {
	case Daily:
		return d, d
	case Weekly:
		first = d.AddDays(-isoWeekday(d) + 1)
		return first, first.AddDays(6)
	case Monthly:
		first = challenge.NewDate(d.Year, d.Month, 1)
		return first, challenge.NewDate(d.Year, d.Month+1, 0)
	}
	return challenge.Date{}, challenge.Date{}
}

// ParsePeriodKey returns the first date of the period of p named key, as
// PeriodKey writes it, so that an engine can serve a past period ("last
// week's board") by its key. For WholeProgramme the only key is "", which
// gives the zero Date.
//
// Only the canonical form is accepted ("2026-W48", not "2026-w48" or
// "2026-W048"), so that each period has exactly one key, and the period
// must exist (week 53 only in years that have one; no 2026-02-29). Any
// other key is a *challenge.ValidationError for the field "periodKey".
func ParsePeriodKey(p Period, key string) (first challenge.Date, err error) {
	bad := func(want string) (challenge.Date, error) {
		return challenge.Date{}, challenge.Invalid("periodKey", "a %v period's key is %s, not %q", p, want, key)
	}
	switch p {
	case WholeProgramme:
		if key != "" {
			return bad(`"" (a board has one whole-programme period)`)
		}
		return challenge.Date{}, nil
	case Daily:
		const want = "a date written YYYY-MM-DD"
		if len(key) != 10 || key[4] != '-' || key[7] != '-' {
			return bad(want)
		}
		y, ok1 := digits(key[:4])
		m, ok2 := digits(key[5:7])
		dd, ok3 := digits(key[8:])
		first = challenge.NewDate(y, time.Month(m), dd)
		if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || first.Day != dd {
			return bad(want)
		}
		return first, nil
	case Weekly:
		const want = "an ISO week written YYYY-Www, such as 2026-W48"
		if len(key) != 8 || key[4] != '-' || key[5] != 'W' {
			return bad(want)
		}
		y, ok1 := digits(key[:4])
		w, ok2 := digits(key[6:])
		if !ok1 || !ok2 || w < 1 {
			return bad(want)
		}
		// Week 1 is the week holding 4 January.
		jan4 := challenge.NewDate(y, time.January, 4)
		first = jan4.AddDays(-isoWeekday(jan4) + 1 + 7*(w-1))
		if gy, gw := isoWeek(first); gy != y || gw != w {
			return challenge.Date{}, challenge.Invalid("periodKey", "%d has no ISO week %d", y, w)
		}
		return first, nil
	case Monthly:
		const want = "a month written YYYY-MM"
		if len(key) != 7 || key[4] != '-' {
			return bad(want)
		}
		y, ok1 := digits(key[:4])
		m, ok2 := digits(key[5:])
		if !ok1 || !ok2 || m < 1 || m > 12 {
			return bad(want)
		}
		return challenge.NewDate(y, time.Month(m), 1), nil
	}
	return challenge.Date{}, challenge.Invalid("period", "%v is not a valid period", p)
}

// Eligible reports whether an enrolment whose first day of the programme
// (as a date: for a cohort's late joiner the day they joined) is firstDay
// counts on the board's period starting periodFirst, under the rule lj.
// Everyone counts everyone; WholePeriodOnly counts an enrolment only when
// firstDay is on or before periodFirst. For WholeProgramme boards pass the
// programme's first day as the board sees it: the cohort's start, or for a
// self-paced enrolment its own start (so it counts).
//
// An invalid rule counts no one, so a corrupt board hides rather than
// shows people it should not.
func Eligible(lj LateJoiners, firstDay, periodFirst challenge.Date) bool {
	switch lj {
	case Everyone:
		return true
	case WholePeriodOnly:
		return !firstDay.After(periodFirst)
	}
	return false
}

// isoWeekday returns 1 for Monday through 7 for Sunday.
func isoWeekday(d challenge.Date) int {
	if w := d.Weekday(); w != time.Sunday {
		return int(w)
	}
	return 7
}

// isoWeek returns the ISO 8601 week-numbering year and week of d: the week
// (Monday to Sunday) belongs to the year that holds its Thursday.
func isoWeek(d challenge.Date) (year, week int) {
	thu := d.AddDays(4 - isoWeekday(d))
	jan1 := challenge.NewDate(thu.Year, time.January, 1)
	return thu.Year, thu.Sub(jan1)/7 + 1
}

// digits parses s, made only of ASCII digits, as a non-negative number.
func digits(s string) (int, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && s != ""
}

package challenge

import (
	"fmt"
	"time"
)

// Date is a civil date (year, month, day) with no time zone. Programme days
// are computed from differences between Dates, never by dividing durations,
// so days of 23 or 25 hours cannot skip or repeat a day.
//
// The zero Date is "no date". Dates marshal as "YYYY-MM-DD".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the Date y-m-d, normalised as time.Date normalises (so
// NewDate(2024, 2, 30) is 2024-03-01).
func NewDate(y int, m time.Month, d int) Date {
	return dateFromDays(daysFromCivil(y, m, 1) + int64(d) - 1)
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD". It rejects dates that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// AddDays returns the date n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return dateFromDays(d.ordinal() + int64(n)) }

// Sub returns the number of days from o to d (d - o).
func (d Date) Sub(o Date) int { return int(d.ordinal() - o.ordinal()) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.ordinal() < o.ordinal() }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.ordinal() > o.ordinal() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.ordinal()) }

// weekdayOf returns the day of the week of the date with ordinal ord.
func weekdayOf(ord int64) time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (ord + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// In returns the instant of hour:00 on d in loc, with time.Date's rules for
// wall-clock times that do not exist or exist twice.
func (d Date) In(loc *time.Location, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func (d Date) ordinal() int64 { return daysFromCivil(d.Year, d.Month, d.Day) }

// daysFromCivil returns days since 1970-01-01 in the proleptic Gregorian
// calendar (Howard Hinnant's algorithm), for any d (out-of-range days roll).
func daysFromCivil(y int, m time.Month, d int) int64 {
	yy := int64(y)
	mm := int64(m)
	// Normalise month into 1..12.
	yy += (mm - 1) / 12
	mm = (mm-1)%12 + 1
	if mm < 1 {
		mm += 12
		yy--
	}
	if mm <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (mm + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func dateFromDays(z int64) Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(d)}
}

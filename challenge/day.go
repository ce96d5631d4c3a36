package challenge

import (
	"sync"
	"time"
)

// secondsPerDay is the length of a civil day on the wall clock. Wall-clock
// seconds (Unix seconds plus the zone offset) have no DST, so dividing them
// by this is exact, unlike dividing real durations.
const secondsPerDay = 24 * 60 * 60

// LocalDate returns the programme-local civil date of instant t for a
// participant in loc, for a programme whose days start at dayStartHour:
// the wall-clock date of t in loc, minus one day when the wall-clock hour
// is before dayStartHour. A night shift's 02:30 completion with a day start
// of 04:00 therefore belongs to the previous date, and 04:00 exactly opens
// the new one.
//
// The rule reads the wall clock, not elapsed time: DST days of 23 or 25
// hours still advance exactly one date, the repeated hour after a fall-back
// change maps to the same date both times, and when a zone skips a whole
// civil date (Pacific/Apia skipped 2011-12-30) the local date skips it too.
//
// LocalDate never panics: a nil loc means UTC, and dayStartHour is clamped
// to 0..23.
func LocalDate(t time.Time, loc *time.Location, dayStartHour int) Date {
	return dateFromDays(localOrdinal(t, loc, dayStartHour))
}

// localOrdinal is LocalDate as days since 1970-01-01, the form DayAt needs;
// it does the arithmetic on wall-clock seconds to stay cheap on the hot path
// (the fuzz test checks it against time.Time's own calendar).
func localOrdinal(t time.Time, loc *time.Location, dayStartHour int) int64 {
	if loc == nil {
		loc = time.UTC
	}
	dayStartHour = min(max(dayStartHour, 0), 23)
	_, offset := t.In(loc).Zone()
	wall := t.Unix() + int64(offset)
	// Flooring division: instants before 1970 have negative wall seconds.
	days := wall / secondsPerDay
	if wall%secondsPerDay < 0 {
		days--
	}
	if wall-days*secondsPerDay < int64(dayStartHour)*3600 {
		days--
	}
	return days
}

// Locator resolves an IANA time zone name to a location. Loading a zone
// with [time.LoadLocation] reads the tz database on every call, so the
// engine passes a caching Locator such as [LocationCache.Load]. A Locator
// must be safe for concurrent use when it is shared across goroutines.
type Locator func(name string) (*time.Location, error)

// LocationCache caches [time.LoadLocation] results by zone name. It is safe
// for concurrent use, and its zero value is ready to use. It must not be
// copied after first use.
//
// Only successful loads are cached: the set of valid names is small and
// fixed, whereas a host could pass any number of distinct bad names.
type LocationCache struct {
	zones sync.Map // zone name (string) -> *time.Location
}

// Load returns the location named name, loading and caching it on first
// use. An unknown name, the empty name and "Local" (which would make the
// result depend on the host's configuration) give a *ValidationError for
// field "timeZone", which matches [ErrInvalid].
func (c *LocationCache) Load(name string) (*time.Location, error) {
	if v, ok := c.zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	loc, err := loadLocation(name)
	if err != nil {
		return nil, err
	}
	// Two goroutines may load the same zone at once; both results are
	// equivalent, and LoadOrStore makes every caller see the first.
	v, _ := c.zones.LoadOrStore(name, loc)
	return v.(*time.Location), nil
}

// loadLocation is time.LoadLocation restricted to explicit IANA names.
func loadLocation(name string) (*time.Location, error) {
	switch name {
	case "":
		return nil, Invalid("timeZone", "a time zone is required, such as Europe/London")
	case "Local":
		return nil, Invalid("timeZone", "%q is not allowed: name an IANA time zone such as Europe/London", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid("timeZone", "unknown time zone %q", name)
	}
	return loc, nil
}

// DayAt returns the programme day number of enrolment e at instant t, for a
// programme whose days start at dayStartHour (see [LocalDate]). Day 1 is
// the day whose programme-local date is e.Start. The result may be below 1
// (before the programme starts) or above the programme's length (after it
// ends); callers compare it with the bounds they care about.
//
// Time zones come from e.Zones, resolved through locate (nil means an
// uncached lookup with the same rules as [LocationCache.Load]):
//
//   - Until the second entry takes effect, the first zone rules, including
//     at instants before its own From: day = LocalDate(t) - e.Start + 1.
//   - A zone change never changes the day number at the instant it takes
//     effect. After change k, the day advances exactly at the day
//     boundaries of the new zone:
//     day(t) = day(From_k) + LocalDate(t, zone_k) - LocalDate(From_k, zone_k).
//
// Consequences: a participant who moves gets at most one rollover per local
// day of the zone they are in and never skips a day number, whichever way
// they move (UTC-12 to UTC+14 included); the current day simply lasts
// shorter or longer than usual. Civil dates rule over elapsed time: DST
// days of 23 and 25 hours are one day each, and when a zone itself skips a
// civil date (Pacific/Apia on 2011-12-30) the day number skips with it.
//
// e.Zones is assumed to be ordered by From, as [Enrolment] documents. An
// enrolment without zones or start date, or a zone name locate cannot
// resolve, gives an error (a *ValidationError for names LocationCache
// rejects). With one zone and a caching locate, DayAt does not allocate.
func (e *Enrolment) DayAt(t time.Time, dayStartHour int, locate Locator) (int, error) {
	if len(e.Zones) == 0 {
		return 0, Invalid("zones", "the enrolment has no time zone")
	}
	if e.Start.IsZero() {
		return 0, Invalid("start", "the enrolment has no start date")
	}
	if locate == nil {
		locate = loadLocation
	}
	loc, err := locate(e.Zones[0].Zone)
	if err != nil {
		return 0, err
	}
	// In each zone's regime, day(t) = localOrdinal(t) - anchor. A change
	// re-anchors so that the day number at its From instant does not move.
	anchor := e.Start.ordinal() - 1
	for k := 1; k < len(e.Zones) && !e.Zones[k].From.After(t); k++ {
		from := e.Zones[k].From
		dayAtChange := localOrdinal(from, loc, dayStartHour) - anchor
		if loc, err = locate(e.Zones[k].Zone); err != nil {
			return 0, err
		}
		anchor = localOrdinal(from, loc, dayStartHour) - dayAtChange
	}
	return int(localOrdinal(t, loc, dayStartHour) - anchor), nil
}

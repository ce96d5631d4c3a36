package challenge_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	// The tests need historical zone rules (Pacific/Apia 2011, Sao Paulo
	// DST); embedding tzdata keeps them passing on hosts without a system
	// tz database. The library itself never embeds it.
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// dayZoneNames are the zones the local-day tests sweep: DST in both
// hemispheres, 30- and 45-minute offsets, the extremes UTC-12 and UTC+14,
// and Pacific/Apia, which skipped 2011-12-30.
var dayZoneNames = []string{
	"UTC",
	"Europe/London",
	"Europe/Paris",
	"Europe/Moscow",
	"America/New_York",
	"America/Los_Angeles",
	"America/Anchorage",
	"America/St_Johns",
	"America/Sao_Paulo",
	"Pacific/Honolulu",
	"Pacific/Auckland",
	"Pacific/Chatham",
	"Pacific/Kiritimati",
	"Pacific/Apia",
	"Australia/Sydney",
	"Australia/Lord_Howe",
	"Asia/Kolkata",
	"Asia/Kathmandu",
	"Asia/Tehran",
	"Asia/Tokyo",
	"Asia/Shanghai",
	"Africa/Lagos",
	"Etc/GMT+12",
}

// dayLocations caches the zones across tests, the way the engine does.
var dayLocations challenge.LocationCache

func dayZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := dayLocations.Load(name)
	require.NoError(t, err, "zone %s", name)
	return loc
}

func dayUTC(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

func dayDate(t testing.TB, s string) challenge.Date {
	t.Helper()
	d, err := challenge.ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestLocalDate(t *testing.T) {
	tests := []struct {
		name string
		zone string
		at   string // instant, RFC 3339 in UTC
		hour int    // day-start hour
		want string
	}{
		// Europe/London: spring forward 2024-03-31 01:00 GMT -> 02:00 BST,
		// fall back 2024-10-27 02:00 BST -> 01:00 GMT.
		{"London/spring/23:59:59 GMT the evening before", "Europe/London", "2024-03-30T23:59:59Z", 0, "2024-03-30"},
		{"London/spring/00:00 GMT", "Europe/London", "2024-03-31T00:00:00Z", 0, "2024-03-31"},
		{"London/spring/00:59:59 GMT just before the change", "Europe/London", "2024-03-31T00:59:59Z", 0, "2024-03-31"},
		{"London/spring/02:00 BST just after the change", "Europe/London", "2024-03-31T01:00:00Z", 0, "2024-03-31"},
		{"London/spring/23:59:59 BST end of the 23-hour day", "Europe/London", "2024-03-31T22:59:59Z", 0, "2024-03-31"},
		{"London/spring/00:00 BST next day", "Europe/London", "2024-03-31T23:00:00Z", 0, "2024-04-01"},
		{"London/spring/03:30 BST before 04:00 start", "Europe/London", "2024-03-31T02:30:00Z", 4, "2024-03-30"},
		{"London/spring/04:00 BST at 04:00 start", "Europe/London", "2024-03-31T03:00:00Z", 4, "2024-03-31"},
		{"London/fall/23:59:59 BST the evening before", "Europe/London", "2024-10-26T22:59:59Z", 0, "2024-10-26"},
		{"London/fall/00:00 BST", "Europe/London", "2024-10-26T23:00:00Z", 0, "2024-10-27"},
		{"London/fall/first 01:30 (BST)", "Europe/London", "2024-10-27T00:30:00Z", 0, "2024-10-27"},
		{"London/fall/second 01:30 (GMT)", "Europe/London", "2024-10-27T01:30:00Z", 0, "2024-10-27"},
		{"London/fall/23:59:59 GMT end of the 25-hour day", "Europe/London", "2024-10-27T23:59:59Z", 0, "2024-10-27"},
		{"London/fall/00:00 GMT next day", "Europe/London", "2024-10-28T00:00:00Z", 0, "2024-10-28"},
		{"London/fall/00:59 BST before 01:00 start", "Europe/London", "2024-10-26T23:59:00Z", 1, "2024-10-26"},
		{"London/fall/first 01:30 (BST) after 01:00 start", "Europe/London", "2024-10-27T00:30:00Z", 1, "2024-10-27"},
		{"London/fall/second 01:30 (GMT) after 01:00 start", "Europe/London", "2024-10-27T01:30:00Z", 1, "2024-10-27"},

		// America/New_York: spring forward 2024-03-10 02:00 EST -> 03:00
		// EDT, fall back 2024-11-03 02:00 EDT -> 01:00 EST.
		{"New_York/spring/23:59:59 EST the evening before", "America/New_York", "2024-03-10T04:59:59Z", 0, "2024-03-09"},
		{"New_York/spring/00:00 EST", "America/New_York", "2024-03-10T05:00:00Z", 0, "2024-03-10"},
		{"New_York/spring/01:59:59 EST", "America/New_York", "2024-03-10T06:59:59Z", 0, "2024-03-10"},
		{"New_York/spring/03:00 EDT", "America/New_York", "2024-03-10T07:00:00Z", 0, "2024-03-10"},
		{"New_York/spring/23:59:59 EDT end of the 23-hour day", "America/New_York", "2024-03-11T03:59:59Z", 0, "2024-03-10"},
		{"New_York/spring/00:00 EDT next day", "America/New_York", "2024-03-11T04:00:00Z", 0, "2024-03-11"},
		{"New_York/spring/01:59:59 EST before a 02:00 start that never comes", "America/New_York", "2024-03-10T06:59:59Z", 2, "2024-03-09"},
		{"New_York/spring/03:00 EDT opens the day of a skipped 02:00 start", "America/New_York", "2024-03-10T07:00:00Z", 2, "2024-03-10"},
		{"New_York/fall/23:59:59 EDT the evening before", "America/New_York", "2024-11-03T03:59:59Z", 0, "2024-11-02"},
		{"New_York/fall/00:00 EDT", "America/New_York", "2024-11-03T04:00:00Z", 0, "2024-11-03"},
		{"New_York/fall/first 01:30 (EDT)", "America/New_York", "2024-11-03T05:30:00Z", 0, "2024-11-03"},
		{"New_York/fall/second 01:30 (EST)", "America/New_York", "2024-11-03T06:30:00Z", 0, "2024-11-03"},
		{"New_York/fall/23:59:59 EST end of the 25-hour day", "America/New_York", "2024-11-04T04:59:59Z", 0, "2024-11-03"},
		{"New_York/fall/00:00 EST next day", "America/New_York", "2024-11-04T05:00:00Z", 0, "2024-11-04"},
		{"New_York/fall/00:30 EDT before 01:00 start", "America/New_York", "2024-11-03T04:30:00Z", 1, "2024-11-02"},
		{"New_York/fall/second 01:30 (EST) after 01:00 start", "America/New_York", "2024-11-03T06:30:00Z", 1, "2024-11-03"},

		// Australia/Sydney: DST ends 2024-04-07 03:00 AEDT -> 02:00 AEST,
		// starts 2024-10-06 02:00 AEST -> 03:00 AEDT.
		{"Sydney/autumn/23:59:59 AEDT", "Australia/Sydney", "2024-04-06T12:59:59Z", 0, "2024-04-06"},
		{"Sydney/autumn/00:00 AEDT", "Australia/Sydney", "2024-04-06T13:00:00Z", 0, "2024-04-07"},
		{"Sydney/autumn/23:59:59 AEST", "Australia/Sydney", "2024-04-07T13:59:59Z", 0, "2024-04-07"},
		{"Sydney/autumn/00:00 AEST", "Australia/Sydney", "2024-04-07T14:00:00Z", 0, "2024-04-08"},
		{"Sydney/spring/23:59:59 AEST", "Australia/Sydney", "2024-10-05T13:59:59Z", 0, "2024-10-05"},
		{"Sydney/spring/00:00 AEST", "Australia/Sydney", "2024-10-05T14:00:00Z", 0, "2024-10-06"},
		{"Sydney/spring/23:59:59 AEDT", "Australia/Sydney", "2024-10-06T12:59:59Z", 0, "2024-10-06"},
		{"Sydney/spring/00:00 AEDT", "Australia/Sydney", "2024-10-06T13:00:00Z", 0, "2024-10-07"},

		// Australia/Lord_Howe shifts by 30 minutes: +11 in summer, +10:30
		// in winter.
		{"Lord_Howe/autumn/23:59:59 +11", "Australia/Lord_Howe", "2024-04-06T12:59:59Z", 0, "2024-04-06"},
		{"Lord_Howe/autumn/00:00 +11", "Australia/Lord_Howe", "2024-04-06T13:00:00Z", 0, "2024-04-07"},
		{"Lord_Howe/autumn/23:59:59 +10:30", "Australia/Lord_Howe", "2024-04-07T13:29:59Z", 0, "2024-04-07"},
		{"Lord_Howe/autumn/00:00 +10:30", "Australia/Lord_Howe", "2024-04-07T13:30:00Z", 0, "2024-04-08"},
		{"Lord_Howe/spring/23:59:59 +10:30", "Australia/Lord_Howe", "2024-10-05T13:29:59Z", 0, "2024-10-05"},
		{"Lord_Howe/spring/00:00 +10:30", "Australia/Lord_Howe", "2024-10-05T13:30:00Z", 0, "2024-10-06"},
		{"Lord_Howe/spring/23:59:59 +11", "Australia/Lord_Howe", "2024-10-06T12:59:59Z", 0, "2024-10-06"},
		{"Lord_Howe/spring/00:00 +11", "Australia/Lord_Howe", "2024-10-06T13:00:00Z", 0, "2024-10-07"},

		// Pacific/Apia jumped from 2011-12-29 23:59:59 (-10) straight to
		// 2011-12-31 00:00 (+14): civil dates rule, so 12-30 never occurs.
		{"Apia/last second of 2011-12-29", "Pacific/Apia", "2011-12-30T09:59:59Z", 0, "2011-12-29"},
		{"Apia/first second after the skipped day", "Pacific/Apia", "2011-12-30T10:00:00Z", 0, "2011-12-31"},

		// America/Sao_Paulo changed clocks at midnight: 2018-11-04 00:00
		// did not exist (the day began at 01:00), and 2019-02-16 ended with
		// its 23:00 hour twice.
		{"Sao_Paulo/spring/23:59:59 -03", "America/Sao_Paulo", "2018-11-04T02:59:59Z", 0, "2018-11-03"},
		{"Sao_Paulo/spring/01:00 -02 opens the day", "America/Sao_Paulo", "2018-11-04T03:00:00Z", 0, "2018-11-04"},
		{"Sao_Paulo/fall/23:59:59 -02", "America/Sao_Paulo", "2019-02-17T01:59:59Z", 0, "2019-02-16"},
		{"Sao_Paulo/fall/repeated 23:00 -03", "America/Sao_Paulo", "2019-02-17T02:00:00Z", 0, "2019-02-16"},
		{"Sao_Paulo/fall/23:59:59 -03", "America/Sao_Paulo", "2019-02-17T02:59:59Z", 0, "2019-02-16"},
		{"Sao_Paulo/fall/00:00 -03", "America/Sao_Paulo", "2019-02-17T03:00:00Z", 0, "2019-02-17"},
		{"Sao_Paulo/2024 no DST", "America/Sao_Paulo", "2024-07-01T02:59:59Z", 0, "2024-06-30"},

		// Fixed and fractional offsets, last second of 2024-06-30 and first
		// second of 2024-07-01 local time (2024-01-15/16 for zones where
		// January is the interesting season).
		{"UTC/last second", "UTC", "2024-06-30T23:59:59Z", 0, "2024-06-30"},
		{"UTC/first second", "UTC", "2024-07-01T00:00:00Z", 0, "2024-07-01"},
		{"Paris/spring/23:59:59 CET", "Europe/Paris", "2024-03-30T22:59:59Z", 0, "2024-03-30"},
		{"Paris/spring/00:00 CET", "Europe/Paris", "2024-03-30T23:00:00Z", 0, "2024-03-31"},
		{"Moscow/last second", "Europe/Moscow", "2024-06-30T20:59:59Z", 0, "2024-06-30"},
		{"Moscow/first second", "Europe/Moscow", "2024-06-30T21:00:00Z", 0, "2024-07-01"},
		{"Tokyo/last second", "Asia/Tokyo", "2024-06-30T14:59:59Z", 0, "2024-06-30"},
		{"Tokyo/first second", "Asia/Tokyo", "2024-06-30T15:00:00Z", 0, "2024-07-01"},
		{"Shanghai/last second", "Asia/Shanghai", "2024-06-30T15:59:59Z", 0, "2024-06-30"},
		{"Shanghai/first second", "Asia/Shanghai", "2024-06-30T16:00:00Z", 0, "2024-07-01"},
		{"Lagos/last second", "Africa/Lagos", "2024-06-30T22:59:59Z", 0, "2024-06-30"},
		{"Lagos/first second", "Africa/Lagos", "2024-06-30T23:00:00Z", 0, "2024-07-01"},
		{"Kolkata +05:30/last second", "Asia/Kolkata", "2024-06-30T18:29:59Z", 0, "2024-06-30"},
		{"Kolkata +05:30/first second", "Asia/Kolkata", "2024-06-30T18:30:00Z", 0, "2024-07-01"},
		{"Kathmandu +05:45/last second", "Asia/Kathmandu", "2024-06-30T18:14:59Z", 0, "2024-06-30"},
		{"Kathmandu +05:45/first second", "Asia/Kathmandu", "2024-06-30T18:15:00Z", 0, "2024-07-01"},
		{"Tehran +03:30/last second", "Asia/Tehran", "2024-06-30T20:29:59Z", 0, "2024-06-30"},
		{"Tehran +03:30/first second", "Asia/Tehran", "2024-06-30T20:30:00Z", 0, "2024-07-01"},
		{"Kiritimati +14/last second", "Pacific/Kiritimati", "2024-06-30T09:59:59Z", 0, "2024-06-30"},
		{"Kiritimati +14/first second", "Pacific/Kiritimati", "2024-06-30T10:00:00Z", 0, "2024-07-01"},
		{"Kiritimati +14/UTC noon is tomorrow", "Pacific/Kiritimati", "2024-06-30T12:00:00Z", 0, "2024-07-01"},
		{"GMT+12 (UTC-12)/UTC noon is yesterday", "Etc/GMT+12", "2024-07-01T11:59:59Z", 0, "2024-06-30"},
		{"GMT+12 (UTC-12)/first second", "Etc/GMT+12", "2024-07-01T12:00:00Z", 0, "2024-07-01"},
		{"Chatham +12:45/last second", "Pacific/Chatham", "2024-06-30T11:14:59Z", 0, "2024-06-30"},
		{"Chatham +12:45/first second", "Pacific/Chatham", "2024-06-30T11:15:00Z", 0, "2024-07-01"},
		{"Auckland NZST/last second", "Pacific/Auckland", "2024-06-30T11:59:59Z", 0, "2024-06-30"},
		{"Auckland NZST/first second", "Pacific/Auckland", "2024-06-30T12:00:00Z", 0, "2024-07-01"},
		{"Auckland NZDT/last second", "Pacific/Auckland", "2024-01-15T10:59:59Z", 0, "2024-01-15"},
		{"Auckland NZDT/first second", "Pacific/Auckland", "2024-01-15T11:00:00Z", 0, "2024-01-16"},
		{"Los_Angeles PDT/last second", "America/Los_Angeles", "2024-07-01T06:59:59Z", 0, "2024-06-30"},
		{"Los_Angeles PDT/first second", "America/Los_Angeles", "2024-07-01T07:00:00Z", 0, "2024-07-01"},
		{"St_Johns -03:30/last second", "America/St_Johns", "2024-01-16T03:29:59Z", 0, "2024-01-15"},
		{"St_Johns -03:30/first second", "America/St_Johns", "2024-01-16T03:30:00Z", 0, "2024-01-16"},
		{"Anchorage AKDT/last second", "America/Anchorage", "2024-07-01T07:59:59Z", 0, "2024-06-30"},
		{"Anchorage AKDT/first second", "America/Anchorage", "2024-07-01T08:00:00Z", 0, "2024-07-01"},
		{"Honolulu/last second", "Pacific/Honolulu", "2024-07-01T09:59:59Z", 0, "2024-06-30"},
		{"Honolulu/first second", "Pacific/Honolulu", "2024-07-01T10:00:00Z", 0, "2024-07-01"},

		// Day start 04:00: a night shift's 02:30 completion belongs to the
		// previous date; 04:00 exactly opens the new one.
		{"04:00 start/02:30 BST", "Europe/London", "2024-06-12T01:30:00Z", 4, "2024-06-11"},
		{"04:00 start/03:59:59 BST", "Europe/London", "2024-06-12T02:59:59Z", 4, "2024-06-11"},
		{"04:00 start/04:00 BST", "Europe/London", "2024-06-12T03:00:00Z", 4, "2024-06-12"},
		{"04:00 start/23:59 BST", "Europe/London", "2024-06-12T22:59:00Z", 4, "2024-06-12"},
		{"04:00 start/02:30 Tokyo", "Asia/Tokyo", "2024-06-11T17:30:00Z", 4, "2024-06-11"},
		{"04:00 start/04:00 Kathmandu", "Asia/Kathmandu", "2024-06-11T22:15:00Z", 4, "2024-06-12"},
		{"23:00 start/22:59 UTC", "UTC", "2024-06-12T22:59:00Z", 23, "2024-06-11"},
		{"23:00 start/23:00 UTC", "UTC", "2024-06-12T23:00:00Z", 23, "2024-06-12"},

		// Leap day and year boundary.
		{"leap day/noon", "UTC", "2024-02-29T12:00:00Z", 0, "2024-02-29"},
		{"leap day/02:30 on Mar 1 belongs to Feb 29", "UTC", "2024-03-01T02:30:00Z", 4, "2024-02-29"},
		{"leap day/02:30 on Feb 29 belongs to Feb 28", "UTC", "2024-02-29T02:30:00Z", 4, "2024-02-28"},
		{"no leap day/02:30 on Mar 1 2023 belongs to Feb 28", "UTC", "2023-03-01T02:30:00Z", 4, "2023-02-28"},
		{"year end/last second", "UTC", "2024-12-31T23:59:59Z", 0, "2024-12-31"},
		{"year end/first second", "UTC", "2025-01-01T00:00:00Z", 0, "2025-01-01"},
		{"year end/02:30 on Jan 1 belongs to Dec 31", "UTC", "2025-01-01T02:30:00Z", 4, "2024-12-31"},
		{"year end/Tokyo is already in the new year", "Asia/Tokyo", "2024-12-31T15:00:00Z", 0, "2025-01-01"},
		{"year end/Honolulu is still in the old year", "Pacific/Honolulu", "2025-01-01T09:59:59Z", 0, "2024-12-31"},

		// Out-of-range day-start hours are clamped rather than panicking.
		{"hour -1 acts as 0", "UTC", "2024-06-12T00:00:00Z", -1, "2024-06-12"},
		{"hour 24 acts as 23", "UTC", "2024-06-12T23:00:00Z", 24, "2024-06-12"},
		// Instants before 1970 use flooring arithmetic.
		{"1969/last second", "UTC", "1969-12-31T23:59:59Z", 0, "1969-12-31"},
		{"1969/02:30 with 04:00 start", "UTC", "1969-12-31T02:30:00Z", 4, "1969-12-30"},
		{"1900/London", "Europe/London", "1900-06-01T00:00:00Z", 0, "1900-06-01"},
	}
	zones := map[string]bool{}
	for _, tt := range tests {
		zones[tt.zone] = true
		t.Run(tt.name, func(t *testing.T) {
			loc := dayZone(t, tt.zone)
			at := dayUTC(t, tt.at)
			assert.Equal(t, dayDate(t, tt.want), challenge.LocalDate(at, loc, tt.hour), "local time %s", at.In(loc))
		})
	}
	assert.GreaterOrEqual(t, len(zones), 20, "the table must cover at least 20 zones")
}

func TestLocalDateNilLocationIsUTC(t *testing.T) {
	at := dayUTC(t, "2024-06-30T23:59:59Z")
	assert.Equal(t, dayDate(t, "2024-06-30"), challenge.LocalDate(at, nil, 0))
	assert.Equal(t, dayDate(t, "2024-07-01"), challenge.LocalDate(at.Add(time.Second), nil, 0))
}

// TestLocalDateDSTDays checks that days of 23, 23.5, 24.5 and 25 hours each
// cover exactly one local date, starting and ending at the local day-start
// hour.
func TestLocalDateDSTDays(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		hour       int
		date       string // the programme-local date
		start, end string // its first instant and the next date's first instant
		length     time.Duration
	}{
		{"London spring forward", "Europe/London", 0, "2024-03-31", "2024-03-31T00:00:00Z", "2024-03-31T23:00:00Z", 23 * time.Hour},
		{"London fall back", "Europe/London", 0, "2024-10-27", "2024-10-26T23:00:00Z", "2024-10-28T00:00:00Z", 25 * time.Hour},
		{"London spring forward, 04:00 start", "Europe/London", 4, "2024-03-30", "2024-03-30T04:00:00Z", "2024-03-31T03:00:00Z", 23 * time.Hour},
		{"London fall back, 04:00 start", "Europe/London", 4, "2024-10-26", "2024-10-26T03:00:00Z", "2024-10-27T04:00:00Z", 25 * time.Hour},
		{"New York spring forward", "America/New_York", 0, "2024-03-10", "2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z", 23 * time.Hour},
		{"New York fall back", "America/New_York", 0, "2024-11-03", "2024-11-03T04:00:00Z", "2024-11-04T05:00:00Z", 25 * time.Hour},
		{"New York spring forward, 04:00 start", "America/New_York", 4, "2024-03-09", "2024-03-09T09:00:00Z", "2024-03-10T08:00:00Z", 23 * time.Hour},
		{"New York fall back, 04:00 start", "America/New_York", 4, "2024-11-02", "2024-11-02T08:00:00Z", "2024-11-03T09:00:00Z", 25 * time.Hour},
		{"Los Angeles fall back", "America/Los_Angeles", 0, "2024-11-03", "2024-11-03T07:00:00Z", "2024-11-04T08:00:00Z", 25 * time.Hour},
		{"Paris spring forward", "Europe/Paris", 0, "2024-03-31", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z", 23 * time.Hour},
		{"Sydney DST ends", "Australia/Sydney", 0, "2024-04-07", "2024-04-06T13:00:00Z", "2024-04-07T14:00:00Z", 25 * time.Hour},
		{"Sydney DST starts", "Australia/Sydney", 0, "2024-10-06", "2024-10-05T14:00:00Z", "2024-10-06T13:00:00Z", 23 * time.Hour},
		{"Lord Howe DST ends", "Australia/Lord_Howe", 0, "2024-04-07", "2024-04-06T13:00:00Z", "2024-04-07T13:30:00Z", 24*time.Hour + 30*time.Minute},
		{"Lord Howe DST starts", "Australia/Lord_Howe", 0, "2024-10-06", "2024-10-05T13:30:00Z", "2024-10-06T13:00:00Z", 23*time.Hour + 30*time.Minute},
		{"Auckland DST starts", "Pacific/Auckland", 0, "2024-09-29", "2024-09-28T12:00:00Z", "2024-09-29T11:00:00Z", 23 * time.Hour},
		{"Chatham DST ends", "Pacific/Chatham", 0, "2024-04-07", "2024-04-06T10:15:00Z", "2024-04-07T11:15:00Z", 25 * time.Hour},
		{"St Johns DST starts", "America/St_Johns", 0, "2024-03-10", "2024-03-10T03:30:00Z", "2024-03-11T02:30:00Z", 23 * time.Hour},
		{"Anchorage fall back", "America/Anchorage", 0, "2024-11-03", "2024-11-03T08:00:00Z", "2024-11-04T09:00:00Z", 25 * time.Hour},
		{"Sao Paulo midnight skipped", "America/Sao_Paulo", 0, "2018-11-04", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z", 23 * time.Hour},
		{"Sao Paulo 23:00 repeated", "America/Sao_Paulo", 0, "2019-02-16", "2019-02-16T02:00:00Z", "2019-02-17T03:00:00Z", 25 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := dayZone(t, tt.zone)
			date := dayDate(t, tt.date)
			start, end := dayUTC(t, tt.start), dayUTC(t, tt.end)
			require.Equal(t, tt.length, end.Sub(start), "the table's boundaries must describe a %v day", tt.length)

			assert.Equal(t, date.AddDays(-1), challenge.LocalDate(start.Add(-time.Nanosecond), loc, tt.hour), "just before the day")
			assert.Equal(t, date, challenge.LocalDate(start, loc, tt.hour), "first instant")
			assert.Equal(t, date, challenge.LocalDate(start.Add(tt.length/2), loc, tt.hour), "middle")
			assert.Equal(t, date, challenge.LocalDate(end.Add(-time.Nanosecond), loc, tt.hour), "last instant")
			assert.Equal(t, date.AddDays(1), challenge.LocalDate(end, loc, tt.hour), "next day")

			// Walking the day minute by minute, the date never moves.
			for at := start; at.Before(end); at = at.Add(time.Minute) {
				if !assert.Equal(t, date, challenge.LocalDate(at, loc, tt.hour), "at %s", at.In(loc)) {
					break
				}
			}
		})
	}
}

// TestLocalDateAdvancesOneDayAtDayStart checks, in every zone and around
// DST changes, that the minute before the day-start hour and the minute
// after it are exactly one programme date apart.
func TestLocalDateAdvancesOneDayAtDayStart(t *testing.T) {
	dates := []string{
		"2024-01-15", "2024-02-29", "2024-03-01", "2024-03-10", "2024-03-31",
		"2024-04-07", "2024-06-30", "2024-09-29", "2024-10-06", "2024-10-27",
		"2024-11-03", "2024-12-31", "2025-01-01", "2018-11-04", "2019-02-17",
	}
	for _, name := range dayZoneNames {
		loc := dayZone(t, name)
		for _, hour := range []int{0, 4} {
			for _, ds := range dates {
				t.Run(fmt.Sprintf("%s/%02d:00/%s", name, hour, ds), func(t *testing.T) {
					d := dayDate(t, ds)
					// Two real minutes apart. The minute before the
					// day-start hour is on the previous civil date when the
					// day starts at midnight.
					after := time.Date(d.Year, d.Month, d.Day, hour, 1, 0, 0, loc)
					if w := after.In(loc); w.Hour() != hour || w.Minute() != 1 {
						t.Skipf("%02d:01 does not exist on %s in %s; TestLocalDateDSTDays covers that day", hour, ds, name)
					}
					before := after.Add(-2 * time.Minute)
					wall := before.In(loc)
					require.Equal(t, []int{(hour + 23) % 24, 59}, []int{wall.Hour(), wall.Minute()}, "no clock change in these minutes")
					got, prev := challenge.LocalDate(after, loc, hour), challenge.LocalDate(before, loc, hour)
					assert.Equal(t, d, got, "%02d:01 on %s", hour, ds)
					assert.Equal(t, 1, got.Sub(prev), "%s -> %s", before, after)
				})
			}
		}
	}
}

func TestDayAt(t *testing.T) {
	type zone struct{ from, name string }
	tests := []struct {
		name  string
		start string
		hour  int
		zones []zone
		at    string
		want  int
	}{
		{"first instant of day 1", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-05-31T23:00:00Z", 1},
		{"last instant before day 1", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-05-31T22:59:59Z", 0},
		{"a week before day 1", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-05-25T12:00:00Z", -6},
		{"last instant of day 30", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-06-30T22:59:59Z", 30},
		{"day 31 after a 30-day programme", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-06-30T23:00:00Z", 31},
		{"before the first zone's From uses it anyway", "2024-06-01", 0, []zone{{"2024-06-10T00:00:00Z", "Asia/Tokyo"}}, "2024-05-31T15:00:00Z", 1},
		{"02:30 with 04:00 start is the previous day", "2024-06-01", 4, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-06-02T01:30:00Z", 1},
		{"04:00 with 04:00 start is the new day", "2024-06-01", 4, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-06-02T03:00:00Z", 2},
		{"02:30 on day 1's date is day 0", "2024-06-01", 4, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}}, "2024-06-01T01:30:00Z", 0},
		{"spring forward/last instant of the 23-hour day", "2024-03-25", 0, []zone{{"2024-03-01T00:00:00Z", "Europe/London"}}, "2024-03-31T22:59:59Z", 7},
		{"spring forward/next day", "2024-03-25", 0, []zone{{"2024-03-01T00:00:00Z", "Europe/London"}}, "2024-03-31T23:00:00Z", 8},
		{"fall back/last instant of the 25-hour day", "2024-10-21", 0, []zone{{"2024-10-01T00:00:00Z", "Europe/London"}}, "2024-10-27T23:59:59Z", 7},
		{"fall back/next day", "2024-10-21", 0, []zone{{"2024-10-01T00:00:00Z", "Europe/London"}}, "2024-10-28T00:00:00Z", 8},
		{"leap day counts", "2024-02-27", 0, []zone{{"2024-02-01T00:00:00Z", "UTC"}}, "2024-03-01T00:00:00Z", 4},
		{"across the year end", "2024-12-30", 0, []zone{{"2024-12-01T00:00:00Z", "UTC"}}, "2025-01-02T00:00:00Z", 4},
		// Civil dates rule: Apia skipped 2011-12-30, so day 3 never happened.
		{"Apia/before the skipped day", "2011-12-28", 0, []zone{{"2011-12-01T00:00:00Z", "Pacific/Apia"}}, "2011-12-30T09:59:59Z", 2},
		{"Apia/after the skipped day", "2011-12-28", 0, []zone{{"2011-12-01T00:00:00Z", "Pacific/Apia"}}, "2011-12-30T10:00:00Z", 4},

		// Moving east from London (13:00 BST, day 5) to Tokyo (21:00):
		// day 5 lasts until Tokyo's next midnight.
		{"east/at the move", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-05T12:00:00Z", 5},
		{"east/before Tokyo midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-05T14:59:59Z", 5},
		{"east/Tokyo midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-05T15:00:00Z", 6},
		{"east/before the move London rules", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-04T22:59:59Z", 4},
		// Moving east late in the evening (London 22:00, day 5) lands on
		// Tokyo's next date (06:00): the day number still does not jump.
		{"east late/at the move", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T21:00:00Z", "Asia/Tokyo"}}, "2024-06-05T21:00:00Z", 5},
		{"east late/when London would roll over", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T21:00:00Z", "Asia/Tokyo"}}, "2024-06-05T23:00:00Z", 5},
		{"east late/before Tokyo midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T21:00:00Z", "Asia/Tokyo"}}, "2024-06-06T14:59:59Z", 5},
		{"east late/Tokyo midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T21:00:00Z", "Asia/Tokyo"}}, "2024-06-06T15:00:00Z", 6},
		// Moving west from Tokyo (23:00, day 5) to New York (10:00 the same
		// date): no second rollover at Tokyo midnight, the next one is at
		// New York's midnight.
		{"west/at the move", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Asia/Tokyo"}, {"2024-06-05T14:00:00Z", "America/New_York"}}, "2024-06-05T14:00:00Z", 5},
		{"west/at Tokyo midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Asia/Tokyo"}, {"2024-06-05T14:00:00Z", "America/New_York"}}, "2024-06-05T15:00:00Z", 5},
		{"west/before New York midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Asia/Tokyo"}, {"2024-06-05T14:00:00Z", "America/New_York"}}, "2024-06-06T03:59:59Z", 5},
		{"west/New York midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Asia/Tokyo"}, {"2024-06-05T14:00:00Z", "America/New_York"}}, "2024-06-06T04:00:00Z", 6},
		// UTC-12 (08:00, day 5) to UTC+14 (10:00 on the next date).
		{"UTC-12 to UTC+14/at the move", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Etc/GMT+12"}, {"2024-06-05T20:00:00Z", "Pacific/Kiritimati"}}, "2024-06-05T20:00:00Z", 5},
		{"UTC-12 to UTC+14/before +14 midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Etc/GMT+12"}, {"2024-06-05T20:00:00Z", "Pacific/Kiritimati"}}, "2024-06-06T09:59:59Z", 5},
		{"UTC-12 to UTC+14/+14 midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Etc/GMT+12"}, {"2024-06-05T20:00:00Z", "Pacific/Kiritimati"}}, "2024-06-06T10:00:00Z", 6},
		// UTC+14 (22:00, day 5) to UTC-12 (20:00 on the previous date).
		{"UTC+14 to UTC-12/at the move", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Pacific/Kiritimati"}, {"2024-06-05T08:00:00Z", "Etc/GMT+12"}}, "2024-06-05T08:00:00Z", 5},
		{"UTC+14 to UTC-12/before -12 midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Pacific/Kiritimati"}, {"2024-06-05T08:00:00Z", "Etc/GMT+12"}}, "2024-06-05T11:59:59Z", 5},
		{"UTC+14 to UTC-12/-12 midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Pacific/Kiritimati"}, {"2024-06-05T08:00:00Z", "Etc/GMT+12"}}, "2024-06-05T12:00:00Z", 6},
		{"UTC+14 to UTC-12/a day later", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Pacific/Kiritimati"}, {"2024-06-05T08:00:00Z", "Etc/GMT+12"}}, "2024-06-06T12:00:00Z", 7},
		// With a 04:00 day start the new zone's boundaries are at 04:00.
		{"east with 04:00 start/before Tokyo 04:00", "2024-06-01", 4, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-05T18:59:59Z", 5},
		{"east with 04:00 start/Tokyo 04:00", "2024-06-01", 4, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-05T19:00:00Z", 6},
		// A change that has not happened yet is ignored.
		{"future change ignored", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-07-01T00:00:00Z", "Asia/Tokyo"}}, "2024-06-05T22:59:59Z", 5},
		// A change before day 1 counts from the new zone's dates, which
		// here agree with Tokyo's.
		{"change before the start", "2024-06-10", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}}, "2024-06-09T15:00:00Z", 1},
		// Several changes: London -> Tokyo (21:00, day 5; Tokyo midnights
		// make days 6 and 7) -> New York (Tokyo 2024-06-07 09:00, day 7;
		// New York 06-06 20:00) -> London (New York 06-10 08:00, day 11;
		// London 13:00).
		{"three changes/in New York", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}, {"2024-06-07T00:00:00Z", "America/New_York"}, {"2024-06-10T12:00:00Z", "Europe/London"}}, "2024-06-07T03:59:59Z", 7},
		{"three changes/New York midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}, {"2024-06-07T00:00:00Z", "America/New_York"}, {"2024-06-10T12:00:00Z", "Europe/London"}}, "2024-06-07T04:00:00Z", 8},
		{"three changes/back in London", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}, {"2024-06-07T00:00:00Z", "America/New_York"}, {"2024-06-10T12:00:00Z", "Europe/London"}}, "2024-06-10T22:59:59Z", 11},
		{"three changes/London midnight", "2024-06-01", 0, []zone{{"2024-05-20T00:00:00Z", "Europe/London"}, {"2024-06-05T12:00:00Z", "Asia/Tokyo"}, {"2024-06-07T00:00:00Z", "America/New_York"}, {"2024-06-10T12:00:00Z", "Europe/London"}}, "2024-06-10T23:00:00Z", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &challenge.Enrolment{Start: dayDate(t, tt.start)}
			for _, z := range tt.zones {
				e.Zones = append(e.Zones, challenge.ZoneChange{From: dayUTC(t, z.from), Zone: z.name})
			}
			got, err := e.DayAt(dayUTC(t, tt.at), tt.hour, dayLocations.Load)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestDayAtZoneChangeSweep walks across zone changes in 10-minute steps and
// checks the rules for travellers: the day number never skips or goes
// back, it does not move at the instant of a change, and after a change it
// moves exactly when the new zone's programme-local date moves.
func TestDayAtZoneChangeSweep(t *testing.T) {
	tests := []struct {
		name  string
		hour  int
		zones []string
	}{
		{"UTC-12 to UTC+14", 0, []string{"Etc/GMT+12", "Pacific/Kiritimati"}},
		{"UTC+14 to UTC-12", 0, []string{"Pacific/Kiritimati", "Etc/GMT+12"}},
		{"London to Tokyo to New York", 0, []string{"Europe/London", "Asia/Tokyo", "America/New_York"}},
		{"round the world west, 04:00 start", 4, []string{"Pacific/Kiritimati", "Asia/Tokyo", "Asia/Kathmandu", "Europe/Moscow", "Europe/London", "America/St_Johns", "America/Los_Angeles", "Pacific/Honolulu", "Etc/GMT+12"}},
		{"round the world east", 0, []string{"Etc/GMT+12", "Pacific/Honolulu", "America/Anchorage", "America/New_York", "Africa/Lagos", "Asia/Tehran", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati"}},
		{"across DST changes", 4, []string{"America/New_York", "Europe/London", "Australia/Sydney", "America/Sao_Paulo"}},
	}
	// Changes fall at odd minutes so that some land near day boundaries
	// without landing on them; the sweep crosses the 2024 spring DST
	// changes of both hemispheres' zones in the list.
	first := dayUTC(t, "2024-03-08T00:00:00Z")
	gap := 37*time.Hour + 23*time.Minute
	const step = 10 * time.Minute
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &challenge.Enrolment{Start: dayDate(t, "2024-03-10")}
			for i, z := range tt.zones {
				e.Zones = append(e.Zones, challenge.ZoneChange{From: first.Add(time.Duration(i) * gap), Zone: z})
			}
			// Instants to visit: a regular grid plus every change instant.
			end := first.Add(time.Duration(len(tt.zones)+1) * gap)
			var instants []time.Time
			k := 1
			for at := first.Add(-2 * gap); at.Before(end); at = at.Add(step) {
				for k < len(e.Zones) && e.Zones[k].From.Before(at) {
					instants = append(instants, e.Zones[k].From)
					k++
				}
				instants = append(instants, at)
			}
			regime := func(at time.Time) int { // index of the zone in effect
				k := 0
				for k+1 < len(e.Zones) && !e.Zones[k+1].From.After(at) {
					k++
				}
				return k
			}
			dayAt := func(e *challenge.Enrolment, at time.Time) int {
				d, err := e.DayAt(at, tt.hour, dayLocations.Load)
				require.NoError(t, err)
				return d
			}

			type localDay struct {
				regime int
				date   challenge.Date
			}
			rollovers := map[localDay]int{} // per local date of the zone in effect
			prevAt, prevDay := instants[0], dayAt(e, instants[0])
			for _, at := range instants[1:] {
				day := dayAt(e, at)
				k := regime(at)
				loc := dayZone(t, e.Zones[k].Zone)
				delta := day - prevDay
				require.Contains(t, []int{0, 1}, delta, "day %d at %s then %d at %s: no skipping, no going back", prevDay, prevAt, day, at)
				if delta == 1 {
					// The rollover happens at a day boundary of the zone
					// the participant is in, at most once per local date.
					local := challenge.LocalDate(at, loc, tt.hour)
					rollovers[localDay{k, local}]++
					require.Equal(t, 1, rollovers[localDay{k, local}], "second rollover on %s in %s", local, loc)
					require.NotEqual(t, challenge.LocalDate(prevAt, loc, tt.hour), local, "rollover at %s without a new local date in %s", at, loc)
				}
				if k >= 1 && at.Equal(e.Zones[k].From) {
					// At the instant of a change the day number is what the
					// previous zones say it is.
					before := &challenge.Enrolment{Start: e.Start, Zones: e.Zones[:k]}
					require.Equal(t, dayAt(before, at), day, "day number moved at the change to %s", loc)
				}
				if k == regime(prevAt) {
					require.Equal(t, challenge.LocalDate(at, loc, tt.hour).Sub(challenge.LocalDate(prevAt, loc, tt.hour)), delta,
						"inside one zone the day follows its local dates")
				}
				prevAt, prevDay = at, day
			}
		})
	}
}

func TestDayAtErrors(t *testing.T) {
	errLookup := errors.New("lookup failed")
	failing := func(string) (*time.Location, error) { return nil, errLookup }
	london := []challenge.ZoneChange{{Zone: "Europe/London"}}
	at := dayUTC(t, "2024-06-05T12:00:00Z")
	tests := []struct {
		name      string
		enrolment challenge.Enrolment
		locate    challenge.Locator
		field     string // the *ValidationError field, or "" for errLookup
	}{
		{"no zones", challenge.Enrolment{Start: dayDate(t, "2024-06-01")}, dayLocations.Load, "zones"},
		{"no start", challenge.Enrolment{Zones: london}, dayLocations.Load, "start"},
		{"unknown first zone", challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: []challenge.ZoneChange{{Zone: "Mars/Olympus_Mons"}}}, dayLocations.Load, "timeZone"},
		{"unknown later zone", challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: []challenge.ZoneChange{{Zone: "Europe/London"}, {From: at.Add(-time.Hour), Zone: "Nowhere"}}}, dayLocations.Load, "timeZone"},
		{"unknown zone, nil locator", challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: []challenge.ZoneChange{{Zone: "Nowhere"}}}, nil, "timeZone"},
		{"locator error is returned", challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: london}, failing, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.enrolment.DayAt(at, 0, tt.locate)
			require.Error(t, err)
			if tt.field == "" {
				assert.ErrorIs(t, err, errLookup)
				return
			}
			assert.ErrorIs(t, err, challenge.ErrInvalid)
			var ve *challenge.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestDayAtNilLocator(t *testing.T) {
	e := &challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: []challenge.ZoneChange{{Zone: "Asia/Tokyo"}}}
	got, err := e.DayAt(dayUTC(t, "2024-06-05T15:00:00Z"), 0, nil)
	require.NoError(t, err)
	assert.Equal(t, 6, got)
}

// TestDayAtSameZoneChange checks that "moving" to the zone one is already
// in changes nothing.
func TestDayAtSameZoneChange(t *testing.T) {
	one := &challenge.Enrolment{Start: dayDate(t, "2024-03-01"), Zones: []challenge.ZoneChange{{Zone: "America/New_York"}}}
	two := &challenge.Enrolment{Start: one.Start, Zones: []challenge.ZoneChange{{Zone: "America/New_York"}, {From: dayUTC(t, "2024-03-10T06:30:00Z"), Zone: "America/New_York"}}}
	for at := dayUTC(t, "2024-03-08T00:00:00Z"); at.Before(dayUTC(t, "2024-03-14T00:00:00Z")); at = at.Add(7 * time.Minute) {
		want, err := one.DayAt(at, 4, dayLocations.Load)
		require.NoError(t, err)
		got, err := two.DayAt(at, 4, dayLocations.Load)
		require.NoError(t, err)
		require.Equal(t, want, got, "at %s", at)
	}
}

func TestDayAtDoesNotAllocate(t *testing.T) {
	var cache challenge.LocationCache
	locate := cache.Load
	tests := []struct {
		name  string
		zones []challenge.ZoneChange
	}{
		{"one zone", []challenge.ZoneChange{{Zone: "Europe/London"}}},
		{"three zones", []challenge.ZoneChange{
			{Zone: "Europe/London"},
			{From: dayUTC(t, "2024-06-03T12:00:00Z"), Zone: "Asia/Tokyo"},
			{From: dayUTC(t, "2024-06-04T12:00:00Z"), Zone: "America/New_York"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &challenge.Enrolment{Start: dayDate(t, "2024-06-01"), Zones: tt.zones}
			at := dayUTC(t, "2024-06-05T12:00:00Z")
			_, err := e.DayAt(at, 4, locate) // fill the cache
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(100, func() {
				_, _ = e.DayAt(at, 4, locate)
			})
			assert.Zero(t, allocs)
		})
	}
}

func TestLocationCache(t *testing.T) {
	tests := []struct {
		name string
		zone string
		ok   bool
	}{
		{"IANA name", "Europe/London", true},
		{"UTC", "UTC", true},
		{"fixed offset zone", "Etc/GMT+12", true},
		{"unknown", "Mars/Olympus_Mons", false},
		{"empty", "", false},
		{"Local depends on the host", "Local", false},
		{"path traversal", "../../etc/passwd", false},
		{"lower case", "europe/london", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c challenge.LocationCache
			loc, err := c.Load(tt.zone)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, tt.zone, loc.String())
				again, err := c.Load(tt.zone)
				require.NoError(t, err)
				assert.Same(t, loc, again, "the second load comes from the cache")
				return
			}
			assert.Nil(t, loc)
			assert.ErrorIs(t, err, challenge.ErrInvalid)
			var ve *challenge.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "timeZone", ve.Field)
			assert.NotEmpty(t, ve.Reason)
		})
	}
}

func TestLocationCacheConcurrent(t *testing.T) {
	var c challenge.LocationCache
	const workers = 8
	got := make([][]*time.Location, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, name := range dayZoneNames {
				loc, err := c.Load(name)
				if err != nil {
					return // got[w] stays short; checked below
				}
				got[w] = append(got[w], loc)
			}
		})
	}
	wg.Wait()
	for w := range workers {
		require.Len(t, got[w], len(dayZoneNames), "worker %d", w)
		for i := range dayZoneNames {
			assert.Same(t, got[0][i], got[w][i], "every caller sees the same cached %s", dayZoneNames[i])
		}
	}
}

func BenchmarkDayAt(b *testing.B) {
	var cache challenge.LocationCache
	locate := cache.Load
	at := time.Date(2024, 6, 5, 12, 0, 0, 0, time.UTC)
	b.Run("one zone", func(b *testing.B) {
		e := &challenge.Enrolment{Start: challenge.NewDate(2024, 6, 1), Zones: []challenge.ZoneChange{{Zone: "Europe/London"}}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.DayAt(at, 4, locate); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("three zones", func(b *testing.B) {
		e := &challenge.Enrolment{Start: challenge.NewDate(2024, 6, 1), Zones: []challenge.ZoneChange{
			{Zone: "Europe/London"},
			{From: at.Add(-48 * time.Hour), Zone: "Asia/Tokyo"},
			{From: at.Add(-24 * time.Hour), Zone: "America/New_York"},
		}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.DayAt(at, 4, locate); err != nil {
				b.Fatal(err)
			}
		}
	})
}

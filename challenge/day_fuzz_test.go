package challenge_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// oracleLocalDate is LocalDate written directly on time.Time: the wall date
// in loc, one day earlier before the day-start hour, as a UTC midnight.
// time.Date normalises day 0 to the last day of the previous month.
func oracleLocalDate(t time.Time, loc *time.Location, hour int) time.Time {
	local := t.In(loc)
	y, m, d := local.Date()
	if local.Hour() < hour {
		d--
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// oracleDay is the one-zone programme day: UTC has no DST, so the distance
// between two UTC midnights is an exact multiple of 24 hours.
func oracleDay(t time.Time, loc *time.Location, hour int, start challenge.Date) int {
	first := time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, time.UTC)
	return int(oracleLocalDate(t, loc, hour).Sub(first)/(24*time.Hour)) + 1
}

// checkAgainstOracle compares LocalDate and one-zone DayAt with the oracle.
func checkAgainstOracle(t *testing.T, at time.Time, zone string, hour int, startOffset int) {
	t.Helper()
	loc := dayZone(t, zone)
	want := oracleLocalDate(at, loc, hour)
	got := challenge.LocalDate(at, loc, hour)
	require.Equal(t, challenge.DateOf(want), got, "LocalDate(%s in %s, %02d:00)", at.UTC(), zone, hour)

	e := &challenge.Enrolment{Start: got.AddDays(startOffset), Zones: []challenge.ZoneChange{{Zone: zone}}}
	day, err := e.DayAt(at, hour, dayLocations.Load)
	require.NoError(t, err)
	require.Equal(t, oracleDay(at, loc, hour, e.Start), day, "DayAt(%s in %s, %02d:00) from %s", at.UTC(), zone, hour, e.Start)
}

// FuzzDayAt compares LocalDate and one-zone DayAt with an oracle built on
// time.Date. Plain `go test` runs only the seed corpus; fuzz with
// `go test ./challenge/ -run '^$' -fuzz FuzzDayAt -fuzztime 30s`.
func FuzzDayAt(f *testing.F) {
	// Seeds: instants around DST changes and other odd days, in the zone
	// where they matter, with midnight and 04:00 day starts.
	seeds := []struct {
		at   string
		zone string
	}{
		{"2024-03-31T00:59:59Z", "Europe/London"},
		{"2024-03-31T01:00:00Z", "Europe/London"},
		{"2024-10-27T00:30:00Z", "Europe/London"},
		{"2024-10-27T01:30:00Z", "Europe/London"},
		{"2024-03-10T06:59:59Z", "America/New_York"},
		{"2024-03-10T07:00:00Z", "America/New_York"},
		{"2024-11-03T05:30:00Z", "America/New_York"},
		{"2024-11-03T06:30:00Z", "America/New_York"},
		{"2024-04-06T15:59:59Z", "Australia/Sydney"},
		{"2024-10-05T16:00:00Z", "Australia/Sydney"},
		{"2024-04-06T14:45:00Z", "Australia/Lord_Howe"},
		{"2024-10-05T15:30:00Z", "Australia/Lord_Howe"},
		{"2011-12-30T09:59:59Z", "Pacific/Apia"},
		{"2011-12-30T10:00:00Z", "Pacific/Apia"},
		{"2018-11-04T02:59:59Z", "America/Sao_Paulo"},
		{"2018-11-04T03:00:00Z", "America/Sao_Paulo"},
		{"2019-02-17T02:30:00Z", "America/Sao_Paulo"},
		{"2024-06-30T18:15:00Z", "Asia/Kathmandu"},
		{"2024-06-30T10:00:00Z", "Pacific/Kiritimati"},
		{"2024-02-29T02:30:00Z", "UTC"},
		{"1969-12-31T23:59:59Z", "UTC"},
	}
	for i, s := range seeds {
		at, err := time.Parse(time.RFC3339, s.at)
		require.NoError(f, err)
		zone := slices.Index(dayZoneNames, s.zone)
		require.GreaterOrEqual(f, zone, 0, "seed zone %s must be in dayZoneNames", s.zone)
		for _, hour := range []uint8{0, 4} {
			f.Add(at.Unix(), uint32(0), uint8(zone), hour, int16(i-10))
		}
	}
	f.Fuzz(func(t *testing.T, sec int64, nsec uint32, zone, hour uint8, startOffset int16) {
		// Keep to 1800..2200 so that oracle durations cannot overflow. The
		// zone is an index into dayZoneNames: fuzzing zone names would
		// mostly exercise the tz database's file lookup.
		const lo, span = -5364662400, 146097 * 86400 // 1800-01-01, 400 Gregorian years
		sec = lo + ((sec-lo)%span+span)%span
		at := time.Unix(sec, int64(nsec%1_000_000_000))
		checkAgainstOracle(t, at, dayZoneNames[int(zone)%len(dayZoneNames)], int(hour%24), int(startOffset))
	})
}

// TestDayAtMatchesOracle is the property behind FuzzDayAt over a few
// thousand random instants, zones and day-start hours (fixed seed, so
// failures reproduce).
func TestDayAtMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240229, 4))
	lo := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 5000 {
		at := time.Unix(lo+rng.Int64N(hi-lo), rng.Int64N(1_000_000_000))
		zone := dayZoneNames[rng.IntN(len(dayZoneNames))]
		checkAgainstOracle(t, at, zone, rng.IntN(24), rng.IntN(2000)-1000)
	}
}

// TestDayAtOracleNearBoundaries aims the random instants at the minutes
// around local day starts, where off-by-one errors live.
func TestDayAtOracleNearBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 3000 {
		zone := dayZoneNames[rng.IntN(len(dayZoneNames))]
		loc := dayZone(t, zone)
		hour := rng.IntN(24)
		d := challenge.NewDate(1990, 1, 1).AddDays(rng.IntN(50 * 365))
		boundary := time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, loc)
		at := boundary.Add(time.Duration(rng.IntN(7201)-3600) * time.Second)
		checkAgainstOracle(t, at, zone, hour, rng.IntN(100)-50)
	}
}

// TestOracleSanity guards the oracle itself against a silly mistake that
// LocalDate could share.
func TestOracleSanity(t *testing.T) {
	loc := dayZone(t, "Europe/London")
	at := dayUTC(t, "2024-06-12T01:30:00Z") // 02:30 BST
	assert.Equal(t, dayUTC(t, "2024-06-11T00:00:00Z"), oracleLocalDate(at, loc, 4))
	assert.Equal(t, dayUTC(t, "2024-06-12T00:00:00Z"), oracleLocalDate(at, loc, 2))
	assert.Equal(t, 12, oracleDay(at, loc, 0, dayDate(t, "2024-06-01")))
	assert.Equal(t, dayUTC(t, "2024-02-29T00:00:00Z"), oracleLocalDate(dayUTC(t, "2024-03-01T01:00:00Z"), time.UTC, 4))
}

package challenge_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// dateFromTime is the reference: time.Date's own calendar, in UTC.
func dateFromTime(y int, m time.Month, d int) challenge.Date {
	return challenge.DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

func TestNewDate(t *testing.T) {
	tests := []struct {
		name string
		y    int
		m    time.Month
		d    int
		want challenge.Date
	}{
		{"plain", 2024, time.June, 12, challenge.Date{Year: 2024, Month: time.June, Day: 12}},
		{"leap day", 2024, time.February, 29, challenge.Date{Year: 2024, Month: time.February, Day: 29}},
		{"Feb 29 in a common year rolls", 2023, time.February, 29, challenge.Date{Year: 2023, Month: time.March, Day: 1}},
		{"Feb 30 in a leap year rolls", 2024, time.February, 30, challenge.Date{Year: 2024, Month: time.March, Day: 1}},
		{"day 0 is the previous month's last", 2024, time.March, 0, challenge.Date{Year: 2024, Month: time.February, Day: 29}},
		{"negative day", 2024, time.January, -1, challenge.Date{Year: 2023, Month: time.December, Day: 30}},
		{"month 13", 2024, 13, 1, challenge.Date{Year: 2025, Month: time.January, Day: 1}},
		{"month 0", 2024, 0, 1, challenge.Date{Year: 2023, Month: time.December, Day: 1}},
		{"month -12", 2024, -12, 1, challenge.Date{Year: 2022, Month: time.December, Day: 1}},
		{"month 25", 2024, 25, 1, challenge.Date{Year: 2026, Month: time.January, Day: 1}},
		{"day 366 of a leap year", 2024, time.January, 366, challenge.Date{Year: 2024, Month: time.December, Day: 31}},
		{"1900 is not a leap year", 1900, time.February, 29, challenge.Date{Year: 1900, Month: time.March, Day: 1}},
		{"2000 is a leap year", 2000, time.February, 29, challenge.Date{Year: 2000, Month: time.February, Day: 29}},
		{"epoch", 1970, time.January, 1, challenge.Date{Year: 1970, Month: time.January, Day: 1}},
		{"before the epoch", 1969, time.December, 31, challenge.Date{Year: 1969, Month: time.December, Day: 31}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := challenge.NewDate(tt.y, tt.m, tt.d)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, dateFromTime(tt.y, tt.m, tt.d), got, "agrees with time.Date")
		})
	}
}

// TestDateMatchesTimeDate checks normalisation, AddDays, Sub and Weekday
// against time.Date over random values (fixed seed).
func TestDateMatchesTimeDate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		y := rng.IntN(2400) - 200 // 200 BC .. AD 2199, proleptic Gregorian
		m := time.Month(rng.IntN(40) - 13)
		d := rng.IntN(800) - 400
		n := rng.IntN(200_000) - 100_000 // up to about 270 years either way

		date := challenge.NewDate(y, m, d)
		require.Equal(t, dateFromTime(y, m, d), date, "NewDate(%d, %d, %d)", y, m, d)
		require.Equal(t, time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday(), date.Weekday(), "Weekday of %s", date)

		later := date.AddDays(n)
		require.Equal(t, dateFromTime(y, m, d+n), later, "%s.AddDays(%d)", date, n)
		require.Equal(t, n, later.Sub(date), "%s.Sub(%s)", later, date)
		require.Equal(t, -n, date.Sub(later))
		require.Equal(t, date, later.AddDays(-n), "AddDays round trip")
		require.Equal(t, n > 0, later.After(date))
		require.Equal(t, n < 0, later.Before(date))

		// Sub agrees with the UTC duration between the two midnights.
		a := time.Date(date.Year, date.Month, date.Day, 0, 0, 0, 0, time.UTC)
		b := time.Date(later.Year, later.Month, later.Day, 0, 0, 0, 0, time.UTC)
		require.Equal(t, int(b.Sub(a)/(24*time.Hour)), later.Sub(date))

		// String and ParseDate round trip (four-digit years only).
		if date.Year >= 1 && date.Year <= 9999 {
			back, err := challenge.ParseDate(date.String())
			require.NoError(t, err)
			require.Equal(t, date, back)
		}
	}
}

func TestDateWeekday(t *testing.T) {
	tests := []struct {
		date string
		want time.Weekday
	}{
		{"1970-01-01", time.Thursday},
		{"1969-12-31", time.Wednesday},
		{"1969-12-25", time.Thursday},
		{"2000-01-01", time.Saturday},
		{"2024-02-29", time.Thursday},
		{"2024-06-30", time.Sunday},
		{"2024-07-01", time.Monday},
		{"1600-03-01", time.Wednesday},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			assert.Equal(t, tt.want, dayDate(t, tt.date).Weekday())
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    challenge.Date
		wantErr bool
	}{
		{in: "2024-06-12", want: challenge.Date{Year: 2024, Month: time.June, Day: 12}},
		{in: "2024-02-29", want: challenge.Date{Year: 2024, Month: time.February, Day: 29}},
		{in: "0001-01-01", want: challenge.Date{Year: 1, Month: time.January, Day: 1}},
		{in: "2023-02-29", wantErr: true},
		{in: "2024-02-30", wantErr: true},
		{in: "2024-04-31", wantErr: true},
		{in: "2024-13-01", wantErr: true},
		{in: "2024-00-10", wantErr: true},
		{in: "2024-06-00", wantErr: true},
		{in: "2024-6-12", wantErr: true},
		{in: "12/06/2024", wantErr: true},
		{in: "2024-06-12T00:00:00Z", wantErr: true},
		{in: " 2024-06-12", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := challenge.ParseDate(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.in, got.String())
		})
	}
}

func TestDateText(t *testing.T) {
	t.Run("marshal", func(t *testing.T) {
		b, err := challenge.NewDate(2024, 2, 29).MarshalText()
		require.NoError(t, err)
		assert.Equal(t, "2024-02-29", string(b))

		b, err = challenge.Date{}.MarshalText()
		require.NoError(t, err)
		assert.Empty(t, b, "the zero Date marshals as empty")
	})
	t.Run("unmarshal", func(t *testing.T) {
		var d challenge.Date
		require.NoError(t, d.UnmarshalText([]byte("2024-02-29")))
		assert.Equal(t, challenge.NewDate(2024, 2, 29), d)

		require.NoError(t, d.UnmarshalText(nil))
		assert.True(t, d.IsZero(), "empty text gives the zero Date")
	})
	t.Run("unmarshal error leaves the value alone", func(t *testing.T) {
		d := challenge.NewDate(2024, 6, 12)
		assert.Error(t, d.UnmarshalText([]byte("2023-02-29")))
		assert.Equal(t, challenge.NewDate(2024, 6, 12), d)
	})
	t.Run("JSON round trip", func(t *testing.T) {
		type doc struct {
			Start challenge.Date  `json:"start"`
			End   challenge.Date  `json:"end"`
			Rest  *challenge.Date `json:"rest,omitempty"`
		}
		in := doc{Start: challenge.NewDate(2024, 12, 31)}
		b, err := json.Marshal(in)
		require.NoError(t, err)
		assert.JSONEq(t, `{"start":"2024-12-31","end":""}`, string(b))

		var out doc
		require.NoError(t, json.Unmarshal(b, &out))
		assert.Equal(t, in, out)

		assert.Error(t, json.Unmarshal([]byte(`{"start":"2024-02-30"}`), &out))
	})
}

func TestDateBasics(t *testing.T) {
	var zero challenge.Date
	assert.True(t, zero.IsZero())
	assert.Empty(t, zero.String())
	assert.False(t, challenge.NewDate(2024, 1, 1).IsZero())
	assert.Equal(t, "0987-03-04", challenge.NewDate(987, 3, 4).String(), "years are zero-padded")

	tokyo := dayZone(t, "Asia/Tokyo")
	at := dayUTC(t, "2024-06-30T15:00:00Z")
	assert.Equal(t, challenge.NewDate(2024, 6, 30), challenge.DateOf(at), "DateOf uses t's own location")
	assert.Equal(t, challenge.NewDate(2024, 7, 1), challenge.DateOf(at.In(tokyo)))

	a, b := challenge.NewDate(2024, 2, 28), challenge.NewDate(2024, 2, 29)
	assert.True(t, a.Before(b))
	assert.False(t, b.Before(a))
	assert.False(t, a.Before(a))
	assert.True(t, b.After(a))
	assert.False(t, a.After(a))

	london := dayZone(t, "Europe/London")
	summer := challenge.NewDate(2024, 6, 12).In(london, 4)
	assert.Equal(t, dayUTC(t, "2024-06-12T03:00:00Z"), summer.UTC(), "04:00 BST")
	assert.Equal(t, london, summer.Location())
	assert.Equal(t, dayUTC(t, "2024-01-12T04:00:00Z"), challenge.NewDate(2024, 1, 12).In(london, 4).UTC(), "04:00 GMT")
}

package leaderboard_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

func date(t *testing.T, s string) challenge.Date {
	t.Helper()
	d, err := challenge.ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestPeriodKeyAndBounds(t *testing.T) {
	tests := []struct {
		name        string
		p           leaderboard.Period
		d           string
		key         string
		first, last string
	}{
		{"whole programme", leaderboard.WholeProgramme, "2026-11-25", "", "", ""},
		{"day", leaderboard.Daily, "2026-11-25", "2026-11-25", "2026-11-25", "2026-11-25"},
		{"leap day", leaderboard.Daily, "2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29"},
		{"week mid", leaderboard.Weekly, "2026-11-25", "2026-W48", "2026-11-23", "2026-11-29"},
		{"week Monday", leaderboard.Weekly, "2026-11-23", "2026-W48", "2026-11-23", "2026-11-29"},
		{"week Sunday", leaderboard.Weekly, "2026-11-29", "2026-W48", "2026-11-23", "2026-11-29"},
		{"2020-12-31 in W53", leaderboard.Weekly, "2020-12-31", "2020-W53", "2020-12-28", "2021-01-03"},
		{"2021-01-03 in last year's W53", leaderboard.Weekly, "2021-01-03", "2020-W53", "2020-12-28", "2021-01-03"},
		{"2021-01-04 starts W01", leaderboard.Weekly, "2021-01-04", "2021-W01", "2021-01-04", "2021-01-10"},
		{"2024-12-30 in next year's W01", leaderboard.Weekly, "2024-12-30", "2025-W01", "2024-12-30", "2025-01-05"},
		{"2027-01-01 in W53 of 2026", leaderboard.Weekly, "2027-01-01", "2026-W53", "2026-12-28", "2027-01-03"},
		{"2015-12-31 in W53", leaderboard.Weekly, "2015-12-31", "2015-W53", "2015-12-28", "2016-01-03"},
		{"2018-12-31 in W01 of 2019", leaderboard.Weekly, "2018-12-31", "2019-W01", "2018-12-31", "2019-01-06"},
		{"leap day week", leaderboard.Weekly, "2024-02-29", "2024-W09", "2024-02-26", "2024-03-03"},
		{"month", leaderboard.Monthly, "2026-11-25", "2026-11", "2026-11-01", "2026-11-30"},
		{"leap February", leaderboard.Monthly, "2024-02-29", "2024-02", "2024-02-01", "2024-02-29"},
		{"February", leaderboard.Monthly, "2026-02-14", "2026-02", "2026-02-01", "2026-02-28"},
		{"century February", leaderboard.Monthly, "2100-02-01", "2100-02", "2100-02-01", "2100-02-28"},
		{"December", leaderboard.Monthly, "2026-12-31", "2026-12", "2026-12-01", "2026-12-31"},
		{"January", leaderboard.Monthly, "2027-01-01", "2027-01", "2027-01-01", "2027-01-31"},
		{"April end", leaderboard.Monthly, "2026-04-30", "2026-04", "2026-04-01", "2026-04-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := date(t, tt.d)
			assert.Equal(t, tt.key, leaderboard.PeriodKey(tt.p, d))
			first, last := leaderboard.PeriodBounds(tt.p, d)
			if tt.first == "" {
				assert.True(t, first.IsZero() && last.IsZero(), "whole programme has no bounds of its own")
				return
			}
			assert.Equal(t, tt.first, first.String())
			assert.Equal(t, tt.last, last.String())
			parsed, err := leaderboard.ParsePeriodKey(tt.p, tt.key)
			require.NoError(t, err)
			assert.Equal(t, first, parsed)
		})
	}
}

func TestPeriodKeyUnnormalisedAndZeroDates(t *testing.T) {
	// NewDate normalises; a literal Date that is not normalised is too.
	assert.Equal(t, "2024-03-01", leaderboard.PeriodKey(leaderboard.Daily, challenge.Date{Year: 2024, Month: 2, Day: 30}))
	for _, p := range []leaderboard.Period{leaderboard.WholeProgramme, leaderboard.Daily, leaderboard.Weekly, leaderboard.Monthly, 9} {
		assert.Equal(t, "", leaderboard.PeriodKey(p, challenge.Date{}), p)
		f, l := leaderboard.PeriodBounds(p, challenge.Date{})
		assert.True(t, f.IsZero() && l.IsZero(), p)
	}
	assert.Equal(t, "", leaderboard.PeriodKey(leaderboard.Period(9), date(t, "2026-01-01")))
}

// TestPeriodsOverManyYears checks every day from 1999 to 2031: keys are
// stable within a period, change exactly at its bounds, parse back to the
// first day, and sort in time order; weeks run Monday to Sunday.
func TestPeriodsOverManyYears(t *testing.T) {
	start, end := date(t, "1999-01-01"), date(t, "2031-12-31")
	for _, p := range []leaderboard.Period{leaderboard.Daily, leaderboard.Weekly, leaderboard.Monthly} {
		prevKey := ""
		var prevLast challenge.Date
		for d := start; !d.After(end); d = d.AddDays(1) {
			key := leaderboard.PeriodKey(p, d)
			first, last := leaderboard.PeriodBounds(p, d)
			require.False(t, d.Before(first) || d.After(last), "%v %v in [%v, %v]", p, d, first, last)
			if key != prevKey {
				require.Greater(t, key, prevKey, "keys sort in time order")
				if !prevLast.IsZero() {
					require.Equal(t, prevLast.AddDays(1), d, "a new period starts the day after the last ended")
				}
				parsed, err := leaderboard.ParsePeriodKey(p, key)
				require.NoError(t, err)
				require.Equal(t, first, parsed)
			}
			require.Equal(t, key, leaderboard.PeriodKey(p, first))
			require.Equal(t, key, leaderboard.PeriodKey(p, last))
			if p == leaderboard.Weekly {
				require.Equal(t, time.Monday, first.Weekday())
				require.Equal(t, 6, last.Sub(first))
				// Cross-check against the standard library's ISO week.
				y, w := d.In(time.UTC, 12).ISOWeek()
				var ky, kw int
				_, err := fmt.Sscanf(key, "%d-W%d", &ky, &kw)
				require.NoError(t, err)
				require.Equal(t, [2]int{y, w}, [2]int{ky, kw}, d.String())
			}
			prevKey, prevLast = key, last
		}
	}
}

func TestParsePeriodKeyRejects(t *testing.T) {
	tests := []struct {
		p   leaderboard.Period
		key string
	}{
		{leaderboard.WholeProgramme, "2026"},
		{leaderboard.Daily, ""},
		{leaderboard.Daily, "2026-02-29"},
		{leaderboard.Daily, "2026-13-01"},
		{leaderboard.Daily, "2026-1-5"},
		{leaderboard.Daily, "26-01-05xx"},
		{leaderboard.Daily, "2026/01/05"},
		{leaderboard.Daily, "+026-01-05"},
		{leaderboard.Weekly, "2026-W00"},
		{leaderboard.Weekly, "2025-W53"}, // 2025 has 52 weeks
		{leaderboard.Weekly, "2026-W54"},
		{leaderboard.Weekly, "2026-w48"},
		{leaderboard.Weekly, "2026-W8"},
		{leaderboard.Weekly, "2026-W048"},
		{leaderboard.Weekly, "2026-11-25"},
		{leaderboard.Monthly, "2026-00"},
		{leaderboard.Monthly, "2026-13"},
		{leaderboard.Monthly, "2026-1"},
		{leaderboard.Monthly, "2026-11-01"},
		{leaderboard.Period(9), ""},
	}
	for _, tt := range tests {
		_, err := leaderboard.ParsePeriodKey(tt.p, tt.key)
		require.Error(t, err, "%v %q", tt.p, tt.key)
		assert.ErrorIs(t, err, challenge.ErrInvalid)
		var ve *challenge.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Contains(t, []string{"periodKey", "period"}, ve.Field)
	}
	d, err := leaderboard.ParsePeriodKey(leaderboard.WholeProgramme, "")
	require.NoError(t, err)
	assert.True(t, d.IsZero())
	d, err = leaderboard.ParsePeriodKey(leaderboard.Weekly, "2026-W53")
	require.NoError(t, err, "2026 has 53 weeks")
	assert.Equal(t, "2026-12-28", d.String())
}

func TestEligible(t *testing.T) {
	periodFirst := date(t, "2026-11-23")
	tests := []struct {
		lj       leaderboard.LateJoiners
		firstDay string
		want     bool
	}{
		{leaderboard.Everyone, "2026-11-01", true},
		{leaderboard.Everyone, "2026-11-25", true},
		{leaderboard.WholePeriodOnly, "2026-11-01", true},
		{leaderboard.WholePeriodOnly, "2026-11-23", true},
		{leaderboard.WholePeriodOnly, "2026-11-24", false},
		{leaderboard.LateJoiners(5), "2026-11-01", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, leaderboard.Eligible(tt.lj, date(t, tt.firstDay), periodFirst), "%v %s", tt.lj, tt.firstDay)
	}
}

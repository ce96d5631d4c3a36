package leaderboard_test

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

// textEnum is what every board enum offers.
type textEnum interface {
	fmt.Stringer
	encoding.TextMarshaler
	Valid() bool
}

// enumCase describes one enum: its values in order with their canonical
// names, accepted aliases, its parser and the field its errors name.
type enumCase struct {
	name    string
	field   string
	values  []textEnum
	names   []string
	aliases map[string]textEnum
	invalid textEnum
	parse   func(string) (textEnum, error)
	// unmarshal decodes into a fresh value and returns it.
	unmarshal func([]byte) (textEnum, error)
}

func wrap[E textEnum](parse func(string) (E, error)) func(string) (textEnum, error) {
	return func(s string) (textEnum, error) { return parse(s) }
}

func unwrap[E textEnum, P interface {
	*E
	encoding.TextUnmarshaler
}]() func([]byte) (textEnum, error) {
	return func(b []byte) (textEnum, error) {
		var v E
		err := P(&v).UnmarshalText(b)
		return v, err
	}
}

var enumCases = []enumCase{
	{
		name: "Scope", field: "scope",
		values:  []textEnum{leaderboard.ScopeProgramme, leaderboard.ScopeCohort, leaderboard.ScopeTeam},
		names:   []string{"programme", "cohort", "team"},
		aliases: map[string]textEnum{"program": leaderboard.ScopeProgramme, "Cohort": leaderboard.ScopeCohort},
		invalid: leaderboard.Scope(3),
		parse:   wrap(leaderboard.ParseScope), unmarshal: unwrap[leaderboard.Scope](),
	},
	{
		name: "Subject", field: "subject",
		values:  []textEnum{leaderboard.People, leaderboard.Teams},
		names:   []string{"people", "teams"},
		aliases: map[string]textEnum{" TEAMS ": leaderboard.Teams},
		invalid: leaderboard.Subject(-1),
		parse:   wrap(leaderboard.ParseSubject), unmarshal: unwrap[leaderboard.Subject](),
	},
	{
		name: "Period", field: "period",
		values: []textEnum{leaderboard.WholeProgramme, leaderboard.Daily, leaderboard.Weekly, leaderboard.Monthly},
		names:  []string{"programme", "day", "week", "month"},
		aliases: map[string]textEnum{
			"whole-programme": leaderboard.WholeProgramme, "whole programme": leaderboard.WholeProgramme, "WholeProgramme": leaderboard.WholeProgramme,
			"daily": leaderboard.Daily, "weekly": leaderboard.Weekly, "iso-week": leaderboard.Weekly, "ISO_week": leaderboard.Weekly,
			"monthly": leaderboard.Monthly,
		},
		invalid: leaderboard.Period(4),
		parse:   wrap(leaderboard.ParsePeriod), unmarshal: unwrap[leaderboard.Period](),
	},
	{
		name: "Metric", field: "metric",
		values:  []textEnum{leaderboard.Points, leaderboard.Completions, leaderboard.CurrentStreak},
		names:   []string{"points", "completions", "streak"},
		aliases: map[string]textEnum{"current-streak": leaderboard.CurrentStreak, "currentStreak": leaderboard.CurrentStreak},
		invalid: leaderboard.Metric(7),
		parse:   wrap(leaderboard.ParseMetric), unmarshal: unwrap[leaderboard.Metric](),
	},
	{
		name: "Ranking", field: "ranking",
		values:  []textEnum{leaderboard.Competition, leaderboard.FirstReached},
		names:   []string{"competition", "first-reached"},
		aliases: map[string]textEnum{"firstReached": leaderboard.FirstReached, "first_reached": leaderboard.FirstReached},
		invalid: leaderboard.Ranking(2),
		parse:   wrap(leaderboard.ParseRanking), unmarshal: unwrap[leaderboard.Ranking](),
	},
	{
		name: "Aggregation", field: "aggregation",
		values:  []textEnum{leaderboard.Sum, leaderboard.MeanPerMember},
		names:   []string{"sum", "mean"},
		aliases: map[string]textEnum{"mean-per-member": leaderboard.MeanPerMember, "meanPerMember": leaderboard.MeanPerMember},
		invalid: leaderboard.Aggregation(2),
		parse:   wrap(leaderboard.ParseAggregation), unmarshal: unwrap[leaderboard.Aggregation](),
	},
	{
		name: "LateJoiners", field: "lateJoiners",
		values:  []textEnum{leaderboard.Everyone, leaderboard.WholePeriodOnly},
		names:   []string{"everyone", "whole-period"},
		aliases: map[string]textEnum{"wholePeriod": leaderboard.WholePeriodOnly},
		invalid: leaderboard.LateJoiners(2),
		parse:   wrap(leaderboard.ParseLateJoiners), unmarshal: unwrap[leaderboard.LateJoiners](),
	},
	{
		name: "OptOut", field: "optOut",
		values:  []textEnum{leaderboard.OptOutHidden, leaderboard.OptOutAnonymised},
		names:   []string{"hidden", "anonymised"},
		aliases: map[string]textEnum{"anonymized": leaderboard.OptOutAnonymised, "Anonymised": leaderboard.OptOutAnonymised},
		invalid: leaderboard.OptOut(2),
		parse:   wrap(leaderboard.ParseOptOut), unmarshal: unwrap[leaderboard.OptOut](),
	},
}

func TestEnumText(t *testing.T) {
	for _, c := range enumCases {
		t.Run(c.name, func(t *testing.T) {
			require.Len(t, c.names, len(c.values))
			for i, v := range c.values {
				assert.True(t, v.Valid())
				assert.Equal(t, c.names[i], v.String())
				b, err := v.MarshalText()
				require.NoError(t, err)
				assert.Equal(t, c.names[i], string(b))
				got, err := c.parse(c.names[i])
				require.NoError(t, err)
				assert.Equal(t, v, got, "parse(String()) gives the value back")
				got, err = c.unmarshal(b)
				require.NoError(t, err)
				assert.Equal(t, v, got)
			}
			// "" is the default: the zero value, the first listed.
			got, err := c.parse("")
			require.NoError(t, err)
			assert.Equal(t, c.values[0], got)
			for alias, want := range c.aliases {
				got, err := c.parse(alias)
				require.NoError(t, err, alias)
				assert.Equal(t, want, got, alias)
			}

			_, err = c.parse("nonsense")
			require.Error(t, err)
			assert.ErrorIs(t, err, challenge.ErrInvalid)
			var ve *challenge.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, c.field, ve.Field)
			assert.Contains(t, ve.Reason, `"nonsense"`)
			_, err = c.unmarshal([]byte("nonsense"))
			assert.ErrorIs(t, err, challenge.ErrInvalid)

			assert.False(t, c.invalid.Valid())
			assert.Equal(t, fmt.Sprintf("%s(%d)", c.name, reflectInt(c.invalid)), c.invalid.String())
			_, err = c.invalid.MarshalText()
			assert.ErrorIs(t, err, challenge.ErrInvalid)
		})
	}
}

// reflectInt returns the integer behind an enum value.
func reflectInt(v textEnum) int {
	var n int
	_, _ = fmt.Sscan(fmt.Sprintf("%d", v), &n)
	return n
}

func TestEnumSuggestsTypos(t *testing.T) {
	for _, c := range []struct {
		parse func(string) (textEnum, error)
		in    string
		hint  string
	}{
		{wrap(leaderboard.ParseMetric), "pionts", `did you mean "points"?`},
		{wrap(leaderboard.ParsePeriod), "weekley", `did you mean "week"?`},
		{wrap(leaderboard.ParseOptOut), "anonimised", `did you mean "anonymised"?`},
		{wrap(leaderboard.ParseAggregation), "mean-per-membr", `did you mean "mean"?`},
	} {
		_, err := c.parse(c.in)
		require.Error(t, err, c.in)
		assert.Contains(t, err.Error(), c.hint, c.in)
	}
	_, err := leaderboard.ParseMetric("xyzzy")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "did you mean")
	assert.Contains(t, err.Error(), "want points, completions or streak")
}

func TestUnmarshalTextLeavesValueOnError(t *testing.T) {
	p := leaderboard.Monthly
	require.Error(t, p.UnmarshalText([]byte("fortnight")))
	assert.Equal(t, leaderboard.Monthly, p)
}

func TestBoardJSONRoundTrip(t *testing.T) {
	s := leaderboard.Settings{
		OptOut: leaderboard.OptOutAnonymised,
		Boards: []leaderboard.Board{
			{ID: "people-points", Title: "Top officers"},
			{ID: "teams-week", Title: "Teams this week", Scope: leaderboard.ScopeCohort, Subject: leaderboard.Teams,
				Period: leaderboard.Weekly, Metric: leaderboard.Completions, Ranking: leaderboard.FirstReached,
				Aggregation: leaderboard.MeanPerMember, LateJoiners: leaderboard.WholePeriodOnly},
			{ID: "my-team", Title: "Our streaks", Scope: leaderboard.ScopeTeam, Metric: leaderboard.CurrentStreak, Period: leaderboard.WholeProgramme},
			{ID: "daily", Title: "Today", Period: leaderboard.Daily},
			{ID: "monthly", Title: "This month", Period: leaderboard.Monthly},
		},
	}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"optOut":"anonymised","boards":[
		{"id":"people-points","title":"Top officers","scope":"programme","subject":"people","period":"programme","metric":"points","ranking":"competition","aggregation":"sum","lateJoiners":"everyone"},
		{"id":"teams-week","title":"Teams this week","scope":"cohort","subject":"teams","period":"week","metric":"completions","ranking":"first-reached","aggregation":"mean","lateJoiners":"whole-period"},
		{"id":"my-team","title":"Our streaks","scope":"team","subject":"people","period":"programme","metric":"streak","ranking":"competition","aggregation":"sum","lateJoiners":"everyone"},
		{"id":"daily","title":"Today","scope":"programme","subject":"people","period":"day","metric":"points","ranking":"competition","aggregation":"sum","lateJoiners":"everyone"},
		{"id":"monthly","title":"This month","scope":"programme","subject":"people","period":"month","metric":"points","ranking":"competition","aggregation":"sum","lateJoiners":"everyone"}
	]}`, string(b))

	var back leaderboard.Settings
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again), "marshalling is stable")

	var zero leaderboard.Settings
	b, err = json.Marshal(zero)
	require.NoError(t, err)
	var zeroBack leaderboard.Settings
	require.NoError(t, json.Unmarshal(b, &zeroBack))
	assert.Equal(t, zero, zeroBack)
}

func TestBoardJSONRejectsBadValues(t *testing.T) {
	var b leaderboard.Board
	err := json.Unmarshal([]byte(`{"id":"x","title":"X","metric":"karma"}`), &b)
	assert.ErrorIs(t, err, challenge.ErrInvalid)

	_, err = json.Marshal(leaderboard.Board{ID: "x", Title: "X", Period: leaderboard.Period(9)})
	assert.ErrorIs(t, err, challenge.ErrInvalid, "an invalid value is never written as a number")
}

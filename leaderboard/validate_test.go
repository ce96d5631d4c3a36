package leaderboard_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

// problems returns "field: reason" for each problem of err, in order.
func problems(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, challenge.ErrInvalid)
	var ves challenge.ValidationErrors
	require.True(t, errors.As(err, &ves), "want ValidationErrors, got %T", err)
	out := make([]string, len(ves))
	for i, ve := range ves {
		out[i] = ve.Field
	}
	return out
}

func TestValidate(t *testing.T) {
	good := leaderboard.Board{ID: "people-points", Title: "Top officers"}
	with := func(f func(b *leaderboard.Board)) leaderboard.Board {
		b := good
		f(&b)
		return b
	}
	tests := []struct {
		name   string
		s      leaderboard.Settings
		p      *challenge.Programme
		fields []string // nil: valid
	}{
		{"ok empty", leaderboard.Settings{}, nil, nil},
		{"ok defaults", leaderboard.Settings{Boards: []leaderboard.Board{good}}, nil, nil},
		{"ok every option", leaderboard.Settings{OptOut: leaderboard.OptOutAnonymised, Boards: []leaderboard.Board{
			good,
			{ID: "teams", Title: "Teams", Subject: leaderboard.Teams, Scope: leaderboard.ScopeCohort, Period: leaderboard.Weekly,
				Metric: leaderboard.Completions, Ranking: leaderboard.FirstReached, Aggregation: leaderboard.MeanPerMember,
				LateJoiners: leaderboard.WholePeriodOnly},
			{ID: "team-streaks", Title: "Our streaks", Scope: leaderboard.ScopeTeam, Metric: leaderboard.CurrentStreak},
			{ID: "month", Title: "This month", Period: leaderboard.Monthly},
		}}, nil, nil},
		{"ok cohort scope without cohorts", leaderboard.Settings{Boards: []leaderboard.Board{
			with(func(b *leaderboard.Board) { b.Scope = leaderboard.ScopeCohort }),
		}}, &challenge.Programme{Activities: []challenge.Activity{{ID: "a", Points: 10}}}, nil},
		{"missing id and title", leaderboard.Settings{Boards: []leaderboard.Board{{}}},
			nil, []string{"leaderboards.boards[0].id", "leaderboards.boards[0].title"}},
		{"blank title", leaderboard.Settings{Boards: []leaderboard.Board{with(func(b *leaderboard.Board) { b.Title = "  " })}},
			nil, []string{"leaderboards.boards.people-points.title"}},
		{"invalid id", leaderboard.Settings{Boards: []leaderboard.Board{with(func(b *leaderboard.Board) { b.ID = "top people" })}},
			nil, []string{"leaderboards.boards[0].id"}},
		{"duplicate id", leaderboard.Settings{Boards: []leaderboard.Board{good, with(func(b *leaderboard.Board) { b.Metric = 9 })}},
			nil, []string{"leaderboards.boards[1].id", "leaderboards.boards[1].metric"}},
		{"unknown enum values", leaderboard.Settings{OptOut: 5, Boards: []leaderboard.Board{with(func(b *leaderboard.Board) {
			b.Scope, b.Subject, b.Period, b.Metric, b.Ranking, b.Aggregation, b.LateJoiners = 3, 2, 4, 3, 2, 2, 2
		})}}, nil, []string{
			"leaderboards.optOut",
			"leaderboards.boards.people-points.scope", "leaderboards.boards.people-points.subject",
			"leaderboards.boards.people-points.period", "leaderboards.boards.people-points.metric",
			"leaderboards.boards.people-points.ranking", "leaderboards.boards.people-points.aggregation",
			"leaderboards.boards.people-points.lateJoiners",
		}},
		{"teams scoped to a team", leaderboard.Settings{Boards: []leaderboard.Board{with(func(b *leaderboard.Board) {
			b.Subject, b.Scope = leaderboard.Teams, leaderboard.ScopeTeam
		})}}, nil, []string{"leaderboards.boards.people-points.scope"}},
		{"people aggregated", leaderboard.Settings{Boards: []leaderboard.Board{with(func(b *leaderboard.Board) {
			b.Aggregation = leaderboard.MeanPerMember
		})}}, nil, []string{"leaderboards.boards.people-points.aggregation"}},
		{"streak per week", leaderboard.Settings{Boards: []leaderboard.Board{with(func(b *leaderboard.Board) {
			b.Metric, b.Period = leaderboard.CurrentStreak, leaderboard.Weekly
		})}}, nil, []string{"leaderboards.boards.people-points.metric"}},
		// Points may come from reflection and response bonuses alone, which
		// this package cannot see, so a programme without activity points
		// may still rank by points.
		{"points in a programme without activity points", leaderboard.Settings{Boards: []leaderboard.Board{good}},
			&challenge.Programme{Activities: []challenge.Activity{{ID: "a"}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := leaderboard.Validate(tt.s, tt.p)
			if tt.fields == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tt.fields, problems(t, err))
		})
	}
}

func TestValidateReasons(t *testing.T) {
	err := leaderboard.Validate(leaderboard.Settings{Boards: []leaderboard.Board{
		{ID: "a", Title: "A"},
		{ID: "a", Title: "A again"},
		{ID: "s", Title: "S", Metric: leaderboard.CurrentStreak, Period: leaderboard.Daily},
	}}, nil)
	require.Error(t, err)
	assert.Equal(t, `leaderboards.boards[1].id: the id "a" is already used by leaderboards.boards[0]
leaderboards.boards.s.metric: the current streak is a state rather than a sum over a period, so it cannot be ranked per day: use period programme or another metric`, err.Error())
}

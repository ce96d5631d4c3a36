package leaderboard_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

const goodFile = `
id: thirty-days
title: Thirty days of online reporting
badges:
  - {id: first, name: First, criterion: first-completion}
leaderboards:
  optOut: anonymised
  boards:
    - id: people-points
      title: Top officers
    - id: teams-mean
      title: Teams
      subject: teams
      aggregation: mean-per-member
    - id: weekly-completions
      title: This week
      Period: ISO-week
      metric: completions
      ranking: first-reached
      late_joiners: whole-period
    - id: my-team
      title: Our team
      scope: team
      metric: current-streak
    - id: cohort-month
      name: This month in your cohort
      scope: cohort
      period: monthly
    - id: today
      title: Today
      period: daily
`

var goodWant = leaderboard.Settings{
	OptOut: leaderboard.OptOutAnonymised,
	Boards: []leaderboard.Board{
		{ID: "people-points", Title: "Top officers"},
		{ID: "teams-mean", Title: "Teams", Subject: leaderboard.Teams, Aggregation: leaderboard.MeanPerMember},
		{ID: "weekly-completions", Title: "This week", Period: leaderboard.Weekly, Metric: leaderboard.Completions,
			Ranking: leaderboard.FirstReached, LateJoiners: leaderboard.WholePeriodOnly},
		{ID: "my-team", Title: "Our team", Scope: leaderboard.ScopeTeam, Metric: leaderboard.CurrentStreak},
		{ID: "cohort-month", Title: "This month in your cohort", Scope: leaderboard.ScopeCohort, Period: leaderboard.Monthly},
		{ID: "today", Title: "Today", Period: leaderboard.Daily},
	},
}

func TestParseSettings(t *testing.T) {
	s, err := leaderboard.ParseSettings([]byte(goodFile))
	require.NoError(t, err)
	assert.Equal(t, goodWant, s)
	assert.NoError(t, leaderboard.Validate(s, nil))
}

func TestParseSettingsForms(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want leaderboard.Settings
	}{
		{"no key", "id: x\ntitle: X\n", leaderboard.Settings{}},
		{"empty file", "", leaderboard.Settings{}},
		{"comments only", "# nothing yet\n", leaderboard.Settings{}},
		{"empty section", "leaderboards:\n", leaderboard.Settings{}},
		{"empty mapping", "leaderboards: {}\n", leaderboard.Settings{}},
		{"no boards", "leaderboards:\n  optOut: hidden\n  boards: []\n", leaderboard.Settings{}},
		{"forgiving key spelling", "Leader-Boards:\n  OPT_OUT: anonymized\n  Boards:\n    - ID: a\n      Title: A\n      LATE JOINERS: whole period\n",
			leaderboard.Settings{OptOut: leaderboard.OptOutAnonymised, Boards: []leaderboard.Board{{ID: "a", Title: "A", LateJoiners: leaderboard.WholePeriodOnly}}}},
		{"list straight under leaderboards", "leaderboards:\n  - {id: a, title: A, period: week}\n",
			leaderboard.Settings{Boards: []leaderboard.Board{{ID: "a", Title: "A", Period: leaderboard.Weekly}}}},
		{"JSON", `{"id": "x", "leaderboards": {"optOut": "hidden", "boards": [{"id": "a", "title": "A", "subject": "teams", "aggregation": "mean"}]}}`,
			leaderboard.Settings{Boards: []leaderboard.Board{{ID: "a", Title: "A", Subject: leaderboard.Teams, Aggregation: leaderboard.MeanPerMember}}}},
		{"empty enum is the default", "leaderboards:\n  boards:\n    - {id: a, title: A, metric: , period: \"\"}\n",
			leaderboard.Settings{Boards: []leaderboard.Board{{ID: "a", Title: "A"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := leaderboard.ParseSettings([]byte(tt.src))
			require.NoError(t, err)
			assert.Equal(t, tt.want, s)
		})
	}
}

func TestParseSettingsAliases(t *testing.T) {
	src := "x: &weekly week\nleaderboards:\n  boards:\n    - {id: a, title: A, period: *weekly}\n"
	s, err := leaderboard.ParseSettings([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, leaderboard.Weekly, s.Boards[0].Period)
}

// problem is one expected problem: its line, its field, and words of its
// reason.
type problem struct {
	line   int
	field  string
	reason string
}

func parseProblems(t *testing.T, src string) []problem {
	t.Helper()
	s, err := leaderboard.ParseSettings([]byte(src))
	require.Error(t, err)
	assert.Equal(t, leaderboard.Settings{}, s, "a file with problems gives nothing")
	assert.ErrorIs(t, err, challenge.ErrInvalid)
	var ves challenge.ValidationErrors
	require.True(t, errors.As(err, &ves), "want ValidationErrors, got %T", err)
	out := make([]problem, len(ves))
	for i, ve := range ves {
		out[i] = problem{ve.Line, ve.Field, ve.Reason}
	}
	return out
}

func assertProblems(t *testing.T, want, got []problem) {
	t.Helper()
	require.Len(t, got, len(want), "got %v", got)
	for i := range want {
		assert.Equal(t, want[i].line, got[i].line, "problem %d: %v", i, got[i])
		assert.Equal(t, want[i].field, got[i].field, "problem %d: %v", i, got[i])
		assert.Contains(t, got[i].reason, want[i].reason, "problem %d", i)
	}
}

func TestParseSettingsProblems(t *testing.T) {
	src := `id: x
leaderboards:
  optOut: invisible
  colour: blue
  metric: points
  boards:
    - id: people-points
      title: Top officers
      metirc: points
      optOut: hidden
      flavour: vanilla
    - id: people-points
      title: Again
    - id: bad id
      title: Bad
    - title: No id
    - id: no-title
    - id: teams-of-team
      title: T
      subject: teams
      scope: team
    - id: mean-people
      title: M
      aggregation: mean
    - id: streak-week
      title: S
      metric: streak
      period: week
    - id: bad-values
      title: B
      metric: streek
      period: fortnight
      scope: [team]
      ranking: first reached
    - id: twice
      title: One
      name: Two
      title: Three
    - just-a-word
    - id: [a, b]
      title: {x: 1}
`
	assertProblems(t, []problem{
		{3, "leaderboards.optOut", `want hidden or anonymised, not "invisible"`},
		{4, "leaderboards.colour", `unknown field "colour" in leaderboards; the fields are optOut, boards`},
		{5, "leaderboards.metric", "metric belongs to a board"},
		{9, "leaderboards.boards[0].metirc", `(did you mean "metric"?)`},
		{10, "leaderboards.boards[0].optOut", "optOut is set once for all boards"},
		{11, "leaderboards.boards[0].flavour", "the fields are id, title, subject"},
		{12, "leaderboards.boards[1].id", `the id "people-points" is already used by the board at leaderboards.boards[0] (line 7)`},
		{14, "leaderboards.boards[2].id", `not "bad id"`},
		{16, "leaderboards.boards[3].id", "give the board an id"},
		{17, "leaderboards.boards[4].title", "give the board a title"},
		{21, "leaderboards.boards[5].scope", "cannot be scoped to one team"},
		{24, "leaderboards.boards[6].aggregation", "only boards of teams aggregate"},
		{27, "leaderboards.boards[7].metric", "cannot be ranked per week"},
		{31, "leaderboards.boards[8].metric", `not "streek" (did you mean "streak"?)`},
		{32, "leaderboards.boards[8].period", `want programme, day, week or month, not "fortnight"`},
		{33, "leaderboards.boards[8].scope", "want programme, cohort or team, not a list"},
		{37, "leaderboards.boards[9].name", `"name" and "title" (line 36) mean the same`},
		{38, "leaderboards.boards[9].title", `"title" is given twice (first on line 36)`},
		{39, "leaderboards.boards[10]", `want a board written as "key: value" lines, not "just-a-word"`},
		{40, "leaderboards.boards[11].id", "want text, not a list"},
		{41, "leaderboards.boards[11].title", `want text, not a set of "key: value" lines`},
	}, parseProblems(t, src))
}

func TestParseSettingsFileProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []problem
	}{
		// The line is the one package challenge reports for the same file.
		{"syntax", "leaderboards:\n  boards:\n    - id: a\n     title: A\n", []problem{{3, "", "the file cannot be read"}}},
		{"not a mapping", "- a\n- b\n", []problem{{1, "", "want the programme written as"}}},
		{"given twice", "leaderboards: {}\nx: 1\nleaderboards: {}\n", []problem{{3, "leaderboards", "given twice (first on line 1)"}}},
		{"section is text", "leaderboards: yes\n", []problem{{1, "leaderboards", `want leaderboards written as "key: value" lines, not "yes"`}}},
		{"boards is a mapping", "leaderboards:\n  boards:\n    id: a\n", []problem{{3, "leaderboards.boards", "want a list of boards"}}},
		{"shorthand paths", "leaderboards:\n  - {id: a, title: A}\n  - {id: a, title: B, metric: karma}\n", []problem{
			{3, "leaderboards[1].metric", `not "karma"`},
			{3, "leaderboards[1].id", `already used by the board at leaderboards[0] (line 2)`},
		}},
		{"written key names the path", "Leaderboards:\n  Boards:\n    - ID: a\n      Title: ''\n", []problem{{4, "Leaderboards.Boards[0].Title", "give the board a title"}}},
		{"missing title names the board's line", "leaderboards:\n  boards:\n    - id: a\n      metric: points\n", []problem{{3, "leaderboards.boards[0].title", "give the board a title"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertProblems(t, tt.want, parseProblems(t, tt.src))
		})
	}
}

// TestParseSettingsAliasBomb checks that a file whose aliases expand to a
// billion nodes is answered at once with a few problems: the decoder never
// expands more than it reads.
func TestParseSettingsAliasBomb(t *testing.T) {
	got := parseProblems(t, aliasBomb())
	require.Len(t, got, 10)
	assert.Equal(t, problem{8, "leaderboards.boards[0]", `want a board written as "key: value" lines, not a list`}, got[0])
}

// aliasBomb is a file that expands to billions of nodes through aliases.
func aliasBomb() string {
	s := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i < 9; i++ {
		s += fmt.Sprintf("a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return s + "leaderboards:\n  boards: *a8\n"
}

// TestParseSettingsAgreesWithTheProgrammeParser checks that a programme file
// with leaderboards parses with both parsers: challenge ignores the
// section, this package reads it.
func TestParseSettingsAgreesWithTheProgrammeParser(t *testing.T) {
	src := `id: thirty-days
title: Thirty days
length: 2
timeZone: Europe/London
activities:
  - {id: a, title: A, points: 10}
schedule:
  - {days: 1-2, activity: a}
leaderboards:
  boards:
    - {id: people-points, title: Top officers}
`
	p, err := challenge.ParseDefinition([]byte(src))
	require.NoError(t, err)
	s, err := leaderboard.ParseSettings([]byte(src))
	require.NoError(t, err)
	assert.NoError(t, leaderboard.Validate(s, p))
}

// FuzzParseSettings checks that any file either gives problems, each with
// a field or a line, or settings that are valid and survive JSON.
func FuzzParseSettings(f *testing.F) {
	f.Add(goodFile)
	f.Add("leaderboards:\n  - {id: a, title: A, period: week}\n")
	f.Add("leaderboards: {optOut: x, boards: [{id: a}]}\n")
	f.Add(aliasBomb())
	f.Fuzz(func(t *testing.T, src string) {
		s, err := leaderboard.ParseSettings([]byte(src))
		if err != nil {
			var ves challenge.ValidationErrors
			require.True(t, errors.As(err, &ves))
			require.NotEmpty(t, ves)
			require.Equal(t, leaderboard.Settings{}, s)
			return
		}
		require.NoError(t, leaderboard.Validate(s, nil))
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back leaderboard.Settings
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, s, back)
	})
}

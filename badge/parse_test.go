package badge_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

const briefBadges = `
id: ignored-here
badges:
  - id: first-step
    name: First step
    description: Your first challenge done.
    image: https://intranet.example/badges/first.png
    criterion: {first: completion}
  - id: app-regular
    name: App regular
    criterion: {completions: 5, tag: app}
  - id: streak
    name: Streak
    tiers: [{name: bronze, at: 3}, {name: silver, at: 7}, {name: gold, at: 14}]
    criterion: streak
  - id: daily
    name: Today's challenge done
    repeat: daily
    criterion: day-completed
  - id: week-one
    name: Full first week
    criterion: {week: 1}
  - id: all-rounder
    name: All-rounder
    Hidden: yes
    criterion: {allOf: [{completions: 3, tag: website}, {completions: 3, tag: app}]}
  - id: bookends
    name: Bookends
    criterion: {days: "1-2, 14"}
  - id: podium
    name: Podium
    criterion: {top: 3}
`

var briefWant = []badge.Definition{
	{ID: "first-step", Name: "First step", Description: "Your first challenge done.", ImageURL: "https://intranet.example/badges/first.png",
		Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
	{ID: "app-regular", Name: "App regular", Criterion: badge.Criterion{Kind: badge.Completions, Count: 5, Tag: "app"}},
	{ID: "streak", Name: "Streak", Tiers: []badge.Tier{{"bronze", 3}, {"silver", 7}, {"gold", 14}}, Criterion: badge.Criterion{Kind: badge.Streak}},
	{ID: "daily", Name: "Today's challenge done", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
	{ID: "week-one", Name: "Full first week", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 1}},
	{ID: "all-rounder", Name: "All-rounder", Hidden: true, Criterion: badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
		{Kind: badge.Completions, Count: 3, Tag: "website"}, {Kind: badge.Completions, Count: 3, Tag: "app"},
	}}},
	{ID: "bookends", Name: "Bookends", Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 2, 14}}},
	{ID: "podium", Name: "Podium", Criterion: badge.Criterion{Kind: badge.FinalPosition, Position: 3}},
}

func TestParseDefinitions(t *testing.T) {
	defs, err := badge.ParseDefinitions([]byte(briefBadges))
	require.NoError(t, err)
	assert.Equal(t, briefWant, defs)
	assert.NoError(t, badge.Validate(defs, mustProgramme(t)))
}

func TestParseDefinitionsJSON(t *testing.T) {
	defs, err := badge.ParseDefinitions([]byte(`{"id": "x", "badges": [
		{"id": "s", "name": "Streak", "criterion": {"streak": 5}},
		{"id": "r", "name": "Writer", "tiers": [{"name": "bronze", "at": 1}], "criterion": "reflections"}
	]}`))
	require.NoError(t, err)
	assert.Equal(t, []badge.Definition{
		{ID: "s", Name: "Streak", Criterion: badge.Criterion{Kind: badge.Streak, Count: 5}},
		{ID: "r", Name: "Writer", Tiers: []badge.Tier{{"bronze", 1}}, Criterion: badge.Criterion{Kind: badge.Reflections}},
	}, defs)
}

func TestParseDefinitionsNoBadges(t *testing.T) {
	for _, src := range []string{"", "id: x\n", "badges:\n"} {
		defs, err := badge.ParseDefinitions([]byte(src))
		assert.NoError(t, err, "%q", src)
		assert.Empty(t, defs, "%q", src)
	}
}

func TestParseDefinitionsProblems(t *testing.T) {
	src := `id: x
badges:
  - id: ok
    name: Fine
    criterion: {streak: 3}
  - id: ok
    name: ""
    colour: red
    criterion: {completions: many}
  - id: "bad id"
    name: Tiers
    tiers: [{name: bronze, at: 5}, {name: silver, at: 5}, {at: 0}]
    criterion: {week: 1}
  - id: daily
    name: Daily
    repeat: weekly
    criterion: {streak: 3, days: [1, 2]}
  - id: nothing
    name: Nothing
  - id: composite
    name: Composite
    criterion: {allOf: [{completions: 0}, {reflection: 3}, day-completed]}
  - id: unknown
    name: Unknown
    criterion: sometimes
`
	defs, err := badge.ParseDefinitions([]byte(src))
	require.Error(t, err)
	assert.Nil(t, defs)
	assert.ErrorIs(t, err, challenge.ErrInvalid)
	var errs challenge.ValidationErrors
	require.True(t, errors.As(err, &errs))

	type problem struct {
		line  int
		field string
	}
	var got []problem
	for _, e := range errs {
		got = append(got, problem{e.Line, e.Field})
		assert.NotEmpty(t, e.Reason)
	}
	assert.Equal(t, []problem{
		{6, "badges[1].id"},                              // id "ok" used twice
		{7, "badges[1].name"},                            // empty name
		{8, "badges[1].colour"},                          // unknown key
		{9, "badges[1].criterion.completions"},           // not a number
		{10, "badges[2].id"},                             // bad characters
		{12, "badges[2].tiers"},                          // tiers on a week criterion
		{12, "badges[2].tiers[1].at"},                    // not ascending
		{12, "badges[2].tiers[2].name"},                  // no name
		{12, "badges[2].tiers[2].at"},                    // 0
		{16, "badges[3].repeat"},                         // weekly
		{17, "badges[3].criterion.days"},                 // two kinds in one criterion
		{18, "badges[4].criterion"},                      // no criterion
		{22, "badges[5].criterion.allOf[1].reflection"},  // unknown key (found while reading)
		{22, "badges[5].criterion.allOf[0].completions"}, // 0 (found by Validate)
		{22, "badges[5].criterion.allOf[2]"},             // day-completed in a composite
		{25, "badges[6].criterion"},                      // unknown word
	}, got)
	assert.Contains(t, errs[0].Error(), `line 6: badges[1].id: the id "ok" is already used by badges[0]`)
}

func TestParseDefinitionsSyntaxError(t *testing.T) {
	for _, src := range []string{
		"badges:\n  - id: a\n   name: b\n",
		"badges:\n  - id: a\n    name: [b\n",
	} {
		_, err := badge.ParseDefinitions([]byte(src))
		var errs challenge.ValidationErrors
		require.True(t, errors.As(err, &errs))
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Reason, "cannot be read")
		// The same line as the programme parser reports for the same file.
		_, perr := challenge.ParseDefinition([]byte(src))
		var perrs challenge.ValidationErrors
		require.True(t, errors.As(perr, &perrs))
		assert.Equal(t, perrs[0].Line, errs[0].Line, "%q", src)
		assert.Positive(t, errs[0].Line)
	}
}

// TestExampleBadgesFile appends the example badges (all twelve, including
// those for reflections and positions) to the example programme in place of
// its own badges section: the whole file is one a programme's owners could
// publish.
func TestExampleBadgesFile(t *testing.T) {
	prog, err := os.ReadFile(filepath.Join("..", "examples", "thirtyday", "programme.yaml"))
	require.NoError(t, err)
	if i := bytes.Index(prog, []byte("\nbadges:")); i >= 0 {
		prog = prog[:i+1]
	}
	badges, err := os.ReadFile(filepath.Join("testdata", "badges.yaml"))
	require.NoError(t, err)
	file := append(append(prog, '\n'), badges...)

	p, err := challenge.ParseDefinition(file)
	require.NoError(t, err, "the programme parser accepts (and ignores) the badges section")
	defs, err := badge.ParseDefinitions(file)
	require.NoError(t, err)
	require.NoError(t, badge.Validate(defs, p))
	assert.Len(t, defs, 12)

	kinds := map[badge.Kind]bool{}
	var walk func(c badge.Criterion)
	walk = func(c badge.Criterion) {
		kinds[c.Kind] = true
		for _, part := range append(c.All, c.Any...) {
			walk(part)
		}
	}
	for _, d := range defs {
		walk(d.Criterion)
	}
	assert.Len(t, kinds, 13, "every data kind is used: %v", kinds)
}

func TestValidate(t *testing.T) {
	p := mustProgramme(t)
	custom := func(f badge.Facts) badge.Measure { return badge.Measure{} }
	tests := []struct {
		name   string
		def    badge.Definition
		fields []string
	}{
		{"unknown tag", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.Completions, Count: 1, Tag: "nope"}},
			[]string{"badges[0].criterion.tag"}},
		{"day outside", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{0, 15, 3, 3}}},
			[]string{"badges[0].criterion.days[0]", "badges[0].criterion.days[1]", "badges[0].criterion.days[3]"}},
		{"week beyond", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 3}},
			[]string{"badges[0].criterion.week"}},
		{"week 2 of 14 days", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: 2}}, nil},
		{"custom without func or sources", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.Custom}},
			[]string{"badges[0].criterion.func", "badges[0].criterion.sources"}},
		{"custom daily", badge.Definition{ID: "a", Name: "A", Repeat: badge.Daily,
			Criterion: badge.Criterion{Kind: badge.Custom, Func: custom, Sources: []badge.Source{badge.SourceCompletions}}}, nil},
		{"daily streak", badge.Definition{ID: "a", Name: "A", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.Streak, Count: 2}},
			[]string{"badges[0].repeat"}},
		{"day-completed once", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.DayCompleted}},
			[]string{"badges[0].repeat"}},
		{"tiers with a count", badge.Definition{ID: "a", Name: "A", Tiers: []badge.Tier{{"b", 2}, {"s", 1}},
			Criterion: badge.Criterion{Kind: badge.Reflections, Count: 3}},
			[]string{"badges[0].tiers[1].threshold", "badges[0].criterion.count"}},
		{"stray fields", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.Streak, Count: 2, Tag: "app", Position: 3}},
			[]string{"badges[0].criterion.tag", "badges[0].criterion.position"}},
		{"empty composite", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.AnyOf}},
			[]string{"badges[0].criterion.any"}},
		{"no position", badge.Definition{ID: "a", Name: "A", Criterion: badge.Criterion{Kind: badge.FinalPosition}},
			[]string{"badges[0].criterion.position"}},
		{"no id", badge.Definition{Name: "A", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
			[]string{"badges[0].id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := badge.Validate([]badge.Definition{tt.def}, p)
			if tt.fields == nil {
				assert.NoError(t, err)
				return
			}
			var errs challenge.ValidationErrors
			require.True(t, errors.As(err, &errs), "%v", err)
			var fields []string
			for _, e := range errs {
				fields = append(fields, e.Field)
			}
			assert.Equal(t, tt.fields, fields)
		})
	}
}

// TestExampleProgrammeBadges: the example programme's own badges section
// parses and validates against the programme.
func TestExampleProgrammeBadges(t *testing.T) {
	file, err := os.ReadFile(filepath.Join("..", "examples", "thirtyday", "programme.yaml"))
	require.NoError(t, err)
	p, err := challenge.ParseDefinition(file)
	require.NoError(t, err)
	defs, err := badge.ParseDefinitions(file)
	require.NoError(t, err)
	require.NoError(t, badge.Validate(defs, p))
	assert.GreaterOrEqual(t, len(defs), 8, "the example declares at least eight badges")
}

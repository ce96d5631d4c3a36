package reflection_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
)

func TestParseSettings(t *testing.T) {
	defaults := reflection.DefaultSettings()
	with := func(f func(s *reflection.Settings)) reflection.Settings {
		s := reflection.DefaultSettings()
		f(&s)
		return s
	}
	tests := []struct {
		name string
		file string
		want reflection.Settings
	}{
		{"no file", "", defaults},
		{"no reflections key", "id: p\nbadges: []\n", defaults},
		{"empty key", "id: p\nreflections:\n", defaults},
		{"everything", `
id: p
reflections:
  defaultVisibility: Programme
  editWindow: 90m
  autoHideAfter: 0
  maxAnswerChars: 500
  maxAnswers: 3
  points: {reflection: 5, response: 2}
`, reflection.Settings{DefaultVisibility: reflection.Programme, EditWindow: 90 * time.Minute, AutoHideAfter: 0,
			MaxAnswerChars: 500, MaxAnswers: 3, Points: reflection.Points{Reflection: 5, Response: 2}}},
		{"forgiving key spelling", "reflections: {edit_window: 1h, Auto-Hide-After: 5}\n",
			with(func(s *reflection.Settings) { s.EditWindow = time.Hour; s.AutoHideAfter = 5 })},
		{"no edits", "reflections: {editWindow: 0}\n", with(func(s *reflection.Settings) { s.EditWindow = 0 })},
		{"JSON file", `{"id": "p", "reflections": {"defaultVisibility": "private", "points": {"response": 1}}}`,
			with(func(s *reflection.Settings) { s.DefaultVisibility = reflection.Private; s.Points.Response = 1 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reflection.ParseSettings([]byte(tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.NoError(t, got.Validate())
		})
	}
}

func TestParseSettingsProblems(t *testing.T) {
	file := `id: p
reflections:
  defaultVisibility: everyone
  editWindow: a day
  autoHideAfter: -1
  maxAnswerChars: 0
  maxAnswers: many
  pionts: {reflection: 1}
  points:
    reflection: -5
    responses: 1
`
	got, err := reflection.ParseSettings([]byte(file))
	require.Error(t, err)
	assert.Equal(t, reflection.DefaultSettings(), got, "on error the defaults are returned")
	assert.True(t, errors.Is(err, challenge.ErrInvalid))
	var ve challenge.ValidationErrors
	require.True(t, errors.As(err, &ve))
	type problem struct {
		field string
		line  int
	}
	var probs []problem
	for _, p := range ve {
		probs = append(probs, problem{p.Field, p.Line})
	}
	assert.Equal(t, []problem{
		{"reflections.defaultVisibility", 3},
		{"reflections.editWindow", 4},
		{"reflections.autoHideAfter", 5},
		{"reflections.maxAnswerChars", 6},
		{"reflections.maxAnswers", 7},
		{"reflections.pionts", 8},
		{"reflections.points.reflection", 10},
		{"reflections.points.responses", 11},
	}, probs)
	assert.Contains(t, ve[5].Reason, `did you mean "points"?`)
	assert.Contains(t, ve[7].Reason, `did you mean "response"?`)
}

func TestParseSettingsShapes(t *testing.T) {
	tests := []struct {
		name, file, field, reason string
	}{
		{"not a mapping", "reflections: [1, 2]\n", "reflections", "want reflections written as"},
		{"given twice", "reflections: {}\nreflections: {}\n", "reflections", "given twice"},
		{"key twice", "reflections:\n  maxAnswers: 2\n  max_answers: 3\n", "reflections.max_answers", "given twice"},
		{"syntax", "reflections: {maxAnswers: 2\n", "", "cannot be read"},
		{"unknown far from any", "reflections: {colour: red}\n", "reflections.colour", "the fields are defaultVisibility"},
		{"list value", "reflections: {editWindow: [1h]}\n", "reflections.editWindow", "want a duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reflection.ParseSettings([]byte(tt.file))
			var ve challenge.ValidationErrors
			require.True(t, errors.As(err, &ve), "%v", err)
			require.NotEmpty(t, ve)
			assert.Equal(t, tt.field, ve[0].Field)
			assert.Contains(t, ve[0].Reason, tt.reason)
		})
	}
}

func TestSettingsJSONRoundTrip(t *testing.T) {
	for _, s := range []reflection.Settings{
		reflection.DefaultSettings(),
		{DefaultVisibility: reflection.Private, EditWindow: 0, AutoHideAfter: 0, MaxAnswerChars: 1, MaxAnswers: 1},
		{DefaultVisibility: reflection.Programme, EditWindow: 36*time.Hour + time.Second, AutoHideAfter: 7,
			MaxAnswerChars: 100_000, MaxAnswers: 100, Points: reflection.Points{Reflection: 3, Response: 9}},
	} {
		raw, err := json.Marshal(s)
		require.NoError(t, err)
		var back reflection.Settings
		require.NoError(t, json.Unmarshal(raw, &back))
		assert.Equal(t, s, back, string(raw))
	}
}

func TestSettingsValidate(t *testing.T) {
	assert.NoError(t, reflection.DefaultSettings().Validate())
	err := reflection.Settings{EditWindow: -time.Second, AutoHideAfter: -1, Points: reflection.Points{Reflection: -1, Response: -1}}.Validate()
	var ve challenge.ValidationErrors
	require.True(t, errors.As(err, &ve))
	var fields []string
	for _, p := range ve {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"reflections.defaultVisibility", "reflections.editWindow", "reflections.autoHideAfter",
		"reflections.maxAnswerChars", "reflections.maxAnswers", "reflections.points.reflection", "reflections.points.response"}, fields)
}

func TestSettingsWindowAndRules(t *testing.T) {
	s := reflection.DefaultSettings()
	assert.Equal(t, 24*time.Hour, s.Window())
	s.EditWindow = 0
	assert.Negative(t, s.Window(), "0 means no edits, which CanEdit reads as a negative window")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	assert.ErrorIs(t, reflection.CanEdit("a", "a", now, now, s.Window()), reflection.ErrEditWindowClosed)
	s.MaxAnswerChars = 3
	_, err := s.TextRules().CleanAnswer("text", "four")
	assert.ErrorIs(t, err, challenge.ErrInvalid)
}

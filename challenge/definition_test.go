package challenge_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// baseFile is a valid definition; the line numbers in the tests below refer
// to it, so keep its lines where they are.
const baseFile = `id: demo
title: Demo programme
length: 10
dayStartHour: 4
timeZone: Europe/London
graceDays: 1
restDays:
  weekdays: [sunday]
  dates: [2027-05-03]
activities:
  - id: show-the-form
    title: Show the form
    tags: [public]
    points: 15
    variations:
      - id: front-counter
      - id: on-patrol
  - id: check-website
    title: Check the website
    points: 10
schedule:
  - day: 1
    activity: check-website
  - activity: show-the-form
    days: [2, 3]
    variations: [front-counter, on-patrol]
cohorts:
  - id: spring
    start: 2027-04-12
points:
  streakBonuses:
    - {streak: 3, points: 10}
  levels:
    - {name: Starter, points: 0}
    - {name: Signposter, points: 50}
freezes: {earnEvery: 7, max: 2, initial: 0}
`

// at is one problem as the tests compare it: where and what field.
type at struct {
	Line  int
	Field string
}

// problems returns the line and field of every problem in err, checking
// that err is ValidationErrors sorted by line.
func problems(t *testing.T, err error) []at {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, challenge.ErrInvalid)
	var errs challenge.ValidationErrors
	require.True(t, errors.As(err, &errs), "want ValidationErrors, got %T: %v", err, err)
	out := make([]at, len(errs))
	for i, e := range errs {
		out[i] = at{e.Line, e.Field}
		assert.NotEmpty(t, e.Reason)
		if i > 0 {
			assert.LessOrEqual(t, errs[i-1].Line, e.Line, "problems must be sorted by line")
		}
	}
	return out
}

// edit returns baseFile with old (which must occur exactly once) replaced.
func edit(t *testing.T, old, replacement string) []byte {
	t.Helper()
	require.Equal(t, 1, strings.Count(baseFile, old), "%q must occur once in baseFile", old)
	return []byte(strings.Replace(baseFile, old, replacement, 1))
}

func TestParseDefinitionBase(t *testing.T) {
	p, err := challenge.ParseDefinition([]byte(baseFile))
	require.NoError(t, err)
	want := validProgramme()
	require.NoError(t, want.Validate())
	assert.Equal(t, want, p)
}

// TestParseDefinitionRules has one case per rule: each names the field as
// written in the file and the line it is on.
func TestParseDefinitionRules(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantLine  int
		wantField string
	}{
		// Validate's rules, located in the file.
		{"id required", "id: demo", "id: ''", 1, "id"},
		{"id characters", "id: demo", "id: my demo!", 1, "id"},
		{"id missing", "id: demo\n", "", 1, "id"},
		{"title required", "title: Demo programme", "title:", 2, "title"},
		{"length zero", "length: 10", "length: 0", 3, "length"},
		{"length too long", "length: 10", "length: 3661", 3, "length"},
		{"dayStartHour 24", "dayStartHour: 4", "dayStartHour: 24", 4, "dayStartHour"},
		{"dayStartHour negative", "dayStartHour: 4", "dayStartHour: -1", 4, "dayStartHour"},
		{"timeZone required", "timeZone: Europe/London", "timeZone:", 5, "timeZone"},
		{"timeZone unknown", "timeZone: Europe/London", "timeZone: Europe/Lundon", 5, "timeZone"},
		{"graceDays negative", "graceDays: 1", "graceDays: -1", 6, "graceDays"},
		{"graceDays not below length", "graceDays: 1", "graceDays: 10", 6, "graceDays"},
		{"activity id required", "  - id: check-website", "  - id: ''", 18, "activities[1].id"},
		{"activity id unique", "  - id: check-website", "  - id: show-the-form", 18, "activities[1].id"},
		{"activity title required", "    title: Check the website", "    title: ' '", 19, "activities[1].title"},
		{"activity title missing", "    title: Check the website\n", "", 18, "activities[1].title"},
		{"activity points negative", "    points: 10", "    points: -5", 20, "activities[1].points"},
		{"tag empty", "tags: [public]", "tags: [public, '']", 13, "activities[0].tags[1]"},
		{"variation id required", "      - id: on-patrol", "      - id: ''", 17, "activities[0].variations[1].id"},
		{"variation id unique", "      - id: on-patrol", "      - id: front-counter", 17, "activities[0].variations[1].id"},
		{"slot day zero", "  - day: 1", "  - day: 0", 22, "schedule[day 0].day"},
		{"slot day after end", "  - day: 1", "  - day: 11", 22, "schedule[day 11].day"},
		{"slot day twice", "days: [2, 3]", "days: [2, 1]", 25, "schedule[day 1]"},
		{"slot activity required", "    activity: check-website", "    activity: ''", 23, "schedule[day 1].activity"},
		{"slot activity missing", "    activity: check-website\n", "", 22, "schedule[day 1].activity"},
		{"slot activity unknown", "    activity: check-website", "    activity: check-web", 23, "schedule[day 1].activity"},
		{"slot variation unknown", "[front-counter, on-patrol]", "[front-counter, in-custody]", 26, "schedule[day 3].variation"},
		{"cohort id required", "  - id: spring", "  - id: ''", 28, "cohorts[0].id"},
		{"cohort id unique", "  - id: spring", "  - {id: spring, start: 2027-04-05}\n  - id: spring", 29, "cohorts[1].id"},
		{"cohort start required", "    start: 2027-04-12", "    start:", 29, "cohorts[0].start"},
		{"streak at least 1", "{streak: 3, points: 10}", "{streak: 0, points: 10}", 32, "points.streakBonuses[0].streak"},
		{"streak bonus points negative", "{streak: 3, points: 10}", "{streak: 3, points: -10}", 32, "points.streakBonuses[0].points"},
		{"streak lengths unique", "    - {streak: 3, points: 10}", "    - {streak: 3, points: 10}\n    - {streak: 3, points: 20}", 33, "points.streakBonuses[1].streak"},
		{"level name required", "{name: Signposter, points: 50}", "{name: '', points: 50}", 35, "points.levels[1].name"},
		{"level points negative", "{name: Starter, points: 0}", "{name: Starter, points: -1}", 34, "points.levels[0].points"},
		{"level points ascending", "{name: Signposter, points: 50}", "{name: Signposter, points: 0}", 35, "points.levels[1].points"},
		{"earnEvery negative", "earnEvery: 7", "earnEvery: -7", 36, "freezes.earnEvery"},
		{"max negative", "max: 2", "max: -2", 36, "freezes.max"},
		{"initial negative", "initial: 0", "initial: -1", 36, "freezes.initial"},
		{"initial above max", "initial: 0", "initial: 3", 36, "freezes.initial"},

		// Rules of the file format itself.
		{"unknown key", "    points: 10", "    poinst: 10", 20, "activities[1].poinst"},
		{"unknown top-level key", "length: 10", "length: 10\nlenght: 30", 4, "lenght"},
		{"levels outside points", "freezes: {", "levels: []\nfreezes: {", 36, "levels"},
		{"duplicate key", "length: 10", "length: 10\nlength: 12", 4, "length"},
		{"same key spelt twice", "timeZone: Europe/London", "timeZone: Europe/London\ntime zone: Europe/Paris", 6, "time zone"},
		{"day and days", "  - day: 1", "  - day: 1\n    days: [4]", 23, "schedule[0].days"},
		{"wrong type", "    points: 10", "    points: lots", 20, "activities[1].points"},
		{"fraction", "    points: 10", "    points: 2.5", 20, "activities[1].points"},
		{"list for a number", "length: 10", "length: [10]", 3, "length"},
		{"mapping for text", "title: Demo programme", "title: {en: Demo}", 2, "title"},
		{"hour with minutes", "dayStartHour: 4", "dayStartHour: '04:30'", 4, "dayStartHour"},
		{"weekday number", "weekdays: [sunday]", "weekdays: [0]", 8, "restDays.weekdays[0]"},
		{"weekday unknown", "weekdays: [sunday]", "weekdays: [funday]", 8, "restDays.weekdays[0]"},
		{"weekday ambiguous", "weekdays: [sunday]", "weekdays: [t]", 8, "restDays.weekdays[0]"},
		{"date format", "dates: [2027-05-03]", "dates: [03/05/2027]", 9, "restDays.dates[0]"},
		{"date not real", "dates: [2027-05-03]", "dates: [2027-02-30]", 9, "restDays.dates[0]"},
		{"cohort date format", "    start: 2027-04-12", "    start: 12 April 2027", 29, "cohorts[0].start"},
		{"variations count", "[front-counter, on-patrol]", "[front-counter, on-patrol, front-counter]", 26, "schedule[1].variations"},
		{"schedule entry without day", "  - day: 1\n", "  - ", 22, "schedule[0]"},
		{"day not a number", "days: [2, 3]", "days: [2, third]", 25, "schedule[1].days[1]"},
		{"range backwards", "days: [2, 3]", "days: 3-2", 25, "schedule[1].days[0]"},
		{"activities not a list of mappings", "  - id: check-website\n    title: Check the website\n    points: 10\n", "  - check-website\n", 18, "activities[1]"},
		{"merge key", "  - id: check-website", "  - <<: {id: x}\n    id: check-website", 18, "activities[1]"},
		{"second document", "freezes: {earnEvery: 7, max: 2, initial: 0}\n", "---\nid: other\n", 36, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := challenge.ParseDefinition(edit(t, tt.old, tt.new))
			assert.Nil(t, p)
			got := problems(t, err)
			assert.Contains(t, got, at{tt.wantLine, tt.wantField}, "all problems: %v", err)
			for _, g := range got {
				assert.NotZero(t, g.Line, "every problem of this file has a line: %v", err)
			}
		})
	}
}

func TestParseDefinitionManyProblems(t *testing.T) {
	const file = `id: bad id
title:
length: 30
timeZone: Europe/Lundon
graceDays: 40
restDays: [funday, 2027-13-01]
activities:
  - id: a
    title: A
    poinst: 5
    points: lots
    variations: [x, y, x]
  - id: a
    title: Again
schedule:
  - {day: 1, activity: a, variation: z}
  - {days: [2, 3, 4], activity: missing}
  - {days: 5-7, activity: a, variations: [x, y]}
  - {day: 1, activity: a}
  - {days: [31], activity: a}
cohorts:
  - id: c
    start: 2027-04-12
  - id: c
points:
  levels:
    - {name: One, points: 10}
    - {name: Two, points: 10}
freezes: {earnEvery: 7, max: 1, initial: 2}
freezes: {max: 3}
`
	_, err := challenge.ParseDefinition([]byte(file))
	assert.Equal(t, []at{
		{1, "id"},
		{2, "title"},
		{4, "timeZone"},
		{5, "graceDays"},
		{6, "restDays[0]"},
		{6, "restDays[1]"},
		{10, "activities[0].poinst"},
		{11, "activities[0].points"},
		{12, "activities[0].variations[2].id"},
		{13, "activities[1].id"},
		{16, "schedule[day 1].variation"},
		{17, "schedule[day 2].activity"}, // once for the entry's three days
		{18, "schedule[2].variations"},
		{19, "schedule[day 1]"},
		{20, "schedule[day 31].day"},
		{24, "cohorts[1].id"},
		{24, "cohorts[1].start"},
		{28, "points.levels[1].points"},
		{29, "freezes.initial"},
		{30, "freezes"},
	}, problems(t, err), "all problems:\n%v", err)
}

func TestParseDefinitionRangePastTheEnd(t *testing.T) {
	_, err := challenge.ParseDefinition(edit(t, "days: [2, 3]\n    variations: [front-counter, on-patrol]", "days: 2-40\n    variation: on-patrol"))
	assert.Equal(t, []at{{25, "schedule[day 11].day"}}, problems(t, err), "one overshooting range is one problem: %v", err)
}

func TestParseDefinitionSyntaxError(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
	}{
		{"parser error", "id: x\ntitle: [unclosed\nlength: 3\n", 2},
		{"scanner error", "id: x\ntitle: y\n  length: 3\n", 3},
		// yaml names the line where the list that went wrong begins.
		{"bad indentation in a list", "id: x\nactivities:\n  - id: a\n   title: b\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := challenge.ParseDefinition([]byte(tt.src))
			assert.Equal(t, []at{{tt.line, ""}}, problems(t, err), "%v", err)
			assert.ErrorContains(t, err, "cannot be read")
		})
	}
}

func TestParseDefinitionQuestionMarkInFlow(t *testing.T) {
	// The YAML reader cannot read a "?" in unquoted text inside [ ]; prompts
	// are questions, so the problem must say how to write them.
	_, err := challenge.ParseDefinition(edit(t, "    points: 10\n", "    points: 10\n    prompts: [What did they say?]\n"))
	assert.Equal(t, []at{{21, ""}}, problems(t, err))
	assert.ErrorContains(t, err, `must be in quotes ("What did they say?")`)

	p, err := challenge.ParseDefinition(edit(t, "    points: 10\n", "    points: 10\n    prompts: [\"What did they say?\"]\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"What did they say?"}, p.Activities[1].Prompts)
}

func TestParseDefinitionNotAProgramme(t *testing.T) {
	for _, src := range []string{"", "# nothing but a comment\n", "just some text", "- id: demo\n"} {
		_, err := challenge.ParseDefinition([]byte(src))
		assert.Len(t, problems(t, err), 1, "%q: %v", src, err)
	}
}

func TestParseDefinitionUnknownKey(t *testing.T) {
	_, err := challenge.ParseDefinition(edit(t, "    points: 10", "    poinst: 10"))
	require.Error(t, err)
	var ve *challenge.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "activities[1].poinst", ve.Field)
	assert.Equal(t, 20, ve.Line)
	assert.Contains(t, ve.Reason, `did you mean "points"?`)
}

func TestParseDefinitionJSON(t *testing.T) {
	const file = `{
	"id": "demo",
	"title": "Demo programme",
	"length": 10,
	"dayStartHour": 4,
	"timeZone": "Europe/London",
	"graceDays": 1,
	"restDays": {"weekdays": ["Sunday"], "dates": ["2027-05-03"]},
	"activities": [
		{"id": "show-the-form", "title": "Show the form", "tags": ["public"], "points": 15,
		 "variations": [{"id": "front-counter"}, {"id": "on-patrol"}]},
		{"id": "check-website", "title": "Check the website", "points": 10}
	],
	"schedule": [
		{"day": 1, "activity": "check-website"},
		{"days": [2, 3], "activity": "show-the-form", "variations": ["front-counter", "on-patrol"]}
	],
	"cohorts": [{"id": "spring", "start": "2027-04-12"}],
	"points": {
		"streakBonuses": [{"streak": 3, "points": 10}],
		"levels": [{"name": "Starter", "points": 0}, {"name": "Signposter", "points": 50}]
	},
	"freezes": {"earnEvery": 7, "max": 2, "initial": 0}
}`
	p, err := challenge.ParseDefinition([]byte(file))
	require.NoError(t, err)
	assert.Equal(t, validated(t), p)

	t.Run("problems have lines", func(t *testing.T) {
		bad := strings.Replace(file, `"points": 10}`, `"points": "ten"}`, 1)
		_, err := challenge.ParseDefinition([]byte(bad))
		assert.Equal(t, []at{{12, "activities[1].points"}}, problems(t, err))
	})
}

// TestParseDefinitionForgiving shows the spellings the format accepts for
// the same programme.
func TestParseDefinitionForgiving(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
	}{
		{"weekday capitalised", "weekdays: [sunday]", "weekdays: [Sunday]"},
		{"weekday abbreviated", "weekdays: [sunday]", "weekdays: [SUN]"},
		{"weekday plural", "weekdays: [sunday]", "weekdays: [sundays]"},
		{"single weekday without a list", "weekdays: [sunday]", "weekdays: sunday"},
		{"short rest-day list", "restDays:\n  weekdays: [sunday]\n  dates: [2027-05-03]", "restDays: [Sun, 2027-05-03]"},
		{"rest days on one line", "restDays:\n  weekdays: [sunday]\n  dates: [2027-05-03]", "restDays: sunday, 2027-05-03"},
		{"day start as a time", "dayStartHour: 4", "dayStartHour: 04:00"},
		{"day start key shortened", "dayStartHour: 4", "day start: '4:00'"},
		{"key spelling", "timeZone: Europe/London", "Time Zone: Europe/London"},
		{"quoted number", "length: 10", `length: "10"`},
		{"tags on one line", "tags: [public]", "tags: public"},
		{"days as a range", "days: [2, 3]", "days: 2-3"},
		{"days as a list of ranges", "days: [2, 3]", "days: [2-3]"},
		{"day instead of days", "days: [2, 3]", "day: [2, 3]"},
		{"variations as bare names", "      - id: front-counter\n      - id: on-patrol", "      - front-counter\n      - on-patrol"},
		{"spaces around text", "title: Demo programme", "title: '  Demo programme  '"},
	}
	want := validated(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := challenge.ParseDefinition(edit(t, tt.old, tt.new))
			require.NoError(t, err)
			assert.Equal(t, want, p)
		})
	}

	t.Run("one variation for all days", func(t *testing.T) {
		p, err := challenge.ParseDefinition(edit(t, "variations: [front-counter, on-patrol]", "variation: on-patrol"))
		require.NoError(t, err)
		for _, day := range []int{2, 3} {
			slot, ok := p.SlotOn(day)
			require.True(t, ok)
			assert.Equal(t, challenge.Slot{Day: day, ActivityID: "show-the-form", VariationID: "on-patrol"}, slot)
		}
	})
	t.Run("no variation", func(t *testing.T) {
		p, err := challenge.ParseDefinition(edit(t, "    variations: [front-counter, on-patrol]\n", ""))
		require.NoError(t, err)
		slot, ok := p.SlotOn(3)
		require.True(t, ok)
		assert.Empty(t, slot.VariationID)
	})
	t.Run("aliases", func(t *testing.T) {
		src := strings.NewReplacer(
			"    tags: [public]", "    tags: &tags [public]\n    prompts: &p [\"What happened?\"]",
			"    points: 10", "    points: 10\n    tags: *tags\n    prompts: *p",
		).Replace(baseFile)
		p, err := challenge.ParseDefinition([]byte(src))
		require.NoError(t, err)
		assert.Equal(t, []string{"public"}, p.Activities[1].Tags)
		assert.Equal(t, []string{"What happened?"}, p.Activities[1].Prompts)
	})
}

func TestParseDefinitionAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString(strings.NewReplacer("N", string(rune('0'+i)), "M", string(rune('0'+i-1))).Replace(
			"aN: &aN [*aM, *aM, *aM, *aM, *aM, *aM, *aM, *aM, *aM, *aM]\n"))
	}
	b.WriteString("id: x\ntitle: x\nlength: 1\ntimeZone: UTC\nactivities:\n  - id: x\n    title: x\n    tags: *a8\n")
	_, err := challenge.ParseDefinition([]byte(b.String()))
	assert.ErrorIs(t, err, challenge.ErrInvalid)
}

func TestLoadDefinitionExample(t *testing.T) {
	p, err := challenge.LoadDefinition(os.DirFS("../examples/thirtyday"), "programme.yaml")
	require.NoError(t, err)
	require.NoError(t, p.Validate())

	assert.Equal(t, "digital-confidence-30", p.ID)
	assert.Equal(t, 30, p.Length)
	assert.Equal(t, 4, p.DayStartHour)
	assert.Equal(t, "Europe/London", p.TimeZone)
	assert.Equal(t, 1, p.GraceDays)
	assert.Empty(t, p.RestDays.Weekdays)
	assert.NotEmpty(t, p.RestDays.Dates)
	assert.Len(t, p.Cohorts, 2)
	assert.Equal(t, challenge.FreezeRule{EarnEvery: 7, Max: 2, Initial: 1}, p.Freezes)
	assert.GreaterOrEqual(t, len(p.Activities), 8)
	assert.LessOrEqual(t, len(p.Activities), 10)
	for day := 1; day <= p.Length; day++ {
		_, ok := p.SlotOn(day)
		assert.True(t, ok, "day %d must be scheduled", day)
	}
	for _, a := range p.Activities {
		assert.NotEmpty(t, a.Instructions, a.ID)
		assert.NotEmpty(t, a.Tags, a.ID)
		assert.Positive(t, a.Points, a.ID)
		assert.GreaterOrEqual(t, len(a.Prompts), 2, a.ID)
		assert.GreaterOrEqual(t, len(a.Variations), 3, a.ID)
		for _, v := range a.Variations {
			assert.NotEmpty(t, v.Context, "%s/%s", a.ID, v.ID)
		}
	}
	// Every cohort's window must contain a rest date, or the bank holiday
	// in the file would be pointless.
	for _, c := range p.Cohorts {
		assert.Equal(t, 2027, c.Start.Year)
		assert.Equal(t, time.Monday, c.Start.Weekday(), c.ID)
		found := false
		for _, d := range p.RestDays.Dates {
			if n := d.Sub(c.Start); n >= 0 && n < p.Length {
				found = true
			}
		}
		assert.True(t, found, "cohort %s has no bank holiday in its 30 days", c.ID)
	}
}

func TestLoadDefinitionErrorsNameTheFile(t *testing.T) {
	fsys := fstest.MapFS{"bad.yaml": {Data: edit(t, "    points: 10", "    points: lots")}}

	_, err := challenge.LoadDefinition(fsys, "bad.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.yaml")
	assert.Equal(t, []at{{20, "activities[1].points"}}, problems(t, err))

	_, err = challenge.LoadDefinition(fsys, "missing.yaml")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), "missing.yaml")
}

func TestMarshalDefinitionRoundTrip(t *testing.T) {
	example, err := challenge.LoadDefinition(os.DirFS("../examples/thirtyday"), "programme.yaml")
	require.NoError(t, err)
	minimal := &challenge.Programme{
		ID: "min", Title: "Minimal", Length: 1, TimeZone: "UTC",
		Activities: []challenge.Activity{{ID: "a", Title: "A"}},
	}
	require.NoError(t, minimal.Validate())

	for name, p := range map[string]*challenge.Programme{
		"base":    validated(t),
		"example": example,
		"minimal": minimal,
	} {
		t.Run(name, func(t *testing.T) {
			data, err := challenge.MarshalDefinition(p)
			require.NoError(t, err)
			back, err := challenge.ParseDefinition(data)
			require.NoError(t, err, "%s", data)
			assert.Equal(t, p, back)
		})
	}

	t.Run("unsorted schedule is written sorted and left alone", func(t *testing.T) {
		p := validProgramme() // not validated: schedule out of order
		before := append([]challenge.Slot(nil), p.Schedule...)
		data, err := challenge.MarshalDefinition(p)
		require.NoError(t, err)
		assert.Equal(t, before, p.Schedule)
		back, err := challenge.ParseDefinition(data)
		require.NoError(t, err)
		assert.Equal(t, validated(t), back)
	})
	t.Run("invalid programme refused", func(t *testing.T) {
		p := validProgramme()
		p.TimeZone = ""
		_, err := challenge.MarshalDefinition(p)
		assert.Equal(t, []string{"timeZone"}, fields(t, err))
		_, err = challenge.MarshalDefinition(nil)
		assert.ErrorIs(t, err, challenge.ErrInvalid)
	})
}

// TestDocExample keeps the example in the package documentation valid.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(doc), "This short programme is\n// complete:\n//\n")
	require.True(t, ok, "doc.go example not found")
	var src strings.Builder
	for _, line := range strings.Split(rest, "\n") {
		code, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		src.WriteString(code + "\n")
	}
	p, err := challenge.ParseDefinition([]byte(src.String()))
	require.NoError(t, err, "%s", src.String())
	slot, ok := p.SlotOn(5)
	require.True(t, ok)
	assert.Equal(t, challenge.Slot{Day: 5, ActivityID: "show-the-form", VariationID: "on-patrol"}, slot)
}

// FuzzParseDefinition checks that no input makes ParseDefinition panic, and
// that whatever it accepts is valid and survives a round trip. Plain go test
// runs only the seeds.
func FuzzParseDefinition(f *testing.F) {
	f.Add([]byte(baseFile))
	f.Add([]byte(`{"id": "x", "title": "x", "length": 1, "timeZone": "UTC", "activities": [{"id": "a", "title": "a"}], "schedule": [{"days": "1-1", "activity": "a"}]}`))
	f.Add([]byte("schedule: [{days: [1-3, 5], activity: a, variations: [x]}]\nrestDays: [t, 2027-02-29]"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := challenge.ParseDefinition(data)
		if err != nil {
			if !errors.Is(err, challenge.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid programme: %v", err)
		}
		out, err := challenge.MarshalDefinition(p)
		if err != nil {
			t.Fatalf("cannot write an accepted programme: %v", err)
		}
		if _, err := challenge.ParseDefinition(out); err != nil {
			t.Fatalf("cannot read back %s: %v", out, err)
		}
	})
}

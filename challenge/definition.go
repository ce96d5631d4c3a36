package challenge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/habitkit/habitkit/internal/defyaml"
	yaml "go.yaml.in/yaml/v3"
)

// ParseDefinition reads a programme definition file, written in YAML or
// JSON (see "Definition files" in the package documentation), and returns
// the validated programme.
//
// When anything is wrong it returns a nil Programme and [ValidationErrors]
// listing every problem at once, sorted by line: syntax errors, unknown or
// misspelt keys, keys given twice, values of the wrong type, and every rule
// [Programme.Validate] checks. Each problem's Line is the line of the file
// it concerns, and its Field is the dotted path of the value as written in
// the file (so "points.levels[1].points", whereas Validate alone would say
// "levels[1].points").
func ParseDefinition(data []byte) (*Programme, error) {
	d := &decoder{Decoder: defyaml.New(data, defyaml.Options{
		MaxVisits:   maxVisits,
		Empty:       "the file is empty",
		OneDocument: "a definition file holds one programme: remove the second document (after ---)",
		SyntaxHints: true,
		MergeKeys:   true,
		Suggest:     true,
	})}
	root, _ := d.Document()
	if root == nil {
		return nil, fileProblems(d.Decoder)
	}
	p := d.programme(root)
	if p == nil {
		return nil, fileProblems(d.Decoder)
	}
	for _, pr := range p.check() {
		d.adopt(pr)
	}
	if d.Count() > 0 {
		return nil, fileProblems(d.Decoder)
	}
	if err := p.Validate(); err != nil {
		// check found nothing, so Validate cannot either; keep the
		// guarantee that a returned Programme is valid regardless.
		return nil, err
	}
	return p, nil
}

// LoadDefinition reads the definition file name from fsys and parses it
// with [ParseDefinition]. Its errors name the file; problems in the file
// remain reachable with errors.As as [ValidationErrors].
func LoadDefinition(fsys fs.FS, name string) (*Programme, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("definition file %s: %w", name, err)
	}
	p, err := ParseDefinition(data)
	if err != nil {
		return nil, fmt.Errorf("definition file %s: %w", name, err)
	}
	return p, nil
}

// MarshalDefinition writes p as a definition file in JSON (which is also
// valid YAML), in the same format [ParseDefinition] reads: parsing the
// result gives back an equal programme. The schedule is written one day
// per entry, in day order; p itself is not changed.
//
// An invalid programme is refused with the [ValidationErrors] that
// [Programme.Validate] would return, so every file written can be read.
func MarshalDefinition(p *Programme) ([]byte, error) {
	if p == nil {
		return nil, ValidationErrors{Invalid("", "no programme to write")}
	}
	if probs := p.check(); len(probs) > 0 {
		errs := make(ValidationErrors, len(probs))
		for i, pr := range probs {
			errs[i] = pr.err
		}
		return nil, errs
	}
	f := definitionFile{
		ID:           p.ID,
		Title:        p.Title,
		Description:  p.Description,
		Length:       p.Length,
		DayStartHour: p.DayStartHour,
		TimeZone:     p.TimeZone,
		GraceDays:    p.GraceDays,
		Activities:   p.Activities,
		Schedule:     slices.Clone(p.Schedule),
		Cohorts:      p.Cohorts,
	}
	if f.Activities == nil {
		f.Activities = []Activity{}
	}
	if f.Schedule == nil {
		f.Schedule = []Slot{}
	}
	slices.SortStableFunc(f.Schedule, func(a, b Slot) int { return a.Day - b.Day })
	if len(p.RestDays.Weekdays) > 0 || len(p.RestDays.Dates) > 0 {
		r := &fileRestDays{Dates: p.RestDays.Dates}
		for _, w := range p.RestDays.Weekdays {
			r.Weekdays = append(r.Weekdays, weekdayNames[w])
		}
		f.RestDays = r
	}
	if len(p.StreakBonuses) > 0 || len(p.Levels) > 0 {
		f.Points = &filePoints{StreakBonuses: p.StreakBonuses, Levels: p.Levels}
	}
	if p.Freezes != (FreezeRule{}) {
		fr := p.Freezes
		f.Freezes = &fr
	}
	return json.MarshalIndent(f, "", "  ")
}

// definitionFile is the shape MarshalDefinition writes. It differs from
// Programme's own JSON in the places the file format is friendlier:
// weekdays by name and a points section.
type definitionFile struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Description  string        `json:"description,omitempty"`
	Length       int           `json:"length"`
	DayStartHour int           `json:"dayStartHour,omitempty"`
	TimeZone     string        `json:"timeZone"`
	GraceDays    int           `json:"graceDays,omitempty"`
	RestDays     *fileRestDays `json:"restDays,omitempty"`
	Activities   []Activity    `json:"activities"`
	Schedule     []Slot        `json:"schedule"`
	Cohorts      []Cohort      `json:"cohorts,omitempty"`
	Points       *filePoints   `json:"points,omitempty"`
	Freezes      *FreezeRule   `json:"freezes,omitempty"`
}

type fileRestDays struct {
	Weekdays []string `json:"weekdays,omitempty"`
	Dates    []Date   `json:"dates,omitempty"`
}

type filePoints struct {
	StreakBonuses []StreakBonus `json:"streakBonuses,omitempty"`
	Levels        []Level       `json:"levels,omitempty"`
}

// maxVisits bounds the nodes a file may make the decoder visit. Real files
// have a few thousand; the bound stops alias bombs ("billion laughs"),
// which a yaml.Node keeps unexpanded but a naive walk would expand.
const maxVisits = 200_000

// where names a value twice: by the path Validate uses for it in the
// Programme (Prog) and by its path in the file (File). They differ only
// where the file format groups things differently (points.levels).
type where = defyaml.Path

// slotInfo remembers where each decoded slot came from, by its index in
// Programme.Schedule, so that Validate's problems about it get a line.
type slotInfo struct {
	entry                    int // index of the schedule entry in the file
	day, activity, variation int // lines
	activityBad              bool
}

// decoder turns a yaml.Node tree into a Programme, collecting problems
// instead of stopping at the first.
type decoder struct {
	*defyaml.Decoder
	slots []slotInfo
	// slotSeen drops repeats of one problem among the slots of one entry:
	// "no activity x" is one problem for "days: [3, 10, 17]", not three.
	slotSeen map[slotProblem]bool
}

// texts decodes a list of texts. With commas, a single line such as
// "tags: public, reporting" is split at its commas (prompts are not: a
// sentence has commas).
func (d *decoder) texts(w where, n *yaml.Node, commas bool) []string {
	var out []string
	for i, item := range d.List(n) {
		iw := w.Index(i)
		if r := d.Resolve(item); commas && r != nil && r.Kind == yaml.ScalarNode && !defyaml.IsNull(r) {
			for _, part := range strings.Split(r.Value, ",") {
				if part = strings.TrimSpace(part); part != "" || !strings.Contains(r.Value, ",") {
					out = append(out, part)
				}
			}
			continue
		}
		d.Mark(iw, item.Line)
		out = append(out, d.Text(iw, item))
	}
	return out
}

// integer decodes a whole number; "10" in quotes is accepted too.
func (d *decoder) integer(w where, n *yaml.Node) int {
	if n = d.Resolve(n); n == nil {
		return 0
	}
	switch {
	case n.Kind != yaml.ScalarNode:
		d.Fail(w, n, "want a whole number, not %s", defyaml.Describe(n))
		return 0
	case defyaml.IsNull(n):
		d.Fail(w, n, "a whole number is required")
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			d.Fail(w, n, "%s is too large", n.Value)
		} else {
			d.Fail(w, n, "want a whole number, not %q", n.Value)
		}
		return 0
	}
	return v
}

// hour decodes the day-start hour: 4, or "04:00" on the hour.
func (d *decoder) hour(w where, n *yaml.Node) int {
	r := d.Resolve(n)
	if r == nil {
		return 0
	}
	if r.Kind == yaml.ScalarNode && strings.Contains(r.Value, ":") {
		hh, mm, _ := strings.Cut(strings.TrimSpace(r.Value), ":")
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		switch {
		case err1 != nil || err2 != nil || len(mm) != 2:
			d.Fail(w, r, "want an hour such as 4 or \"04:00\", not %q", r.Value)
		case m != 0:
			d.Fail(w, r, "the day must start on the hour (such as \"04:00\"), not %q", r.Value)
		default:
			return h
		}
		return 0
	}
	return d.integer(w, r)
}

func (d *decoder) date(w where, n *yaml.Node) Date {
	if n = d.Resolve(n); n == nil {
		return Date{}
	}
	if n.Kind != yaml.ScalarNode {
		d.Fail(w, n, "want a date written YYYY-MM-DD, not %s", defyaml.Describe(n))
		return Date{}
	}
	if defyaml.IsNull(n) {
		return Date{} // Validate says a date is required, with this line.
	}
	v, err := ParseDate(strings.TrimSpace(n.Value))
	if err != nil {
		d.Fail(w, n, "want a real date written YYYY-MM-DD (such as 2027-05-03), not %q", n.Value)
		return Date{}
	}
	return v
}

var weekdayNames = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// parseWeekday accepts a day's name in any case, abbreviated to any
// unambiguous prefix of two letters or more ("Sat", "tues", "th"), or in
// the plural ("Sundays"). Numbers are refused on purpose: whether 0 or 7
// is Sunday is exactly what workshop authors would get wrong.
func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if strings.HasSuffix(s, "days") {
		s = strings.TrimSuffix(s, "s")
	}
	if s == "weds" {
		s = "wed"
	}
	if len(s) < 2 {
		return 0, false
	}
	found := -1
	for i, name := range weekdayNames {
		if strings.HasPrefix(name, s) {
			if found >= 0 {
				return 0, false
			}
			found = i
		}
	}
	return time.Weekday(found), found >= 0
}

// splitScalars returns the items of a list whose items may also be given
// on one line separated by commas ("saturday, sunday").
func (d *decoder) splitScalars(w where, n *yaml.Node, what string, each func(w where, n *yaml.Node, s string)) {
	for i, item := range d.List(n) {
		iw := w.Index(i)
		r := d.Resolve(item)
		if r == nil {
			return
		}
		if r.Kind != yaml.ScalarNode || defyaml.IsNull(r) {
			d.Fail(iw, r, "want %s, not %s", what, defyaml.Describe(r))
			continue
		}
		for _, part := range strings.Split(r.Value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				each(iw, r, part)
			}
		}
	}
}

// programme decodes the whole file, or returns nil when it is not even a
// mapping (the problem is recorded).
func (d *decoder) programme(root *yaml.Node) *Programme {
	p := &Programme{}
	w := where{}
	str := func(dst *string) func(where, *yaml.Node) {
		return func(w where, n *yaml.Node) { *dst = d.Text(w, n) }
	}
	num := func(dst *int) func(where, *yaml.Node) {
		return func(w where, n *yaml.Node) { *dst = d.integer(w, n) }
	}
	ok := d.Mapping(w, root, defyaml.Section{
		What: "the programme",
		Fields: []defyaml.Field{
			{Names: []string{"id"}, Set: str(&p.ID)},
			{Names: []string{"title"}, Set: str(&p.Title)},
			{Names: []string{"description"}, Set: str(&p.Description)},
			{Names: []string{"length"}, Set: num(&p.Length)},
			{Names: []string{"dayStartHour", "dayStart"}, Set: func(w where, n *yaml.Node) { p.DayStartHour = d.hour(w, n) }},
			{Names: []string{"timeZone"}, Set: str(&p.TimeZone)},
			{Names: []string{"graceDays"}, Set: num(&p.GraceDays)},
			{Names: []string{"restDays"}, Set: func(w where, n *yaml.Node) { d.restDays(w, n, &p.RestDays) }},
			{Names: []string{"activities"}, Set: func(w where, n *yaml.Node) { d.activities(w, n, p) }},
			{Names: []string{"schedule"}, Set: func(w where, n *yaml.Node) { d.schedule(w, n, p) }},
			{Names: []string{"cohorts"}, Set: func(w where, n *yaml.Node) { d.cohorts(w, n, p) }},
			{Names: []string{"points"}, Set: func(w where, n *yaml.Node) { d.points(w, n, p) }},
			{Names: []string{"freezes"}, Set: func(w where, n *yaml.Node) {
				d.Mapping(w, n, defyaml.Section{What: "freezes", Fields: []defyaml.Field{
					{Names: []string{"earnEvery"}, Set: num(&p.Freezes.EarnEvery)},
					{Names: []string{"max"}, Set: num(&p.Freezes.Max)},
					{Names: []string{"initial"}, Set: num(&p.Freezes.Initial)},
				}})
			}},
			// Badges are read by package badge (badge.ParseDefinitions)
			// from the same file; the programme itself ignores them.
			{Names: []string{"badges"}, Set: func(where, *yaml.Node) {}},
			// Boards are read by package leaderboard (leaderboard.ParseSettings)
			// and reflection settings by package reflection
			// (reflection.ParseSettings), from the same file.
			{Names: []string{"leaderboards"}, Set: func(where, *yaml.Node) {}},
			{Names: []string{"reflections"}, Set: func(where, *yaml.Node) {}},
		},
		Hints: map[string]string{
			"streakbonuses": "streakBonuses go in the points section",
			"levels":        "levels go in the points section",
			"earnevery":     "earnEvery goes in the freezes section",
			"variations":    "variations go in an activity",
			"start":         "start dates go in cohorts",
			"days":          "the number of days is the length",
		},
	})
	if !ok {
		return nil
	}
	return p
}

func (d *decoder) restDays(w where, n *yaml.Node, r *RestDays) {
	weekday := func(w where, n *yaml.Node, s string) {
		if v, ok := parseWeekday(s); ok {
			r.Weekdays = append(r.Weekdays, v)
		} else {
			d.Fail(w, n, "want a day of the week such as \"sunday\" or \"Sat\", not %q", s)
		}
	}
	date := func(w where, n *yaml.Node, s string) {
		if v, err := ParseDate(s); err == nil {
			r.Dates = append(r.Dates, v)
		} else {
			d.Fail(w, n, "want a real date written YYYY-MM-DD (such as 2027-05-03), not %q", s)
		}
	}
	if rn := d.Resolve(n); rn != nil && rn.Kind != yaml.MappingNode {
		// The short form: one list of weekday names and dates, which
		// cannot be confused with each other.
		d.splitScalars(w, rn, "a day of the week or a date", func(w where, n *yaml.Node, s string) {
			if _, ok := parseWeekday(s); ok {
				weekday(w, n, s)
			} else if _, err := ParseDate(s); err == nil {
				date(w, n, s)
			} else {
				d.Fail(w, n, "want a day of the week (such as \"sunday\") or a date written YYYY-MM-DD, not %q", s)
			}
		})
		return
	}
	d.Mapping(w, n, defyaml.Section{What: "restDays", Fields: []defyaml.Field{
		{Names: []string{"weekdays"}, Set: func(w where, n *yaml.Node) {
			d.splitScalars(w, n, "a day of the week", weekday)
		}},
		{Names: []string{"dates"}, Set: func(w where, n *yaml.Node) {
			d.splitScalars(w, n, "a date", date)
		}},
	}})
}

func (d *decoder) activities(w where, n *yaml.Node, p *Programme) {
	for i, item := range d.List(n) {
		iw := w.Index(i)
		var a Activity
		d.Mapping(iw, item, defyaml.Section{What: "an activity", Fields: []defyaml.Field{
			{Names: []string{"id"}, Set: func(w where, n *yaml.Node) { a.ID = d.Text(w, n) }},
			{Names: []string{"title"}, Set: func(w where, n *yaml.Node) { a.Title = d.Text(w, n) }},
			{Names: []string{"instructions"}, Set: func(w where, n *yaml.Node) { a.Instructions = d.Text(w, n) }},
			{Names: []string{"tags"}, Set: func(w where, n *yaml.Node) { a.Tags = d.texts(w, n, true) }},
			{Names: []string{"points"}, Set: func(w where, n *yaml.Node) { a.Points = d.integer(w, n) }},
			{Names: []string{"prompts"}, Set: func(w where, n *yaml.Node) { a.Prompts = d.texts(w, n, false) }},
			{Names: []string{"variations"}, Set: func(w where, n *yaml.Node) { a.Variations = d.variations(w, n) }},
		}})
		p.Activities = append(p.Activities, a)
	}
}

func (d *decoder) variations(w where, n *yaml.Node) []Variation {
	var out []Variation
	for i, item := range d.List(n) {
		iw := w.Index(i)
		var v Variation
		if r := d.Resolve(item); r != nil && r.Kind == yaml.ScalarNode {
			// Forgiving: a bare name is a variation with just an id.
			d.Mark(iw, r.Line)
			d.Mark(iw.Key("id", "id"), r.Line)
			v.ID = d.Text(iw.Key("id", "id"), r)
		} else {
			d.Mapping(iw, item, defyaml.Section{What: "a variation", Fields: []defyaml.Field{
				{Names: []string{"id"}, Set: func(w where, n *yaml.Node) { v.ID = d.Text(w, n) }},
				{Names: []string{"title"}, Set: func(w where, n *yaml.Node) { v.Title = d.Text(w, n) }},
				{Names: []string{"context"}, Set: func(w where, n *yaml.Node) { v.Context = d.Text(w, n) }},
				{Names: []string{"prompts"}, Set: func(w where, n *yaml.Node) { v.Prompts = d.texts(w, n, false) }},
			}})
		}
		out = append(out, v)
	}
	return out
}

// dayAt is one day of a schedule entry and the line it was written on;
// ok is false for an item that could not be read (a placeholder that keeps
// days and variations paired by position).
type dayAt struct {
	day, line int
	ok        bool
}

// days decodes "day: 5", "days: [3, 10, 17]", "days: 1-5", "days: [1-5, 8]"
// or "days: 1-5, 8".
func (d *decoder) days(w where, n *yaml.Node) []dayAt {
	var out []dayAt
	longest := fmt.Sprintf(" (%d days)", MaxLength)
	d.DayRanges(w, n, MaxLength, longest, func(_ where, r *yaml.Node, from, to int, ok bool) {
		if !ok {
			out = append(out, dayAt{line: r.Line})
		}
		for day := from; ok && day <= to; day++ {
			out = append(out, dayAt{day: day, line: r.Line, ok: true})
		}
	})
	return out
}

// textAt is a text value and its line.
type textAt struct {
	s    string
	line int
}

func (d *decoder) schedule(w where, n *yaml.Node, p *Programme) {
	for i, item := range d.List(n) {
		iw := w.Index(i)
		var (
			days            []dayAt
			hasDays         bool
			activity        textAt
			activityBad     bool
			variations      []textAt
			variationsNode  *yaml.Node
			variationsWhere where
		)
		ok := d.Mapping(iw, item, defyaml.Section{
			What: "a schedule entry",
			Fields: []defyaml.Field{
				{Names: []string{"day", "days"}, Set: func(w where, n *yaml.Node) {
					hasDays = true
					days = d.days(w, n)
				}},
				{Names: []string{"activity"}, Set: func(w where, n *yaml.Node) {
					before := d.Count()
					activity = textAt{d.Text(w, n), n.Line}
					activityBad = d.Count() > before
				}},
				{Names: []string{"variation", "variations"}, Set: func(w where, n *yaml.Node) {
					variationsNode, variationsWhere = n, w
					for j, v := range d.List(n) {
						variations = append(variations, textAt{d.Text(w.Index(j), v), v.Line})
					}
				}},
			},
			Hints: map[string]string{"activities": `name one activity per entry: "activity: <id>"`},
		})
		if !ok {
			continue
		}
		r := d.Resolve(item)
		if r == nil {
			return
		}
		if !hasDays {
			d.Fail(iw, r, "say which day (day: 5) or days (days: [3, 10, 17]) the activity is on")
			continue
		}
		if activity.line == 0 {
			activity.line = r.Line
		}
		daysOK := !slices.ContainsFunc(days, func(d dayAt) bool { return !d.ok })
		switch {
		case len(variations) <= 1:
		case !daysOK:
			// The days are already reported; counting them would mislead.
			variations = nil
		case len(variations) != len(days):
			d.Fail(variationsWhere, variationsNode, "%d variations for %s: give one variation per day, or one for all of them", len(variations), plural(len(days), "day"))
			variations = nil
		}
		for k, day := range days {
			if !day.ok {
				continue
			}
			if len(p.Schedule) >= 2*MaxLength {
				d.Fail(iw, r, "the schedule lists more than %d days", 2*MaxLength)
				return
			}
			slot := Slot{Day: day.day, ActivityID: activity.s}
			info := slotInfo{entry: i, day: day.line, activity: activity.line, variation: r.Line, activityBad: activityBad}
			switch len(variations) {
			case 0:
			case 1:
				slot.VariationID, info.variation = variations[0].s, variations[0].line
			default:
				slot.VariationID, info.variation = variations[k].s, variations[k].line
			}
			p.Schedule = append(p.Schedule, slot)
			d.slots = append(d.slots, info)
		}
	}
}

func (d *decoder) cohorts(w where, n *yaml.Node, p *Programme) {
	for i, item := range d.List(n) {
		var c Cohort
		d.Mapping(w.Index(i), item, defyaml.Section{What: "a cohort", Fields: []defyaml.Field{
			{Names: []string{"id"}, Set: func(w where, n *yaml.Node) { c.ID = d.Text(w, n) }},
			{Names: []string{"title"}, Set: func(w where, n *yaml.Node) { c.Title = d.Text(w, n) }},
			{Names: []string{"start"}, Set: func(w where, n *yaml.Node) { c.Start = d.date(w, n) }},
		}})
		p.Cohorts = append(p.Cohorts, c)
	}
}

func (d *decoder) points(w where, n *yaml.Node, p *Programme) {
	// The section only groups the file: its keys are fields of the
	// Programme itself, so their Go paths start at the root.
	w.Prog = ""
	d.Mapping(w, n, defyaml.Section{
		What: "the points section",
		Fields: []defyaml.Field{
			{Names: []string{"streakBonuses"}, Set: func(w where, n *yaml.Node) {
				for i, item := range d.List(n) {
					var b StreakBonus
					d.Mapping(w.Index(i), item, defyaml.Section{What: "a streak bonus", Fields: []defyaml.Field{
						{Names: []string{"streak"}, Set: func(w where, n *yaml.Node) { b.Streak = d.integer(w, n) }},
						{Names: []string{"points"}, Set: func(w where, n *yaml.Node) { b.Points = d.integer(w, n) }},
					}})
					p.StreakBonuses = append(p.StreakBonuses, b)
				}
			}},
			{Names: []string{"levels"}, Set: func(w where, n *yaml.Node) {
				for i, item := range d.List(n) {
					var l Level
					d.Mapping(w.Index(i), item, defyaml.Section{What: "a level", Fields: []defyaml.Field{
						{Names: []string{"name"}, Set: func(w where, n *yaml.Node) { l.Name = d.Text(w, n) }},
						{Names: []string{"points"}, Set: func(w where, n *yaml.Node) { l.Points = d.integer(w, n) }},
					}})
					p.Levels = append(p.Levels, l)
				}
			}},
		},
		Hints: map[string]string{"freezes": "freezes is a section of its own, not part of points"},
	})
}

// adopt turns one of Validate's problems into a problem of the file: it
// finds the line, renames the field to its path in the file, and drops it
// when decoding already reported the same value.
func (d *decoder) adopt(pr problem) {
	e := *pr.err
	if pr.slot < 0 || pr.slot >= len(d.slots) {
		d.Adopt(e.Field, e.Reason)
		return
	}
	info := d.slots[pr.slot]
	_, sub, _ := strings.Cut(e.Field, "].")
	k := slotProblem{info.entry, sub, e.Reason}
	if d.slotSeen[k] {
		return
	}
	if d.slotSeen == nil {
		d.slotSeen = make(map[slotProblem]bool)
	}
	d.slotSeen[k] = true
	switch sub {
	case "day":
		e.Line = info.day
	case "activity":
		if info.activityBad {
			return
		}
		e.Line = info.activity
	case "variation":
		e.Line = info.variation
	default:
		e.Line = info.day
	}
	d.Add(defyaml.Problem(e))
}

// slotProblem identifies a problem of a schedule entry for deduplication.
type slotProblem struct {
	entry       int
	sub, reason string
}

// fileProblems returns d's problems, sorted by line, as ValidationErrors.
func fileProblems(d *defyaml.Decoder) ValidationErrors {
	return defyaml.Sorted[ValidationError](d)
}

// plural returns "1 day" or "3 days".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

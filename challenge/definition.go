package challenge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
	d := &decoder{at: make(map[string]loc), bad: make(map[string]bool)}
	d.data = data
	root := d.document(data)
	if root == nil {
		return nil, d.result()
	}
	p := d.programme(root)
	if p == nil {
		return nil, d.result()
	}
	for _, pr := range p.check() {
		d.adopt(pr)
	}
	if len(d.probs) > 0 {
		return nil, d.result()
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

// loc is where a value sits in the file: its path as written and its line.
type loc struct {
	field string
	line  int
}

// where names a value twice: by the path Validate uses for it in the
// Programme (prog) and by its path in the file (file). They differ only
// where the file format groups things differently (points.levels).
type where struct{ prog, file string }

func (w where) key(prog, file string) where {
	return where{joinPath(w.prog, prog), joinPath(w.file, file)}
}

func (w where) index(i int) where {
	s := "[" + strconv.Itoa(i) + "]"
	return where{w.prog + s, w.file + s}
}

func joinPath(base, name string) string {
	if base == "" {
		return name
	}
	return base + "." + name
}

// parentPath strips the last ".name" or "[i]" from path.
func parentPath(path string) string {
	i := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
	if i < 0 {
		return ""
	}
	return path[:i]
}

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
	data  []byte
	probs ValidationErrors
	at    map[string]loc  // Programme path -> place in the file
	bad   map[string]bool // Programme paths whose value could not be decoded
	slots []slotInfo
	// slotSeen drops repeats of one problem among the slots of one entry:
	// "no activity x" is one problem for "days: [3, 10, 17]", not three.
	slotSeen map[slotProblem]bool
	visits   int
	tooBig   bool
}

// yamlLine finds the line number in yaml's untyped syntax errors, which
// read "yaml: line 12: did not find expected key".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the messages of yaml's parser (as opposed to its
// scanner). For these, yaml v3 prints a 0-based line number (its fail
// method adds one for scanner errors only), so syntax adds the one.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// document parses data and returns its top-level node, or nil when there
// is nothing to decode.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.problem("", 0, "the file is empty")
			return nil
		}
		d.syntax(err)
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		d.problem("", next.Line, "a definition file holds one programme: remove the second document (after ---)")
	} else if !errors.Is(err, io.EOF) {
		d.syntax(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.problem("", doc.Line, "the file is empty")
		return nil
	}
	return doc.Content[0]
}

// syntax records a YAML syntax error, with its line when yaml gives one.
func (d *decoder) syntax(err error) {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if yamlParserProblems[msg] {
			line++
		}
	}
	if line > 0 {
		lines := bytes.Split(d.data, []byte("\n"))
		if text := lines[min(line, len(lines))-1]; bytes.ContainsRune(text, '?') && bytes.ContainsAny(text, "[{") {
			// The YAML reader rejects "?" in unquoted text inside [ ] and
			// { } (go-yaml/yaml#905), and prompts are questions.
			msg += `; a "?" inside [ ] or { } must be in quotes ("What did they say?"), or write the list one item per line, each starting with "- "`
		}
	}
	d.problem("", line, "the file cannot be read: %s", msg)
}

// problem records a problem in the file itself.
func (d *decoder) problem(field string, line int, format string, args ...any) {
	e := Invalid(field, format, args...)
	e.Line = line
	d.probs = append(d.probs, e)
}

// fail records that the value at w (node n) could not be decoded. Validate's
// problems at or under w are then dropped: they would only repeat this one.
func (d *decoder) fail(w where, n *yaml.Node, format string, args ...any) {
	d.problem(w.file, n.Line, format, args...)
	if w.prog != "" {
		d.bad[w.prog] = true
	}
}

func (d *decoder) mark(w where, line int) {
	if _, ok := d.at[w.prog]; !ok {
		d.at[w.prog] = loc{w.file, line}
	}
}

// resolve follows aliases and counts the visit; it returns nil once the
// file has made the decoder visit too many nodes.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		d.problem("", 0, "an alias (*name) cannot be followed")
		return nil
	}
	d.visits++
	if d.visits > maxVisits {
		if !d.tooBig {
			d.tooBig = true
			d.problem("", 0, "the file is too large, or repeats too much through aliases (*name)")
		}
		return nil
	}
	return n
}

// describe names what n is, for "want X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return `a set of "key: value" lines`
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// defField is one key a mapping accepts.
type defField struct {
	// names are the accepted spellings; the first is the canonical one.
	names []string
	// prog, when set, is the absolute Programme path of the value (for
	// keys that sit elsewhere in the file than in the Programme).
	prog string
	// set decodes the value.
	set func(w where, n *yaml.Node)
}

// section describes a mapping in the file.
type section struct {
	what   string
	fields []defField
	// hints explain unknown keys that belong elsewhere, by normalised key.
	hints map[string]string
}

// normKey makes key spelling forgiving: case, spaces, '-' and '_' do not
// matter, so "timeZone", "timezone" and "time zone" are one key.
func normKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r != ' ' && r != '-' && r != '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mapping decodes n as the section s. It reports unknown keys (suggesting
// the key meant), keys given twice, and a value that is not a mapping; it
// returns false in that last case.
func (d *decoder) mapping(w where, n *yaml.Node, s section) bool {
	if n = d.resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.fail(w, n, "want %s written as \"key: value\" lines, not %s", s.what, describe(n))
		return false
	}
	d.mark(w, n.Line)
	seen := make(map[int]*yaml.Node, len(s.fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k = d.resolve(k); k == nil {
			return true
		}
		if k.Kind != yaml.ScalarNode {
			d.problem(w.file, k.Line, "keys must be plain words, not %s", describe(k))
			continue
		}
		written := strings.TrimSpace(k.Value)
		if k.ShortTag() == "!!merge" {
			d.problem(w.file, k.Line, "merge keys (<<) are not supported: write the fields out")
			continue
		}
		fi := s.lookup(written)
		if fi < 0 {
			d.problem(joinPath(w.file, written), k.Line, "unknown field %q in %s%s", written, s.what, s.suggest(written))
			continue
		}
		if first, dup := seen[fi]; dup {
			if normKey(first.Value) == normKey(written) {
				d.problem(joinPath(w.file, written), k.Line, "%q is given twice (first on line %d)", written, first.Line)
			} else {
				d.problem(joinPath(w.file, written), k.Line, "%q and %q (line %d) mean the same: give only one", written, first.Value, first.Line)
			}
			continue
		}
		seen[fi] = k
		f := s.fields[fi]
		child := w.key(f.names[0], written)
		if f.prog != "" {
			child.prog = f.prog
		}
		d.mark(child, k.Line)
		f.set(child, v)
	}
	return true
}

func (s section) lookup(key string) int {
	k := normKey(key)
	for i, f := range s.fields {
		for _, name := range f.names {
			if normKey(name) == k {
				return i
			}
		}
	}
	return -1
}

// suggest returns a hint for an unknown key: where it belongs, or the
// known key it is closest to (typos such as "poinst").
func (s section) suggest(key string) string {
	k := normKey(key)
	if h, ok := s.hints[k]; ok {
		return ": " + h
	}
	best, bestDist := "", 3
	for _, f := range s.fields {
		for _, name := range f.names {
			if dist := editDistance(k, normKey(name)); dist < bestDist && dist < len(k) {
				best, bestDist = f.names[0], dist
			}
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = f.names[0]
	}
	return "; the fields are " + strings.Join(names, ", ")
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// list returns the items of a list. Forgivingly, a single item where a list
// is expected is a list of one, and nothing is an empty list.
func (d *decoder) list(n *yaml.Node) []*yaml.Node {
	if n = d.resolve(n); n == nil || isNull(n) {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		return n.Content
	}
	return []*yaml.Node{n}
}

// text decodes a scalar as trimmed text; nothing ("title:") is "".
func (d *decoder) text(w where, n *yaml.Node) string {
	if n = d.resolve(n); n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(w, n, "want text, not %s", describe(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// texts decodes a list of texts. With commas, a single line such as
// "tags: public, reporting" is split at its commas (prompts are not: a
// sentence has commas).
func (d *decoder) texts(w where, n *yaml.Node, commas bool) []string {
	var out []string
	for i, item := range d.list(n) {
		iw := w.index(i)
		if r := d.resolve(item); commas && r != nil && r.Kind == yaml.ScalarNode && !isNull(r) {
			for _, part := range strings.Split(r.Value, ",") {
				if part = strings.TrimSpace(part); part != "" || !strings.Contains(r.Value, ",") {
					out = append(out, part)
				}
			}
			continue
		}
		d.mark(iw, item.Line)
		out = append(out, d.text(iw, item))
	}
	return out
}

// integer decodes a whole number; "10" in quotes is accepted too.
func (d *decoder) integer(w where, n *yaml.Node) int {
	if n = d.resolve(n); n == nil {
		return 0
	}
	switch {
	case n.Kind != yaml.ScalarNode:
		d.fail(w, n, "want a whole number, not %s", describe(n))
		return 0
	case isNull(n):
		d.fail(w, n, "a whole number is required")
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			d.fail(w, n, "%s is too large", n.Value)
		} else {
			d.fail(w, n, "want a whole number, not %q", n.Value)
		}
		return 0
	}
	return v
}

// hour decodes the day-start hour: 4, or "04:00" on the hour.
func (d *decoder) hour(w where, n *yaml.Node) int {
	r := d.resolve(n)
	if r == nil {
		return 0
	}
	if r.Kind == yaml.ScalarNode && strings.Contains(r.Value, ":") {
		hh, mm, _ := strings.Cut(strings.TrimSpace(r.Value), ":")
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		switch {
		case err1 != nil || err2 != nil || len(mm) != 2:
			d.fail(w, r, "want an hour such as 4 or \"04:00\", not %q", r.Value)
		case m != 0:
			d.fail(w, r, "the day must start on the hour (such as \"04:00\"), not %q", r.Value)
		default:
			return h
		}
		return 0
	}
	return d.integer(w, r)
}

func (d *decoder) date(w where, n *yaml.Node) Date {
	if n = d.resolve(n); n == nil {
		return Date{}
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(w, n, "want a date written YYYY-MM-DD, not %s", describe(n))
		return Date{}
	}
	if isNull(n) {
		return Date{} // Validate says a date is required, with this line.
	}
	v, err := ParseDate(strings.TrimSpace(n.Value))
	if err != nil {
		d.fail(w, n, "want a real date written YYYY-MM-DD (such as 2027-05-03), not %q", n.Value)
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
	for i, item := range d.list(n) {
		iw := w.index(i)
		r := d.resolve(item)
		if r == nil {
			return
		}
		if r.Kind != yaml.ScalarNode || isNull(r) {
			d.fail(iw, r, "want %s, not %s", what, describe(r))
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
		return func(w where, n *yaml.Node) { *dst = d.text(w, n) }
	}
	num := func(dst *int) func(where, *yaml.Node) {
		return func(w where, n *yaml.Node) { *dst = d.integer(w, n) }
	}
	ok := d.mapping(w, root, section{
		what: "the programme",
		fields: []defField{
			{names: []string{"id"}, set: str(&p.ID)},
			{names: []string{"title"}, set: str(&p.Title)},
			{names: []string{"description"}, set: str(&p.Description)},
			{names: []string{"length"}, set: num(&p.Length)},
			{names: []string{"dayStartHour", "dayStart"}, set: func(w where, n *yaml.Node) { p.DayStartHour = d.hour(w, n) }},
			{names: []string{"timeZone"}, set: str(&p.TimeZone)},
			{names: []string{"graceDays"}, set: num(&p.GraceDays)},
			{names: []string{"restDays"}, set: func(w where, n *yaml.Node) { d.restDays(w, n, &p.RestDays) }},
			{names: []string{"activities"}, set: func(w where, n *yaml.Node) { d.activities(w, n, p) }},
			{names: []string{"schedule"}, set: func(w where, n *yaml.Node) { d.schedule(w, n, p) }},
			{names: []string{"cohorts"}, set: func(w where, n *yaml.Node) { d.cohorts(w, n, p) }},
			{names: []string{"points"}, set: func(w where, n *yaml.Node) { d.points(w, n, p) }},
			{names: []string{"freezes"}, set: func(w where, n *yaml.Node) {
				d.mapping(w, n, section{what: "freezes", fields: []defField{
					{names: []string{"earnEvery"}, set: num(&p.Freezes.EarnEvery)},
					{names: []string{"max"}, set: num(&p.Freezes.Max)},
					{names: []string{"initial"}, set: num(&p.Freezes.Initial)},
				}})
			}},
			// Badges are read by package badge (badge.ParseDefinitions)
			// from the same file; the programme itself ignores them.
			{names: []string{"badges"}, set: func(where, *yaml.Node) {}},
			// Boards are read by package leaderboard (leaderboard.ParseSettings)
			// and reflection settings by package reflection
			// (reflection.ParseSettings), from the same file.
			{names: []string{"leaderboards"}, set: func(where, *yaml.Node) {}},
			{names: []string{"reflections"}, set: func(where, *yaml.Node) {}},
		},
		hints: map[string]string{
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
			d.fail(w, n, "want a day of the week such as \"sunday\" or \"Sat\", not %q", s)
		}
	}
	date := func(w where, n *yaml.Node, s string) {
		if v, err := ParseDate(s); err == nil {
			r.Dates = append(r.Dates, v)
		} else {
			d.fail(w, n, "want a real date written YYYY-MM-DD (such as 2027-05-03), not %q", s)
		}
	}
	if rn := d.resolve(n); rn != nil && rn.Kind != yaml.MappingNode {
		// The short form: one list of weekday names and dates, which
		// cannot be confused with each other.
		d.splitScalars(w, rn, "a day of the week or a date", func(w where, n *yaml.Node, s string) {
			if _, ok := parseWeekday(s); ok {
				weekday(w, n, s)
			} else if _, err := ParseDate(s); err == nil {
				date(w, n, s)
			} else {
				d.fail(w, n, "want a day of the week (such as \"sunday\") or a date written YYYY-MM-DD, not %q", s)
			}
		})
		return
	}
	d.mapping(w, n, section{what: "restDays", fields: []defField{
		{names: []string{"weekdays"}, set: func(w where, n *yaml.Node) {
			d.splitScalars(w, n, "a day of the week", weekday)
		}},
		{names: []string{"dates"}, set: func(w where, n *yaml.Node) {
			d.splitScalars(w, n, "a date", date)
		}},
	}})
}

func (d *decoder) activities(w where, n *yaml.Node, p *Programme) {
	for i, item := range d.list(n) {
		iw := w.index(i)
		var a Activity
		d.mapping(iw, item, section{what: "an activity", fields: []defField{
			{names: []string{"id"}, set: func(w where, n *yaml.Node) { a.ID = d.text(w, n) }},
			{names: []string{"title"}, set: func(w where, n *yaml.Node) { a.Title = d.text(w, n) }},
			{names: []string{"instructions"}, set: func(w where, n *yaml.Node) { a.Instructions = d.text(w, n) }},
			{names: []string{"tags"}, set: func(w where, n *yaml.Node) { a.Tags = d.texts(w, n, true) }},
			{names: []string{"points"}, set: func(w where, n *yaml.Node) { a.Points = d.integer(w, n) }},
			{names: []string{"prompts"}, set: func(w where, n *yaml.Node) { a.Prompts = d.texts(w, n, false) }},
			{names: []string{"variations"}, set: func(w where, n *yaml.Node) { a.Variations = d.variations(w, n) }},
		}})
		p.Activities = append(p.Activities, a)
	}
}

func (d *decoder) variations(w where, n *yaml.Node) []Variation {
	var out []Variation
	for i, item := range d.list(n) {
		iw := w.index(i)
		var v Variation
		if r := d.resolve(item); r != nil && r.Kind == yaml.ScalarNode {
			// Forgiving: a bare name is a variation with just an id.
			d.mark(iw, r.Line)
			d.mark(iw.key("id", "id"), r.Line)
			v.ID = d.text(iw.key("id", "id"), r)
		} else {
			d.mapping(iw, item, section{what: "a variation", fields: []defField{
				{names: []string{"id"}, set: func(w where, n *yaml.Node) { v.ID = d.text(w, n) }},
				{names: []string{"title"}, set: func(w where, n *yaml.Node) { v.Title = d.text(w, n) }},
				{names: []string{"context"}, set: func(w where, n *yaml.Node) { v.Context = d.text(w, n) }},
				{names: []string{"prompts"}, set: func(w where, n *yaml.Node) { v.Prompts = d.texts(w, n, false) }},
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
	for i, item := range d.list(n) {
		iw := w.index(i)
		r := d.resolve(item)
		if r == nil {
			return out
		}
		if r.Kind != yaml.ScalarNode || isNull(r) {
			d.fail(iw, r, "want a day number or a range such as 1-5, not %s", describe(r))
			out = append(out, dayAt{line: r.Line})
			continue
		}
		for _, part := range strings.Split(r.Value, ",") {
			out = append(out, d.dayRange(iw, r, strings.TrimSpace(part))...)
		}
	}
	return out
}

func (d *decoder) dayRange(w where, n *yaml.Node, s string) []dayAt {
	lo, hi, isRange := strings.Cut(s, "-")
	if strings.HasPrefix(s, "-") {
		isRange, lo, hi = false, s, s // a negative day, for Validate to name
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(lo))
	to, err2 := from, error(nil)
	if isRange {
		to, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	switch {
	case err1 != nil || err2 != nil:
		d.fail(w, n, "want a day number or a range such as 1-5, not %q", s)
	case to < from:
		d.fail(w, n, "the range %q runs backwards: write the first day first", s)
	case to-from >= MaxLength:
		d.fail(w, n, "the range %q is longer than any programme (%d days)", s, MaxLength)
	default:
		out := make([]dayAt, 0, to-from+1)
		for day := from; day <= to; day++ {
			out = append(out, dayAt{day: day, line: n.Line, ok: true})
		}
		return out
	}
	return []dayAt{{line: n.Line}}
}

// textAt is a text value and its line.
type textAt struct {
	s    string
	line int
}

func (d *decoder) schedule(w where, n *yaml.Node, p *Programme) {
	for i, item := range d.list(n) {
		iw := w.index(i)
		var (
			days            []dayAt
			hasDays         bool
			activity        textAt
			activityBad     bool
			variations      []textAt
			variationsNode  *yaml.Node
			variationsWhere where
		)
		ok := d.mapping(iw, item, section{
			what: "a schedule entry",
			fields: []defField{
				{names: []string{"day", "days"}, set: func(w where, n *yaml.Node) {
					hasDays = true
					days = d.days(w, n)
				}},
				{names: []string{"activity"}, set: func(w where, n *yaml.Node) {
					before := len(d.probs)
					activity = textAt{d.text(w, n), n.Line}
					activityBad = len(d.probs) > before
				}},
				{names: []string{"variation", "variations"}, set: func(w where, n *yaml.Node) {
					variationsNode, variationsWhere = n, w
					for j, v := range d.list(n) {
						variations = append(variations, textAt{d.text(w.index(j), v), v.Line})
					}
				}},
			},
			hints: map[string]string{"activities": `name one activity per entry: "activity: <id>"`},
		})
		if !ok {
			continue
		}
		r := d.resolve(item)
		if r == nil {
			return
		}
		if !hasDays {
			d.fail(iw, r, "say which day (day: 5) or days (days: [3, 10, 17]) the activity is on")
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
			d.fail(variationsWhere, variationsNode, "%d variations for %s: give one variation per day, or one for all of them", len(variations), plural(len(days), "day"))
			variations = nil
		}
		for k, day := range days {
			if !day.ok {
				continue
			}
			if len(p.Schedule) >= 2*MaxLength {
				d.fail(iw, r, "the schedule lists more than %d days", 2*MaxLength)
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
	for i, item := range d.list(n) {
		var c Cohort
		d.mapping(w.index(i), item, section{what: "a cohort", fields: []defField{
			{names: []string{"id"}, set: func(w where, n *yaml.Node) { c.ID = d.text(w, n) }},
			{names: []string{"title"}, set: func(w where, n *yaml.Node) { c.Title = d.text(w, n) }},
			{names: []string{"start"}, set: func(w where, n *yaml.Node) { c.Start = d.date(w, n) }},
		}})
		p.Cohorts = append(p.Cohorts, c)
	}
}

func (d *decoder) points(w where, n *yaml.Node, p *Programme) {
	d.mapping(w, n, section{
		what: "the points section",
		fields: []defField{
			{names: []string{"streakBonuses"}, prog: "streakBonuses", set: func(w where, n *yaml.Node) {
				for i, item := range d.list(n) {
					var b StreakBonus
					d.mapping(w.index(i), item, section{what: "a streak bonus", fields: []defField{
						{names: []string{"streak"}, set: func(w where, n *yaml.Node) { b.Streak = d.integer(w, n) }},
						{names: []string{"points"}, set: func(w where, n *yaml.Node) { b.Points = d.integer(w, n) }},
					}})
					p.StreakBonuses = append(p.StreakBonuses, b)
				}
			}},
			{names: []string{"levels"}, prog: "levels", set: func(w where, n *yaml.Node) {
				for i, item := range d.list(n) {
					var l Level
					d.mapping(w.index(i), item, section{what: "a level", fields: []defField{
						{names: []string{"name"}, set: func(w where, n *yaml.Node) { l.Name = d.text(w, n) }},
						{names: []string{"points"}, set: func(w where, n *yaml.Node) { l.Points = d.integer(w, n) }},
					}})
					p.Levels = append(p.Levels, l)
				}
			}},
		},
		hints: map[string]string{"freezes": "freezes is a section of its own, not part of points"},
	})
}

// adopt turns one of Validate's problems into a problem of the file: it
// finds the line, renames the field to its path in the file, and drops it
// when decoding already reported the same value.
func (d *decoder) adopt(pr problem) {
	e := *pr.err
	if pr.slot >= 0 && pr.slot < len(d.slots) {
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
		d.probs = append(d.probs, &e)
		return
	}
	for p := e.Field; p != ""; p = parentPath(p) {
		if d.bad[p] {
			return
		}
	}
	for p := e.Field; ; p = parentPath(p) {
		if l, ok := d.at[p]; ok {
			rest := e.Field[len(p):]
			if l.field == "" {
				rest = strings.TrimPrefix(rest, ".")
			}
			e.Field, e.Line = l.field+rest, l.line
			break
		}
		if p == "" {
			break
		}
	}
	d.probs = append(d.probs, &e)
}

// slotProblem identifies a problem of a schedule entry for deduplication.
type slotProblem struct {
	entry       int
	sub, reason string
}

// result returns the problems sorted by line.
func (d *decoder) result() ValidationErrors {
	slices.SortStableFunc(d.probs, func(a, b *ValidationError) int { return a.Line - b.Line })
	return d.probs
}

// plural returns "1 day" or "3 days".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

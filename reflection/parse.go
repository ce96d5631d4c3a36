package reflection

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/habitkit/habitkit/challenge"
	yaml "go.yaml.in/yaml/v3"
)

// Defaults for [Settings] fields, used by [DefaultSettings] and by
// [ParseSettings] for keys the file leaves out.
const (
	// DefaultVisibility is the visibility of a reflection whose author
	// chooses none.
	DefaultVisibility = Team
	// DefaultAutoHideAfter is the number of open flags that hide an item
	// automatically.
	DefaultAutoHideAfter = 3
)

// Bounds on [Settings] that keep a definition file from asking for more
// than the engine is prepared to store.
const (
	// MaxAnswerCharsLimit is the largest MaxAnswerChars accepted.
	MaxAnswerCharsLimit = 100_000
	// MaxAnswersLimit is the largest MaxAnswers accepted.
	MaxAnswersLimit = 100
)

// Settings are a programme's rules for reflections, from the top-level
// "reflections" key of its definition file (see [ParseSettings]). Use
// [DefaultSettings] rather than the zero value, whose zero EditWindow and
// AutoHideAfter mean "never" and whose DefaultVisibility is invalid.
type Settings struct {
	// DefaultVisibility is the visibility of a reflection whose author
	// chooses none. Default: team.
	DefaultVisibility Visibility `json:"defaultVisibility"`
	// EditWindow is how long after posting an author may edit a
	// reflection or response. Zero means edits are not allowed. Default:
	// 24 hours.
	EditWindow time.Duration `json:"editWindow"`
	// AutoHideAfter hides an item automatically once this many flags were
	// raised since its last review; 0 never hides automatically.
	// Default: 3.
	AutoHideAfter int `json:"autoHideAfter"`
	// MaxAnswerChars is the longest answer or response, in characters.
	// Default: 4000.
	MaxAnswerChars int `json:"maxAnswerChars"`
	// MaxAnswers is the largest number of answers in one reflection.
	// Default: 10.
	MaxAnswers int `json:"maxAnswers"`
	// Points are the bonuses for reflecting and responding.
	Points Points `json:"points,omitzero"`
}

// Points are the bonus points a programme gives for reflections. The
// engine adds them to the participant's points, so levels follow.
type Points struct {
	// Reflection is given for each reflection written (>= 0).
	Reflection int `json:"reflection,omitempty"`
	// Response is given once for each colleague's reflection responded to,
	// however many responses are written to it; never for responding to
	// one's own reflection (>= 0).
	Response int `json:"response,omitempty"`
}

// DefaultSettings returns the settings of a programme whose definition
// says nothing about reflections.
func DefaultSettings() Settings {
	return Settings{
		DefaultVisibility: DefaultVisibility,
		EditWindow:        DefaultEditWindow,
		AutoHideAfter:     DefaultAutoHideAfter,
		MaxAnswerChars:    DefaultMaxRunes,
		MaxAnswers:        DefaultMaxAnswers,
	}
}

// TextRules returns the text rules the settings imply.
func (s Settings) TextRules() TextRules {
	return TextRules{MaxRunes: s.MaxAnswerChars, MaxAnswers: s.MaxAnswers}
}

// Window returns the edit window as [CanEdit] reads it: EditWindow, or a
// negative duration (never) when EditWindow is zero.
func (s Settings) Window() time.Duration {
	if s.EditWindow == 0 {
		return -1
	}
	return s.EditWindow
}

// Validate checks settings built in Go and reports every problem at once
// as challenge.ValidationErrors, with fields named as in a definition file
// ("reflections.maxAnswers").
func (s Settings) Validate() error {
	var errs challenge.ValidationErrors
	for _, pr := range s.problems() {
		errs = append(errs, &challenge.ValidationError{Field: "reflections." + pr.field, Reason: pr.reason})
	}
	return errs.Err()
}

type settingsProblem struct{ field, reason string }

// problems lists the rules s breaks, by key as written in a file.
func (s Settings) problems() []settingsProblem {
	var out []settingsProblem
	add := func(field, format string, args ...any) {
		out = append(out, settingsProblem{field, fmt.Sprintf(format, args...)})
	}
	if !s.DefaultVisibility.Valid() {
		add("defaultVisibility", "must be private, team or programme")
	}
	if s.EditWindow < 0 {
		add("editWindow", "must not be negative (0 means edits are not allowed)")
	}
	if s.AutoHideAfter < 0 {
		add("autoHideAfter", "must not be negative (0 means never)")
	}
	if s.MaxAnswerChars < 1 || s.MaxAnswerChars > MaxAnswerCharsLimit {
		add("maxAnswerChars", "must be between 1 and %d", MaxAnswerCharsLimit)
	}
	if s.MaxAnswers < 1 || s.MaxAnswers > MaxAnswersLimit {
		add("maxAnswers", "must be between 1 and %d", MaxAnswersLimit)
	}
	if s.Points.Reflection < 0 {
		add("points.reflection", "must not be negative")
	}
	if s.Points.Response < 0 {
		add("points.response", "must not be negative")
	}
	return out
}

// ParseSettings reads the reflection settings of a programme definition
// file (YAML or JSON): the mapping under its top-level "reflections" key.
// Keys left out take their defaults ([DefaultSettings]); a file without the
// key gives the defaults. Other top-level keys belong to the programme and
// its badges and are left to their parsers.
//
//	reflections:
//	  defaultVisibility: team     # private, team or programme
//	  editWindow: 24h             # a Go duration; 0 = no edits
//	  autoHideAfter: 3            # flags; 0 = never
//	  maxAnswerChars: 4000
//	  maxAnswers: 5
//	  points: {reflection: 5, response: 2}
//
// When anything is wrong it returns the defaults and
// [challenge.ValidationErrors] listing every problem at once, sorted by
// line: syntax errors, unknown keys (with a hint), keys given twice,
// values of the wrong type and values out of range. Each problem's Field
// is the path as written in the file ("reflections.points.response").
func ParseSettings(data []byte) (Settings, error) {
	s := DefaultSettings()
	d := &settingsDecoder{}
	root := d.document(data)
	if root == nil {
		return DefaultSettings(), d.probs.Err()
	}
	var first *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := d.resolve(root.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || normKey(k.Value) != "reflections" {
			continue
		}
		if first != nil {
			d.problem("reflections", k.Line, "reflections is given twice (first on line %d)", first.Line)
			continue
		}
		first = k
		d.settings(root.Content[i+1], &s)
	}
	if len(d.probs) > 0 {
		slices.SortStableFunc(d.probs, func(a, b *challenge.ValidationError) int { return a.Line - b.Line })
		return DefaultSettings(), d.probs
	}
	return s, nil
}

// settingsDecoder collects problems instead of stopping at the first, as
// the programme and badge parsers do.
type settingsDecoder struct {
	probs challenge.ValidationErrors
	// lines records where each key was written, so range problems found
	// after decoding name their line.
	lines map[string]int
}

// settingsLine finds the line number in yaml's syntax errors.
var settingsLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (d *settingsDecoder) document(data []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode}
		}
		msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
		if m := settingsLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
			if strings.HasPrefix(msg, "did not find expected") {
				line++ // yaml v3 prints a 0-based line for parser errors
			}
		}
		d.problem("", line, "the file cannot be read: %s", msg)
		return nil
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}
	}
	root := d.resolve(doc.Content[0])
	if root == nil {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.problem("", root.Line, "want the programme written as \"key: value\" lines, not %s", describe(root))
		return nil
	}
	return root
}

func (d *settingsDecoder) problem(field string, line int, format string, args ...any) {
	d.probs = append(d.probs, &challenge.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...), Line: line})
}

func (d *settingsDecoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		d.problem("", 0, "an alias (*name) cannot be followed")
		return nil
	}
	return n
}

// settingsField is one key a mapping accepts.
type settingsField struct {
	name string // canonical spelling; case, spaces, '-' and '_' do not matter
	set  func(field string, n *yaml.Node)
}

// mapping decodes n's keys with fields, reporting unknown and repeated
// keys with a hint.
func (d *settingsDecoder) mapping(path string, n *yaml.Node, what string, fields []settingsField) {
	if n = d.resolve(n); n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.problem(path, n.Line, "want %s written as \"key: value\" lines, not %s", what, describe(n))
		return
	}
	seen := make(map[int]int, len(fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k == nil {
			return
		}
		if k.Kind != yaml.ScalarNode {
			d.problem(path, k.Line, "keys must be plain words, not %s", describe(k))
			continue
		}
		written := strings.TrimSpace(k.Value)
		fi := slices.IndexFunc(fields, func(f settingsField) bool { return normKey(f.name) == normKey(written) })
		if fi < 0 {
			d.problem(path+"."+written, k.Line, "unknown field %q in %s%s", written, what, suggest(written, fields))
			continue
		}
		if line, dup := seen[fi]; dup {
			d.problem(path+"."+written, k.Line, "%q is given twice (first on line %d)", written, line)
			continue
		}
		seen[fi] = k.Line
		fields[fi].set(path+"."+written, v)
	}
}

// suggest returns a hint for an unknown key: the known key it is closest
// to, or the list of keys.
func suggest(key string, fields []settingsField) string {
	k := normKey(key)
	best, bestDist := "", 3
	for _, f := range fields {
		if dist := editDistance(k, normKey(f.name)); dist < bestDist && dist < len(k) {
			best, bestDist = f.name, dist
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return "; the fields are " + strings.Join(names, ", ")
}

func (d *settingsDecoder) settings(n *yaml.Node, s *Settings) {
	if r := d.resolve(n); r != nil && isNull(r) {
		return // "reflections:" with nothing under it: the defaults
	}
	d.mapping("reflections", n, "reflections", []settingsField{
		{"defaultVisibility", func(f string, n *yaml.Node) {
			if t, ok := d.scalar(f, n, "private, team or programme"); ok {
				v, err := ParseVisibility(t)
				if err != nil {
					d.problem(f, n.Line, "want private, team or programme, not %q", t)
					return
				}
				s.DefaultVisibility = v
			}
		}},
		{"editWindow", func(f string, n *yaml.Node) {
			if t, ok := d.scalar(f, n, "a duration such as 24h or 90m"); ok {
				w, err := time.ParseDuration(t)
				if t == "0" {
					w, err = 0, nil
				}
				switch {
				case err != nil:
					d.problem(f, n.Line, "want a duration such as 24h, 90m or 0 (no edits), not %q", t)
				case w < 0:
					d.problem(f, n.Line, "must not be negative (0 means edits are not allowed)")
				default:
					s.EditWindow = w
				}
			}
		}},
		{"autoHideAfter", func(f string, n *yaml.Node) {
			if v, ok := d.integer(f, n); ok {
				if v < 0 {
					d.problem(f, n.Line, "must not be negative (0 means never)")
					return
				}
				s.AutoHideAfter = v
			}
		}},
		{"maxAnswerChars", func(f string, n *yaml.Node) {
			if v, ok := d.integer(f, n); ok {
				if v < 1 || v > MaxAnswerCharsLimit {
					d.problem(f, n.Line, "must be between 1 and %d, not %d", MaxAnswerCharsLimit, v)
					return
				}
				s.MaxAnswerChars = v
			}
		}},
		{"maxAnswers", func(f string, n *yaml.Node) {
			if v, ok := d.integer(f, n); ok {
				if v < 1 || v > MaxAnswersLimit {
					d.problem(f, n.Line, "must be between 1 and %d, not %d", MaxAnswersLimit, v)
					return
				}
				s.MaxAnswers = v
			}
		}},
		{"points", func(f string, n *yaml.Node) {
			d.mapping(f, n, "points", []settingsField{
				{"reflection", func(f string, n *yaml.Node) { d.points(f, n, &s.Points.Reflection) }},
				{"response", func(f string, n *yaml.Node) { d.points(f, n, &s.Points.Response) }},
			})
		}},
	})
}

func (d *settingsDecoder) points(f string, n *yaml.Node, dst *int) {
	if v, ok := d.integer(f, n); ok {
		if v < 0 {
			d.problem(f, n.Line, "must not be negative")
			return
		}
		*dst = v
	}
}

// scalar returns n's trimmed text; want describes the expected value.
func (d *settingsDecoder) scalar(f string, n *yaml.Node, want string) (string, bool) {
	if n = d.resolve(n); n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.problem(f, n.Line, "want %s, not %s", want, describe(n))
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (d *settingsDecoder) integer(f string, n *yaml.Node) (int, bool) {
	t, ok := d.scalar(f, n, "a whole number")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(t)
	if err != nil {
		d.problem(f, n.Line, "want a whole number, not %q", t)
		return 0, false
	}
	return v, true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return `a set of "key: value" lines`
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// normKey makes key spelling forgiving, as the programme parser does:
// case, spaces, '-' and '_' do not matter.
func normKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r != ' ' && r != '-' && r != '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
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

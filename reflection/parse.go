package reflection

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/defyaml"
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
	// The walk is two mappings deep whatever the aliases, so it needs no
	// bound on the nodes visited.
	d := &settingsDecoder{defyaml.New(data, defyaml.Options{Suggest: true})}
	root := d.Root("the programme")
	if root != nil {
		reflections := func(*yaml.Node) string { return "reflections" }
		d.TopLevel(root, "reflections", reflections, func(_, v *yaml.Node) { d.settings(v, &s) })
	}
	if d.Count() > 0 {
		return DefaultSettings(), challenge.ValidationErrors(defyaml.Sorted[challenge.ValidationError](d.Decoder))
	}
	return s, nil
}

// settingsDecoder collects problems instead of stopping at the first, as
// the programme and badge parsers do.
type settingsDecoder struct{ *defyaml.Decoder }

// settingsField is one key a mapping accepts: its Set gets the path of the
// value, whose File names it in problems.
type settingsField = defyaml.Field

// mapping decodes n's keys with fields, reporting unknown and repeated
// keys with a hint. Nothing ("points:") leaves every key to its default.
func (d *settingsDecoder) mapping(p defyaml.Path, n *yaml.Node, what string, fields []settingsField) {
	if r := d.Resolve(n); r == nil || defyaml.IsNull(r) {
		return
	}
	d.Mapping(p, n, defyaml.Section{What: what, Fields: fields})
}

func (d *settingsDecoder) settings(n *yaml.Node, s *Settings) {
	d.mapping(defyaml.Path{Prog: "reflections", File: "reflections"}, n, "reflections", []settingsField{
		{Names: []string{"defaultVisibility"}, Set: func(p defyaml.Path, n *yaml.Node) {
			if t, ok := d.scalar(p, n, "private, team or programme"); ok {
				v, err := ParseVisibility(t)
				if err != nil {
					d.Problem(p.File, n.Line, "want private, team or programme, not %q", t)
					return
				}
				s.DefaultVisibility = v
			}
		}},
		{Names: []string{"editWindow"}, Set: func(p defyaml.Path, n *yaml.Node) {
			if t, ok := d.scalar(p, n, "a duration such as 24h or 90m"); ok {
				w, err := time.ParseDuration(t)
				if t == "0" {
					w, err = 0, nil
				}
				switch {
				case err != nil:
					d.Problem(p.File, n.Line, "want a duration such as 24h, 90m or 0 (no edits), not %q", t)
				case w < 0:
					d.Problem(p.File, n.Line, "must not be negative (0 means edits are not allowed)")
				default:
					s.EditWindow = w
				}
			}
		}},
		{Names: []string{"autoHideAfter"}, Set: func(p defyaml.Path, n *yaml.Node) {
			d.bounded(p, n, 0, -1, "must not be negative (0 means never)", &s.AutoHideAfter)
		}},
		{Names: []string{"maxAnswerChars"}, Set: func(p defyaml.Path, n *yaml.Node) {
			d.bounded(p, n, 1, MaxAnswerCharsLimit, "", &s.MaxAnswerChars)
		}},
		{Names: []string{"maxAnswers"}, Set: func(p defyaml.Path, n *yaml.Node) {
			d.bounded(p, n, 1, MaxAnswersLimit, "", &s.MaxAnswers)
		}},
		{Names: []string{"points"}, Set: func(p defyaml.Path, n *yaml.Node) {
			d.mapping(p, n, "points", []settingsField{
				{Names: []string{"reflection"}, Set: func(p defyaml.Path, n *yaml.Node) {
					d.bounded(p, n, 0, -1, "must not be negative", &s.Points.Reflection)
				}},
				{Names: []string{"response"}, Set: func(p defyaml.Path, n *yaml.Node) {
					d.bounded(p, n, 0, -1, "must not be negative", &s.Points.Response)
				}},
			})
		}},
	})
}

// bounded decodes a whole number from lo to hi (no upper bound when hi is
// negative) into *dst. A number out of range is reported as tooSmall when
// that is set and the number is below lo, else as "must be between".
func (d *settingsDecoder) bounded(p defyaml.Path, n *yaml.Node, lo, hi int, tooSmall string, dst *int) {
	v, ok := d.integer(p, n)
	switch {
	case !ok:
	case v < lo && tooSmall != "":
		d.Problem(p.File, n.Line, "%s", tooSmall)
	case v < lo || hi >= 0 && v > hi:
		d.Problem(p.File, n.Line, "must be between %d and %d, not %d", lo, hi, v)
	default:
		*dst = v
	}
}

// scalar returns n's trimmed text; want describes the expected value.
func (d *settingsDecoder) scalar(p defyaml.Path, n *yaml.Node, want string) (string, bool) {
	if n = d.Resolve(n); n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || defyaml.IsNull(n) {
		d.Problem(p.File, n.Line, "want %s, not %s", want, defyaml.Describe(n))
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (d *settingsDecoder) integer(p defyaml.Path, n *yaml.Node) (int, bool) {
	t, ok := d.scalar(p, n, "a whole number")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(t)
	if err != nil {
		d.Problem(p.File, n.Line, "want a whole number, not %q", t)
		return 0, false
	}
	return v, true
}

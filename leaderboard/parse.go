package leaderboard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/defyaml"
	yaml "go.yaml.in/yaml/v3"
)

// ParseSettings reads the leaderboards of a programme definition file (YAML
// or JSON): the section under its top-level "leaderboards" key (see
// "Definition files" in the package documentation). Other top-level keys
// belong to the programme and its badges and are left to
// [challenge.ParseDefinition] and badge.ParseDefinitions; a file without
// the key gives the zero Settings (no boards, opted-out people hidden) and
// a nil error.
//
// When anything is wrong it returns the zero Settings and
// [challenge.ValidationErrors] listing every problem at once, sorted by
// line: syntax errors, unknown keys (with a suggestion for typos), keys
// given twice, values of the wrong type, unknown names, and every rule
// [Validate] checks without a programme. Each problem's Line is set and its
// Field is the path as written in the file
// ("leaderboards.boards[2].metric"). Call [Validate] with the programme
// afterwards for the rules that need it.
func ParseSettings(data []byte) (Settings, error) {
	d := &decoder{defyaml.New(data, defyaml.Options{MaxVisits: maxVisits, MergeKeys: true, Suggest: true})}
	root := d.Root("the programme")
	if root == nil {
		return Settings{}, d.result()
	}
	var s Settings
	written := func(k *yaml.Node) string { return strings.TrimSpace(k.Value) }
	d.TopLevel(root, "leaderboards", written, func(k, v *yaml.Node) {
		p := path{Prog: "leaderboards", File: written(k)}
		d.Mark(p, k.Line)
		s = d.settings(p, v)
		names := make([]string, len(s.Boards))
		for j := range names {
			names[j] = indexName(j)
		}
		ref := func(j int) string {
			file, line, _ := d.Place(indexName(j))
			return fmt.Sprintf("the board at %s (line %d)", file, line)
		}
		for _, pr := range check(s, nil, names, ref) {
			d.Adopt(pr.Field, pr.Reason)
		}
	})
	if d.Count() > 0 {
		return Settings{}, d.result()
	}
	return s, nil
}

// decoder turns the leaderboards section into Settings, collecting
// problems instead of stopping at the first. It marks the path of each
// value as Validate names it with its place in the file, so that
// Validate's problems can be reported with lines and the names written in
// the file.
type decoder struct{ *defyaml.Decoder }

// maxVisits bounds the nodes the decoder visits, against alias bombs.
const maxVisits = 100_000

// path is a value's path as Validate names it (Prog) and as written in the
// file (File).
type path = defyaml.Path

// field is one key a mapping accepts; the first of its Names is the
// canonical one and Validate's.
type field = defyaml.Field

// section describes a mapping in the file.
type section = defyaml.Section

// name decodes one of e's names; nothing gives the default (0).
func (d *decoder) name(p path, n *yaml.Node, e enum) int {
	r := d.Resolve(n)
	if r == nil {
		return 0
	}
	if r.Kind != yaml.ScalarNode {
		d.Fail(p, r, "want %s, not %s", e.choices(), defyaml.Describe(r))
		return 0
	}
	v, err := e.parse(d.Text(p, r))
	var ve *challenge.ValidationError
	if errors.As(err, &ve) {
		d.Fail(p, r, "%s", ve.Reason)
	}
	return v
}

// boardFields are the keys of a board, canonical spelling first.
var boardFields = []string{"id", "title", "subject", "scope", "period", "metric", "ranking", "aggregation", "lateJoiners"}

func (d *decoder) settings(p path, n *yaml.Node) Settings {
	var s Settings
	r := d.Resolve(n)
	if r == nil || defyaml.IsNull(r) {
		return s
	}
	if r.Kind == yaml.SequenceNode {
		// "leaderboards:" followed straight by the list: the boards.
		s.Boards = d.boards(path{Prog: p.Prog + ".boards", File: p.File}, r)
		return s
	}
	hints := make(map[string]string, len(boardFields))
	for _, f := range boardFields {
		hints[defyaml.NormKey(f)] = f + " belongs to a board: list the boards under boards:, each starting with \"- id:\""
	}
	d.Mapping(p, r, section{
		What: "leaderboards",
		Fields: []field{
			{Names: []string{"optOut", "optedOut"}, Set: func(p path, n *yaml.Node) { s.OptOut = OptOut(d.name(p, n, optOutEnum)) }},
			{Names: []string{"boards"}, Set: func(p path, n *yaml.Node) { s.Boards = d.boards(p, n) }},
		},
		Hints: hints,
	})
	return s
}

func (d *decoder) boards(p path, n *yaml.Node) []Board {
	r := d.Resolve(n)
	if r == nil || defyaml.IsNull(r) {
		return nil
	}
	if r.Kind != yaml.SequenceNode {
		d.Fail(p, r, "want a list of boards, each starting with \"- id:\", not %s", defyaml.Describe(r))
		return nil
	}
	var boards []Board
	for i, item := range r.Content {
		bp := p.Index(i)
		var b Board
		enumField := func(key string, e enum, dst func(int)) field {
			return field{Names: []string{key}, Set: func(p path, n *yaml.Node) { dst(d.name(p, n, e)) }}
		}
		d.Mapping(bp, item, section{
			What: "a board",
			Fields: []field{
				{Names: []string{"id"}, Set: func(p path, n *yaml.Node) { b.ID = d.Text(p, n) }},
				{Names: []string{"title", "name"}, Set: func(p path, n *yaml.Node) { b.Title = d.Text(p, n) }},
				enumField("subject", subjectEnum, func(v int) { b.Subject = Subject(v) }),
				enumField("scope", scopeEnum, func(v int) { b.Scope = Scope(v) }),
				enumField("period", periodEnum, func(v int) { b.Period = Period(v) }),
				enumField("metric", metricEnum, func(v int) { b.Metric = Metric(v) }),
				enumField("ranking", rankingEnum, func(v int) { b.Ranking = Ranking(v) }),
				enumField("aggregation", aggregationEnum, func(v int) { b.Aggregation = Aggregation(v) }),
				enumField("lateJoiners", lateJoinersEnum, func(v int) { b.LateJoiners = LateJoiners(v) }),
			},
			Hints: map[string]string{
				"optout": "optOut is set once for all boards, in the leaderboards section",
			},
		})
		boards = append(boards, b)
	}
	return boards
}

func (d *decoder) result() challenge.ValidationErrors {
	return defyaml.Sorted[challenge.ValidationError](d.Decoder)
}

package leaderboard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
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
	d := &decoder{data: data, at: make(map[string]loc), bad: make(map[string]bool)}
	root := d.document()
	if root == nil {
		return Settings{}, d.result()
	}
	var (
		found *yaml.Node
		s     Settings
	)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := d.resolve(root.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || normValue(k.Value) != "leaderboards" {
			continue
		}
		if found != nil {
			d.problem(strings.TrimSpace(k.Value), k.Line, "leaderboards is given twice (first on line %d)", found.Line)
			continue
		}
		found = k
		p := path{"leaderboards", strings.TrimSpace(k.Value)}
		d.mark(p.prog, p.file, k.Line)
		s = d.settings(p, root.Content[i+1])
		names := make([]string, len(s.Boards))
		for j := range names {
			names[j] = indexName(j)
		}
		ref := func(j int) string {
			l := d.at[indexName(j)]
			return fmt.Sprintf("the board at %s (line %d)", l.field, l.line)
		}
		for _, pr := range check(s, nil, names, ref) {
			d.adopt(pr)
		}
	}
	if len(d.probs) > 0 {
		return Settings{}, d.result()
	}
	return s, nil
}

// loc is where a value sits in the file: its path as written and its line.
type loc struct {
	field string
	line  int
}

// decoder turns the leaderboards section into Settings, collecting
// problems instead of stopping at the first. at maps the path of each
// value as Validate names it to its place in the file, so that Validate's
// problems can be reported with lines and the names written in the file.
type decoder struct {
	data   []byte
	probs  challenge.ValidationErrors
	at     map[string]loc
	bad    map[string]bool // paths whose value could not be decoded
	visits int
	tooBig bool
}

// maxVisits bounds the nodes the decoder visits, against alias bombs.
const maxVisits = 100_000

// yamlLine finds the line number in yaml's syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are yaml's parser messages, for which yaml v3 prints
// a 0-based line (see the same table in package challenge).
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected <document start>": true,
}

func (d *decoder) document() *yaml.Node {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(d.data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode} // empty: no boards
		}
		msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
			if yamlParserProblems[msg] {
				line++
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

func (d *decoder) problem(field string, line int, format string, args ...any) {
	d.probs = append(d.probs, &challenge.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...), Line: line})
}

// fail records that the value at p (node n) could not be decoded;
// Validate's problems at or under p are then dropped, since they would
// only repeat this one.
func (d *decoder) fail(p path, n *yaml.Node, format string, args ...any) {
	d.problem(p.file, n.Line, format, args...)
	d.bad[p.prog] = true
}

func (d *decoder) mark(prog, file string, line int) {
	if _, ok := d.at[prog]; !ok {
		d.at[prog] = loc{file, line}
	}
}

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

// path is a value's path as Validate names it (prog) and as written in the
// file (file).
type path struct{ prog, file string }

func (p path) key(prog, file string) path { return path{p.prog + "." + prog, p.file + "." + file} }

func (p path) index(i int) path {
	s := "[" + strconv.Itoa(i) + "]"
	return path{p.prog + s, p.file + s}
}

// field is one key a mapping accepts.
type field struct {
	names []string // accepted spellings; the first is canonical and Validate's
	set   func(p path, n *yaml.Node)
}

// section describes a mapping in the file.
type section struct {
	what   string
	fields []field
	// hints explain unknown keys that belong elsewhere, by normalised key.
	hints map[string]string
}

// mapping decodes n as the section s, reporting unknown keys (suggesting
// the key meant) and keys given twice; it returns false when n is not a
// mapping at all.
func (d *decoder) mapping(p path, n *yaml.Node, s section) bool {
	if n = d.resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.fail(p, n, "want %s written as \"key: value\" lines, not %s", s.what, describe(n))
		return false
	}
	d.mark(p.prog, p.file, n.Line)
	seen := make(map[int]*yaml.Node, len(s.fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k == nil {
			return true
		}
		if k.Kind != yaml.ScalarNode {
			d.problem(p.file, k.Line, "keys must be plain words, not %s", describe(k))
			continue
		}
		written := strings.TrimSpace(k.Value)
		if k.ShortTag() == "!!merge" {
			d.problem(p.file, k.Line, "merge keys (<<) are not supported: write the fields out")
			continue
		}
		fi := slices.IndexFunc(s.fields, func(f field) bool {
			return slices.ContainsFunc(f.names, func(name string) bool { return normValue(name) == normValue(written) })
		})
		if fi < 0 {
			d.problem(p.file+"."+written, k.Line, "unknown field %q in %s%s", written, s.what, s.suggest(written))
			continue
		}
		if first, dup := seen[fi]; dup {
			if normValue(first.Value) == normValue(written) {
				d.problem(p.file+"."+written, k.Line, "%q is given twice (first on line %d)", written, first.Line)
			} else {
				d.problem(p.file+"."+written, k.Line, "%q and %q (line %d) mean the same: give only one", written, first.Value, first.Line)
			}
			continue
		}
		seen[fi] = k
		child := p.key(s.fields[fi].names[0], written)
		d.mark(child.prog, child.file, k.Line)
		s.fields[fi].set(child, v)
	}
	return true
}

// suggest returns a hint for an unknown key: where it belongs, or the
// known key it is closest to (typos such as "metirc").
func (s section) suggest(key string) string {
	k := normValue(key)
	if h, ok := s.hints[k]; ok {
		return ": " + h
	}
	best, bestDist := "", 3
	for _, f := range s.fields {
		for _, name := range f.names {
			if dist := editDistance(k, normValue(name)); dist < bestDist && dist < len(k) {
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

// list returns a list's items; a single item is a list of one.
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
func (d *decoder) text(p path, n *yaml.Node) string {
	if n = d.resolve(n); n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(p, n, "want text, not %s", describe(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// name decodes one of e's names; nothing gives the default (0).
func (d *decoder) name(p path, n *yaml.Node, e enum) int {
	r := d.resolve(n)
	if r == nil {
		return 0
	}
	if r.Kind != yaml.ScalarNode {
		d.fail(p, r, "want %s, not %s", e.choices(), describe(r))
		return 0
	}
	v, err := e.parse(d.text(p, r))
	var ve *challenge.ValidationError
	if errors.As(err, &ve) {
		d.fail(p, r, "%s", ve.Reason)
	}
	return v
}

// boardFields are the keys of a board, canonical spelling first.
var boardFields = []string{"id", "title", "subject", "scope", "period", "metric", "ranking", "aggregation", "lateJoiners"}

func (d *decoder) settings(p path, n *yaml.Node) Settings {
	var s Settings
	r := d.resolve(n)
	if r == nil || isNull(r) {
		return s
	}
	if r.Kind == yaml.SequenceNode {
		// "leaderboards:" followed straight by the list: the boards.
		s.Boards = d.boards(path{p.prog + ".boards", p.file}, r)
		return s
	}
	hints := make(map[string]string, len(boardFields))
	for _, f := range boardFields {
		hints[normValue(f)] = f + " belongs to a board: list the boards under boards:, each starting with \"- id:\""
	}
	d.mapping(p, r, section{
		what: "leaderboards",
		fields: []field{
			{names: []string{"optOut", "optedOut"}, set: func(p path, n *yaml.Node) { s.OptOut = OptOut(d.name(p, n, optOutEnum)) }},
			{names: []string{"boards"}, set: func(p path, n *yaml.Node) { s.Boards = d.boards(p, n) }},
		},
		hints: hints,
	})
	return s
}

func (d *decoder) boards(p path, n *yaml.Node) []Board {
	r := d.resolve(n)
	if r == nil || isNull(r) {
		return nil
	}
	if r.Kind != yaml.SequenceNode {
		d.fail(p, r, "want a list of boards, each starting with \"- id:\", not %s", describe(r))
		return nil
	}
	var boards []Board
	for i, item := range r.Content {
		bp := p.index(i)
		var b Board
		enumField := func(key string, e enum, dst func(int)) field {
			return field{names: []string{key}, set: func(p path, n *yaml.Node) { dst(d.name(p, n, e)) }}
		}
		d.mapping(bp, item, section{
			what: "a board",
			fields: []field{
				{names: []string{"id"}, set: func(p path, n *yaml.Node) { b.ID = d.text(p, n) }},
				{names: []string{"title", "name"}, set: func(p path, n *yaml.Node) { b.Title = d.text(p, n) }},
				enumField("subject", subjectEnum, func(v int) { b.Subject = Subject(v) }),
				enumField("scope", scopeEnum, func(v int) { b.Scope = Scope(v) }),
				enumField("period", periodEnum, func(v int) { b.Period = Period(v) }),
				enumField("metric", metricEnum, func(v int) { b.Metric = Metric(v) }),
				enumField("ranking", rankingEnum, func(v int) { b.Ranking = Ranking(v) }),
				enumField("aggregation", aggregationEnum, func(v int) { b.Aggregation = Aggregation(v) }),
				enumField("lateJoiners", lateJoinersEnum, func(v int) { b.LateJoiners = LateJoiners(v) }),
			},
			hints: map[string]string{
				"optout": "optOut is set once for all boards, in the leaderboards section",
			},
		})
		boards = append(boards, b)
	}
	return boards
}

// adopt turns one of Validate's problems into a problem of the file: it
// finds the value's line and its path as written, and drops the problem
// when decoding already reported that value.
func (d *decoder) adopt(pr challenge.ValidationError) {
	for p := pr.Field; p != ""; p = parentPath(p) {
		if d.bad[p] {
			return
		}
	}
	for p := pr.Field; p != ""; p = parentPath(p) {
		if l, ok := d.at[p]; ok {
			pr.Field, pr.Line = l.field+pr.Field[len(p):], l.line
			break
		}
	}
	d.probs = append(d.probs, &pr)
}

// parentPath strips the last ".name" or "[i]" from path.
func parentPath(path string) string {
	i := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
	if i < 0 {
		return ""
	}
	return path[:i]
}

func (d *decoder) result() challenge.ValidationErrors {
	slices.SortStableFunc(d.probs, func(a, b *challenge.ValidationError) int { return a.Line - b.Line })
	return d.probs
}

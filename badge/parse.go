package badge

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

// ParseDefinitions reads the badges of a programme definition file (YAML
// or JSON): the list under its top-level "badges" key (see "Definition
// files" in the package documentation). Other top-level keys belong to the
// programme and are left to [challenge.ParseDefinition]; a file without
// badges gives none.
//
// When anything is wrong it returns nil and [challenge.ValidationErrors]
// listing every problem at once, sorted by line: syntax errors, unknown
// keys, keys given twice, values of the wrong type, and every rule
// [Validate] checks without a programme. Each problem's Line is set and its
// Field is the path as written in the file ("badges[3].criterion.streak").
// Call [Validate] with the programme afterwards for the rules that need it
// (tags, days and weeks inside the programme).
func ParseDefinitions(data []byte) ([]Definition, error) {
	d := &decoder{data: data, at: make(map[string]loc), bad: make(map[string]bool)}
	root := d.document()
	if root == nil {
		return nil, d.result()
	}
	var (
		badges *yaml.Node
		defs   []Definition
	)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := d.resolve(root.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || normKey(k.Value) != "badges" {
			continue
		}
		if badges != nil {
			d.problem("badges", k.Line, "badges is given twice (first on line %d)", badges.Line)
			continue
		}
		badges = k
		d.mark("badges", "badges", k.Line)
		defs = d.badges(root.Content[i+1])
		for _, pr := range check(defs, nil) {
			d.adopt(pr)
		}
	}
	if len(d.probs) > 0 {
		return nil, d.result()
	}
	return defs, nil
}

// loc is where a value sits in the file: its path as written and its line.
type loc struct {
	field string
	line  int
}

// decoder turns the badges list into Definitions, collecting problems
// instead of stopping at the first. at maps the Go path of each value
// (the Fields Validate uses) to its place in the file, so Validate's
// problems can be reported with lines and file names.
type decoder struct {
	data   []byte
	probs  challenge.ValidationErrors
	at     map[string]loc
	bad    map[string]bool // Go paths whose value could not be decoded
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
			return &yaml.Node{Kind: yaml.MappingNode} // empty: no badges
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

// fail records that the value at Go path prog (file path file, node n)
// could not be decoded; Validate's problems about it are then dropped.
func (d *decoder) fail(prog, file string, n *yaml.Node, format string, args ...any) {
	d.problem(file, n.Line, format, args...)
	d.bad[prog] = true
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

// normKey makes key spelling forgiving, as package challenge does: case,
// spaces, '-' and '_' do not matter.
func normKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r != ' ' && r != '-' && r != '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// path is a value's Go path (prog) and its path as written (file).
type path struct{ prog, file string }

func (p path) key(prog, file string) path { return path{p.prog + "." + prog, p.file + "." + file} }

func (p path) index(i int) path {
	s := "[" + strconv.Itoa(i) + "]"
	return path{p.prog + s, p.file + s}
}

// field is one key a mapping accepts.
type field struct {
	names []string // accepted spellings; the first is canonical
	prog  string   // the Go field name, for paths
	set   func(p path, n *yaml.Node)
}

// mapping decodes n's keys with fields, reporting unknown and repeated
// keys; it returns false when n is not a mapping at all.
func (d *decoder) mapping(p path, n *yaml.Node, what string, fields []field) bool {
	if n = d.resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.fail(p.prog, p.file, n, "want %s written as \"key: value\" lines, not %s", what, describe(n))
		return false
	}
	d.mark(p.prog, p.file, n.Line)
	seen := make(map[int]*yaml.Node, len(fields))
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
		fi := slices.IndexFunc(fields, func(f field) bool {
			return slices.ContainsFunc(f.names, func(name string) bool { return normKey(name) == normKey(written) })
		})
		if fi < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.names[0]
			}
			d.problem(p.file+"."+written, k.Line, "unknown field %q in %s; the fields are %s", written, what, strings.Join(names, ", "))
			continue
		}
		if first, dup := seen[fi]; dup {
			d.problem(p.file+"."+written, k.Line, "%q is given twice (first on line %d)", written, first.Line)
			continue
		}
		seen[fi] = k
		child := p.key(fields[fi].prog, written)
		d.mark(child.prog, child.file, k.Line)
		fields[fi].set(child, v)
	}
	return true
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

func (d *decoder) text(p path, n *yaml.Node) string {
	if n = d.resolve(n); n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(p.prog, p.file, n, "want text, not %s", describe(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// integer decodes a whole number; nothing ("streak:") gives 0, a count
// left to the tiers (Validate reports it when there are none).
func (d *decoder) integer(p path, n *yaml.Node) int {
	if n = d.resolve(n); n == nil || isNull(n) {
		return 0
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(p.prog, p.file, n, "want a whole number, not %s", describe(n))
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil {
		d.fail(p.prog, p.file, n, "want a whole number, not %q", n.Value)
		return 0
	}
	return v
}

func (d *decoder) boolean(p path, n *yaml.Node) bool {
	if n = d.resolve(n); n == nil {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(strings.TrimSpace(n.Value)) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off", "":
			return false
		}
	}
	d.fail(p.prog, p.file, n, "want yes or no, not %s", describe(n))
	return false
}

func (d *decoder) badges(n *yaml.Node) []Definition {
	r := d.resolve(n)
	if r == nil {
		return nil
	}
	if r.Kind != yaml.SequenceNode && !isNull(r) {
		d.fail("badges", "badges", r, "want a list of badges, each starting with \"- id:\", not %s", describe(r))
		return nil
	}
	var defs []Definition
	for i, item := range d.list(r) {
		p := path{"badges", "badges"}.index(i)
		var def Definition
		d.mapping(p, item, "a badge", []field{
			{names: []string{"id"}, prog: "id", set: func(p path, n *yaml.Node) { def.ID = d.text(p, n) }},
			{names: []string{"name", "title"}, prog: "name", set: func(p path, n *yaml.Node) { def.Name = d.text(p, n) }},
			{names: []string{"description"}, prog: "description", set: func(p path, n *yaml.Node) { def.Description = d.text(p, n) }},
			{names: []string{"image", "imageURL"}, prog: "imageURL", set: func(p path, n *yaml.Node) { def.ImageURL = d.text(p, n) }},
			{names: []string{"hidden"}, prog: "hidden", set: func(p path, n *yaml.Node) { def.Hidden = d.boolean(p, n) }},
			{names: []string{"repeat", "repeats"}, prog: "repeat", set: func(p path, n *yaml.Node) { def.Repeat = d.repeat(p, n) }},
			{names: []string{"tiers"}, prog: "tiers", set: func(p path, n *yaml.Node) { def.Tiers = d.tiers(p, n) }},
			{names: []string{"criterion", "earnedBy"}, prog: "criterion", set: func(p path, n *yaml.Node) { def.Criterion = d.criterion(p, n) }},
		})
		if r := d.resolve(item); r != nil {
			// A missing criterion is reported at the badge.
			d.mark(p.prog+".criterion", p.file+".criterion", r.Line)
		}
		defs = append(defs, def)
	}
	return defs
}

func (d *decoder) repeat(p path, n *yaml.Node) Repeat {
	switch s := normKey(d.text(p, n)); s {
	case "", "once", "no", "false":
		return Once
	case "daily", "eachday", "everyday", "yes", "true":
		// "repeat: yes" reads naturally, and once per day is the only
		// repetition there is.
		return Daily
	}
	d.fail(p.prog, p.file, n, "want once or daily, not %q", n.Value)
	return Once
}

func (d *decoder) tiers(p path, n *yaml.Node) []Tier {
	var out []Tier
	for i, item := range d.list(n) {
		var t Tier
		d.mapping(p.index(i), item, "a tier", []field{
			{names: []string{"name"}, prog: "name", set: func(p path, n *yaml.Node) { t.Name = d.text(p, n) }},
			{names: []string{"at", "threshold"}, prog: "threshold", set: func(p path, n *yaml.Node) {
				t.Threshold = d.integer(p, n)
				if r := d.resolve(n); r != nil && isNull(r) {
					d.fail(p.prog, p.file, r, "say at what number the tier is reached")
				}
			}},
		})
		out = append(out, t)
	}
	return out
}

// scalarKinds are the criteria that can be written as one word.
var scalarKinds = map[string]Kind{
	"completions":       Completions,
	"streak":            Streak,
	"programmecomplete": ProgrammeComplete,
	"alldays":           ProgrammeComplete,
	"firstcompletion":   FirstCompletion,
	"daycompleted":      DayCompleted,
	"reflections":       Reflections,
	"responses":         Responses,
	"reactions":         ReactionsReceived,
	"reactionsreceived": ReactionsReceived,
}

func (d *decoder) criterion(p path, n *yaml.Node) Criterion {
	var c Criterion
	r := d.resolve(n)
	if r == nil {
		return c
	}
	if r.Kind == yaml.ScalarNode && !isNull(r) {
		k, ok := scalarKinds[normKey(r.Value)]
		if !ok {
			d.fail(p.prog, p.file, r, "unknown criterion %q: write one of completions, streak, day-completed, first-completion, programme-complete, reflections, responses, reactions, or a set such as {completions: 5, tag: app}", r.Value)
		}
		c.Kind = k
		return c
	}
	if isNull(r) {
		return c // Validate says what is missing.
	}
	var kindKey *yaml.Node
	kind := func(k Kind) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			if kindKey != nil {
				d.fail(p.prog, p.file, n, "a criterion has one kind, and this one is already %v (line %d): use allOf or anyOf to combine criteria", c.Kind, kindKey.Line)
				return
			}
			kindKey = n
			c.Kind = k
		}
	}
	count := func(k Kind) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			kind(k)(p, n)
			c.Count = d.integer(p, n)
		}
	}
	parts := func(k Kind, dst *[]Criterion) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			kind(k)(p, n)
			for i, item := range d.list(n) {
				ip := p.index(i)
				if r := d.resolve(item); r != nil {
					d.mark(ip.prog, ip.file, r.Line)
				}
				*dst = append(*dst, d.criterion(ip, item))
			}
		}
	}
	word := func(k Kind, want string) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			kind(k)(p, n)
			if normKey(d.text(p, n)) != want {
				d.fail(p.prog, p.file, n, "want %q here, not %s", want, describe(n))
			}
		}
	}
	before := len(d.probs)
	d.mapping(p, r, "a criterion", []field{
		{names: []string{"completions"}, prog: "count", set: count(Completions)},
		{names: []string{"streak"}, prog: "count", set: count(Streak)},
		{names: []string{"reflections"}, prog: "count", set: count(Reflections)},
		{names: []string{"responses"}, prog: "count", set: count(Responses)},
		{names: []string{"reactions", "reactionsReceived"}, prog: "count", set: count(ReactionsReceived)},
		{names: []string{"tag"}, prog: "tag", set: func(p path, n *yaml.Node) { c.Tag = d.text(p, n) }},
		{names: []string{"days", "day"}, prog: "days", set: func(p path, n *yaml.Node) {
			kind(DaysCompleted)(p, n)
			c.Days = d.days(p, n)
		}},
		{names: []string{"week"}, prog: "week", set: func(p path, n *yaml.Node) {
			kind(WeekComplete)(p, n)
			c.Week = d.integer(p, n)
		}},
		{names: []string{"programme", "program"}, prog: "kind", set: word(ProgrammeComplete, "complete")},
		{names: []string{"first"}, prog: "kind", set: word(FirstCompletion, "completion")},
		{names: []string{"top", "position"}, prog: "position", set: func(p path, n *yaml.Node) {
			kind(FinalPosition)(p, n)
			c.Position = d.integer(p, n)
		}},
		{names: []string{"allOf", "all"}, prog: "all", set: parts(AllOf, &c.All)},
		{names: []string{"anyOf", "any"}, prog: "any", set: parts(AnyOf, &c.Any)},
	})
	if c.Kind == 0 && c.Tag != "" {
		// {tag: app} on a tiered badge: completions of tagged activities,
		// the numbers being in the tiers.
		c.Kind = Completions
	}
	if c.Kind == 0 && len(d.probs) > before {
		// A misspelt kind ({reflection: 3}) is already reported; "say what
		// earns the badge" would only repeat it.
		d.bad[p.prog] = true
	}
	return c
}

// days decodes "days: [1, 8, 15]", "days: 1-7" or "days: [1-3, 10]".
func (d *decoder) days(p path, n *yaml.Node) []int {
	var out []int
	for i, item := range d.list(n) {
		ip := p.index(i)
		r := d.resolve(item)
		if r == nil {
			return out
		}
		d.mark(ip.prog, ip.file, r.Line)
		if r.Kind != yaml.ScalarNode || isNull(r) {
			d.fail(ip.prog, ip.file, r, "want a day number or a range such as 1-5, not %s", describe(r))
			continue
		}
		for part := range strings.SplitSeq(r.Value, ",") {
			part = strings.TrimSpace(part)
			lo, hi, isRange := strings.Cut(part, "-")
			if strings.HasPrefix(part, "-") {
				lo, hi, isRange = part, part, false
			}
			from, err1 := strconv.Atoi(strings.TrimSpace(lo))
			to, err2 := from, error(nil)
			if isRange {
				to, err2 = strconv.Atoi(strings.TrimSpace(hi))
			}
			switch {
			case err1 != nil || err2 != nil:
				d.fail(ip.prog, ip.file, r, "want a day number or a range such as 1-5, not %q", part)
			case to < from:
				d.fail(ip.prog, ip.file, r, "the range %q runs backwards: write the first day first", part)
			case to-from >= challenge.MaxLength:
				d.fail(ip.prog, ip.file, r, "the range %q is longer than any programme", part)
			default:
				for day := from; day <= to; day++ {
					out = append(out, day)
				}
			}
		}
	}
	return out
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

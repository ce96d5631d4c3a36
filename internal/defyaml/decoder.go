package defyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Problem is one problem of a file. It has the fields of
// challenge.ValidationError, in the same order, so a parser turns it into
// one with a conversion: (*challenge.ValidationError)(&p).
type Problem struct {
	// Field is the path of the value as written in the file, or "" for the
	// file as a whole.
	Field string
	// Reason says what is wrong, in words fit for the file's author.
	Reason string
	// Line is the 1-based line in the file, or 0 when no line applies.
	Line int
}

// Options are the ways in which the parsers differ. The zero value reads
// the first document, treats an empty file as holding nothing, and
// visits any number of nodes.
type Options struct {
	// MaxVisits bounds the nodes the decoder may visit; beyond it the
	// file is refused as too large, which stops alias bombs. 0 means no
	// bound, for parsers whose walk is shallow whatever the aliases.
	MaxVisits int
	// Empty, when set, is the reason reported for a file that holds no
	// document (empty, or only comments). When unset such a file holds
	// nothing, which is not a problem.
	Empty string
	// OneDocument, when set, is the reason reported at a second document
	// (after ---). When unset, documents after the first are not read.
	OneDocument string
	// SyntaxHints adds advice to syntax errors whose cause is common in
	// definition files but obscure in yaml's words.
	SyntaxHints bool
	// MergeKeys reports merge keys (<<) as unsupported, rather than as
	// unknown keys.
	MergeKeys bool
	// Suggest makes unknown keys say where they belong ([Section.Hints])
	// or which key they look like a typo of ("did you mean"), and a key
	// given twice in two spellings say that both mean the same. Without
	// it, an unknown key lists the keys, and any repeat is "given twice".
	Suggest bool
}

// Decoder reads one file, collecting problems instead of stopping at the
// first. Use [New]; a Decoder is not safe for concurrent use.
type Decoder struct {
	data   []byte
	opts   Options
	dec    *yaml.Decoder
	probs  []Problem
	at     map[string]loc  // Go path -> place in the file
	bad    map[string]bool // Go paths whose value could not be decoded
	visits int
	tooBig bool
}

// loc is where a value sits in the file: its path as written and its line.
type loc struct {
	field string
	line  int
}

// New returns a Decoder for the file data.
func New(data []byte, opts Options) *Decoder {
	return &Decoder{data: data, opts: opts, at: make(map[string]loc), bad: make(map[string]bool)}
}

// yamlLine finds the line number in yaml's untyped syntax errors, which
// read "yaml: line 12: did not find expected key".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the messages of yaml's parser (as opposed to its
// scanner). For these, yaml v3 prints a 0-based line number (its fail
// method adds one for scanner errors only), so Syntax adds the one.
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

// Document parses the file's first document and returns its top node, not
// yet resolved, and true. It returns nil and true when the file holds no
// document (reported when [Options.Empty] is set), and nil and false when
// the file cannot be read (the syntax error is reported).
func (d *Decoder) Document() (*yaml.Node, bool) {
	d.dec = yaml.NewDecoder(bytes.NewReader(d.data))
	var doc yaml.Node
	if err := d.dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			d.Syntax(err)
			return nil, false
		}
		d.empty(0)
		return nil, true
	}
	if d.opts.OneDocument != "" {
		var next yaml.Node
		if err := d.dec.Decode(&next); err == nil {
			d.Problem("", next.Line, "%s", d.opts.OneDocument)
		} else if !errors.Is(err, io.EOF) {
			d.Syntax(err)
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.empty(doc.Line)
		return nil, true
	}
	return doc.Content[0], true
}

func (d *Decoder) empty(line int) {
	if d.opts.Empty != "" {
		d.Problem("", line, "%s", d.opts.Empty)
	}
}

// Root parses the file as Document does and returns its top-level mapping,
// for parsers that read one section of it: an empty mapping when the file
// holds nothing, and nil when the file cannot be read or its top level is
// not a mapping (the problem is reported, naming what as the content).
func (d *Decoder) Root(what string) *yaml.Node {
	top, ok := d.Document()
	if !ok {
		return nil
	}
	if top == nil {
		return &yaml.Node{Kind: yaml.MappingNode}
	}
	root := d.Resolve(top)
	if root == nil {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.Problem("", root.Line, "want %s written as \"key: value\" lines, not %s", what, Describe(root))
		return nil
	}
	return root
}

// TopLevel calls each with the key and value of the first top-level key
// of root spelt as name (forgivingly, see [NormKey]); a second one is a
// problem "<name> is given twice", named by field(key).
func (d *Decoder) TopLevel(root *yaml.Node, name string, field func(key *yaml.Node) string, each func(key, value *yaml.Node)) {
	var first *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := d.Resolve(root.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || NormKey(k.Value) != name {
			continue
		}
		if first != nil {
			d.Problem(field(k), k.Line, "%s is given twice (first on line %d)", name, first.Line)
			continue
		}
		first = k
		each(k, root.Content[i+1])
	}
}

// Syntax reports a YAML syntax error, with its line when yaml gives one.
func (d *Decoder) Syntax(err error) {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if yamlParserProblems[msg] {
			line++
		}
	}
	if d.opts.SyntaxHints && line > 0 {
		lines := bytes.Split(d.data, []byte("\n"))
		if text := lines[min(line, len(lines))-1]; bytes.ContainsRune(text, '?') && bytes.ContainsAny(text, "[{") {
			// The YAML reader rejects "?" in unquoted text inside [ ] and
			// { } (go-yaml/yaml#905), and prompts are questions.
			msg += `; a "?" inside [ ] or { } must be in quotes ("What did they say?"), or write the list one item per line, each starting with "- "`
		}
	}
	d.Problem("", line, "the file cannot be read: %s", msg)
}

// Problem reports a problem of the file at field (as written) and line.
func (d *Decoder) Problem(field string, line int, format string, args ...any) {
	d.Add(Problem{Field: field, Reason: fmt.Sprintf(format, args...), Line: line})
}

// Add reports p as it is.
func (d *Decoder) Add(p Problem) { d.probs = append(d.probs, p) }

// Fail reports that the value at p (node n) could not be decoded. Adopted
// problems at or under p.Prog are then dropped: they would only repeat
// this one.
func (d *Decoder) Fail(p Path, n *yaml.Node, format string, args ...any) {
	d.Problem(p.File, n.Line, format, args...)
	d.Drop(p.Prog)
}

// Drop makes [Decoder.Adopt] drop problems at or under the Go path prog,
// which decoding has already reported in its own words.
func (d *Decoder) Drop(prog string) {
	if prog != "" {
		d.bad[prog] = true
	}
}

// Mark records that the value at p sits on line; the first mark of a Go
// path wins.
func (d *Decoder) Mark(p Path, line int) {
	if _, ok := d.at[p.Prog]; !ok {
		d.at[p.Prog] = loc{p.File, line}
	}
}

// Place returns the path as written and the line of the value at the Go
// path prog, or of its closest marked parent (with the rest of prog
// appended), and false when nothing on the way is marked.
func (d *Decoder) Place(prog string) (file string, line int, ok bool) {
	for p := prog; ; p = ParentPath(p) {
		if l, ok := d.at[p]; ok {
			rest := prog[len(p):]
			if l.field == "" {
				rest = strings.TrimPrefix(rest, ".")
			}
			return l.field + rest, l.line, true
		}
		if p == "" {
			return prog, 0, false
		}
	}
}

// Adopt reports a problem found after decoding, by Validate, at the Go
// path field: with the path as written and the line (see [Decoder.Place]),
// or not at all when decoding already reported that value or a parent
// ([Decoder.Fail], [Decoder.Drop]).
func (d *Decoder) Adopt(field, reason string) {
	for p := field; p != ""; p = ParentPath(p) {
		if d.bad[p] {
			return
		}
	}
	file, line, _ := d.Place(field)
	d.Add(Problem{Field: file, Reason: reason, Line: line})
}

// Count returns the number of problems reported so far, so that a caller
// can tell whether decoding a value reported any.
func (d *Decoder) Count() int { return len(d.probs) }

// Problems returns the problems reported, sorted by line (stably: problems
// of one line keep their order).
func (d *Decoder) Problems() []Problem {
	slices.SortStableFunc(d.probs, func(a, b Problem) int { return a.Line - b.Line })
	return d.probs
}

// ProblemLike is a struct with the fields of [Problem]:
// challenge.ValidationError, which this package cannot import.
type ProblemLike interface {
	~struct {
		Field  string
		Reason string
		Line   int
	}
}

// Sorted returns d's problems sorted by line (see [Decoder.Problems]) as
// *E, such as challenge.ValidationErrors(defyaml.Sorted[challenge.ValidationError](d)),
// or nil when there are none.
func Sorted[E ProblemLike](d *Decoder) []*E {
	probs := d.Problems()
	if len(probs) == 0 {
		return nil
	}
	out := make([]*E, len(probs))
	for i := range probs {
		e := E(probs[i])
		out[i] = &e
	}
	return out
}

// Resolve follows aliases and counts the visit; it returns nil, the
// problem being reported, when an alias cannot be followed or once the
// file has made the decoder visit more than [Options.MaxVisits] nodes.
func (d *Decoder) Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.AliasNode {
		d.Problem("", 0, "an alias (*name) cannot be followed")
		return nil
	}
	d.visits++
	if d.opts.MaxVisits > 0 && d.visits > d.opts.MaxVisits {
		if !d.tooBig {
			d.tooBig = true
			d.Problem("", 0, "the file is too large, or repeats too much through aliases (*name)")
		}
		return nil
	}
	return n
}

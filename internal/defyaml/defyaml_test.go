package defyaml_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/habitkit/habitkit/internal/defyaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// problems returns d's problems as "line field: reason" strings.
func problems(d *defyaml.Decoder) []string {
	var out []string
	for _, p := range d.Problems() {
		out = append(out, strconv.Itoa(p.Line)+" "+p.Field+": "+p.Reason)
	}
	return out
}

func TestSyntaxLines(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		reason    string
	}{
		// yaml prints a 0-based line for its parser's messages...
		{"parser", "a: 1\nb: [1, 2\n", 2, `did not find expected ',' or ']'`},
		{"parser, indicator", "a:\n  b:\n    - id: a\n     title: A\n", 3, "did not find expected '-' indicator"},
		{"undefined tag handle", "a: 1\nb: !x!y 1\n", 2, "found undefined tag handle"},
		// ...and a 1-based one for its scanner's, even those that read alike.
		{"scanner", "a: 1\nb: \"\\xZZ\"\n", 2, "did not find expected hexdecimal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := defyaml.New([]byte(tt.src), defyaml.Options{})
			top, ok := d.Document()
			assert.Nil(t, top)
			assert.False(t, ok)
			got := d.Problems()
			require.Len(t, got, 1)
			assert.Equal(t, tt.line, got[0].Line)
			assert.Equal(t, "the file cannot be read: "+tt.reason, got[0].Reason)
		})
	}
}

func TestSyntaxHints(t *testing.T) {
	src := "a:\n  prompts: [What did they say?]\n"
	for _, hints := range []bool{false, true} {
		d := defyaml.New([]byte(src), defyaml.Options{SyntaxHints: hints})
		d.Document()
		got := d.Problems()
		require.Len(t, got, 1)
		assert.Equal(t, 2, got[0].Line)
		assert.Equal(t, hints, strings.Contains(got[0].Reason, `a "?" inside [ ] or { } must be in quotes`), "hints %v: %s", hints, got[0].Reason)
	}
}

func TestDocument(t *testing.T) {
	tests := []struct {
		name, src string
		opts      defyaml.Options
		top       bool // a top node is returned
		ok        bool
		want      []string
	}{
		{"empty, nothing to say", "", defyaml.Options{}, false, true, nil},
		{"empty, reported", "# only a comment\n", defyaml.Options{Empty: "the file is empty"}, false, true, []string{"0 : the file is empty"}},
		{"second document ignored", "a: 1\n---\nb: 2\n", defyaml.Options{}, true, true, nil},
		{"second document reported", "a: 1\n---\nb: 2\n", defyaml.Options{OneDocument: "one only"}, true, true, []string{"2 : one only"}},
		{"second document unreadable", "a: 1\n---\nb: [\n", defyaml.Options{OneDocument: "one only"}, true, true, []string{"4 : the file cannot be read: did not find expected node content"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := defyaml.New([]byte(tt.src), tt.opts)
			top, ok := d.Document()
			assert.Equal(t, tt.top, top != nil)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, problems(d))
		})
	}
}

func TestRoot(t *testing.T) {
	d := defyaml.New(nil, defyaml.Options{})
	root := d.Root("the programme")
	require.NotNil(t, root, "an empty file is an empty mapping")
	assert.Equal(t, yaml.MappingNode, root.Kind)
	assert.Empty(t, d.Problems())

	d = defyaml.New([]byte("- a\n- b\n"), defyaml.Options{})
	assert.Nil(t, d.Root("the programme"))
	assert.Equal(t, []string{`1 : want the programme written as "key: value" lines, not a list`}, problems(d))
}

func TestTopLevel(t *testing.T) {
	d := defyaml.New([]byte("x: 1\nBadges: [a]\nbadges: [b]\n"), defyaml.Options{})
	var got []int
	written := func(k *yaml.Node) string { return k.Value }
	d.TopLevel(d.Root("the programme"), "badges", written, func(k, v *yaml.Node) { got = append(got, k.Line) })
	assert.Equal(t, []int{2}, got, "only the first is decoded")
	assert.Equal(t, []string{"3 badges: badges is given twice (first on line 2)"}, problems(d))
}

// decodeSection decodes src's top level with a small table of fields and
// returns what Set saw, by canonical name.
func decodeSection(t *testing.T, src string, opts defyaml.Options) (*defyaml.Decoder, map[string]defyaml.Path) {
	t.Helper()
	d := defyaml.New([]byte(src), opts)
	root, ok := d.Document()
	require.True(t, ok)
	seen := map[string]defyaml.Path{}
	set := func(name string) func(p defyaml.Path, n *yaml.Node) {
		return func(p defyaml.Path, n *yaml.Node) { seen[name] = p }
	}
	d.Mapping(defyaml.Path{Prog: "s", File: "section"}, root, defyaml.Section{
		What: "the section",
		Fields: []defyaml.Field{
			{Names: []string{"timeZone"}, Set: set("timeZone")},
			{Names: []string{"image", "imageURL"}, Prog: "imageURL", Set: set("image")},
			{Names: []string{"points"}, Set: set("points")},
		},
		Hints: map[string]string{"levels": "levels go in the points section"},
	})
	return d, seen
}

func TestMappingPaths(t *testing.T) {
	d, seen := decodeSection(t, "time zone: Europe/London\nImage: x.png\n", defyaml.Options{})
	assert.Empty(t, d.Problems())
	assert.Equal(t, defyaml.Path{Prog: "s.timeZone", File: "section.time zone"}, seen["timeZone"], "Go path canonical, file path as written")
	assert.Equal(t, defyaml.Path{Prog: "s.imageURL", File: "section.Image"}, seen["image"], "Prog names the Go field")
}

func TestMappingProblems(t *testing.T) {
	src := "poinst: 1\nlevels: []\ncolour: red\nimage: a\nimageURL: b\ntimeZone: x\ntime_zone: y\n<<: {points: 1}\n[1]: x\n"
	tests := []struct {
		name string
		opts defyaml.Options
		want []string
	}{
		{"plain", defyaml.Options{}, []string{
			`1 section.poinst: unknown field "poinst" in the section; the fields are timeZone, image, points`,
			`2 section.levels: unknown field "levels" in the section; the fields are timeZone, image, points`,
			`3 section.colour: unknown field "colour" in the section; the fields are timeZone, image, points`,
			`5 section.imageURL: "imageURL" is given twice (first on line 4)`,
			`7 section.time_zone: "time_zone" is given twice (first on line 6)`,
			`8 section.<<: unknown field "<<" in the section; the fields are timeZone, image, points`,
			`9 section: keys must be plain words, not a list`,
		}},
		{"suggest and merge keys", defyaml.Options{Suggest: true, MergeKeys: true}, []string{
			`1 section.poinst: unknown field "poinst" in the section (did you mean "points"?)`,
			`2 section.levels: unknown field "levels" in the section: levels go in the points section`,
			`3 section.colour: unknown field "colour" in the section; the fields are timeZone, image, points`,
			`5 section.imageURL: "imageURL" and "image" (line 4) mean the same: give only one`,
			`7 section.time_zone: "time_zone" is given twice (first on line 6)`,
			`8 section: merge keys (<<) are not supported: write the fields out`,
			`9 section: keys must be plain words, not a list`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := decodeSection(t, src, tt.opts)
			assert.Equal(t, tt.want, problems(d))
		})
	}
}

func TestMappingNotAMapping(t *testing.T) {
	d := defyaml.New([]byte("a: [1]\n"), defyaml.Options{})
	root, _ := d.Document()
	var ok bool
	d.Mapping(defyaml.Path{}, root, defyaml.Section{What: "the file", Fields: []defyaml.Field{
		{Names: []string{"a"}, Set: func(p defyaml.Path, n *yaml.Node) {
			ok = d.Mapping(p, n, defyaml.Section{What: "a thing"})
		}},
	}})
	assert.False(t, ok)
	assert.Equal(t, []string{`1 a: want a thing written as "key: value" lines, not a list`}, problems(d))
	d.Adopt("a.b", "from Validate")
	assert.Len(t, d.Problems(), 1, "a problem under a value that failed to decode is dropped")
}

func TestAdopt(t *testing.T) {
	d := defyaml.New([]byte("x: 1\npoints:\n  levels:\n    - name: a\n    - name: b\n"), defyaml.Options{})
	root, _ := d.Document()
	d.Mapping(defyaml.Path{}, root, defyaml.Section{What: "the file", Fields: []defyaml.Field{
		{Names: []string{"x"}, Set: func(p defyaml.Path, n *yaml.Node) {}},
		{Names: []string{"points"}, Set: func(p defyaml.Path, n *yaml.Node) {
			p.Prog = "" // the section only groups the file
			d.Mapping(p, n, defyaml.Section{What: "points", Fields: []defyaml.Field{
				{Names: []string{"levels"}, Set: func(p defyaml.Path, n *yaml.Node) {
					for i, item := range d.List(n) {
						d.Mark(p.Index(i), item.Line)
					}
				}},
			}})
		}},
	}})
	require.Empty(t, d.Problems())
	d.Adopt("levels[1].name", "is taken")
	d.Adopt("levels[1]", "is odd")
	d.Adopt("", "has no activities")
	d.Adopt("nowhere", "is unknown")
	assert.Equal(t, []string{
		"1 : has no activities",
		"1 nowhere: is unknown",
		"5 points.levels[1].name: is taken",
		"5 points.levels[1]: is odd",
	}, problems(d))
	file, line, ok := d.Place("levels[0]")
	assert.True(t, ok)
	assert.Equal(t, "points.levels[0]", file)
	assert.Equal(t, 4, line)
}

func TestResolveAliases(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		bomb += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", ") + "]\n"
		prev = name
	}
	walk := func(d *defyaml.Decoder) {
		var visit func(n *yaml.Node)
		visit = func(n *yaml.Node) {
			for _, c := range d.List(n) {
				if r := d.Resolve(c); r != nil && r.Kind == yaml.SequenceNode {
					visit(r)
				}
			}
		}
		root, _ := d.Document()
		r := d.Resolve(root)
		for i := 1; i < len(r.Content); i += 2 {
			visit(r.Content[i])
		}
	}
	d := defyaml.New([]byte(bomb), defyaml.Options{MaxVisits: 10_000})
	walk(d)
	assert.Equal(t, []string{"0 : the file is too large, or repeats too much through aliases (*name)"}, problems(d), "reported once")

	d = defyaml.New([]byte("a: &x [1]\nb: *x\n"), defyaml.Options{MaxVisits: 10_000})
	walk(d)
	assert.Empty(t, d.Problems(), "aliases are followed")
}

func TestScalars(t *testing.T) {
	d := defyaml.New([]byte("one: x\nmany: [x, y]\nnone:\nmap: {a: 1}\n"), defyaml.Options{})
	root := d.Root("the file")
	val := func(key string) *yaml.Node {
		for i := 0; i < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				return root.Content[i+1]
			}
		}
		t.Fatalf("no %s", key)
		return nil
	}
	assert.Len(t, d.List(val("one")), 1, "a single value is a list of one")
	assert.Len(t, d.List(val("many")), 2)
	assert.Empty(t, d.List(val("none")), "nothing is an empty list")
	assert.Equal(t, "", d.Text(defyaml.Path{Prog: "none", File: "none"}, val("none")))
	assert.Equal(t, "", d.Text(defyaml.Path{Prog: "map", File: "map"}, val("map")))
	assert.Equal(t, []string{`4 map: want text, not a set of "key: value" lines`}, problems(d))
}

func TestDayRanges(t *testing.T) {
	type part struct {
		file     string
		from, to int
		ok       bool
	}
	d := defyaml.New([]byte("days: [1-3, 8, '5-2', x, {a: 1}, '1-400', '-3', '4, 6-7']\n"), defyaml.Options{})
	root := d.Root("the file")
	var got []part
	d.DayRanges(defyaml.Path{Prog: "days", File: "days"}, root.Content[1], 366, " (366 days)", func(p defyaml.Path, r *yaml.Node, from, to int, ok bool) {
		got = append(got, part{p.File, from, to, ok})
	})
	assert.Equal(t, []part{
		{"days[0]", 1, 3, true},
		{"days[1]", 8, 8, true},
		{"days[2]", 0, 0, false},
		{"days[3]", 0, 0, false},
		{"days[4]", 0, 0, false},
		{"days[5]", 0, 0, false},
		{"days[6]", -3, -3, true},
		{"days[7]", 4, 4, true},
		{"days[7]", 6, 7, true},
	}, got)
	assert.Equal(t, []string{
		`1 days[2]: the range "5-2" runs backwards: write the first day first`,
		`1 days[3]: want a day number or a range such as 1-5, not "x"`,
		`1 days[4]: want a day number or a range such as 1-5, not a set of "key: value" lines`,
		`1 days[5]: the range "1-400" is longer than any programme (366 days)`,
	}, problems(d))
}

func TestNames(t *testing.T) {
	assert.Equal(t, "timezone", defyaml.NormKey(" Time_Zone-"))
	assert.Equal(t, "dayStart", defyaml.JoinPath("", "dayStart"))
	assert.Equal(t, "points.levels", defyaml.JoinPath("points", "levels"))
	assert.Equal(t, "a.b", defyaml.ParentPath("a.b[2]"))
	assert.Equal(t, "", defyaml.ParentPath("a"))
	assert.Equal(t, 2, defyaml.EditDistance("metirc", "metric"))
	_, ok := defyaml.Closer("metirc", "metric", 3)
	assert.True(t, ok)
	_, ok = defyaml.Closer("x", "id", 3)
	assert.False(t, ok, "a one-letter key is no typo of a two-letter one")
}

// validationError has the shape of challenge.ValidationError.
type validationError struct {
	Field  string
	Reason string
	Line   int
}

func TestSorted(t *testing.T) {
	d := defyaml.New(nil, defyaml.Options{})
	assert.Nil(t, defyaml.Sorted[validationError](d))
	d.Problem("b", 3, "late")
	d.Problem("a", 1, "early %d", 1)
	d.Problem("c", 3, "late too")
	assert.Equal(t, []*validationError{{"a", "early 1", 1}, {"b", "late", 3}, {"c", "late too", 3}}, defyaml.Sorted[validationError](d))
}

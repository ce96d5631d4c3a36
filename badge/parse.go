package badge

import (
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/defyaml"
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
	d := &decoder{defyaml.New(data, defyaml.Options{MaxVisits: maxVisits})}
	root := d.Root("the programme")
	if root == nil {
		return nil, d.result()
	}
	var defs []Definition
	badges := func(*yaml.Node) string { return "badges" }
	d.TopLevel(root, "badges", badges, func(k, v *yaml.Node) {
		d.Mark(badgesPath, k.Line)
		defs = d.badges(v)
		for _, pr := range check(defs, nil) {
			d.Adopt(pr.Field, pr.Reason)
		}
	})
	if d.Count() > 0 {
		return nil, d.result()
	}
	return defs, nil
}

// decoder turns the badges list into Definitions, collecting problems
// instead of stopping at the first. It marks the Go path of each value
// (the Fields Validate uses) with its place in the file, so Validate's
// problems can be reported with lines and file names.
type decoder struct{ *defyaml.Decoder }

// maxVisits bounds the nodes the decoder visits, against alias bombs.
const maxVisits = 100_000

// path is a value's Go path (Prog) and its path as written (File).
type path = defyaml.Path

// badgesPath is the path of the badges list, which the file and the Go
// paths Validate uses both call "badges".
var badgesPath = path{Prog: "badges", File: "badges"}

// field is one key a mapping accepts; its Prog is the Go field name.
type field = defyaml.Field

// mapping decodes n's keys with fields, reporting unknown and repeated
// keys; it returns false when n is not a mapping at all.
func (d *decoder) mapping(p path, n *yaml.Node, what string, fields []field) bool {
	return d.Mapping(p, n, defyaml.Section{What: what, Fields: fields})
}

// integer decodes a whole number; nothing ("streak:") gives 0, a count
// left to the tiers (Validate reports it when there are none).
func (d *decoder) integer(p path, n *yaml.Node) int {
	if n = d.Resolve(n); n == nil || defyaml.IsNull(n) {
		return 0
	}
	if n.Kind != yaml.ScalarNode {
		d.Fail(p, n, "want a whole number, not %s", defyaml.Describe(n))
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil {
		d.Fail(p, n, "want a whole number, not %q", n.Value)
		return 0
	}
	return v
}

func (d *decoder) boolean(p path, n *yaml.Node) bool {
	if n = d.Resolve(n); n == nil {
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
	d.Fail(p, n, "want yes or no, not %s", defyaml.Describe(n))
	return false
}

func (d *decoder) badges(n *yaml.Node) []Definition {
	r := d.Resolve(n)
	if r == nil {
		return nil
	}
	if r.Kind != yaml.SequenceNode && !defyaml.IsNull(r) {
		d.Fail(badgesPath, r, "want a list of badges, each starting with \"- id:\", not %s", defyaml.Describe(r))
		return nil
	}
	var defs []Definition
	for i, item := range d.List(r) {
		p := badgesPath.Index(i)
		var def Definition
		d.mapping(p, item, "a badge", []field{
			{Names: []string{"id"}, Prog: "id", Set: func(p path, n *yaml.Node) { def.ID = d.Text(p, n) }},
			{Names: []string{"name", "title"}, Prog: "name", Set: func(p path, n *yaml.Node) { def.Name = d.Text(p, n) }},
			{Names: []string{"description"}, Prog: "description", Set: func(p path, n *yaml.Node) { def.Description = d.Text(p, n) }},
			{Names: []string{"image", "imageURL"}, Prog: "imageURL", Set: func(p path, n *yaml.Node) { def.ImageURL = d.Text(p, n) }},
			{Names: []string{"hidden"}, Prog: "hidden", Set: func(p path, n *yaml.Node) { def.Hidden = d.boolean(p, n) }},
			{Names: []string{"repeat", "repeats"}, Prog: "repeat", Set: func(p path, n *yaml.Node) { def.Repeat = d.repeat(p, n) }},
			{Names: []string{"tiers"}, Prog: "tiers", Set: func(p path, n *yaml.Node) { def.Tiers = d.tiers(p, n) }},
			{Names: []string{"criterion", "earnedBy"}, Prog: "criterion", Set: func(p path, n *yaml.Node) { def.Criterion = d.criterion(p, n) }},
		})
		if r := d.Resolve(item); r != nil {
			// A missing criterion is reported at the badge.
			d.Mark(p.Key("criterion", "criterion"), r.Line)
		}
		defs = append(defs, def)
	}
	return defs
}

func (d *decoder) repeat(p path, n *yaml.Node) Repeat {
	switch s := defyaml.NormKey(d.Text(p, n)); s {
	case "", "once", "no", "false":
		return Once
	case "daily", "eachday", "everyday", "yes", "true":
		// "repeat: yes" reads naturally, and once per day is the only
		// repetition there is.
		return Daily
	}
	d.Fail(p, n, "want once or daily, not %q", n.Value)
	return Once
}

func (d *decoder) tiers(p path, n *yaml.Node) []Tier {
	var out []Tier
	for i, item := range d.List(n) {
		var t Tier
		d.mapping(p.Index(i), item, "a tier", []field{
			{Names: []string{"name"}, Prog: "name", Set: func(p path, n *yaml.Node) { t.Name = d.Text(p, n) }},
			{Names: []string{"at", "threshold"}, Prog: "threshold", Set: func(p path, n *yaml.Node) {
				t.Threshold = d.integer(p, n)
				if r := d.Resolve(n); r != nil && defyaml.IsNull(r) {
					d.Fail(p, r, "say at what number the tier is reached")
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
	r := d.Resolve(n)
	if r == nil {
		return c
	}
	if r.Kind == yaml.ScalarNode && !defyaml.IsNull(r) {
		k, ok := scalarKinds[defyaml.NormKey(r.Value)]
		if !ok {
			d.Fail(p, r, "unknown criterion %q: write one of completions, streak, day-completed, first-completion, programme-complete, reflections, responses, reactions, or a set such as {completions: 5, tag: app}", r.Value)
		}
		c.Kind = k
		return c
	}
	if defyaml.IsNull(r) {
		return c // Validate says what is missing.
	}
	var kindKey *yaml.Node
	kind := func(k Kind) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			if kindKey != nil {
				d.Fail(p, n, "a criterion has one kind, and this one is already %v (line %d): use allOf or anyOf to combine criteria", c.Kind, kindKey.Line)
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
			for i, item := range d.List(n) {
				ip := p.Index(i)
				if r := d.Resolve(item); r != nil {
					d.Mark(ip, r.Line)
				}
				*dst = append(*dst, d.criterion(ip, item))
			}
		}
	}
	word := func(k Kind, want string) func(p path, n *yaml.Node) {
		return func(p path, n *yaml.Node) {
			kind(k)(p, n)
			if defyaml.NormKey(d.Text(p, n)) != want {
				d.Fail(p, n, "want %q here, not %s", want, defyaml.Describe(n))
			}
		}
	}
	before := d.Count()
	d.mapping(p, r, "a criterion", []field{
		{Names: []string{"completions"}, Prog: "count", Set: count(Completions)},
		{Names: []string{"streak"}, Prog: "count", Set: count(Streak)},
		{Names: []string{"reflections"}, Prog: "count", Set: count(Reflections)},
		{Names: []string{"responses"}, Prog: "count", Set: count(Responses)},
		{Names: []string{"reactions", "reactionsReceived"}, Prog: "count", Set: count(ReactionsReceived)},
		{Names: []string{"tag"}, Prog: "tag", Set: func(p path, n *yaml.Node) { c.Tag = d.Text(p, n) }},
		{Names: []string{"days", "day"}, Prog: "days", Set: func(p path, n *yaml.Node) {
			kind(DaysCompleted)(p, n)
			c.Days = d.days(p, n)
		}},
		{Names: []string{"week"}, Prog: "week", Set: func(p path, n *yaml.Node) {
			kind(WeekComplete)(p, n)
			c.Week = d.integer(p, n)
		}},
		{Names: []string{"programme", "program"}, Prog: "kind", Set: word(ProgrammeComplete, "complete")},
		{Names: []string{"first"}, Prog: "kind", Set: word(FirstCompletion, "completion")},
		{Names: []string{"top", "position"}, Prog: "position", Set: func(p path, n *yaml.Node) {
			kind(FinalPosition)(p, n)
			c.Position = d.integer(p, n)
		}},
		{Names: []string{"allOf", "all"}, Prog: "all", Set: parts(AllOf, &c.All)},
		{Names: []string{"anyOf", "any"}, Prog: "any", Set: parts(AnyOf, &c.Any)},
	})
	if c.Kind == 0 && c.Tag != "" {
		// {tag: app} on a tiered badge: completions of tagged activities,
		// the numbers being in the tiers.
		c.Kind = Completions
	}
	if c.Kind == 0 && d.Count() > before {
		// A misspelt kind ({reflection: 3}) is already reported; "say what
		// earns the badge" would only repeat it.
		d.Drop(p.Prog)
	}
	return c
}

// days decodes "days: [1, 8, 15]", "days: 1-7" or "days: [1-3, 10]".
func (d *decoder) days(p path, n *yaml.Node) []int {
	var out []int
	d.DayRanges(p, n, challenge.MaxLength, "", func(ip path, r *yaml.Node, from, to int, _ bool) {
		d.Mark(ip, r.Line)
		for day := from; day <= to; day++ {
			out = append(out, day)
		}
	})
	return out
}

func (d *decoder) result() challenge.ValidationErrors {
	return defyaml.Sorted[challenge.ValidationError](d.Decoder)
}

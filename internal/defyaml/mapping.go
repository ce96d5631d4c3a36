package defyaml

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Field is one key a mapping accepts.
type Field struct {
	// Names are the accepted spellings; the first is the canonical one,
	// used in messages.
	Names []string
	// Prog is the value's name in the Go path; "" means Names[0].
	Prog string
	// Set decodes the value, at path p.
	Set func(p Path, n *yaml.Node)
}

// Section describes a mapping in the file.
type Section struct {
	// What names the mapping in messages ("a board", "the programme").
	What string
	// Fields are the keys the mapping accepts.
	Fields []Field
	// Hints explain unknown keys that belong elsewhere, by normalised key
	// (see [NormKey]); they need [Options.Suggest].
	Hints map[string]string
}

// Mapping decodes n as the section s: it calls each field's Set with the
// value of its key, in the file's order. It reports unknown keys, keys
// given twice and keys that are not words, and returns false, the problem
// being reported, when n is not a mapping at all.
func (d *Decoder) Mapping(p Path, n *yaml.Node, s Section) bool {
	if n = d.Resolve(n); n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		d.Fail(p, n, "want %s written as \"key: value\" lines, not %s", s.What, Describe(n))
		return false
	}
	d.Mark(p, n.Line)
	seen := make(map[int]*yaml.Node, len(s.Fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.Resolve(n.Content[i]), n.Content[i+1]
		if k == nil {
			return true
		}
		if k.Kind != yaml.ScalarNode {
			d.Problem(p.File, k.Line, "keys must be plain words, not %s", Describe(k))
			continue
		}
		written := strings.TrimSpace(k.Value)
		if d.opts.MergeKeys && k.ShortTag() == "!!merge" {
			d.Problem(p.File, k.Line, "merge keys (<<) are not supported: write the fields out")
			continue
		}
		at := JoinPath(p.File, written)
		fi := s.lookup(written)
		if fi < 0 {
			d.Problem(at, k.Line, "unknown field %q in %s%s", written, s.What, s.suggest(written, d.opts.Suggest))
			continue
		}
		if first, dup := seen[fi]; dup {
			if !d.opts.Suggest || NormKey(first.Value) == NormKey(written) {
				d.Problem(at, k.Line, "%q is given twice (first on line %d)", written, first.Line)
			} else {
				d.Problem(at, k.Line, "%q and %q (line %d) mean the same: give only one", written, first.Value, first.Line)
			}
			continue
		}
		seen[fi] = k
		f := s.Fields[fi]
		prog := f.Prog
		if prog == "" {
			prog = f.Names[0]
		}
		child := p.Key(prog, written)
		d.Mark(child, k.Line)
		f.Set(child, v)
	}
	return true
}

// lookup returns the index of the field key names, or -1.
func (s Section) lookup(key string) int {
	k := NormKey(key)
	for i, f := range s.Fields {
		for _, name := range f.Names {
			if NormKey(name) == k {
				return i
			}
		}
	}
	return -1
}

// suggest returns a hint for an unknown key: where it belongs, or the
// known key it is closest to (typos such as "poinst"); failing those, or
// without hints, the list of keys.
func (s Section) suggest(key string, hints bool) string {
	if hints {
		k := NormKey(key)
		if h, ok := s.Hints[k]; ok {
			return ": " + h
		}
		best, bestDist := "", 3
		for _, f := range s.Fields {
			for _, name := range f.Names {
				if dist, ok := Closer(k, NormKey(name), bestDist); ok {
					best, bestDist = f.Names[0], dist
				}
			}
		}
		if best != "" {
			return fmt.Sprintf(" (did you mean %q?)", best)
		}
	}
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Names[0]
	}
	return "; the fields are " + strings.Join(names, ", ")
}

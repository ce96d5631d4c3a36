package defyaml

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// NormKey makes a key (or a name) forgiving in spelling: case, spaces, '-'
// and '_' do not matter, so "timeZone", "timezone" and "time zone" are one
// key.
func NormKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r != ' ' && r != '-' && r != '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// EditDistance is the Levenshtein distance between a and b (bytes).
func EditDistance(a, b string) int {
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

// Closer reports whether the normalised key k is a likely typo of the
// normalised name: within two edits, fewer than best's, and fewer than k
// has letters (so "x" is not a typo of "id"). best starts at 3.
func Closer(k, name string, best int) (int, bool) {
	d := EditDistance(k, name)
	return d, d < best && d < len(k)
}

// Describe names what n is, for "want X, not Y" messages.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return `a set of "key: value" lines`
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if IsNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

// IsNull reports whether n is nothing: "key:" with no value, "~" or null.
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

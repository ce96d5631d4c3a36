package defyaml

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// List returns the items of a list. Forgivingly, a single item where a list
// is expected is a list of one, and nothing is an empty list.
func (d *Decoder) List(n *yaml.Node) []*yaml.Node {
	if n = d.Resolve(n); n == nil || IsNull(n) {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		return n.Content
	}
	return []*yaml.Node{n}
}

// Text decodes a scalar as trimmed text; nothing ("title:") is "".
func (d *Decoder) Text(p Path, n *yaml.Node) string {
	if n = d.Resolve(n); n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.Fail(p, n, "want text, not %s", Describe(n))
		return ""
	}
	if IsNull(n) {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// DayRanges decodes a list of days and day ranges: "5", "[3, 10, 17]",
// "1-5", "[1-5, 8]" or "1-5, 8". It calls each for every part, in order,
// with the item's path and node: with ok and the range from-to, or, once
// the problem is reported, without ok (so that a caller pairing days with
// other values by position can keep a placeholder). A range may span at
// most maxLen days; longest ends the message when it is longer (such as
// " (366 days)").
func (d *Decoder) DayRanges(p Path, n *yaml.Node, maxLen int, longest string, each func(p Path, r *yaml.Node, from, to int, ok bool)) {
	for i, item := range d.List(n) {
		ip := p.Index(i)
		r := d.Resolve(item)
		if r == nil {
			return
		}
		if r.Kind != yaml.ScalarNode || IsNull(r) {
			d.Fail(ip, r, "want a day number or a range such as 1-5, not %s", Describe(r))
			each(ip, r, 0, 0, false)
			continue
		}
		for part := range strings.SplitSeq(r.Value, ",") {
			part = strings.TrimSpace(part)
			from, to, isNum := ParseRange(part)
			switch {
			case !isNum:
				d.Fail(ip, r, "want a day number or a range such as 1-5, not %q", part)
			case to < from:
				d.Fail(ip, r, "the range %q runs backwards: write the first day first", part)
			case to-from >= maxLen:
				d.Fail(ip, r, "the range %q is longer than any programme%s", part, longest)
			default:
				each(ip, r, from, to, true)
				continue
			}
			each(ip, r, 0, 0, false)
		}
	}
}

// ParseRange reads "5" (from = to = 5) or "1-5"; ok is false when s is
// neither. A leading '-' is a sign ("-3" is the day -3, for the caller's
// rules to refuse), not a range.
func ParseRange(s string) (from, to int, ok bool) {
	lo, hi, isRange := strings.Cut(s, "-")
	if strings.HasPrefix(s, "-") {
		lo, hi, isRange = s, s, false
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(lo))
	to, err2 := from, error(nil)
	if isRange {
		to, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	return from, to, err1 == nil && err2 == nil
}

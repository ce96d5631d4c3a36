package sqlstore

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/habitkit/habitkit/challenge"
)

// badgeRefsData is the JSON of an enrolment's badge references. Every
// completion reads the enrolment, and with its badges they are most of what
// encoding/json decodes; UnmarshalJSON reads the form encoding/json writes
// for them directly, and hands anything else to encoding/json, so the
// result is the same either way.
type badgeRefsData []badgeRefData

// UnmarshalJSON implements json.Unmarshaler.
func (rs *badgeRefsData) UnmarshalJSON(b []byte) error {
	if out, ok := parseBadgeRefs(b); ok {
		*rs = out
		return nil
	}
	var out []badgeRefData
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*rs = out
	return nil
}

// parseBadgeRefs reads b if it is in the form json.Marshal writes for a
// []badgeRefData: no space, keys spelt as the tags and each at most once,
// strings without escapes, integers that fit. ok is false for anything else,
// valid JSON or not, which the caller decodes with encoding/json.
func parseBadgeRefs(b []byte) (refs []badgeRefData, ok bool) {
	p := badgeRefsParser{b: b}
	if p.literal("null") {
		return nil, p.i == len(b)
	}
	if !p.byte('[') {
		return nil, false
	}
	refs = make([]badgeRefData, 0, 8)
	if p.byte(']') {
		return refs, p.i == len(b)
	}
	for {
		r, ok := p.ref()
		if !ok {
			return nil, false
		}
		refs = append(refs, r)
		if p.byte(']') {
			return refs, p.i == len(b)
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

// badgeRefsParser reads b from i on.
type badgeRefsParser struct {
	b []byte
	i int
}

// byte consumes c if it is next.
func (p *badgeRefsParser) byte(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// literal consumes s if it is next.
func (p *badgeRefsParser) literal(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// ref reads one object: {"badge":"…","tier":n,"day":n,"days":[n,…]}, its
// keys in any order, "badge" required as encoding/json always writes it.
func (p *badgeRefsParser) ref() (r badgeRefData, ok bool) {
	if !p.byte('{') {
		return r, false
	}
	var seen [4]bool // badge, tier, day, days
	for {
		key, ok := p.key()
		if !ok || seen[key] {
			return r, false
		}
		seen[key] = true
		switch key {
		case 0:
			r.Badge, ok = p.str()
		case 1:
			r.Tier, ok = p.int()
		case 2:
			r.Day, ok = p.int()
		case 3:
			r.Days, ok = p.days()
		}
		if !ok {
			return r, false
		}
		if p.byte('}') {
			return r, seen[0]
		}
		if !p.byte(',') {
			return r, false
		}
	}
}

// key reads "badge":, "tier":, "day": or "days": and returns 0 to 3.
func (p *badgeRefsParser) key() (int, bool) {
	for k, s := range [...]string{`"badge":`, `"tier":`, `"day":`, `"days":`} {
		if p.literal(s) {
			return k, true
		}
	}
	return 0, false
}

// str reads a string without escapes or control characters, in UTF-8.
func (p *badgeRefsParser) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", false
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

// int reads an integer of at most 18 digits, which fits an int.
func (p *badgeRefsParser) int() (int, bool) {
	neg := p.byte('-')
	n, ok := p.digits(18)
	if !ok {
		return 0, false
	}
	if neg {
		return -int(n), true
	}
	return int(n), true
}

// digits reads a JSON integer without sign of at most max digits.
func (p *badgeRefsParser) digits(max int) (uint64, bool) {
	start := p.i
	var n uint64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		n = n*10 + uint64(p.b[p.i]-'0')
		p.i++
	}
	switch d := p.i - start; {
	case d == 0 || d > max:
		return 0, false
	case d > 1 && p.b[start] == '0':
		return 0, false // JSON has no leading zeros
	}
	// A fraction or an exponent would make it no integer.
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	return n, true
}

// days reads an array of integers of at most 19 digits, which fit a
// uint64.
func (p *badgeRefsParser) days() (challenge.Days, bool) {
	if !p.byte('[') {
		return nil, false
	}
	out := make(challenge.Days, 0, 1)
	if p.byte(']') {
		return out, true
	}
	for {
		n, ok := p.digits(19)
		if !ok {
			return nil, false
		}
		out = append(out, n)
		if p.byte(']') {
			return out, true
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

package badge

import (
	"encoding/json"
	"slices"
	"strconv"
)

// AppendJSON appends e encoded as JSON to b and returns the extended
// buffer. The bytes are exactly those of json.Marshal(e) (keys in sorted
// order, empty fields left out), made without reflection and, given room
// in b, without allocating: evidence is encoded on every award.
func (e Evidence) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	if len(e.Days) > 0 {
		b = append(b, `"days":[`...)
		for i, d := range e.Days {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDay(b, d)
		}
		b = append(b, ']')
	}
	if len(e.Counts) > 0 {
		if len(e.Days) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"counts":{`...)
		var small [8]string
		keys := small[:0]
		for k := range e.Counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(e.Counts[k]), 10)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendDay appends d in decimal: programme days are small, and most have
// one to three digits, which are written without strconv's general path.
func appendDay(b []byte, d int) []byte {
	switch {
	case d >= 0 && d < 10:
		return append(b, byte('0'+d))
	case d >= 10 && d < 100:
		return append(b, byte('0'+d/10), byte('0'+d%10))
	case d >= 100 && d < 1000:
		return append(b, byte('0'+d/100), byte('0'+d/10%10), byte('0'+d%10))
	}
	return strconv.AppendInt(b, int64(d), 10)
}

// appendJSONString appends s as a JSON string, as encoding/json writes it.
// Names made of letters, digits and a few marks (every name this package
// uses) are copied as they are; anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ' ') {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

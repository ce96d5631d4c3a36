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
		b = appendDays(b, e.Days)
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

// appendDays appends the "days" member. Programme days are small: when
// every one has at most three digits, the bytes are written into room made
// once, rather than appended a byte or two at a time.
func appendDays(b []byte, days []int) []byte {
	for _, d := range days {
		if uint(d) >= 1000 {
			b = append(b, `"days":[`...)
			for i, d := range days {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendDay(b, d)
			}
			return append(b, ']')
		}
	}
	n := len(b)
	b = slices.Grow(b, len(`"days":[]`)+4*len(days))
	out := b[n : n+len(`"days":[]`)+4*len(days)]
	j := copy(out, `"days":[`)
	for i, d := range days {
		if i > 0 {
			out[j] = ','
			j++
		}
		switch {
		case d < 10:
			out[j] = byte('0' + d)
			j++
		case d < 100:
			out[j], out[j+1] = byte('0'+d/10), byte('0'+d%10)
			j += 2
		default:
			out[j], out[j+1], out[j+2] = byte('0'+d/100), byte('0'+d/10%10), byte('0'+d%10)
			j += 3
		}
	}
	out[j] = ']'
	return b[:n+j+1]
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

package badge_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
)

func TestEvidenceAppendJSON(t *testing.T) {
	tests := []struct {
		name string
		ev   badge.Evidence
	}{
		{"empty", badge.Evidence{}},
		{"empty slices", badge.Evidence{Days: []int{}, Counts: map[string]int{}}},
		{"one day", badge.Evidence{Days: []int{7}}},
		{"days", badge.Evidence{Days: []int{1, 2, 30, 3660}}},
		{"days of one to three digits", badge.Evidence{Days: []int{0, 9, 10, 99, 100, 999, 5, 42}}},
		{"days of every width", badge.Evidence{Days: []int{0, 9, 10, 99, 100, 999, 1000, -1, -10}}},
		{"counts sorted", badge.Evidence{Counts: map[string]int{"streak": 7, "reflections": 2, "position": 1, "a": -3}}},
		{"both", badge.Evidence{Days: []int{4}, Counts: map[string]int{"streak": 12}}},
		{"names that need escaping", badge.Evidence{Counts: map[string]int{`q"uote`: 1, "<b>&": 2, "é": 3, "tab\t": 4, "\u2028": 5, "": 6, "a-b_c.d e": 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.ev)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(tt.ev.AppendJSON(nil)), "AppendJSON must write what json.Marshal writes")
			assert.Equal(t, "x"+string(want), string(tt.ev.AppendJSON([]byte("x"))), "AppendJSON appends")
			roomy := append(make([]byte, 0, 256), "xy"...)
			assert.Equal(t, "xy"+string(want), string(tt.ev.AppendJSON(roomy)), "AppendJSON appends into room it has")
		})
	}
}

package challenge_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/habitkit/habitkit/challenge"
)

func TestHeldBadges(t *testing.T) {
	tests := []struct {
		name      string
		set       []int
		clear     []int
		want      challenge.HeldBadges
		held, not []int
	}{
		{name: "empty", not: []int{0, 1, 63, 64, -1}},
		{name: "first word", set: []int{0, 5, 63}, want: challenge.HeldBadges{1 | 1<<5 | 1<<63}, held: []int{0, 5, 63}, not: []int{1, 64}},
		{name: "grows to the slot's word", set: []int{130}, want: challenge.HeldBadges{0, 0, 1 << 2}, held: []int{130}, not: []int{2, 66}},
		{name: "clear keeps the words", set: []int{3, 70}, clear: []int{70, 200, -4}, want: challenge.HeldBadges{1 << 3, 0}, held: []int{3}, not: []int{70}},
		{name: "negative slots are never held", set: []int{-1}, not: []int{-1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h challenge.HeldBadges
			for _, s := range tt.set {
				h.Set(s)
			}
			for _, s := range tt.clear {
				h.Clear(s)
			}
			assert.Equal(t, tt.want, h)
			assert.Equal(t, len(tt.held), h.Count())
			for _, s := range tt.held {
				assert.True(t, h.Has(s), "slot %d held", s)
			}
			for _, s := range tt.not {
				assert.False(t, h.Has(s), "slot %d not held", s)
			}
		})
	}
}

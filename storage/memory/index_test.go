package memory

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIndex checks the chunked index against a sorted slice, through
// random inserts and removals in patterns that split and empty chunks.
func TestIndex(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  func(r *rand.Rand, i int) int
	}{
		{"ascending", func(_ *rand.Rand, i int) int { return i }},
		{"descending", func(_ *rand.Rand, i int) int { return 1_000_000 - i }},
		{"random", func(r *rand.Rand, _ int) int { return r.IntN(5000) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			x := newIndex(cmp.Compare[int])
			var want []int
			for i := range 4000 {
				k := tc.key(r, i)
				j, found := slices.BinarySearch(want, k)
				require.Equal(t, !found, x.insert(k), "insert %d", k)
				if !found {
					want = slices.Insert(want, j, k)
				}
				if r.IntN(4) == 0 && len(want) > 0 {
					k := want[r.IntN(len(want))]
					require.True(t, x.remove(k), "remove %d", k)
					want = slices.DeleteFunc(want, func(v int) bool { return v == k })
				}
				require.False(t, x.remove(-1), "remove of an absent key")
			}
			var got []int
			x.ascend(0, true, func(k int) bool { got = append(got, k); return true })
			require.Equal(t, want, got, "ascend from the start")
			for range 50 {
				after := r.IntN(6000)
				got = got[:0]
				x.ascend(after, false, func(k int) bool { got = append(got, k); return len(got) < 10 })
				i, found := slices.BinarySearch(want, after)
				if found {
					i++
				}
				exp := want[i:min(i+10, len(want))]
				require.Equal(t, slices.Clip(exp), slices.Clip(got), "ascend after %d", after)
			}
			for _, c := range x.chunks {
				require.NotEmpty(t, c, "no chunk is empty")
				require.LessOrEqual(t, len(c), chunkSize, "no chunk outgrows chunkSize")
			}
		})
	}
}

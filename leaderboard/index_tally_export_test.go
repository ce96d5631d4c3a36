package leaderboard

import (
	"errors"
	"fmt"
)

// CheckTally verifies the tally of ix against its definition and against
// the tree: scores strictly descending across the leaves, every inner
// node's first scores and sums equal to its kids', the counts of entries
// and zero counts, unused slots cleared, and each score's count equal to
// the number of members the tree holds at that score. A switched-off tally
// must hold nothing.
func CheckTally(ix *Index) error {
	t := &ix.tally
	if t.off {
		if t.root != nil || t.entries != 0 || t.zeros != 0 {
			return errors.New("switched-off tally still holds nodes")
		}
		return nil
	}
	want := map[int64]int{}
	for e := range ix.Entries(0) {
		want[e.Score]++
	}
	if t.root == nil {
		if len(want) != 0 || t.entries != 0 {
			return fmt.Errorf("empty tally, but the tree holds %d scores", len(want))
		}
		return nil
	}
	var (
		entries, zeros int
		prev           *int64
	)
	var walk func(n *tnode, h int) (int, error)
	walk = func(n *tnode, h int) (int, error) {
		if n.n < 1 && !(n == t.root && h == 0) {
			return 0, fmt.Errorf("tally node at height %d is empty", h)
		}
		for i := n.n; i < tallyCap; i++ {
			if n.scores[i] != 0 || n.counts[i] != 0 || (n.kids != nil && n.kids[i] != nil) {
				return 0, fmt.Errorf("unused tally slot %d at height %d not cleared", i, h)
			}
		}
		if (h == 0) != (n.kids == nil) {
			return 0, fmt.Errorf("tally node at height %d has kids %v", h, n.kids != nil)
		}
		total := 0
		for i := range n.n {
			if h == 0 {
				s, c := n.scores[i], n.counts[i]
				if prev != nil && *prev <= s {
					return 0, fmt.Errorf("tally scores out of order: %d then %d", *prev, s)
				}
				prev = &s
				if c < 0 || c != want[s] {
					return 0, fmt.Errorf("tally counts %d at score %d, tree holds %d", c, s, want[s])
				}
				delete(want, s)
				entries++
				if c == 0 {
					zeros++
				}
				total += c
				continue
			}
			k := n.kids[i]
			if k.scores[0] != n.scores[i] {
				return 0, fmt.Errorf("tally kid %d at height %d: first score %d, key %d", i, h, k.scores[0], n.scores[i])
			}
			c, err := walk(k, h-1)
			if err != nil {
				return 0, err
			}
			if c != n.counts[i] {
				return 0, fmt.Errorf("tally kid %d at height %d: sum %d, actual %d", i, h, n.counts[i], c)
			}
			total += c
		}
		return total, nil
	}
	total, err := walk(t.root, t.height)
	if err != nil {
		return err
	}
	if len(want) != 0 {
		return fmt.Errorf("tally misses %d scores the tree holds", len(want))
	}
	if total != ix.live || entries != t.entries || zeros != t.zeros {
		return fmt.Errorf("tally totals: members %d/%d, entries %d/%d, zeros %d/%d", total, ix.live, entries, t.entries, zeros, t.zeros)
	}
	if t.entries-t.zeros > max(t.limit, ix.live/4) {
		return fmt.Errorf("tally holds %d scores, over its limit", t.entries-t.zeros)
	}
	if t.zeros >= tallySlack && t.zeros > t.entries-t.zeros {
		return fmt.Errorf("tally holds %d zero counts and %d others: not rebuilt", t.zeros, t.entries-t.zeros)
	}
	return nil
}

// LimitTally lowers the number of distinct scores the tally of ix holds
// before it may switch off (it also switches off past a quarter of the
// members), so that tests reach the switch.
func LimitTally(ix *Index, n int) { ix.tally.limit = n }

// TallyOn reports whether the tally of ix answers queries.
func TallyOn(ix *Index) bool { return ix.tally.on() }

// TallyHeight returns the tally's height (0: its root is a leaf).
func TallyHeight(ix *Index) int { return ix.tally.height }

// TallyEntries returns the entries the tally's leaves hold, zero counts
// included.
func TallyEntries(ix *Index) int { return ix.tally.entries }

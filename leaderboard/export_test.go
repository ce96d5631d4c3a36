package leaderboard

import "fmt"

// CheckInvariants verifies the tree's structure against its definition, for
// the property test: counts, key bounds, fill levels, leaf chain and map.
func CheckInvariants(ix *Index) error {
	var leaves []*leaf
	seen := 0
	var walk func(n *inner, h int, isRoot bool, lo, hi *Entry) (int, error)
	walk = func(n *inner, h int, isRoot bool, lo, hi *Entry) (int, error) {
		if n.n < 1 || (!isRoot && n.n < innerMin) {
			return 0, fmt.Errorf("inner at height %d has %d children", h, n.n)
		}
		if isRoot && h > 1 && n.n < 2 {
			return 0, fmt.Errorf("root at height %d has %d children", h, n.n)
		}
		total := 0
		for i := range n.n {
			clo, chi := lo, hi
			if i > 0 {
				k := n.key(i)
				clo = &k
			}
			if i+1 < n.n {
				k := n.key(i + 1)
				chi = &k
			}
			var c int
			if h == 1 {
				l := n.leaves[i]
				if n.inners[i] != nil {
					return 0, fmt.Errorf("height-1 node has an inner child")
				}
				if !(isRoot && n.n == 1) && l.n < leafMin {
					return 0, fmt.Errorf("leaf has %d entries", l.n)
				}
				for j := range l.n {
					ej, ep := l.entry(j), Entry{}
					e := &ej
					if j > 0 {
						ep = l.entry(j - 1)
					}
					if j > 0 && !less(&ep, e) {
						return 0, fmt.Errorf("leaf out of order at %d", j)
					}
					if clo != nil && less(e, clo) || chi != nil && !less(e, chi) {
						return 0, fmt.Errorf("entry %+v outside its key range", *e)
					}
					s, ok := ix.members[e.Member]
					if !ok || s.score != e.Score || s.at != e.At {
						return 0, fmt.Errorf("entry %+v disagrees with map (%v, %v)", *e, s, ok)
					}
				}
				for j := l.n; j < leafCap; j++ {
					if l.entry(j) != (Entry{}) {
						return 0, fmt.Errorf("unused leaf slot %d not cleared", j)
					}
				}
				leaves = append(leaves, l)
				c = l.n
				seen += l.n
			} else {
				if n.leaves[i] != nil {
					return 0, fmt.Errorf("height-%d node has a leaf child", h)
				}
				var err error
				if c, err = walk(n.inners[i], h-1, false, clo, chi); err != nil {
					return 0, err
				}
			}
			if n.counts[i] != c {
				return 0, fmt.Errorf("height %d child %d: count %d, actual %d", h, i, n.counts[i], c)
			}
			total += c
		}
		for i := n.n; i < innerCap; i++ {
			if n.inners[i] != nil || n.leaves[i] != nil || n.counts[i] != 0 || n.key(i) != (Entry{}) {
				return 0, fmt.Errorf("unused inner slot %d not cleared", i)
			}
		}
		return total, nil
	}
	total, err := walk(ix.root, ix.height, true, nil, nil)
	if err != nil {
		return err
	}
	if total != len(ix.members) || seen != total {
		return fmt.Errorf("tree holds %d entries, map %d", total, len(ix.members))
	}
	for i, l := range leaves {
		var want *leaf
		if i+1 < len(leaves) {
			want = leaves[i+1]
		}
		if l.next != want {
			return fmt.Errorf("leaf %d's next pointer is wrong", i)
		}
	}
	return nil
}

// Height returns the tree's height (1: the root's children are leaves).
func Height(ix *Index) int { return ix.height }

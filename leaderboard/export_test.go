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
				k := ix.keyEntry(n, i)
				clo = &k
			}
			if i+1 < n.n {
				k := ix.keyEntry(n, i+1)
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
					ej, ep := ix.entry(l, j), Entry{}
					e := &ej
					if j > 0 {
						ep = ix.entry(l, j-1)
					}
					if j > 0 && !less(&ep, e) {
						return 0, fmt.Errorf("leaf out of order at %d", j)
					}
					if clo != nil && less(e, clo) || chi != nil && !less(e, chi) {
						return 0, fmt.Errorf("entry %+v outside its key range", *e)
					}
					r, ok := ix.lookup(e.Member)
					if !ok || r.name != l.refs[j] || r.score != e.Score || r.at != e.At {
						return 0, fmt.Errorf("entry %+v disagrees with the member table (%v, %v)", *e, r, ok)
					}
				}
				for j := l.n; j < leafCap; j++ {
					if l.scores[j] != 0 || l.ats[j] != 0 || l.refs[j] != 0 {
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
			if n.inners[i] != nil || n.leaves[i] != nil || n.counts[i] != 0 || n.scores[i] != 0 || n.ats[i] != 0 || n.refs[i] != 0 {
				return 0, fmt.Errorf("unused inner slot %d not cleared", i)
			}
		}
		return total, nil
	}
	total, err := walk(ix.root, ix.height, true, nil, nil)
	if err != nil {
		return err
	}
	if total != ix.live || seen != total {
		return fmt.Errorf("tree holds %d entries, Len %d", total, ix.live)
	}
	if err := checkMembers(ix); err != nil {
		return err
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

// keyEntry returns key i of n as an entry.
func (ix *Index) keyEntry(n *inner, i int) Entry {
	k := ix.nodeKey(n, i)
	return Entry{Member: k.name, Score: k.score, At: k.at}
}

// checkMembers verifies the member table: every record in it is found by
// its name in its own slot, and the counts of live, forgotten and
// tombstoned members and of slots agree.
func checkMembers(ix *Index) error {
	m := &ix.m
	var live, dead, tombs int
	for i := range m.slots {
		r := &m.slots[i]
		switch r.state() {
		case stFree:
			if *r != (record{}) {
				return fmt.Errorf("empty slot %d not cleared", i)
			}
			continue
		case stLive:
			live++
		case stDead:
			dead++
		case stTomb:
			tombs++
		}
		_, slot, ok := m.find(m.name(r))
		if !ok || slot != i {
			return fmt.Errorf("record in slot %d (%q) is not found by its name (%d, %v)", i, m.name(r), slot, ok)
		}
	}
	used := live + dead + tombs
	if live != ix.live || dead != m.dead || tombs != m.tombs || used != m.used {
		return fmt.Errorf("member table counts: live %d/%d, dead %d/%d, tombs %d/%d, slots %d/%d",
			live, ix.live, dead, m.dead, tombs, m.tombs, used, m.used)
	}
	return nil
}

// Members returns the number of records the member table holds: members,
// tombstones and forgotten members awaiting compaction.
func Members(ix *Index) int { return ix.m.used }

// NameChunks returns the number of chunks the name arena holds.
func NameChunks(ix *Index) int { return len(ix.m.names) }

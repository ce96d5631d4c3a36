package leaderboard

// The tally counts the members at each distinct score: a small B+ tree of
// (score, count) pairs in descending score order, with per-child sums. A
// competition rank, a tie count and CountAbove need only the score, so
// they read the tally instead of descending the main tree: on a board with
// many ties (a million members over a few thousand scores) the tally is a
// few hundred kilobytes that stay in the processor's cache, where the main
// tree's path to a score is two or three cache misses.
//
// A board with about as many distinct scores as members gains nothing from
// a tally as large as its tree, so the tally switches itself off for good
// (and frees its nodes) once it holds more than max(tallyMinLimit, live/4)
// scores; the index then answers from the main tree, as it always can.
//
// A score whose count drops to zero keeps its entry, so that members who
// move back and forth between scores cost no structural change; when such
// entries outnumber the live ones (and at least tallySlack of them exist)
// the tally is rebuilt from its live entries, so the cost is amortised.
const (
	tallyCap      = 32
	tallyFill     = 3 * tallyCap / 4 // entries per node when rebuilt
	tallyMinLimit = 1 << 16
	tallySlack    = 64
)

// tnode is a node of the tally. In a leaf, scores and counts are the
// entries; in an inner node, scores[i] is the first (highest) score under
// kid i and counts[i] the number of members under it.
type tnode struct {
	n      int
	scores [tallyCap]int64
	counts [tallyCap]int
	kids   []*tnode // nil in a leaf
}

// tally is the count of members per score; newTally makes one.
type tally struct {
	root    *tnode // nil while empty
	height  int    // 0: the root is a leaf
	entries int    // entries in the leaves, zero counts included
	zeros   int    // entries with a count of zero
	limit   int    // at least this many scores are always allowed
	off     bool   // switched off: the index uses the main tree
}

// newTally returns an empty tally.
func newTally() tally { return tally{limit: tallyMinLimit} }

// on reports whether the tally answers queries.
func (t *tally) on() bool { return !t.off }

// countAbove returns the number of members with a score higher than s.
func (t *tally) countAbove(s int64) int {
	n, c := t.root, 0
	if n == nil {
		return 0
	}
	for h := t.height; ; h-- {
		i := 0
		if h == 0 {
			for ; i < n.n && n.scores[i] > s; i++ {
				c += n.counts[i]
			}
			return c
		}
		// Every member under kid i scores above kid i+1's first score.
		for ; i+1 < n.n && n.scores[i+1] > s; i++ {
			c += n.counts[i]
		}
		n = n.kids[i]
	}
}

// around returns the number of members with a score higher than s and the
// number with score s, in one descent.
func (t *tally) around(s int64) (above, tied int) {
	n := t.root
	if n == nil {
		return 0, 0
	}
	for h := t.height; ; h-- {
		i := 0
		if h == 0 {
			for ; i < n.n && n.scores[i] > s; i++ {
				above += n.counts[i]
			}
			if i < n.n && n.scores[i] == s {
				tied = n.counts[i]
			}
			return above, tied
		}
		// The members at s lie under one kid: the last whose first score
		// is at least s (its first score is s itself, or s lies inside).
		for ; i+1 < n.n && n.scores[i+1] >= s; i++ {
			above += n.counts[i]
		}
		n = n.kids[i]
	}
}

// add adds d (+1 or -1) to the count of score s; a new score needs d > 0.
// live is the number of members afterwards, for the size limit.
func (t *tally) add(s int64, d, live int) {
	if t.off {
		return
	}
	if t.root == nil {
		t.root = &tnode{}
	}
	if r := t.addTo(t.root, t.height, s, d); r != nil {
		old := t.root
		root := &tnode{n: 2, kids: make([]*tnode, tallyCap)}
		root.scores[0], root.counts[0], root.kids[0] = old.scores[0], old.total(), old
		root.scores[1], root.counts[1], root.kids[1] = r.scores[0], r.total(), r
		t.root = root
		t.height++
	}
	switch {
	case t.entries-t.zeros > max(t.limit, live/4):
		*t = tally{off: true}
	case t.zeros >= tallySlack && t.zeros > t.entries-t.zeros:
		t.rebuild()
	}
}

// addTo is add within n, a node at height h. It returns n's new right
// sibling if n split.
func (t *tally) addTo(n *tnode, h int, s int64, d int) *tnode {
	if h == 0 {
		j := 0
		for j < n.n && n.scores[j] > s {
			j++
		}
		if j < n.n && n.scores[j] == s {
			was := n.counts[j]
			n.counts[j] += d
			switch {
			case n.counts[j] == 0:
				t.zeros++
			case was == 0:
				t.zeros--
			}
			return nil
		}
		t.entries++
		return n.insertAt(j, s, d, nil)
	}
	i := 0
	for i+1 < n.n && n.scores[i+1] >= s {
		i++
	}
	k := n.kids[i]
	r := t.addTo(k, h-1, s, d)
	n.scores[i] = k.scores[0] // s may have become k's first score
	if r == nil {
		n.counts[i] += d
		return nil
	}
	n.counts[i] = k.total()
	return n.insertAt(i+1, r.scores[0], r.total(), r)
}

// insertAt inserts an entry (or, in an inner node, kid) at slot i,
// splitting n first if it is full; it returns the new right half if so.
func (n *tnode) insertAt(i int, s int64, c int, kid *tnode) *tnode {
	if n.n == tallyCap {
		const half = tallyCap / 2
		r := &tnode{n: tallyCap - half}
		copy(r.scores[:], n.scores[half:])
		copy(r.counts[:], n.counts[half:])
		clear(n.scores[half:])
		clear(n.counts[half:])
		if n.kids != nil {
			r.kids = make([]*tnode, tallyCap)
			copy(r.kids, n.kids[half:])
			clear(n.kids[half:])
		}
		n.n = half
		if i <= half {
			n.insertAt(i, s, c, kid)
		} else {
			r.insertAt(i-half, s, c, kid)
		}
		return r
	}
	copy(n.scores[i+1:n.n+1], n.scores[i:n.n])
	copy(n.counts[i+1:n.n+1], n.counts[i:n.n])
	n.scores[i], n.counts[i] = s, c
	if n.kids != nil {
		copy(n.kids[i+1:n.n+1], n.kids[i:n.n])
		n.kids[i] = kid
	}
	n.n++
	return nil
}

// total returns the number of members under n.
func (n *tnode) total() int {
	t := 0
	for _, c := range n.counts[:n.n] {
		t += c
	}
	return t
}

// rebuild builds the tally again from its entries with a count, dropping
// the others.
func (t *tally) rebuild() {
	var level []*tnode
	cur := &tnode{}
	var walk func(n *tnode, h int)
	walk = func(n *tnode, h int) {
		for i := range n.n {
			if h > 0 {
				walk(n.kids[i], h-1)
				continue
			}
			if n.counts[i] == 0 {
				continue
			}
			if cur.n == tallyFill {
				level = append(level, cur)
				cur = &tnode{}
			}
			cur.scores[cur.n], cur.counts[cur.n] = n.scores[i], n.counts[i]
			cur.n++
		}
	}
	walk(t.root, t.height)
	level = append(level, cur)
	t.entries, t.zeros, t.height = t.entries-t.zeros, 0, 0
	for len(level) > 1 {
		var up []*tnode
		for i := 0; i < len(level); i += tallyFill {
			p := &tnode{kids: make([]*tnode, tallyCap)}
			for _, k := range level[i:min(i+tallyFill, len(level))] {
				p.scores[p.n], p.counts[p.n], p.kids[p.n] = k.scores[0], k.total(), k
				p.n++
			}
			up = append(up, p)
		}
		level = up
		t.height++
	}
	t.root = level[0]
}

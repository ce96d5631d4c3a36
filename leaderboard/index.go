package leaderboard

import "math"

// Entry is one member's standing on a board.
type Entry struct {
	// Member is the subject's id: a person or a team.
	Member string
	// Score is the value ranked; higher ranks better.
	Score int64
	// At says when the score was reached, in any unit the caller likes
	// (typically Unix nanoseconds or a sequence number): smaller is earlier.
	// Only the listing order and the FirstReached tie-break use it.
	At int64
}

// less reports whether a comes before b in the listing order: score
// descending, then At ascending, then Member ascending. The order is total
// because members are unique.
func less(a, b *Entry) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.At != b.At {
		return a.At < b.At
	}
	return a.Member < b.Member
}

// Node sizes. 64 entries of 32 bytes make a 2 KiB leaf: wide enough that a
// million members need a tree only three or four levels deep (few cache
// misses per query), small enough that shifting within a leaf on update
// stays cheap. Nodes merge or rebalance below a quarter full, while a split
// leaves both halves half full, so a member moving back and forth across a
// node boundary cannot make the tree split and merge on every call.
const (
	leafCap  = 64
	leafMin  = leafCap / 4
	innerCap = 64
	innerMin = innerCap / 4
)

// leaf holds entries in listing order, inline, so a leaf is one allocation
// and a range scan reads contiguous memory.
type leaf struct {
	n     int
	next  *leaf // the next leaf in listing order, for Range
	items [leafCap]Entry
}

// inner is an interior node. keys[i] (i >= 1) is a lower bound of child i's
// entries and, strictly, an upper bound of child i-1's: every entry in
// child i is >= keys[i] and < keys[i+1]. keys[0] is ignored when searching;
// it only carries the node's own lower bound while children move between
// siblings. counts[i] is the number of entries under child i: the "order
// statistic" part that turns a descent into a position.
type inner struct {
	n      int
	keys   [innerCap]Entry
	counts [innerCap]int
	inners [innerCap]*inner // children, when the node is above height 1
	leaves [innerCap]*leaf  // children, when the node is at height 1
}

// Index is an order-statistic index of a board's entries: a B+ tree with
// subtree counts, plus a member map. It answers rank, position and paging
// queries in O(log n). See the package documentation for why a B+ tree.
//
// The zero value is not usable; call New. An Index is not safe for
// concurrent use: callers that share one between goroutines must lock
// (a sync.RWMutex fits, since every query method only reads).
type Index struct {
	ranking Ranking
	members map[string]standing
	root    *inner // never nil; height 1 means its children are leaves
	height  int
}

// standing is what the member map keeps: enough to rebuild the member's
// tree key, and so to find it by descent. Keeping leaf pointers instead
// would need fixing on every split and merge, for no gain at this height.
type standing struct {
	score, at int64
}

// New returns an empty Index that ranks with r. A value of r that is
// neither Competition nor FirstReached ranks like Competition.
func New(r Ranking) *Index {
	root := &inner{n: 1}
	root.leaves[0] = &leaf{}
	return &Index{ranking: r, members: map[string]standing{}, root: root, height: 1}
}

// Ranking returns the rule the index ranks by.
func (ix *Index) Ranking() Ranking { return ix.ranking }

// Len returns the number of members.
func (ix *Index) Len() int { return len(ix.members) }

// Set records member's score, reached at at, inserting the member or
// replacing its previous standing. It does nothing if neither score nor at
// changed. Updating an existing member allocates nothing unless a node
// splits. The member string is retained; pass a string that does not pin a
// larger buffer.
func (ix *Index) Set(member string, score, at int64) {
	old, ok := ix.members[member]
	if ok {
		if old.score == score && old.at == at {
			return
		}
		// Reuse the stored member string, so the tree and the map keep
		// sharing one copy whatever string the caller passed this time.
		removed := ix.delete(Entry{Member: member, Score: old.score, At: old.at})
		member = removed.Member
	}
	ix.members[member] = standing{score: score, at: at}
	ix.insert(Entry{Member: member, Score: score, At: at})
}

// Remove deletes member and reports whether it was present.
func (ix *Index) Remove(member string) bool {
	old, ok := ix.members[member]
	if !ok {
		return false
	}
	ix.delete(Entry{Member: member, Score: old.score, At: old.at})
	delete(ix.members, member)
	return true
}

// Score returns member's entry.
func (ix *Index) Score(member string) (Entry, bool) {
	s, ok := ix.members[member]
	if !ok {
		return Entry{}, false
	}
	return Entry{Member: member, Score: s.score, At: s.at}, true
}

// Rank returns member's 1-based rank under the index's Ranking: under
// Competition, 1 + the number of members with a strictly higher score; under
// FirstReached, 1 + its position.
func (ix *Index) Rank(member string) (int, bool) {
	s, ok := ix.members[member]
	if !ok {
		return 0, false
	}
	if ix.ranking == FirstReached {
		return ix.countLess(&Entry{Member: member, Score: s.score, At: s.at}) + 1, true
	}
	return ix.CountAbove(s.score) + 1, true
}

// Tied returns how many members share member's score, itself included, or
// 0 if member is absent. Under Competition they all share its rank.
func (ix *Index) Tied(member string) int {
	s, ok := ix.members[member]
	if !ok {
		return 0
	}
	atLeast := ix.Len()
	if s.score > math.MinInt64 {
		atLeast = ix.CountAbove(s.score - 1)
	}
	return atLeast - ix.CountAbove(s.score)
}

// CountAbove returns the number of members with a score strictly higher
// than score.
func (ix *Index) CountAbove(score int64) int {
	// Every entry with this score sorts at or after the probe (smallest At,
	// smallest Member), so the entries before it are exactly the higher
	// scores.
	return ix.countLess(&Entry{Score: score, At: math.MinInt64})
}

// Position returns member's 0-based position in the listing order (score
// descending, then At ascending, then Member ascending). The listing order
// is total under either Ranking, so pages are deterministic.
func (ix *Index) Position(member string) (int, bool) {
	s, ok := ix.members[member]
	if !ok {
		return 0, false
	}
	return ix.countLess(&Entry{Member: member, Score: s.score, At: s.at}), true
}

// At returns the entry at the 0-based position in the listing order, or
// false if position is out of range.
func (ix *Index) At(position int) (Entry, bool) {
	if position < 0 || position >= ix.Len() {
		return Entry{}, false
	}
	l, i := ix.seek(position)
	return l.items[i], true
}

// Range returns up to n entries in listing order starting at position from:
// fewer when the list ends first, none when from is out of range or n <= 0.
// It costs O(log n + n) and returns a new slice.
func (ix *Index) Range(from, n int) []Entry {
	if from < 0 || n <= 0 || from >= ix.Len() {
		return nil
	}
	n = min(n, ix.Len()-from)
	out := make([]Entry, 0, n)
	l, i := ix.seek(from)
	for len(out) < n {
		take := min(n-len(out), l.n-i)
		out = append(out, l.items[i:i+take]...)
		l, i = l.next, 0
	}
	return out
}

// Neighbourhood returns member's entry with up to k entries before it and
// k after it in listing order, clipped at the ends of the list (so at most
// 2k+1 entries, member included). It returns nil if member is absent; a
// negative k counts as 0.
func (ix *Index) Neighbourhood(member string, k int) []Entry {
	p, ok := ix.Position(member)
	if !ok {
		return nil
	}
	k = max(k, 0)
	from := max(p-k, 0)
	return ix.Range(from, p+k+1-from)
}

// countLess returns the number of entries that sort strictly before e
// (which need not be in the index).
func (ix *Index) countLess(e *Entry) int {
	pos := 0
	n := ix.root
	for h := ix.height; ; h-- {
		i := n.child(e)
		for j := range i {
			pos += n.counts[j]
		}
		if h == 1 {
			return pos + n.leaves[i].search(e)
		}
		n = n.inners[i]
	}
}

// seek returns the leaf and slot holding position p, which must be in range.
func (ix *Index) seek(p int) (*leaf, int) {
	n := ix.root
	for h := ix.height; ; h-- {
		i := 0
		for p >= n.counts[i] {
			p -= n.counts[i]
			i++
		}
		if h == 1 {
			return n.leaves[i], p
		}
		n = n.inners[i]
	}
}

// child returns the index of the child whose key range holds e: the last i
// with keys[i] <= e, or 0.
func (n *inner) child(e *Entry) int {
	lo, hi := 1, n.n // find the first i in [1, n) with e < keys[i]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if less(e, &n.keys[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}

// search returns the number of entries in l that sort before e.
func (l *leaf) search(e *Entry) int {
	lo, hi := 0, l.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if less(&l.items[m], e) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// total returns the number of entries under n.
func (n *inner) total() int {
	t := 0
	for _, c := range n.counts[:n.n] {
		t += c
	}
	return t
}

// insert adds e, which must not be present, growing a new root when the
// old one splits.
func (ix *Index) insert(e Entry) {
	r := ix.insertInto(ix.root, ix.height, &e)
	if r == nil {
		return
	}
	old := ix.root
	root := &inner{n: 2}
	root.keys[1] = r.keys[0]
	root.counts[0], root.counts[1] = old.total(), r.total()
	root.inners[0], root.inners[1] = old, r
	ix.root = root
	ix.height++
}

// insertInto adds e under n, a node at height h, and returns n's new right
// sibling if n split (its keys[0] is its lower bound).
func (ix *Index) insertInto(n *inner, h int, e *Entry) *inner {
	i := n.child(e)
	if h == 1 {
		l := n.leaves[i]
		r := l.insert(e)
		if r == nil {
			n.counts[i]++
			return nil
		}
		n.counts[i] = l.n
		return n.addChild(i+1, r.items[0], r.n, nil, r)
	}
	c := n.inners[i]
	r := ix.insertInto(c, h-1, e)
	if r == nil {
		n.counts[i]++
		return nil
	}
	rc := r.total()
	n.counts[i] = n.counts[i] + 1 - rc
	return n.addChild(i+1, r.keys[0], rc, r, nil)
}

// insert adds e to l in order. If l is full it first splits, and returns
// the new right half (already linked after l).
func (l *leaf) insert(e *Entry) *leaf {
	i := l.search(e)
	if l.n < leafCap {
		l.insertAt(i, e)
		return nil
	}
	const half = leafCap / 2
	r := &leaf{n: leafCap - half, next: l.next}
	copy(r.items[:], l.items[half:])
	clear(l.items[half:]) // drop the moved strings for the collector
	l.n, l.next = half, r
	if i <= half {
		l.insertAt(i, e)
	} else {
		r.insertAt(i-half, e)
	}
	return r
}

func (l *leaf) insertAt(i int, e *Entry) {
	copy(l.items[i+1:l.n+1], l.items[i:l.n])
	l.items[i] = *e
	l.n++
}

// addChild inserts a child at slot i with lower bound key and count
// entries. If n is full it first splits and returns the new right half.
func (n *inner) addChild(i int, key Entry, count int, in *inner, lf *leaf) *inner {
	if n.n < innerCap {
		n.insertChildAt(i, key, count, in, lf)
		return nil
	}
	const half = innerCap / 2
	r := &inner{n: innerCap - half}
	copy(r.keys[:], n.keys[half:])
	copy(r.counts[:], n.counts[half:])
	copy(r.inners[:], n.inners[half:])
	copy(r.leaves[:], n.leaves[half:])
	n.clearFrom(half)
	n.n = half
	if i <= half {
		n.insertChildAt(i, key, count, in, lf)
	} else {
		r.insertChildAt(i-half, key, count, in, lf)
	}
	return r
}

func (n *inner) insertChildAt(i int, key Entry, count int, in *inner, lf *leaf) {
	copy(n.keys[i+1:n.n+1], n.keys[i:n.n])
	copy(n.counts[i+1:n.n+1], n.counts[i:n.n])
	copy(n.inners[i+1:n.n+1], n.inners[i:n.n])
	copy(n.leaves[i+1:n.n+1], n.leaves[i:n.n])
	n.keys[i], n.counts[i], n.inners[i], n.leaves[i] = key, count, in, lf
	n.n++
}

// removeChildAt drops child i, shifting the later ones down.
func (n *inner) removeChildAt(i int) {
	copy(n.keys[i:], n.keys[i+1:n.n])
	copy(n.counts[i:], n.counts[i+1:n.n])
	copy(n.inners[i:], n.inners[i+1:n.n])
	copy(n.leaves[i:], n.leaves[i+1:n.n])
	n.n--
	n.clearFrom(n.n)
}

// clearFrom zeroes the slots from i on, so that unused slots pin no memory.
func (n *inner) clearFrom(i int) {
	clear(n.keys[i:])
	clear(n.counts[i:])
	clear(n.inners[i:])
	clear(n.leaves[i:])
}

// delete removes e, which must be present, and returns the stored entry.
// It shrinks the tree when the root is left with a single inner child.
func (ix *Index) delete(e Entry) Entry {
	removed := ix.deleteFrom(ix.root, ix.height, &e)
	for ix.height > 1 && ix.root.n == 1 {
		ix.root = ix.root.inners[0]
		ix.height--
	}
	return removed
}

// deleteFrom removes e from under n, a node at height h, and repairs any
// child left under-full.
func (ix *Index) deleteFrom(n *inner, h int, e *Entry) Entry {
	i := n.child(e)
	n.counts[i]--
	if h == 1 {
		l := n.leaves[i]
		j := l.search(e)
		removed := l.items[j]
		copy(l.items[j:], l.items[j+1:l.n])
		l.n--
		l.items[l.n] = Entry{}
		if l.n < leafMin && n.n > 1 {
			ix.fixLeaf(n, i)
		}
		return removed
	}
	c := n.inners[i]
	removed := ix.deleteFrom(c, h-1, e)
	if c.n < innerMin && n.n > 1 {
		n.fixInner(i)
	}
	return removed
}

// fixLeaf repairs n's under-full leaf child i by merging it with a sibling
// or, when both do not fit in one leaf, by sharing their entries evenly.
func (ix *Index) fixLeaf(n *inner, i int) {
	li := max(i-1, 0)
	ri := li + 1
	L, R := n.leaves[li], n.leaves[ri]
	if L.n+R.n <= leafCap {
		copy(L.items[L.n:], R.items[:R.n])
		L.n += R.n
		L.next = R.next
		n.counts[li] += n.counts[ri]
		n.removeChildAt(ri)
		return
	}
	target := (L.n + R.n) / 2
	if L.n < target {
		m := target - L.n
		copy(L.items[L.n:], R.items[:m])
		copy(R.items[:], R.items[m:R.n])
		clear(R.items[R.n-m : R.n])
		L.n += m
		R.n -= m
	} else {
		m := L.n - target
		copy(R.items[m:], R.items[:R.n])
		copy(R.items[:m], L.items[target:L.n])
		clear(L.items[target:L.n])
		L.n -= m
		R.n += m
	}
	n.counts[li], n.counts[ri] = L.n, R.n
	n.keys[ri] = R.items[0]
}

// fixInner repairs n's under-full inner child i, as fixLeaf does for leaves.
// The separator n.keys[ri] becomes the right node's keys[0] first, so that
// every child carries a valid lower bound wherever it moves.
func (n *inner) fixInner(i int) {
	li := max(i-1, 0)
	ri := li + 1
	L, R := n.inners[li], n.inners[ri]
	R.keys[0] = n.keys[ri]
	if L.n+R.n <= innerCap {
		copy(L.keys[L.n:], R.keys[:R.n])
		copy(L.counts[L.n:], R.counts[:R.n])
		copy(L.inners[L.n:], R.inners[:R.n])
		copy(L.leaves[L.n:], R.leaves[:R.n])
		L.n += R.n
		n.counts[li] += n.counts[ri]
		n.removeChildAt(ri)
		return
	}
	target := (L.n + R.n) / 2
	moved := 0
	if L.n < target {
		m := target - L.n
		for _, c := range R.counts[:m] {
			moved += c
		}
		copy(L.keys[L.n:], R.keys[:m])
		copy(L.counts[L.n:], R.counts[:m])
		copy(L.inners[L.n:], R.inners[:m])
		copy(L.leaves[L.n:], R.leaves[:m])
		copy(R.keys[:], R.keys[m:R.n])
		copy(R.counts[:], R.counts[m:R.n])
		copy(R.inners[:], R.inners[m:R.n])
		copy(R.leaves[:], R.leaves[m:R.n])
		L.n += m
		R.n -= m
		R.clearFrom(R.n)
	} else {
		m := L.n - target
		for _, c := range L.counts[target:L.n] {
			moved -= c
		}
		copy(R.keys[m:], R.keys[:R.n])
		copy(R.counts[m:], R.counts[:R.n])
		copy(R.inners[m:], R.inners[:R.n])
		copy(R.leaves[m:], R.leaves[:R.n])
		copy(R.keys[:m], L.keys[target:L.n])
		copy(R.counts[:m], L.counts[target:L.n])
		copy(R.inners[:m], L.inners[target:L.n])
		copy(R.leaves[:m], L.leaves[target:L.n])
		L.n -= m
		R.n += m
		L.clearFrom(L.n)
	}
	n.counts[li] += moved
	n.counts[ri] -= moved
	n.keys[ri] = R.keys[0]
}

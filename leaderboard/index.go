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

// keyLess reports whether the key (as, aa, am) comes before (bs, ba, bm)
// in the listing order: less on keys held as separate fields, which is how
// the nodes store them.
func keyLess(as, aa int64, am string, bs, ba int64, bm string) bool {
	if as != bs {
		return as > bs
	}
	if aa != ba {
		return aa < ba
	}
	return am < bm
}

// Node sizes. 63 entries of 32 bytes plus a 16-byte header make a leaf of
// exactly 2 KiB, a size class of the allocator (64 entries would spill into
// the 2304-byte class and waste 11% of every leaf): wide enough that a
// million members need a tree only three levels deep (few cache misses per
// query), small enough that shifting within a leaf on update stays cheap.
// Nodes merge or rebalance below a quarter full, while a split leaves both
// halves half full, so a member moving back and forth across a node
// boundary cannot make the tree split and merge on every call.
const (
	leafCap  = 63
	leafMin  = leafCap / 4
	innerCap = 64
	innerMin = innerCap / 4
)

// leaf holds entries in listing order, inline, so a leaf is one allocation
// and a range scan reads contiguous memory. The fields of the entries are
// kept in separate arrays (structure of arrays) so that a search by score
// reads 8 cache lines of scores, not 32 lines of whole entries, and a
// competition rank never touches the At or Member arrays.
type leaf struct {
	n       int
	next    *leaf // the next leaf in listing order, for Range
	scores  [leafCap]int64
	ats     [leafCap]int64
	members [leafCap]string
}

// inner is an interior node. Key i (i >= 1), held in scores[i], ats[i] and
// members[i], is a lower bound of child i's entries and, strictly, an upper
// bound of child i-1's: every entry in child i is >= key i and < key i+1.
// Key 0 is ignored when searching; it only carries the node's own lower
// bound while children move between siblings. counts[i] is the number of
// entries under child i: the "order statistic" part that turns a descent
// into a position. Keys are split into arrays, as in leaf, so that the
// descent for a competition rank reads only the scores and the counts.
type inner struct {
	n       int
	scores  [innerCap]int64
	counts  [innerCap]int
	ats     [innerCap]int64
	members [innerCap]string
	inners  [innerCap]*inner // children, when the node is above height 1
	leaves  [innerCap]*leaf  // children, when the node is at height 1
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
		p, _, _ := ix.locate(&Entry{Member: member, Score: s.score, At: s.at})
		return p + 1, true
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
//
// It descends by score alone: entries with a higher score all sort before
// those with score or lower, so in each node the boundary lies in the last
// child whose lower bound has a higher score (or child 0), whatever the
// At and Member fields say. That skips the tie-break comparisons and never
// reads the At or Member arrays.
func (ix *Index) CountAbove(score int64) int {
	pos := 0
	n := ix.root
	for h := ix.height; ; h-- {
		i := 0
		for j := 1; j < n.n; j++ {
			if n.scores[j] <= score {
				break
			}
			pos += n.counts[i]
			i = j
		}
		if h == 1 {
			return pos + n.leaves[i].countAbove(score)
		}
		n = n.inners[i]
	}
}

// countAbove returns the number of entries in l with a score higher than
// score. It scans rather than bisects: the scores are 8 cache lines that
// the processor fetches in parallel when read in order, where a binary
// search would wait on each line in turn, and the leaf is usually cold.
func (l *leaf) countAbove(score int64) int {
	c := 0
	for _, s := range l.scores[:l.n] {
		if s > score {
			c++
		}
	}
	return c
}

// Position returns member's 0-based position in the listing order (score
// descending, then At ascending, then Member ascending). The listing order
// is total under either Ranking, so pages are deterministic.
func (ix *Index) Position(member string) (int, bool) {
	s, ok := ix.members[member]
	if !ok {
		return 0, false
	}
	p, _, _ := ix.locate(&Entry{Member: member, Score: s.score, At: s.at})
	return p, true
}

// At returns the entry at the 0-based position in the listing order, or
// false if position is out of range.
func (ix *Index) At(position int) (Entry, bool) {
	if position < 0 || position >= ix.Len() {
		return Entry{}, false
	}
	l, i := ix.seek(position)
	return l.entry(i), true
}

// Range returns up to n entries in listing order starting at position from:
// fewer when the list ends first, none when from is out of range or n <= 0.
// It costs O(log n + n) and returns a new slice.
func (ix *Index) Range(from, n int) []Entry {
	if from < 0 || n <= 0 || from >= ix.Len() {
		return nil
	}
	n = min(n, ix.Len()-from)
	l, i := ix.seek(from)
	return collect(l, i, n)
}

// collect returns the n entries from slot i of l on, following the leaf
// chain; there must be that many.
func collect(l *leaf, i, n int) []Entry {
	out := make([]Entry, n)
	for k := range out {
		for i == l.n {
			l, i = l.next, 0
		}
		out[k] = l.entry(i)
		i++
	}
	return out
}

// Neighbourhood returns member's entry with up to k entries before it and
// k after it in listing order, clipped at the ends of the list (so at most
// 2k+1 entries, member included). It returns nil if member is absent; a
// negative k counts as 0.
func (ix *Index) Neighbourhood(member string, k int) []Entry {
	s, ok := ix.members[member]
	if !ok {
		return nil
	}
	k = max(k, 0)
	p, l, i := ix.locate(&Entry{Member: member, Score: s.score, At: s.at})
	from := max(p-k, 0)
	n := min(p+k+1, ix.Len()) - from
	// The descent that found the position also found the member's leaf;
	// when the page starts in that leaf there is no need to seek again
	// (leaves link forwards only).
	if i >= p-from {
		return collect(l, i-(p-from), n)
	}
	l, i = ix.seek(from)
	return collect(l, i, n)
}

// locate returns the number of entries that sort strictly before e (which
// need not be in the index), with the leaf and slot where e is or would be.
func (ix *Index) locate(e *Entry) (int, *leaf, int) {
	pos := 0
	n := ix.root
	for h := ix.height; ; h-- {
		i := n.child(e)
		for _, c := range n.counts[:i] {
			pos += c
		}
		if h == 1 {
			l := n.leaves[i]
			j := l.search(e)
			return pos + j, l, j
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

// key returns key i of n as an entry.
func (n *inner) key(i int) Entry {
	return Entry{Member: n.members[i], Score: n.scores[i], At: n.ats[i]}
}

// setKey sets key i of n.
func (n *inner) setKey(i int, e Entry) {
	n.scores[i], n.ats[i], n.members[i] = e.Score, e.At, e.Member
}

// child returns the index of the child whose key range holds e: the last i
// with key i <= e, or 0.
//
// It scans rather than bisects, as leaf.search does and for the same
// reasons.
func (n *inner) child(e *Entry) int {
	i := 1
	for ; i < n.n; i++ {
		if s := n.scores[i]; s != e.Score {
			if s < e.Score {
				break
			}
			continue
		}
		if a := n.ats[i]; a != e.At {
			if a > e.At {
				break
			}
			continue
		}
		if e.Member < n.members[i] {
			break
		}
	}
	return i - 1
}

// entry returns slot i of l as an entry.
func (l *leaf) entry(i int) Entry {
	return Entry{Member: l.members[i], Score: l.scores[i], At: l.ats[i]}
}

// search returns the number of entries in l that sort before e.
//
// It scans in order rather than bisects: a leaf is usually cold, and the
// processor fetches the cache lines of a forward scan in parallel, where a
// binary search waits on one miss after another and mispredicts about
// every other branch. The score array decides most steps; the At and
// Member arrays are read only across a run of equal scores.
func (l *leaf) search(e *Entry) int {
	j := 0
	for ; j < l.n; j++ {
		if s := l.scores[j]; s != e.Score {
			if s < e.Score {
				break
			}
			continue
		}
		if a := l.ats[j]; a != e.At {
			if a > e.At {
				break
			}
			continue
		}
		if l.members[j] >= e.Member {
			break
		}
	}
	return j
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
	root.setKey(1, r.key(0))
	root.counts[0], root.counts[1] = old.total(), r.total()
	root.inners[0], root.inners[1] = old, r
	ix.root = root
	ix.height++
}

// insertInto adds e under n, a node at height h, and returns n's new right
// sibling if n split (its key 0 is its lower bound).
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
		return n.addChild(i+1, r.entry(0), r.n, nil, r)
	}
	c := n.inners[i]
	r := ix.insertInto(c, h-1, e)
	if r == nil {
		n.counts[i]++
		return nil
	}
	rc := r.total()
	n.counts[i] = n.counts[i] + 1 - rc
	return n.addChild(i+1, r.key(0), rc, r, nil)
}

// insert adds e to l in order. If l is full it first splits, and returns
// the new right half (already linked after l).
func (l *leaf) insert(e *Entry) *leaf {
	i := l.search(e)
	if l.n < leafCap {
		l.insertAt(i, e)
		return nil
	}
	const half = (leafCap + 1) / 2
	r := &leaf{n: leafCap - half, next: l.next}
	copy(r.scores[:], l.scores[half:])
	copy(r.ats[:], l.ats[half:])
	copy(r.members[:], l.members[half:])
	l.clearFrom(half)
	l.n, l.next = half, r
	if i <= half {
		l.insertAt(i, e)
	} else {
		r.insertAt(i-half, e)
	}
	return r
}

func (l *leaf) insertAt(i int, e *Entry) {
	copy(l.scores[i+1:l.n+1], l.scores[i:l.n])
	copy(l.ats[i+1:l.n+1], l.ats[i:l.n])
	copy(l.members[i+1:l.n+1], l.members[i:l.n])
	l.scores[i], l.ats[i], l.members[i] = e.Score, e.At, e.Member
	l.n++
}

// removeAt drops slot i of l, shifting the later ones down.
func (l *leaf) removeAt(i int) {
	copy(l.scores[i:], l.scores[i+1:l.n])
	copy(l.ats[i:], l.ats[i+1:l.n])
	copy(l.members[i:], l.members[i+1:l.n])
	l.n--
	l.scores[l.n], l.ats[l.n], l.members[l.n] = 0, 0, ""
}

// clearFrom zeroes the slots from i on, so that unused slots pin no memory.
func (l *leaf) clearFrom(i int) {
	clear(l.scores[i:])
	clear(l.ats[i:])
	clear(l.members[i:])
}

// moveLeaf copies m entries from slot j of src to slot i of dst.
func moveLeaf(dst *leaf, i int, src *leaf, j, m int) {
	copy(dst.scores[i:i+m], src.scores[j:j+m])
	copy(dst.ats[i:i+m], src.ats[j:j+m])
	copy(dst.members[i:i+m], src.members[j:j+m])
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
	moveInner(r, 0, n, half, innerCap-half)
	n.clearFrom(half)
	n.n = half
	if i <= half {
		n.insertChildAt(i, key, count, in, lf)
	} else {
		r.insertChildAt(i-half, key, count, in, lf)
	}
	return r
}

// moveInner copies m children, with their keys and counts, from slot j of
// src to slot i of dst. The ranges may overlap when src is dst.
func moveInner(dst *inner, i int, src *inner, j, m int) {
	copy(dst.scores[i:i+m], src.scores[j:j+m])
	copy(dst.ats[i:i+m], src.ats[j:j+m])
	copy(dst.members[i:i+m], src.members[j:j+m])
	copy(dst.counts[i:i+m], src.counts[j:j+m])
	copy(dst.inners[i:i+m], src.inners[j:j+m])
	copy(dst.leaves[i:i+m], src.leaves[j:j+m])
}

func (n *inner) insertChildAt(i int, key Entry, count int, in *inner, lf *leaf) {
	moveInner(n, i+1, n, i, n.n-i)
	n.setKey(i, key)
	n.counts[i], n.inners[i], n.leaves[i] = count, in, lf
	n.n++
}

// removeChildAt drops child i, shifting the later ones down.
func (n *inner) removeChildAt(i int) {
	moveInner(n, i, n, i+1, n.n-i-1)
	n.n--
	n.clearFrom(n.n)
}

// clearFrom zeroes the slots from i on, so that unused slots pin no memory.
func (n *inner) clearFrom(i int) {
	clear(n.scores[i:])
	clear(n.ats[i:])
	clear(n.members[i:])
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
		removed := l.entry(j)
		l.removeAt(j)
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
		moveLeaf(L, L.n, R, 0, R.n)
		L.n += R.n
		L.next = R.next
		n.counts[li] += n.counts[ri]
		n.removeChildAt(ri)
		return
	}
	target := (L.n + R.n) / 2
	if L.n < target {
		m := target - L.n
		moveLeaf(L, L.n, R, 0, m)
		moveLeaf(R, 0, R, m, R.n-m)
		R.clearFrom(R.n - m)
		L.n += m
		R.n -= m
	} else {
		m := L.n - target
		moveLeaf(R, m, R, 0, R.n)
		moveLeaf(R, 0, L, target, m)
		L.clearFrom(target)
		L.n -= m
		R.n += m
	}
	n.counts[li], n.counts[ri] = L.n, R.n
	n.setKey(ri, R.entry(0))
}

// fixInner repairs n's under-full inner child i, as fixLeaf does for leaves.
// The separator key ri of n becomes the right node's key 0 first, so that
// every child carries a valid lower bound wherever it moves.
func (n *inner) fixInner(i int) {
	li := max(i-1, 0)
	ri := li + 1
	L, R := n.inners[li], n.inners[ri]
	R.setKey(0, n.key(ri))
	if L.n+R.n <= innerCap {
		moveInner(L, L.n, R, 0, R.n)
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
		moveInner(L, L.n, R, 0, m)
		moveInner(R, 0, R, m, R.n-m)
		L.n += m
		R.n -= m
		R.clearFrom(R.n)
	} else {
		m := L.n - target
		for _, c := range L.counts[target:L.n] {
			moved -= c
		}
		moveInner(R, m, R, 0, R.n)
		moveInner(R, 0, L, target, m)
		L.n -= m
		R.n += m
		L.clearFrom(L.n)
	}
	n.counts[li] += moved
	n.counts[ri] -= moved
	n.setKey(ri, R.key(0))
}

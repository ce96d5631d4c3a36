package leaderboard

import (
	"cmp"
	"iter"
	"math"
	"strings"
)

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

// Standing is a member's entry with its place on the board, as
// [Index.Standing] computes it in one descent.
type Standing struct {
	Entry
	// Rank is the 1-based rank under the index's Ranking.
	Rank int
	// Position is the 0-based position in the listing order.
	Position int
	// Tied is how many members share the score, the member included.
	Tied int
}

// less reports whether a comes before b in the listing order: score
// descending, then At ascending, then Member ascending. The order is total
// because members are unique.
func less(a, b *Entry) bool { return Compare(*a, *b) < 0 }

// Compare orders entries in the listing order every board uses: score
// descending, then At ascending (reached first), then Member ascending. It
// returns a negative number when a comes first, positive when b does, and 0
// for the same standing; use it with slices.SortFunc.
func Compare(a, b Entry) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.At, b.At); c != 0 {
		return c
	}
	return strings.Compare(a.Member, b.Member)
}

// stride is how many keys the scans of nodes (leaf.search, inner.child)
// step over at a time before they go one by one.
const stride = 8

// after reports whether k sorts after every key with score and at, whatever
// the names: whether score is higher than k's, or the same and reached
// earlier.
func (k *key) after(score, at int64) bool {
	return score > k.score || score == k.score && at < k.at
}

// key is a place in the listing order as the tree searches for it: a
// member's score, time and name ref (which identifies the member), and its
// name for the rare comparison with another member of the same score and
// time.
type key struct {
	score, at int64
	ref       uint32
	name      string
}

// Node sizes. A leaf holds 63 entries of 20 bytes (score, time and name
// ref) behind a 16-byte header: 1,276 bytes, which the allocator's
// 1,280-byte size class holds with almost no waste. That is wide enough
// that a million members need a tree only three levels deep (few cache
// misses per query), small enough that shifting within a leaf on update
// stays cheap. Nodes merge or rebalance below a quarter full, while a
// split leaves both halves half full, so a member moving back and forth
// across a node boundary cannot make the tree split and merge on every
// call.
const (
	leafCap  = 63
	leafMin  = leafCap / 4
	innerCap = 64
	innerMin = innerCap / 4
)

// leaf holds entries in listing order, inline, so a leaf is one allocation
// and a range scan reads contiguous memory. The fields of the entries are
// kept in separate arrays (structure of arrays) so that a search by score
// reads 8 cache lines of scores, not whole entries, and a competition rank
// never touches the other arrays. Members are name refs (see members): one
// memory access away from the name, for listings.
type leaf struct {
	n      int
	next   *leaf // the next leaf in listing order, for Range
	scores [leafCap]int64
	ats    [leafCap]int64
	refs   [leafCap]uint32
}

// inner is an interior node. Key i (i >= 1), held in scores[i], ats[i] and
// refs[i], is a lower bound of child i's entries and, strictly, an upper
// bound of child i-1's: every entry in child i is >= key i and < key i+1.
// Key 0 is ignored when searching; it only carries the node's own lower
// bound while children move between siblings. counts[i] is the number of
// entries under child i: the "order statistic" part that turns a descent
// into a position. Keys are split into arrays, as in leaf, so that the
// descent for a competition rank reads only the scores and the counts.
//
// A key's ref may name a member that has since left the tree: its name
// still orders the key, so the member table does not free such a member
// until no key refers to it (see Index.compact).
type inner struct {
	n      int
	scores [innerCap]int64
	counts [innerCap]int
	ats    [innerCap]int64
	refs   [innerCap]uint32
	inners [innerCap]*inner // children, when the node is above height 1
	leaves [innerCap]*leaf  // children, when the node is at height 1
}

// Index is an order-statistic index of a board's entries: a B+ tree with
// subtree counts, plus a member table. It answers rank, position and paging
// queries in O(log n). See the package documentation for why a B+ tree.
//
// Each member also carries a version, for callers that apply updates which
// may arrive late or twice (see [Index.SetVersioned]).
//
// The zero value is not usable; call New. An Index is not safe for
// concurrent use: callers that share one between goroutines must lock
// (a sync.RWMutex fits, since every query method only reads).
type Index struct {
	ranking Ranking
	m       members
	live    int    // members in the tree
	root    *inner // never nil; height 1 means its children are leaves
	height  int
	tally   tally // members per score, for ranks without a descent
}

// New returns an empty Index that ranks with r. A value of r that is
// neither Competition nor FirstReached ranks like Competition.
func New(r Ranking) *Index {
	root := &inner{n: 1}
	root.leaves[0] = &leaf{}
	return &Index{ranking: r, m: newMembers(), root: root, height: 1, tally: newTally()}
}

// Ranking returns the rule the index ranks by.
func (ix *Index) Ranking() Ranking { return ix.ranking }

// Len returns the number of members.
func (ix *Index) Len() int { return ix.live }

// Set records member's score, reached at at, inserting the member or
// replacing its previous standing. It does nothing if neither score nor at
// changed. The index keeps its own copy of member's bytes; updating an
// existing member allocates nothing unless a node splits. A member's
// version (see SetVersioned) is left as it was.
func (ix *Index) Set(member string, score, at int64) {
	var pt treePath
	ok := ix.descend(&key{score: score, at: at, ref: noRef, name: member}, &pt)
	r, slot, found := ix.m.find(member)
	if !found {
		r = ix.m.add(member, slot, stLive)
	}
	ix.set(r, !found, member, score, at, &pt, ok)
}

// set places r (named member, and just added to the member table if
// isNew) at score and at in the tree. pt is the path to the new place if
// hasPath; the caller finds it (with descend) before it looks r up,
// because the new place depends only on the arguments: the cache misses
// of that descent then overlap those of the lookup.
func (ix *Index) set(r *record, isNew bool, member string, score, at int64, pt *treePath, hasPath bool) {
	st := r.state()
	if isNew {
		st = stFree
	}
	switch st {
	case stLive:
		if r.score == score && r.at == at {
			return
		}
		if r.score != score {
			ix.tally.add(r.score, -1, ix.live)
			ix.tally.add(score, 1, ix.live)
		}
		old := key{score: r.score, at: r.at, ref: r.name, name: member}
		r.score, r.at = score, at
		to := key{score: score, at: at, ref: r.name, name: member}
		if !hasPath {
			ix.delete(&old)
			ix.insert(&to)
			return
		}
		ix.move(&old, &to, pt)
		return
	case stDead:
		ix.m.dead--
		ix.live++
	case stTomb:
		ix.m.tombs--
		ix.live++
	default: // new
		ix.live++
	}
	ix.tally.add(score, 1, ix.live)
	r.score, r.at = score, at
	r.setState(stLive)
	ix.insert(&key{score: score, at: at, ref: r.name, name: member})
}

// SetVersioned is Set for updates that carry a version: it applies the
// update only if version is greater than the member's version (0 for a
// member the index does not know), and then records version, so that a
// repeated or late update never rolls the member back. It reports whether
// it applied the update.
func (ix *Index) SetVersioned(member string, score, at, version int64) bool {
	var pt treePath
	hasPath := version > 0 && ix.descend(&key{score: score, at: at, ref: noRef, name: member}, &pt)
	r, slot, ok := ix.m.find(member)
	if ok && r.versionOf() >= version || !ok && version <= 0 {
		return false
	}
	if !ok {
		r = ix.m.add(member, slot, stLive)
	}
	ix.set(r, !ok, member, score, at, &pt, hasPath)
	r.version = version
	return true
}

// RemoveVersioned takes member off the board if version is greater than
// its version, as SetVersioned does, and keeps version (a tombstone) even
// for a member the index did not hold, so that a late update with a
// smaller version cannot bring the member back. A tombstone costs about
// as much memory as a member; Remove forgets one. It reports whether it
// applied the removal.
func (ix *Index) RemoveVersioned(member string, version int64) bool {
	r, slot, ok := ix.m.find(member)
	if ok && r.versionOf() >= version || !ok && version <= 0 {
		return false
	}
	if !ok {
		r = ix.m.add(member, slot, stTomb)
		ix.m.tombs++
	} else {
		ix.takeOut(r, member, stTomb)
	}
	r.version = version
	return true
}

// Version returns the version last recorded for member by SetVersioned or
// RemoveVersioned, tombstones included, and false if there is none: the
// index does not know member, or Remove forgot it.
func (ix *Index) Version(member string) (int64, bool) {
	r, _, ok := ix.m.find(member)
	if !ok {
		return 0, false
	}
	v := r.versionOf()
	return v, v > 0
}

// versionOf returns r's version, 0 for a forgotten member.
func (r *record) versionOf() int64 {
	if r.state() == stDead {
		return 0
	}
	return r.version
}

// Remove deletes member, and forgets its version, and reports whether it
// was on the board.
func (ix *Index) Remove(member string) bool {
	r, _, ok := ix.m.find(member)
	if !ok {
		return false
	}
	st := r.state()
	if st == stDead {
		return false
	}
	ix.takeOut(r, member, stDead)
	r.version = 0
	if ix.m.dead >= 1024 && ix.m.dead > ix.live/4 {
		ix.compact()
	}
	return st == stLive
}

// takeOut moves r (named member) from whatever state it is in to st
// (stTomb or stDead), taking it out of the tree if it is there.
func (ix *Index) takeOut(r *record, member string, st uint32) {
	switch r.state() {
	case stLive:
		ix.delete(&key{score: r.score, at: r.at, ref: r.name, name: member})
		ix.live--
		ix.tally.add(r.score, -1, ix.live)
	case stDead:
		ix.m.dead--
	case stTomb:
		ix.m.tombs--
	}
	r.score, r.at = 0, 0
	r.setState(st)
	if st == stDead {
		ix.m.dead++
	} else {
		ix.m.tombs++
	}
}

// compact frees the records of forgotten members, except those whose
// names a key in an interior node still refers to, and then compacts the
// names. Remove calls it once forgotten members reach a quarter of the
// board, so its O(n) cost is spread over at least n/4 removals.
func (ix *Index) compact() {
	pinned := map[uint32]bool{}
	ix.walkInner(func(n *inner) {
		for _, ref := range n.refs[:n.n] {
			pinned[ref] = true
		}
	})
	for i := 0; i < len(ix.m.slots); {
		r := &ix.m.slots[i]
		if r.state() != stDead || pinned[r.name] {
			i++
			continue
		}
		// A later record of the cluster may move into slot i: look at
		// the slot again. (Only records already looked at move into
		// slots before i, from the start of a cluster that wraps.)
		ix.m.release(i)
		ix.m.dead--
	}
	ix.compactNames()
}

// walkInner calls f on every interior node.
func (ix *Index) walkInner(f func(n *inner)) {
	var walk func(n *inner, h int)
	walk = func(n *inner, h int) {
		f(n)
		if h > 1 {
			for _, c := range n.inners[:n.n] {
				walk(c, h-1)
			}
		}
	}
	walk(ix.root, ix.height)
}

// compactNames copies every stored name to fresh chunks when more than
// half of the arena is names of freed records, and points the records and
// the tree at the copies. The old chunks are left as they are: names
// the index returned share them, and keep them alive as long as needed.
func (ix *Index) compactNames() {
	m := &ix.m
	if m.junkBytes < nameChunk || m.junkBytes < m.liveBytes {
		return
	}
	old := m.names
	m.names, m.liveBytes, m.junkBytes = nil, 0, 0
	moved := make(map[uint32]uint32, m.used)
	for i := range m.slots {
		r := &m.slots[i]
		if r.state() == stFree || r.name&longRef != 0 {
			continue
		}
		c := old[r.name>>nameShift]
		off := int(r.name&(nameChunk-1)) + 2
		ref := m.storeName(string(c[off : off+int(r.nlen&lenMask)]))
		moved[r.name], r.name = ref, ref
	}
	move := func(refs []uint32) {
		for i, ref := range refs {
			if to, ok := moved[ref]; ok {
				refs[i] = to
			}
		}
	}
	ix.walkInner(func(n *inner) {
		move(n.refs[:n.n])
		if n.leaves[0] != nil {
			for _, l := range n.leaves[:n.n] {
				move(l.refs[:l.n])
			}
		}
	})
}

// lookup returns member's record if it is on the board.
func (ix *Index) lookup(member string) (*record, bool) {
	return ix.m.findLive(member)
}

// Score returns member's entry.
func (ix *Index) Score(member string) (Entry, bool) {
	r, ok := ix.lookup(member)
	if !ok {
		return Entry{}, false
	}
	return Entry{Member: member, Score: r.score, At: r.at}, true
}

// Rank returns member's 1-based rank under the index's Ranking: under
// Competition, 1 + the number of members with a strictly higher score; under
// FirstReached, 1 + its position.
func (ix *Index) Rank(member string) (int, bool) {
	r, ok := ix.lookup(member)
	if !ok {
		return 0, false
	}
	if ix.ranking == FirstReached {
		p, _, _ := ix.locate(&key{score: r.score, at: r.at, ref: r.name, name: member})
		return p + 1, true
	}
	return ix.CountAbove(r.score) + 1, true
}

// Tied returns how many members share member's score, itself included, or
// 0 if member is absent. Under Competition they all share its rank.
func (ix *Index) Tied(member string) int {
	r, ok := ix.lookup(member)
	if !ok {
		return 0
	}
	if ix.tally.on() {
		_, tied := ix.tally.around(r.score)
		return tied
	}
	above, atLeast := ix.countAround(ix.root, ix.height, r.score)
	return atLeast - above
}

// RankTied returns member's entry, its rank under the index's Ranking and
// the number of members tied with it (itself included): Standing without
// the position. Under Competition the tally (see index_tally.go) answers
// the rank and ties from cache, so RankTied costs the member's lookup and
// no descent of the tree, where Standing's descent to the member, for its
// position, costs a cache miss or two on a large board. Under FirstReached
// the rank is the position + 1, and without a tally the rank and ties come
// from the tree: then it costs what Standing does.
func (ix *Index) RankTied(member string) (e Entry, rank, tied int, ok bool) {
	if ix.ranking == FirstReached || !ix.tally.on() {
		st, ok := ix.Standing(member)
		return st.Entry, st.Rank, st.Tied, ok
	}
	r, ok := ix.lookup(member)
	if !ok {
		return Entry{}, 0, 0, false
	}
	above, tied := ix.tally.around(r.score)
	return Entry{Member: member, Score: r.score, At: r.at}, above + 1, tied, true
}

// Standing returns member's entry, rank, position and the number of members
// tied with it, from one lookup and one descent: the descent to the member
// gives the position, and the tally (the count of members per score) the
// rank and ties. Without a tally (see index_tally.go) the paths to the
// member and to either end of its run of equal scores share one descent,
// parting only near the leaves.
func (ix *Index) Standing(member string) (Standing, bool) {
	r, ok := ix.lookup(member)
	if !ok {
		return Standing{}, false
	}
	k := key{score: r.score, at: r.at, ref: r.name, name: member}
	if ix.tally.on() {
		// The tally gives the rank and ties from cache; only the position
		// needs a descent.
		above, tied := ix.tally.around(r.score)
		p, _, _ := ix.locate(&k)
		st := Standing{
			Entry:    Entry{Member: member, Score: r.score, At: r.at},
			Rank:     above + 1,
			Position: p,
			Tied:     tied,
		}
		if ix.ranking == FirstReached {
			st.Rank = p + 1
		}
		return st, true
	}
	base := 0
	n := ix.root
	for h := ix.height; ; h-- {
		ia, ip, ib := n.childAbove(k.score), n.child(ix, &k), n.n-1
		if k.score > math.MinInt64 {
			ib = n.childAbove(k.score - 1)
		}
		if h == 1 || ia != ip || ip != ib {
			// The three paths part here (or reach the leaves together,
			// where the leaf is cached after the first scan).
			above, atLeast := ix.countAround(n, h, k.score)
			p, _, _ := ix.locateFrom(n, h, &k)
			st := Standing{
				Entry:    Entry{Member: member, Score: r.score, At: r.at},
				Rank:     base + above + 1,
				Position: base + p,
				Tied:     atLeast - above,
			}
			if ix.ranking == FirstReached {
				st.Rank = st.Position + 1
			}
			return st, true
		}
		for _, c := range n.counts[:ip] {
			base += c
		}
		n = n.inners[ip]
	}
}

// CountAbove returns the number of members with a score strictly higher
// than score.
func (ix *Index) CountAbove(score int64) int {
	if ix.tally.on() {
		return ix.tally.countAbove(score)
	}
	return countAbove(ix.root, ix.height, score)
}

// countAround returns the number of entries under n (at height h) with a
// score higher than score, and with a score of at least score.
func (ix *Index) countAround(n *inner, h int, score int64) (above, atLeast int) {
	above = countAbove(n, h, score)
	if score == math.MinInt64 {
		return above, n.total()
	}
	return above, countAbove(n, h, score-1)
}

// countAbove returns the number of entries under n, a node at height h,
// with a score higher than score.
//
// It descends by score alone: entries with a higher score all sort before
// those with score or lower, so in each node the boundary lies in the last
// child whose lower bound has a higher score (or child 0), whatever the
// tie-break fields say. That skips the tie-break comparisons and never
// reads the At or ref arrays.
func countAbove(n *inner, h int, score int64) int {
	pos := 0
	for ; ; h-- {
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

// childAbove returns the child of n that countAbove descends into.
func (n *inner) childAbove(score int64) int {
	i := 0
	for j := 1; j < n.n; j++ {
		if n.scores[j] <= score {
			break
		}
		i = j
	}
	return i
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
	r, ok := ix.lookup(member)
	if !ok {
		return 0, false
	}
	p, _, _ := ix.locate(&key{score: r.score, at: r.at, ref: r.name, name: member})
	return p, true
}

// At returns the entry at the 0-based position in the listing order, or
// false if position is out of range.
func (ix *Index) At(position int) (Entry, bool) {
	if position < 0 || position >= ix.Len() {
		return Entry{}, false
	}
	l, i := ix.seek(position)
	return ix.entry(l, i), true
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
	return ix.collect(make([]Entry, 0, n), l, i, n)
}

// Entries returns the entries in listing order from position from on (none
// when from is out of range). Finding the first costs O(log n), each next
// one O(1) and no allocation. The index must not change while the sequence
// is in use.
func (ix *Index) Entries(from int) iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		if from < 0 || from >= ix.Len() {
			return
		}
		l, i := ix.seek(from)
		for l != nil {
			for ; i < l.n; i++ {
				if !yield(ix.entry(l, i)) {
					return
				}
			}
			l, i = l.next, 0
		}
	}
}

// collect appends the n entries from slot i of l on to dst, following the
// leaf chain; there must be that many.
func (ix *Index) collect(dst []Entry, l *leaf, i, n int) []Entry {
	for range n {
		for i == l.n {
			l, i = l.next, 0
		}
		dst = append(dst, ix.entry(l, i))
		i++
	}
	return dst
}

// Neighbourhood returns member's entry with up to k entries before it and
// k after it in listing order, clipped at the ends of the list (so at most
// 2k+1 entries, member included). It returns nil if member is absent; a
// negative k counts as 0.
func (ix *Index) Neighbourhood(member string, k int) []Entry {
	es, _ := ix.AppendNeighbourhood(nil, member, k)
	return es
}

// AppendNeighbourhood is Neighbourhood appending to dst; it also returns
// the position of the first entry appended (or -1, with dst unchanged, if
// member is absent), so that a caller can rank the entries.
func (ix *Index) AppendNeighbourhood(dst []Entry, member string, k int) ([]Entry, int) {
	r, ok := ix.lookup(member)
	if !ok {
		return dst, -1
	}
	k = max(k, 0)
	p, l, i := ix.locate(&key{score: r.score, at: r.at, ref: r.name, name: member})
	from := max(p-k, 0)
	n := min(p+k+1, ix.Len()) - from
	if dst == nil {
		dst = make([]Entry, 0, n)
	}
	// The descent that found the position also found the member's leaf;
	// when the page starts in that leaf there is no need to seek again
	// (leaves link forwards only).
	if i >= p-from {
		return ix.collect(dst, l, i-(p-from), n), from
	}
	l, i = ix.seek(from)
	return ix.collect(dst, l, i, n), from
}

// entry returns slot i of l as an entry.
func (ix *Index) entry(l *leaf, i int) Entry {
	return Entry{Member: ix.m.nameOf(l.refs[i]), Score: l.scores[i], At: l.ats[i]}
}

// locate returns the number of entries that sort strictly before k (which
// need not be in the index), with the leaf and slot where k is or would be.
func (ix *Index) locate(k *key) (int, *leaf, int) {
	return ix.locateFrom(ix.root, ix.height, k)
}

// locateFrom is locate within the subtree of n, a node at height h.
func (ix *Index) locateFrom(n *inner, h int, k *key) (int, *leaf, int) {
	pos := 0
	for ; ; h-- {
		i := n.child(ix, k)
		for _, c := range n.counts[:i] {
			pos += c
		}
		if h == 1 {
			l := n.leaves[i]
			j := l.search(ix, k)
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

// child returns the index of the child whose key range holds k: the last i
// with key i <= k, or 0.
//
// It scans rather than bisects, as leaf.search does and for the same
// reasons, and as leaf.search it first strides over keys by eight.
func (n *inner) child(ix *Index, k *key) int {
	i := 1
	for i+stride <= n.n && k.after(n.scores[i+stride-1], n.ats[i+stride-1]) {
		i += stride
	}
	for ; i < n.n; i++ {
		if s := n.scores[i]; s != k.score {
			if s < k.score {
				break
			}
			continue
		}
		if a := n.ats[i]; a != k.at {
			if a > k.at {
				break
			}
			continue
		}
		if ref := n.refs[i]; ref != k.ref && k.name < ix.m.nameOf(ref) {
			break
		}
	}
	return i - 1
}

// search returns the number of entries in l that sort before k.
//
// It scans in order rather than bisects: a leaf is usually cold, and the
// processor fetches the cache lines of a forward scan in parallel, where a
// binary search waits on one miss after another and mispredicts about
// every other branch. The score array decides most steps; the At array is
// read only across a run of equal scores, and names (in the member table)
// only across a run of equal scores and times.
//
// The scan first strides over the entries by eight, as long as the
// eighth sorts before k by score and time alone (and so do the seven
// before it): a few steps instead of a few dozen, and fewer instructions
// between a query's cache misses, which lets the processor run further
// ahead of them.
func (l *leaf) search(ix *Index, k *key) int {
	j := 0
	for j+stride <= l.n && k.after(l.scores[j+stride-1], l.ats[j+stride-1]) {
		j += stride
	}
	for ; j < l.n; j++ {
		if s := l.scores[j]; s != k.score {
			if s < k.score {
				break
			}
			continue
		}
		if a := l.ats[j]; a != k.at {
			if a > k.at {
				break
			}
			continue
		}
		if ref := l.refs[j]; ref == k.ref || ix.m.nameOf(ref) >= k.name {
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

// nodeKey returns key i of n, naming its member.
func (ix *Index) nodeKey(n *inner, i int) key {
	return key{score: n.scores[i], at: n.ats[i], ref: n.refs[i], name: ix.m.nameOf(n.refs[i])}
}

// setKey sets key i of n to slot j of l.
func (n *inner) setKey(i int, l *leaf, j int) {
	n.scores[i], n.ats[i], n.refs[i] = l.scores[j], l.ats[j], l.refs[j]
}

// copyKey sets key i of n to key j of src.
func (n *inner) copyKey(i int, src *inner, j int) {
	n.scores[i], n.ats[i], n.refs[i] = src.scores[j], src.ats[j], src.refs[j]
}

// insert adds k, which must not be present, growing a new root when the
// old one splits.
func (ix *Index) insert(k *key) {
	r := ix.insertInto(ix.root, ix.height, k)
	if r == nil {
		return
	}
	old := ix.root
	root := &inner{n: 2}
	root.copyKey(1, r, 0)
	root.counts[0], root.counts[1] = old.total(), r.total()
	root.inners[0], root.inners[1] = old, r
	ix.root = root
	ix.height++
}

// insertInto adds k under n, a node at height h, and returns n's new right
// sibling if n split (its key 0 is its lower bound).
func (ix *Index) insertInto(n *inner, h int, k *key) *inner {
	i := n.child(ix, k)
	if h == 1 {
		l := n.leaves[i]
		r := l.insert(ix, k)
		if r == nil {
			n.counts[i]++
			return nil
		}
		n.counts[i] = l.n
		return n.addChild(i+1, r.scores[0], r.ats[0], r.refs[0], r.n, nil, r)
	}
	c := n.inners[i]
	r := ix.insertInto(c, h-1, k)
	if r == nil {
		n.counts[i]++
		return nil
	}
	rc := r.total()
	n.counts[i] = n.counts[i] + 1 - rc
	return n.addChild(i+1, r.scores[0], r.ats[0], r.refs[0], rc, r, nil)
}

// insert adds k to l in order. If l is full it first splits, and returns
// the new right part (already linked after l).
//
// A split keeps at least half of l's entries on the left, and more when k
// goes to the leaf's second half: then the split falls just after k, up
// to maxKeep entries, so that k ends the left part. Scores usually arrive
// with an At later than any other at that score, so inserts land at the
// end of their score's run, again and again at the same place; a half
// and half split would leave behind a left half that no insert ever
// fills, where this one leaves it three quarters full or more, for fewer
// leaves and bytes per member. The right part keeps more than leafMin
// entries, so that one removal does not make it merge again.
func (l *leaf) insert(ix *Index, k *key) *leaf {
	i := l.search(ix, k)
	if l.n < leafCap {
		l.insertAt(i, k)
		return nil
	}
	const (
		half    = (leafCap + 1) / 2
		maxKeep = leafCap - leafMin - 1
	)
	keep := min(max(i, half), maxKeep)
	r := &leaf{n: leafCap - keep, next: l.next}
	moveLeaf(r, 0, l, keep, leafCap-keep)
	l.clearFrom(keep)
	l.n, l.next = keep, r
	if i <= keep {
		l.insertAt(i, k)
	} else {
		r.insertAt(i-keep, k)
	}
	return r
}

func (l *leaf) insertAt(i int, k *key) {
	copy(l.scores[i+1:l.n+1], l.scores[i:l.n])
	copy(l.ats[i+1:l.n+1], l.ats[i:l.n])
	copy(l.refs[i+1:l.n+1], l.refs[i:l.n])
	l.scores[i], l.ats[i], l.refs[i] = k.score, k.at, k.ref
	l.n++
}

// removeAt drops slot i of l, shifting the later ones down.
func (l *leaf) removeAt(i int) {
	copy(l.scores[i:], l.scores[i+1:l.n])
	copy(l.ats[i:], l.ats[i+1:l.n])
	copy(l.refs[i:], l.refs[i+1:l.n])
	l.n--
	l.scores[l.n], l.ats[l.n], l.refs[l.n] = 0, 0, 0
}

// clearFrom zeroes the slots from i on.
func (l *leaf) clearFrom(i int) {
	clear(l.scores[i:])
	clear(l.ats[i:])
	clear(l.refs[i:])
}

// moveLeaf copies m entries from slot j of src to slot i of dst.
func moveLeaf(dst *leaf, i int, src *leaf, j, m int) {
	copy(dst.scores[i:i+m], src.scores[j:j+m])
	copy(dst.ats[i:i+m], src.ats[j:j+m])
	copy(dst.refs[i:i+m], src.refs[j:j+m])
}

// addChild inserts a child at slot i with lower bound (score, at, ref) and
// count entries. If n is full it first splits and returns the new right
// half.
func (n *inner) addChild(i int, score, at int64, ref uint32, count int, in *inner, lf *leaf) *inner {
	if n.n < innerCap {
		n.insertChildAt(i, score, at, ref, count, in, lf)
		return nil
	}
	const half = innerCap / 2
	r := &inner{n: innerCap - half}
	moveInner(r, 0, n, half, innerCap-half)
	n.clearFrom(half)
	n.n = half
	if i <= half {
		n.insertChildAt(i, score, at, ref, count, in, lf)
	} else {
		r.insertChildAt(i-half, score, at, ref, count, in, lf)
	}
	return r
}

// moveInner copies m children, with their keys and counts, from slot j of
// src to slot i of dst. The ranges may overlap when src is dst.
func moveInner(dst *inner, i int, src *inner, j, m int) {
	copy(dst.scores[i:i+m], src.scores[j:j+m])
	copy(dst.ats[i:i+m], src.ats[j:j+m])
	copy(dst.refs[i:i+m], src.refs[j:j+m])
	copy(dst.counts[i:i+m], src.counts[j:j+m])
	copy(dst.inners[i:i+m], src.inners[j:j+m])
	copy(dst.leaves[i:i+m], src.leaves[j:j+m])
}

func (n *inner) insertChildAt(i int, score, at int64, ref uint32, count int, in *inner, lf *leaf) {
	moveInner(n, i+1, n, i, n.n-i)
	n.scores[i], n.ats[i], n.refs[i] = score, at, ref
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
	clear(n.refs[i:])
	clear(n.counts[i:])
	clear(n.inners[i:])
	clear(n.leaves[i:])
}

// maxPath bounds the height a path holds: with at least 16 children per
// node below the root, a tree of 2^32 entries is 8 high.
const maxPath = 10

// noRef is a ref no name ever has (storeName stops one short of it). A
// key with it is ordered among equal scores and times by its name alone.
const noRef = 1<<32 - 1

// treePath is a descent from the root to a leaf: the node and the child taken
// at each height (index h-1 for height h), and the leaf.
type treePath struct {
	nodes [maxPath]*inner
	kids  [maxPath]int
	leaf  *leaf
	fill  int // the leaf's entry count, read during the descent
}

// descend fills p with the path to k's place. It reads the leaf's count,
// so that the leaf's cache miss is under way before the caller needs it.
// It returns false if the tree is too high for a path.
func (ix *Index) descend(k *key, p *treePath) bool {
	if ix.height > maxPath {
		return false
	}
	n := ix.root
	for h := ix.height; ; h-- {
		i := n.child(ix, k)
		p.nodes[h-1], p.kids[h-1] = n, i
		if h == 1 {
			p.leaf = n.leaves[i]
			p.fill = p.leaf.n
			return true
		}
		n = n.inners[i]
	}
}

// move moves an entry from key from to key to, where to's path is pt (from
// descend, with the tree unchanged since). When neither leaf must split or
// merge (the common case), it moves the entry in place, with no second
// descent for to, rather than deleting and inserting.
func (ix *Index) move(from, to *key, pt *treePath) {
	var pf treePath
	if !ix.descend(from, &pf) {
		ix.delete(from)
		ix.insert(to)
		return
	}
	lf, lt := pf.leaf, pt.leaf
	if lf != lt && (pf.fill <= leafMin || pt.fill == leafCap) {
		ix.delete(from)
		ix.insert(to)
		return
	}
	lf.removeAt(lf.search(ix, from))
	lt.insertAt(lt.search(ix, to), to)
	for h := range ix.height {
		pf.nodes[h].counts[pf.kids[h]]--
		pt.nodes[h].counts[pt.kids[h]]++
	}
}

// delete removes k, which must be present. It shrinks the tree when the
// root is left with a single inner child.
func (ix *Index) delete(k *key) {
	ix.deleteFrom(ix.root, ix.height, k)
	for ix.height > 1 && ix.root.n == 1 {
		ix.root = ix.root.inners[0]
		ix.height--
	}
}

// deleteFrom removes k from under n, a node at height h, and repairs any
// child left under-full.
func (ix *Index) deleteFrom(n *inner, h int, k *key) {
	i := n.child(ix, k)
	n.counts[i]--
	if h == 1 {
		l := n.leaves[i]
		l.removeAt(l.search(ix, k))
		if l.n < leafMin && n.n > 1 {
			fixLeaf(n, i)
		}
		return
	}
	c := n.inners[i]
	ix.deleteFrom(c, h-1, k)
	if c.n < innerMin && n.n > 1 {
		n.fixInner(i)
	}
}

// fixLeaf repairs n's under-full leaf child i by merging it with a sibling
// or, when both do not fit in one leaf, by sharing their entries evenly.
func fixLeaf(n *inner, i int) {
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
	n.setKey(ri, R, 0)
}

// fixInner repairs n's under-full inner child i, as fixLeaf does for leaves.
// The separator key ri of n becomes the right node's key 0 first, so that
// every child carries a valid lower bound wherever it moves.
func (n *inner) fixInner(i int) {
	li := max(i-1, 0)
	ri := li + 1
	L, R := n.inners[li], n.inners[ri]
	R.copyKey(0, n, ri)
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
	n.copyKey(ri, R, 0)
}

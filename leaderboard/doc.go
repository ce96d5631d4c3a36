// Package leaderboard ranks the subjects of a board (people or teams) by a
// score. It is pure: no I/O, no clock reads (times are arguments), no
// globals.
//
// # Ranking
//
// Boards use standard competition ranking ("1224") by default: subjects
// with equal scores share a rank and the next rank skips, so a rank is
// 1 + the number of subjects with a strictly higher score (see
// Competition). A board may instead break ties by who reached the score
// first, then by subject id, so that every rank is unique (FirstReached).
// Either way listings use one total order — score descending, then the time
// the score was reached ascending, then id ascending — so pages are
// deterministic even among ties.
//
// # Index
//
// Index is the structure behind ranks: Set, Remove, Rank, Position, At and
// the first entry of Range and Neighbourhood all cost O(log n). It is a B+
// tree whose interior nodes keep the entry count of each child (an
// order-statistic tree), plus a map from member to its current score so
// that a member's tree key is found without a scan.
//
// Why a B+ tree rather than a skip list or a treap, in Go: entries sit
// inline in 2 KiB leaves of 63, so the tree has one allocation per ~45
// entries instead of one per entry, the garbage collector scans few
// objects, and a million members need only three levels. A skip list or a
// treap chases a pointer (a likely cache miss) per level over ~20 levels
// and spends 24–48 bytes of pointers, spans and priorities on every entry;
// Range over a leaf chain reads contiguous memory. The cost is more code
// for splitting and rebalancing, which the property tests pin down.
//
// Nodes keep scores, times and members in separate arrays, and searches
// scan them in order. At a million members a query mostly waits on cache
// misses: a forward scan over a leaf's 512 bytes of scores lets the
// processor fetch its lines together, where a binary search over whole
// 32-byte entries waits on one line after another. A competition rank
// descends by score alone and never reads the tie-break fields.
//
// An Index is not safe for concurrent use; callers that share one lock
// around it (the query methods only read, so a sync.RWMutex works).
package leaderboard

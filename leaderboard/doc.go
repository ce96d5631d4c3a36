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
// first, then by subject id (the engine's subjects are the participant ID on
// boards of people and the team ID on boards of teams, so ties that remain
// break by participant ID), so that every rank is unique (FirstReached).
// Either way listings use one total order — score descending, then the time
// the score was reached ascending, then id ascending — so pages are
// deterministic even among ties.
//
// # Boards
//
// A programme declares its boards ([Board], collected in [Settings]). Each
// board has a scope (the whole programme, each cohort, or each team), a
// subject (people, or teams scored by their members), a period (the whole
// programme, or a new board every day, ISO week or month), a metric
// (points, completed days, or the current streak), a ranking rule, for
// boards of teams an aggregation (the sum, or the mean per member counted,
// so teams of different sizes compare fairly; see [TeamScore]) and a rule
// for late joiners (count everyone, or only those enrolled for the whole
// period; see [Eligible]). [Settings.OptOut] says whether participants who
// opted out are hidden from others or shown anonymised; they always see
// their own rank. [Validate] checks a programme's settings.
//
// # Definition files
//
// Boards are declared in the programme's definition file, under the
// top-level key leaderboards, and read by [ParseSettings]; the programme
// parser ignores that key. Every key but id and title may be left out, and
// the comments show the defaults and the names each accepts:
//
//	leaderboards:
//	  optOut: anonymised      # hidden (default) | anonymised (or anonymized)
//	  boards:
//	    - id: people-points   # required; letters, digits, '-', '_' and '.'; unique
//	      title: Top officers # required
//	      subject: people     # people (default) | teams
//	      scope: programme    # programme (default) | cohort | team
//	      period: programme   # programme (default; whole-programme) | day (daily)
//	                          #   | week (weekly, iso-week) | month (monthly)
//	      metric: points      # points (default) | completions | streak (current-streak)
//	      ranking: competition  # competition (default) | first-reached
//	      aggregation: mean   # teams only: sum (default) | mean (mean-per-member)
//	      lateJoiners: everyone # everyone (default) | whole-period
//
// The file is forgiving in the same ways as the rest of the format: keys
// and names ignore case, spaces, '-' and '_' (lateJoiners, late_joiners and
// "late joiners" are one key; first-reached and firstReached one name), a
// list written straight under leaderboards is the list of boards, and
// "name" may stand for title. Unknown keys and names are errors, with a
// suggestion for typos. The rules: a board of teams cannot have scope team
// (a team's own board is a board of people with scope team), only boards of
// teams aggregate, and the current streak, a state rather than a sum,
// is ranked only over the whole programme. Every problem is reported at
// once, in line order, as [challenge.ValidationErrors] naming the path as
// written:
//
//	line 9: leaderboards.boards[0].metirc: unknown field "metirc" in a board (did you mean "metric"?)
//	line 14: leaderboards.boards[1].aggregation: only boards of teams aggregate their members' scores: remove aggregation, or rank subject: teams
//
// In JSON (the published definition stores boards as JSON) every field is
// written by its canonical name, so a Board round-trips exactly.
//
// # Periods
//
// A board with a period keeps one set of scores per period, named by a key
// ([PeriodKey]) from the local date of the programme day, in the
// programme's time zone after its day-start hour (so a 02:30 completion
// under a 04:00 day start counts for the previous day, week and month):
//
//	programme  ""             one period: the whole programme
//	day        "2026-11-25"   the date
//	week       "2026-W48"     the ISO 8601 week, Monday to Sunday, in the
//	                          ISO week-numbering year: 2021-01-03 is in
//	                          2020-W53 and 2024-12-30 in 2025-W01
//	month      "2026-11"      the calendar month
//
// Keys of one period sort in time order. [PeriodBounds] gives a period's
// first and last date, and [ParsePeriodKey] turns a key back into its first
// date, so that a past period ("last week's board") stays addressable after
// the period rolls over.
//
// # Index
//
// Index is the structure behind ranks: Set, Remove, Rank, Position, At and
// the first entry of Range and Neighbourhood all cost O(log n). It is a B+
// tree whose interior nodes keep the entry count of each child (an
// order-statistic tree), plus a member table that keeps each member's
// score, time and version, so that a member's tree key is found without a
// scan.
//
// Why a B+ tree rather than a skip list or a treap, in Go: entries sit
// inline in leaves of 63, so the tree has one allocation per ~45 entries
// instead of one per entry, the garbage collector scans few objects, and a
// million members need only three levels. A skip list or a treap chases a
// pointer (a likely cache miss) per level over ~20 levels and spends 24–48
// bytes of pointers, spans and priorities on every entry; Range over a leaf
// chain reads contiguous memory. The cost is more code for splitting and
// rebalancing, which the property tests pin down.
//
// Nodes keep scores, times and references to member names in separate
// arrays, and searches scan them in order. At a million members a query
// mostly waits on cache misses: a forward scan over a leaf's 504 bytes of scores lets
// the processor fetch its lines together, where a binary search waits on
// one line after another. A competition rank descends by score alone and
// never reads the tie-break fields; [Index.Standing] finds rank, position
// and ties in one descent, and [Index.RankTied] rank and ties from a tally
// of members per score, without a descent.
//
// The member table holds no pointers (an open-addressing hash table whose
// 32-byte slots are the members' records, names copied once into an
// arena), so its size costs the garbage collector nothing, and a lookup
// finds a member's score with one cache miss for the slot; at a million
// members with 8-byte names the whole index holds about 94 bytes a member,
// names included.
//
// An Index is not safe for concurrent use; callers that share one lock
// around it (the query methods only read, so a sync.RWMutex works).
package leaderboard

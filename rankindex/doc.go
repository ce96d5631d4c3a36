// Package rankindex holds leaderboard ranks outside the database of
// record, so that a rank is an O(log n) lookup rather than a scan of every
// score row. The engine writes scores to storage inside a transaction and,
// after commit, applies them here with the row's version; queries read
// ranks from here.
//
// Index is the interface; Local keeps boards in this process (exact when
// every write to the boards goes through this process); package
// rankindex/redisindex keeps them in Redis sorted sets for several
// application instances sharing boards. Package rankindex/rankindextest is
// the conformance suite an implementation runs.
package rankindex

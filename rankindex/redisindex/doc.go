// Package redisindex is a rankindex.Index kept in Redis, for several
// application instances sharing boards.
//
// # Layout
//
// Every board has three keys, all named prefix + "{" + board key + "}" and
// a suffix, so that in Redis Cluster they share a hash slot and one script
// may touch them all:
//
//   - ":z", a sorted set of the members on the board;
//   - ":v", a hash from member to its last applied version, followed by
//     "|" and its sorted-set name while it is on the board (a version
//     alone is the tombstone of a removed member);
//   - ":s", the board's state: absent (Cold), "w" (Warming) or "r" (Ready).
//
// # Order and ties
//
// Redis orders a sorted set by score and then by member name, and lists
// equal scores by name descending in ZREVRANGE. The name of a member in the
// sorted set is therefore not its id but an encoding of (At, member) whose
// byte order is the reverse of the listing order's: the At, as 8
// big-endian bytes with the sign bit flipped, then the member with each NUL
// byte escaped as 00 FF and a 00 00 terminator (which makes the encoding
// order-preserving and prefix-free), every byte inverted. ZREVRANGE then
// lists score descending, At ascending, member ascending, as the
// in-process index does. Competition ranks are 1 + ZCOUNT of the strictly
// higher scores; FirstReached ranks are ZREVRANK + 1.
//
// Redis holds scores as float64, exact for integers of magnitude up to
// 2^53: the index rejects larger scores (rankindex.MaxScore).
//
// # Round trips
//
// Apply of any number of updates is one round trip: a Lua script (run by
// EVALSHA, falling back to EVAL once per connection after a script flush)
// that checks each update's version against the hash and applies it
// atomically, so retries and late deliveries are ignored across every
// instance. Each query is one script as well, reading one consistent
// state of the board.
//
// # Coalescing
//
// With Options.Coalesce, concurrent Apply calls on one board share round
// trips: while Options.InFlight script calls to a board (2 by default) are
// in flight, the Apply calls that arrive for it wait, and the next script
// call carries all of them (up to Options.MaxBatch updates), each call's
// updates together and in order. No call waits for a timer: a call to a
// board with fewer calls in flight is sent at once. On a machine with few
// cores the per-command cost of the client and the server (system calls,
// request parsing, script set-up) bounds how many single-update Apply
// calls a second one Redis can take; coalescing pays it once per batch, so
// throughput grows with concurrency instead. With two calls in flight,
// Redis has the next batch queued when it finishes one, instead of idling
// while the reply travels back and the next batch is formed; calls in
// flight together hold updates of concurrent callers, whose order the
// Version rule makes irrelevant. The price is shared fate: a failed script
// call fails every Apply it carried (each may be retried; versions make
// that safe).
//
// # Warming
//
// BeginWarm is SET NX on the state key with an expiry (WarmTimeout): the
// claim of a warmer that crashes lapses and the board goes back to Cold,
// so another instance can warm it. A warm-up that outlives the expiry may
// be joined by a second warmer; both apply the same versioned scores, so
// the board stays exact. FinishWarm sets the state to Ready without an
// expiry.
package redisindex

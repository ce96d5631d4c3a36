// Package memory is a [storage.Store] that keeps everything in the
// process's memory: for tests, demos and small single-process deployments.
// Its data is lost when the process ends.
//
// It behaves as a SQL database would under the storage contract. An Update
// holds one write lock while its function runs and applies writes directly,
// recording how to undo each; an error, a panic or a cancelled context
// replays that log backwards, so a failed transaction leaves nothing behind.
// A View holds the read lock, so it sees one consistent snapshot: writers
// wait for it. Update never runs its function twice.
//
// Every value goes in and comes out as a deep copy, so callers never share
// memory with the store. Times are returned in UTC with their full
// precision.
//
// # Performance
//
// Records are indexed by every key the contract looks up or lists by, and
// listings page by key through sorted indexes, so cost does not grow with
// the number of enrolments. A transaction allocates nothing of its own: the
// transaction objects and the undo log are reused, errors are package
// values, and updating an enrolment reuses its stored slices. What remains
// is copying values out to the caller. See BenchmarkUpdate_Complete.
//
// Because there is a single writer lock, a Store cannot be shared between
// processes; use storage/sqlstore for that.
package memory

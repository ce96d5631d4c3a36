// Package storage defines the contract between the habitkit engine and the
// database that keeps its records. It is addressed to the author of an
// adapter, as database/sql/driver is to the author of a driver: hosts pick an
// adapter (storage/memory, storage/sqlstore or their own) and hand it to the
// engine; they rarely call a [Store] themselves.
//
// The engine keeps every domain rule (streaks, points, idempotent completions,
// who may see what). An adapter keeps none: it stores records, finds them by
// key, lists them in a documented order, enforces uniqueness and version
// checks, and runs transactions. An adapter that adds rules of its own makes
// every other adapter wrong.
//
// # Stores and transactions
//
// A [Store] runs transactions. [Store.Update] runs a function in a read-write
// transaction ([Tx]) and [Store.View] in a read-only one ([ReadTx]). Every
// read and write goes through the transaction's methods, one group per noun:
// [ProgrammeReader], [EnrolmentReader], [CompletionReader], [AuditReader],
// [AwardReader], [ScoreReader] and their writers.
//
// Update is atomic: when fn returns nil every write made through the Tx is
// committed together; when fn returns an error, panics or the context is
// cancelled, none is. Update returns fn's error unchanged, so the engine's
// own sentinels survive errors.Is. Reads inside the transaction see its own
// writes.
//
// An adapter may run fn more than once: after a serialization failure, a
// deadlock or a busy database it rolls back and calls fn again (sqlstore
// does; the engine writes fn so that this is safe). Retries are invisible to
// the caller of Update, which sees only the final attempt's result. An
// adapter retries only its database's transient failures, whether a
// statement run by fn or the commit reported them, a bounded number of
// times; an error of fn's own (ErrConflict, the engine's sentinels) is
// returned, not retried.
//
// View sees one consistent snapshot of the data: a write committed by
// another transaction while fn runs is not visible to fn, and two reads of
// the same record inside fn agree. An adapter may implement this with
// snapshot isolation (PostgreSQL REPEATABLE READ, InnoDB consistent reads,
// SQLite WAL) or by making writers wait for readers (a read-write lock, as
// storage/memory does).
//
// fn must not call Update or View on the same Store: an adapter with one
// lock or one connection would deadlock. A ReadTx or Tx is valid only
// during the call to fn that received it.
//
// # Copies, not aliases
//
// Every value returned by a reader is the caller's own copy, down to its
// slices and pointers (an enrolment's Zones, Absences and Progress.Done, a
// completion's Revocation, a programme's Definition): mutating it never
// changes the store. Every value passed to a writer is copied before
// it is kept: mutating it after the call never changes the store either.
// SQL adapters get this for free; in-memory adapters must deep-copy
// ([challenge.Enrolment.Clone], [challenge.Completion.Clone]).
//
// # Values
//
// Every field of every record round-trips exactly, with three allowances:
//
//   - Times keep at least microsecond precision (the engine and the
//     conformance suite use microsecond times) and are returned in UTC.
//   - A nil slice and an empty slice are the same value.
//   - A programme's Definition is stored as it is, byte for byte: adapters
//     do not parse or re-encode it (a JSON column type that normalises
//     whitespace or key order is wrong).
//
// Strings, including IDs the host owns, are compared as Go compares them:
// byte by byte, case-sensitively. "Alice" and "alice" are two participants,
// and listings ordered by a string are in byte order. SQL adapters therefore
// use binary collations (COLLATE "C" on PostgreSQL, a _bin collation or
// VARBINARY on MySQL/MariaDB; SQLite's default BINARY collation). UUIDs are
// ordered by their 16 bytes, which for UUIDv7 is creation order.
//
// Adapters may enforce references between records (an enrolment's programme
// version exists, a completion's enrolment exists); the engine and the
// conformance suite always write the referenced record first.
//
// # Errors
//
// Adapters report these conditions with the sentinels of this package,
// wrapped with context (and, for SQL adapters, the driver's error, so that
// errors.As still reaches it). Callers test them with errors.Is, never by
// message text.
//
//   - [ErrNotFound]: a Get found no record with that key. Listings never
//     return it: an empty listing is an empty [Page].
//   - [ErrConflict]: a write would break uniqueness (an ID, a key, a
//     participant's enrolment, an idempotency key) or a version check
//     ([EnrolmentWriter.UpdateEnrolment]) or a state check
//     ([CompletionWriter.RevokeCompletion] of a revoked completion). The
//     failing call wrote nothing, and the transaction stays usable: the
//     engine reads the existing enrolment after a duplicate enrolment, in
//     the same transaction. (On PostgreSQL, where a failed statement aborts
//     the transaction, use INSERT … ON CONFLICT DO NOTHING or a savepoint.)
//     [ScoreWriter.AddScore] never returns it: it creates or adds.
//   - [ErrBadCursor]: a listing was given a cursor it did not make.
//   - [ErrClosed]: the Store was closed.
//   - An error wrapping ctx.Err(): the context was cancelled or timed out.
//
// Anything else is an internal error: the engine passes it on unchanged.
//
// Adapters map driver errors to sentinels by error code (PostgreSQL SQLSTATE
// 23505, MySQL error 1062, SQLite's constraint result codes), never by
// message text.
//
// # Listings and cursors
//
// Every List method returns one [Page] in a documented order:
//
//   - [ProgrammeReader.ListProgrammes]: the latest version of each
//     programme, by programme ID.
//   - [EnrolmentReader.ListEnrolments]: by enrolment ID.
//   - [CompletionReader.ListCompletions]: by (Day, ActivityID).
//   - [AuditReader.ListAudit]: by entry ID.
//   - [AwardReader.ListAwards]: by (BadgeID, Tier, Day).
//   - [ScoreReader.ListScores]: by Subject.
//   - [ScoreReader.ListSubjectScores] (one slice, not paged): by (BoardID,
//     Period, Partition).
//
// Paging is by key (keyset paging), never by offset. The [Cursor] in
// [Page.Next] encodes the key of the page's last item, and the next page
// holds the items whose key follows it. A walk from the empty cursor to the
// end therefore returns every record that existed throughout the walk
// exactly once and in order, even when other transactions insert records
// meanwhile (a record inserted behind the cursor is simply not seen). An
// offset would repeat or skip records.
//
// A page holds limit items when that many remain, and fewer only when it is
// the last. Next is "" when no item follows the page; adapters usually
// fetch limit+1 rows to know. limit <= 0 means [DefaultLimit], and a limit
// above [MaxLimit] is reduced to it ([ClampLimit] does both). A cursor the
// adapter cannot decode gives an error wrapping [ErrBadCursor];
// [EncodeCursor] and [DecodeCursor] are a ready-made opaque encoding.
//
// # Concurrency
//
// A Store is safe for concurrent use by many goroutines. Several Stores, in
// several processes, may share one database, so correctness must come from
// the database itself: unique constraints for every uniqueness rule above,
// the Version column for [EnrolmentWriter.UpdateEnrolment] (UPDATE … WHERE
// id = ? AND version = ?, zero rows meaning ErrConflict), and transactions.
// An in-process mutex is not enough, and a read-then-insert check without a
// unique constraint is a race.
//
// # Leaderboard scores
//
// A [Score] is one subject's standing on one board ([BoardKey]: programme,
// board, period, partition). The engine changes scores only through
// [ScoreWriter.AddScore], a create-or-add: it is called in the same
// transaction as the completion or revocation that changes a score, by many
// transactions at once on the same hot rows (a team's row changes with
// every member's completion). It must therefore:
//
//   - add, never overwrite: two transactions that each add 1 to a row leave
//     it 2 higher, whichever order they commit in, and its Version 2
//     higher. Read the row, add in Go and write it back only under a lock
//     that holds until commit; better, let the database add (UPDATE … SET
//     value = value + ?, or an upsert such as INSERT … ON CONFLICT … DO
//     UPDATE, ON DUPLICATE KEY UPDATE).
//   - create the row when it is missing, even when several transactions
//     create it at once: the first creates, the others add. It never
//     returns ErrConflict for that race; an adapter whose database reports
//     one (a deadlock, a failed insert) retries internally, as Update does.
//   - set ReachedAt to the delta's At only when the delta's Value is not
//     zero (or the row is new): a zero delta that only moves a person to
//     another team, or changes Members, does not change who reached a score
//     first.
//   - return the row as it is after the change, Version included. Rank
//     indexes apply a row only when its Version is newer than theirs.
//
// [ScoreReader.ListScores] lists one board's rows by Subject, in byte order,
// with the usual keyset paging; it never ranks (the engine ranks with an
// index it warms from these pages). [ScoreReader.ListSubjectScores],
// [ScoreWriter.SetScoresHidden] and [ScoreWriter.DeleteScores] reach every
// row of one subject in a programme across boards, periods and partitions,
// so index the rows by (programme, subject) as well as by board. Rows of
// different programmes, boards, periods or partitions never mix, even when
// their subjects are equal. SetScoresHidden and DeleteScores return exactly
// the rows they changed or removed, as they are after the change (before it,
// for DeleteScores): the engine moves them in its rank indexes.
//
// # Contexts
//
// Every method takes a context and honours it. If ctx is done before Update
// commits, Update rolls back and returns an error wrapping ctx.Err(); fn's
// writes are not kept. View likewise returns an error wrapping ctx.Err().
// Methods of a transaction may return such an error too.
//
// # Implementing an adapter
//
// An adapter is correct when it passes storagetest.Run (package
// github.com/habitkit/habitkit/storage/storagetest); every behaviour above is
// pinned by a case there. A checklist:
//
//  1. Implement [Store], [Tx] and [ReadTx]; Update rolls back when fn
//     returns an error or panics, and re-raises the panic.
//  2. Store each noun with every field; return times in UTC with at least
//     microsecond precision; copy every value in and out.
//  3. Enforce every uniqueness rule with the database: programme (ID,
//     Version); enrolment ID and (ProgrammeID, ParticipantID); completion
//     ID, key and non-empty idempotency key (the empty key is "none" and
//     never conflicts); audit entry ID; award key (enrolment,
//     badge, tier, day); score (programme, board, period, partition,
//     subject), created or added to by AddScore without ErrConflict.
//  4. Implement UpdateEnrolment as a compare-and-swap on Version.
//  5. Map duplicate-key and version failures to [ErrConflict] and missing
//     records to [ErrNotFound], wrapping the driver error.
//  6. Order listings as documented, in byte order, and page them by key
//     with an opaque cursor; reject cursors you cannot decode with
//     [ErrBadCursor].
//  7. Retry fn on serialization failures, deadlocks and busy errors, a
//     bounded number of times; never retry fn's own errors. Keep the
//     transaction usable after ErrConflict.
//  8. Honour ctx; after Close return [ErrClosed].
//  9. Run storagetest.Run from a test in your package, and storagetest.Bench
//     from a benchmark.
package storage

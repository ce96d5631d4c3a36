// Package sqlstore is the database/sql adapter of habitkit's storage
// contract: a [storage.Store] on SQLite, PostgreSQL or MySQL/MariaDB.
//
// The host opens the *sql.DB with the driver it chooses and passes it to
// [Open], which detects the dialect from the driver, applies the embedded
// schema migrations and returns a [Store]. This package imports no driver:
// programs that use the memory store or another database do not link one.
//
// # Opening
//
// SQLite, through modernc.org/sqlite (pure Go, no cgo). Use [SQLiteDSN]: it
// turns on write-ahead logging (readers never block the writer, and View
// gets a snapshot), foreign keys and a 5 s busy timeout. Use a file, not
// ":memory:" (every pooled connection would get its own empty database).
// SQLite has one writer at a time; the adapter takes the write lock first
// in every write transaction, as BEGIN IMMEDIATE would, so writers queue at
// the start instead of failing when they upgrade a read lock, and a few
// pooled connections are plenty:
//
//	import _ "modernc.org/sqlite"
//
//	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN("/var/lib/app/habitkit.db"))
//	db.SetMaxOpenConns(4)
//	store, err := sqlstore.Open(ctx, db, nil)
//
// Several processes may share the file on one machine (not over a network
// file system).
//
// PostgreSQL (12 or later), through pgx's database/sql driver. The tables
// are created in the connection's current schema; to use another, set
// search_path in the DSN:
//
//	import _ "github.com/jackc/pgx/v5/stdlib"
//
//	db, err := sql.Open("pgx", "postgres://app@db/app?search_path=habitkit")
//	store, err := sqlstore.Open(ctx, db, nil)
//
// MySQL 8 or MariaDB 10.6 and later, through go-sql-driver/mysql. The adapter
// works whatever parseTime and loc say, needs no multiStatements, and
// benefits from interpolateParams=true (one round trip per statement instead
// of three):
//
//	import _ "github.com/go-sql-driver/mysql"
//
//	db, err := sql.Open("mysql", "app:secret@tcp(db:3306)/app?interpolateParams=true")
//	store, err := sqlstore.Open(ctx, db, nil)
//
// Store.Close does not close the *sql.DB: the host owns it.
//
// # Migrations
//
// The schema is versioned: migrations/<dialect>/NNNN_name.sql, embedded in
// the binary. Open applies those missing, each in its own transaction, and
// records each in the table habitkit_migrations(version, applied_at). Open
// is safe to call from several processes at once: SQLite serializes
// migrators with its write lock, PostgreSQL with a transaction-scoped
// advisory lock keyed by the schema, MySQL with GET_LOCK keyed by the
// database. MySQL commits DDL implicitly, so there a migration is recorded
// right after it is applied and its statements are written to be re-runnable.
//
// # Transactions and errors
//
// Update begins a read-write transaction: on SQLite a database/sql
// transaction whose first statement is a write that changes nothing
// (UPDATE habitkit_migrations ... WHERE 0), which takes the write lock as
// BEGIN IMMEDIATE would; READ COMMITTED on PostgreSQL and MySQL. On SQLite
// the statements every completion runs are prepared once, at Open, and
// reused by each connection, because modernc.org/sqlite would otherwise
// parse them at every run (PostgreSQL's driver caches its own prepared
// statements). READ COMMITTED is enough because
// correctness comes from unique constraints and version checks, and it lets
// a transaction that lost an insert race read the winner's row (under
// InnoDB's default REPEATABLE READ it could not). View begins a read-only
// transaction and pins its snapshot at once (REPEATABLE READ on PostgreSQL
// and MySQL, a WAL read transaction on SQLite), so writes committed while
// fn runs stay invisible.
//
// In Update, reading an enrolment locks its row on PostgreSQL and MySQL
// (SELECT ... FOR UPDATE): the engine reads an enrolment to update it, so
// concurrent writers of one enrolment queue at the read instead of all but
// one failing the version check and redoing their work. Views and other
// plain reads are never blocked by it.
//
// A busy database (SQLITE_BUSY, SQLITE_LOCKED), a deadlock (PostgreSQL
// 40P01, MySQL 1213), a serialization failure (40001) or a lock wait timeout
// (MySQL 1205), in any statement or at commit, rolls the transaction back
// and runs fn again after a short random backoff, up to
// [Options.MaxRetries] times. After such an error no further statement runs
// in that transaction, even if fn ignores the error.
//
// Driver errors are classified by code, never by message: a unique or
// primary key violation becomes [storage.ErrConflict], joined with the
// driver's error so that errors.As still finds it. On PostgreSQL, inserts
// use ON CONFLICT DO NOTHING instead, because any error there aborts the
// whole transaction, and the engine must be able to read the existing record
// after a conflict; the ErrConflict then carries no driver error.
//
// # What is stored how
//
// Tables: habitkit_programmes (PK id, version), habitkit_enrolments (PK id;
// unique programme_id, participant_id; indexes for team and cohort
// listings), habitkit_completions (PK enrolment_id, day, activity_id; unique
// id; unique idempotency_key, NULL when empty so that empty keys never
// conflict), habitkit_audit (PK id), from version 2 habitkit_awards
// (PK enrolment_id, badge_id, tier, day; the unique id column went in
// version 5, an award being identified by its key) and, from
// version 3, habitkit_scores (PK programme_id, board_id, period,
// partition_key, subject; an index on programme_id, subject for a subject's
// rows across boards, and one on programme_id, board_id, period,
// partition_key, team_id, subject for a team's members on a board).
//
// Badge holders (CountHolders: per badge, the enrolments holding at least
// one award of it):
//
//   - SQLite, from version 5: habitkit_award_holders (PK programme_id,
//     badge_id) holds each badge's count of holders, kept by triggers on
//     habitkit_awards in the statement that inserts or deletes the award:
//     an insert counts a new holder when no other award of its (enrolment,
//     badge) exists in its programme, a delete one fewer when none is
//     left, and a badge nobody holds loses its row. So an award that is
//     not its enrolment's first of the badge (a daily badge's later days, a
//     tiered badge's higher tiers) writes nothing but its row, and a first
//     one a row of a page that the programme's counts share. SQLite has one
//     writer at a time, so the counts make no writer wait. habitkit_awards
//     is WITHOUT ROWID: its rows are stored in the primary key's B-tree,
//     one fewer than a table and its key index.
//   - PostgreSQL and MySQL/MariaDB: an index on programme_id, badge_id,
//     enrolment_id of every award, counting distinct enrolments. (A count
//     per badge would make concurrent writers of new holders of a badge
//     wait for each other.)
//
// AddScore is one upsert that lets the database add: INSERT … ON CONFLICT …
// DO UPDATE … RETURNING on SQLite and PostgreSQL (one round trip), INSERT …
// ON DUPLICATE KEY UPDATE followed by a SELECT on MySQL and MariaDB. The row
// lock (or SQLite's single writer) serialises concurrent additions to one
// row, so none is lost and none conflicts; an InnoDB deadlock between
// transactions creating the same row is retried like any deadlock.
//
// From version 4: habitkit_reflections (PK id; unique enrolment_id, day,
// activity_id, with enrolment_id NULL after erasure; indexes on
// (programme_id, id) for the newest-first feed, (programme_id, reactions,
// id) for most-reacted, and on day and author), habitkit_reflection_responses
// (PK id; index on reflection_id, id) and habitkit_reflection_reactions (PK
// reflection_id, participant). Answers and moderation state are JSON text;
// visibility, the hidden, deleted and erased flags and the response and
// reaction counts are columns, so that a feed applies the visibility rules
// of reflection.CanRead in its WHERE clause. The counts are kept in the
// same transaction as the response or reaction write, under a row lock on
// the reflection.
//
// Search: search_text holds a reflection's [storage.SearchWords], spaced,
// and each searched word must match one of them whole.
//
//   - SQLite: FTS5 (an external-content table kept by the adapter,
//     tokenizer unicode61 without diacritic folding) narrows, and
//     search_text LIKE '% word %' makes it exact. A newest-first search
//     walks the full-text matches in rowid order and stops when the page
//     is full: in_order marks the reflections whose ID was above every
//     stored ID when inserted, for which rowid order is ID order; the rest
//     (normally none) are searched through a partial index and merged. A
//     most-reacted search counts the matches (up to a bound) and either
//     sorts them or walks the reactions index checking LIKE.
//   - PostgreSQL: search_vector holds the same words as exact lexemes
//     (array_to_tsvector, no parser), with a GIN index (fastupdate off);
//     search_vector @@ 'w1' & 'w2' is exact, so the planner's estimate is
//     right and it picks the GIN index or the newest-first walk. Words of
//     2,000 bytes or more are left out of search_vector and matched with
//     LIKE.
//   - MySQL/MariaDB: FULLTEXT with MATCH ... AGAINST in BOOLEAN MODE
//     narrows, and LIKE makes it exact. InnoDB does not index words shorter
//     than innodb_ft_min_token_size (3 by default), longer than
//     innodb_ft_max_token_size (84) or on its default stopword list, so
//     those words are checked with LIKE alone (a scan of the programme's
//     rows); a server with a custom stopword table needs its words added to
//     the adapter's list. InnoDB's index sees a transaction's own writes
//     only after commit.
//
// Instants are stored in UTC with microsecond precision, the precision all
// three databases share; values are truncated to microseconds and returned
// as time.Time in UTC. The representation per dialect:
//
//   - SQLite: TEXT, RFC 3339 with six fractional digits,
//     "2006-01-02T15:04:05.000000Z" (fixed width, so text order is time order).
//   - PostgreSQL: timestamptz.
//   - MySQL/MariaDB: DATETIME(6) holding the UTC wall clock, whatever the
//     session time zone or the DSN's loc.
//
// Civil dates (an enrolment's start, rota and absences) are "YYYY-MM-DD".
// Fields that are never queried (an enrolment's start, zones, rota,
// absences, enrolment time and progress; a completion's outcome) are JSON
// (jsonb on PostgreSQL). Programme definitions and award evidence are
// stored byte for byte (BLOB, bytea, LONGBLOB).
//
// Identifiers compare and sort by bytes everywhere, so that listing order
// and keyset paging agree across databases and 'a' <> 'A': TEXT with the
// BINARY collation on SQLite, text COLLATE "C" on PostgreSQL, VARBINARY on
// MySQL (the utf8mb4 _bin collations ignore trailing spaces). On MySQL a
// host-owned identifier (programme, participant, team, cohort, activity,
// badge, idempotency key) may be at most 1024 bytes, except in score rows,
// whose keys have five or six string columns and must fit InnoDB's
// 3072-byte index keys: there programme, partition, team and subject IDs
// may be at most 512 bytes, board IDs 255 and period keys 64. habitkit's
// own UUIDs are TEXT, uuid and CHAR(36) respectively.
//
// Listings page by key (WHERE key > cursor ORDER BY key LIMIT n), never by
// offset, with cursors made by [storage.EncodeCursor] that name their
// listing.
package sqlstore

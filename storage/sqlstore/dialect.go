package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Dialect names the database family a Store talks to.
type Dialect string

// The supported dialects.
const (
	// SQLite is SQLite 3 through modernc.org/sqlite (driver name "sqlite").
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib
	// (driver name "pgx").
	Postgres Dialect = "postgres"
	// MySQL is MySQL or MariaDB through github.com/go-sql-driver/mysql
	// (driver name "mysql").
	MySQL Dialect = "mysql"
)

// errClass is what a driver error means to the adapter.
type errClass int

const (
	classOther    errClass = iota // anything else: returned as it is
	classConflict                 // a unique or primary key violation: storage.ErrConflict
	classRetry                    // busy, deadlock, serialization failure: run the transaction again
)

// dialect hides what differs between the databases. Queries are written
// once with '?' placeholders and standard SQL; everything else goes
// through these methods, one implementation per file.
type dialect interface {
	// kind returns the dialect's name.
	kind() Dialect
	// rebind turns '?' placeholders into the dialect's own.
	rebind(query string) string
	// args converts query arguments into the forms the driver encodes
	// fastest; it may change args in place.
	args(args []any) []any
	// classify tells what a driver error means, by its code.
	classify(err error) errClass
	// beginWrite starts a read-write transaction.
	beginWrite(ctx context.Context, db *sql.DB) (txConn, error)
	// writeLock is a statement that Update runs first in the transaction
	// of beginWrite, to take the database's write lock at once; "" for
	// none.
	writeLock() string
	// preparesHot reports whether the store prepares the statements of a
	// completion once, at Open (see Store.prepareHot), rather than have
	// the driver prepare them at every run.
	preparesHot() bool
	// beginRead starts a read-only snapshot transaction.
	beginRead(ctx context.Context, db *sql.DB) (txConn, error)
	// insertSuffix is appended to every INSERT. PostgreSQL uses it to
	// report a unique violation as "0 rows inserted" rather than an error,
	// because an error there aborts the whole transaction.
	insertSuffix() string
	// lockSuffix is appended to the reads of a record that a write
	// transaction is likely to update next (an enrolment): " FOR UPDATE"
	// where the database has row locks, "" on SQLite, whose writers are
	// serialized anyway.
	lockSuffix() string
	// returning reports whether the database has RETURNING on INSERT,
	// UPDATE and DELETE, and the standard upsert INSERT … ON CONFLICT (…)
	// DO UPDATE (SQLite 3.35+, PostgreSQL). Without it (MySQL, MariaDB)
	// the adapter upserts with ON DUPLICATE KEY UPDATE and reads the rows a
	// write changes with SELECT … FOR UPDATE in the same transaction.
	returning() bool
	// countsHolders reports whether the database keeps, in
	// habitkit_award_holders, the number of holders of each badge of each
	// programme, maintained by triggers on habitkit_awards (SQLite). A
	// count per badge would make every writer of a new holder of the badge
	// wait for the others on PostgreSQL and MySQL; SQLite has one writer at
	// a time anyway. Elsewhere CountHolders counts distinct enrolments in an
	// index of every award.
	countsHolders() bool
	// timeValue converts t (already UTC, microseconds) into a query
	// argument in the dialect's stored representation.
	timeValue(t time.Time) any
	// parseTime converts a scanned time column back into a UTC time.Time.
	parseTime(src any) (time.Time, error)
	// migrationsTable is the DDL of the habitkit_migrations table.
	migrationsTable() string
	// nowSQL is an SQL expression for the database's current UTC time, used
	// only for habitkit_migrations.applied_at (the adapter reads no clock).
	nowSQL() string
	// currentSchemaSQL is an SQL expression for the schema that
	// information_schema lists the store's tables under ("" on SQLite,
	// which has no information_schema).
	currentSchemaSQL() string
}

// dialectFor returns the dialect named d, or the one detected from the
// driver of db when d is empty.
func dialectFor(d Dialect, db *sql.DB) (dialect, error) {
	if d == "" {
		switch name := fmt.Sprintf("%T", db.Driver()); name {
		case "*sqlite.Driver":
			d = SQLite
		case "*stdlib.Driver":
			d = Postgres
		case "*mysql.MySQLDriver":
			d = MySQL
		default:
			return nil, fmt.Errorf("sqlstore: open: cannot detect the dialect of driver %s: set Options.Dialect", name)
		}
	}
	switch d {
	case SQLite:
		return sqliteDialect{}, nil
	case Postgres:
		return postgresDialect{}, nil
	case MySQL:
		return mysqlDialect{}, nil
	}
	return nil, fmt.Errorf("sqlstore: open: unknown dialect %q (want %q, %q or %q)", d, SQLite, Postgres, MySQL)
}

// snapshotProbe is run first in every read transaction. PostgreSQL,
// InnoDB and SQLite in WAL mode all take a transaction's snapshot at its
// first read, not at BEGIN; reading a table at once pins the snapshot to the
// start of View, so writes committed while fn runs are never visible.
const snapshotProbe = "SELECT COUNT(*) FROM habitkit_migrations"

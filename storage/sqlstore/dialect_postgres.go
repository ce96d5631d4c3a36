package sqlstore

import (
	"github.com/google/uuid"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// pgMigrationLock serializes migrators of one schema with a
// transaction-scoped advisory lock. The second key is the schema's hash, so
// stores in different schemas of one database do not wait for each other.
const pgMigrationLock = "SELECT pg_advisory_xact_lock(7406, hashtext(coalesce(current_schema(), '')))"

type postgresDialect struct{}

func (postgresDialect) kind() Dialect { return Postgres }

// rebind numbers the placeholders: ? becomes $1, $2, ... Queries in this
// package hold no '?' inside literals.
func (postgresDialect) rebind(query string) string {
	n := strings.Count(query, "?")
	if n == 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 2*n)
	i := 0
	for _, r := range query {
		if r == '?' {
			i++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(i))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// args passes UUIDs as [16]byte, which pgx encodes as a uuid directly; as
// a driver.Valuer they would go through a text round trip and a failed
// encode-plan probe (with its error allocations) on every query.
func (postgresDialect) args(args []any) []any {
	for i, a := range args {
		if id, ok := a.(uuid.UUID); ok {
			args[i] = [16]byte(id)
		}
	}
	return args
}

// classify reads the SQLSTATE through the SQLState method of
// *pgconn.PgError, without importing the driver.
func (postgresDialect) classify(err error) errClass {
	var e interface{ SQLState() string }
	if !errors.As(err, &e) {
		return classOther
	}
	switch e.SQLState() {
	case pgUniqueViolation:
		return classConflict
	case pgSerializationFailure, pgDeadlockDetected:
		return classRetry
	}
	return classOther
}

// beginWrite uses READ COMMITTED: correctness comes from unique constraints
// and version checks, and each statement sees what others committed before
// it, so a transaction that lost an insert race reads the winner's row.
func (postgresDialect) beginWrite(ctx context.Context, db *sql.DB) (txConn, error) {
	t, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, err
	}
	return sqlTx{t}, nil
}

func (postgresDialect) writeLock() string { return "" }

// preparesHot is false: pgx caches the statements it prepares, per
// connection.
func (postgresDialect) preparesHot() bool { return false }

func (postgresDialect) beginRead(ctx context.Context, db *sql.DB) (txConn, error) {
	return beginSnapshot(ctx, db)
}

// beginSnapshot starts a REPEATABLE READ READ ONLY transaction and pins its
// snapshot with snapshotProbe.
func beginSnapshot(ctx context.Context, db *sql.DB) (txConn, error) {
	t, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	var n int64
	if err := t.QueryRowContext(ctx, snapshotProbe).Scan(&n); err != nil {
		_ = t.Rollback()
		return nil, err
	}
	return sqlTx{t}, nil
}

// insertSuffix makes a duplicate key insert nothing instead of failing:
// in PostgreSQL any error aborts the whole transaction, and the engine must
// be able to read the existing record after an ErrConflict.
func (postgresDialect) insertSuffix() string { return " ON CONFLICT DO NOTHING" }

func (postgresDialect) lockSuffix() string { return " FOR UPDATE" }

func (postgresDialect) countsHolders() bool { return false }

func (postgresDialect) returning() bool { return true }

func (postgresDialect) timeValue(t time.Time) any { return t }

func (postgresDialect) parseTime(src any) (time.Time, error) {
	if t, ok := src.(time.Time); ok {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("time column holds %T", src)
}

func (postgresDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS habitkit_migrations (
	version integer NOT NULL PRIMARY KEY,
	applied_at timestamptz NOT NULL
)`
}

func (postgresDialect) nowSQL() string { return "now()" }

func (postgresDialect) currentSchemaSQL() string { return "current_schema()" }

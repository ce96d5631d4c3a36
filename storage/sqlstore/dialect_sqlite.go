package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// SQLite result codes (https://sqlite.org/rescode.html). modernc.org/sqlite
// reports extended codes; the primary code is the low byte.
const (
	sqliteBusy             = 5
	sqliteLocked           = 6
	sqliteConstraintPK     = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqliteConstraintUnique = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// sqliteTimeLayout is how SQLite stores times: RFC 3339 in UTC with exactly
// six fractional digits, so that text order is time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// SQLiteDSN returns a modernc.org/sqlite data source name for the database
// file at path that turns on what the adapter relies on: write-ahead logging
// (readers never block the writer, and View gets a snapshot), foreign keys,
// and a busy timeout of 5 s so that concurrent writers wait for each other
// rather than fail. Use it with sql.Open("sqlite", sqlstore.SQLiteDSN(path)).
//
// More pragmas can be appended, for example
// "&_pragma=synchronous(NORMAL)" to trade durability of the last
// transactions on power loss for faster commits.
func SQLiteDSN(path string) string {
	p := filepath.ToSlash(path)
	if len(p) >= 2 && p[1] == ':' {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	// The DSN is an SQLite URI: escape what would end the path.
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file:" + p + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
}

type sqliteDialect struct{}

func (sqliteDialect) kind() Dialect { return SQLite }

func (sqliteDialect) rebind(query string) string { return query }

func (sqliteDialect) args(args []any) []any { return args }

// classify reads the extended result code through the Code method of
// *sqlite.Error, without importing the driver.
func (sqliteDialect) classify(err error) errClass {
	var e interface{ Code() int }
	if !errors.As(err, &e) {
		return classOther
	}
	switch code := e.Code(); {
	case code == sqliteConstraintUnique || code == sqliteConstraintPK:
		return classConflict
	case code&0xff == sqliteBusy || code&0xff == sqliteLocked:
		return classRetry
	}
	return classOther
}

// beginWrite begins a database/sql transaction, so that the statements
// the store prepared at Open run prepared in it (Tx.StmtContext; a
// transaction begun with BEGIN IMMEDIATE on a *sql.Conn could not use
// them). database/sql begins it deferred; Update then takes the write lock
// with writeLock before anything else.
func (sqliteDialect) beginWrite(ctx context.Context, db *sql.DB) (txConn, error) {
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return sqlTx{t}, nil
}

// sqliteWriteLock writes nothing, but as a write it takes the write lock,
// as BEGIN IMMEDIATE would: it runs first, before the transaction has read
// anything, so a busy database makes it wait (busy_timeout) for the other
// writer. A deferred transaction that read first and wrote later could find,
// when it upgrades its lock, that another writer committed meanwhile, and
// fail with SQLITE_BUSY that no busy timeout can cure. It commits no page.
const sqliteWriteLock = "UPDATE habitkit_migrations SET version = version WHERE 0"

func (sqliteDialect) writeLock() string { return sqliteWriteLock }

func (sqliteDialect) preparesHot() bool { return true }

func (sqliteDialect) beginRead(ctx context.Context, db *sql.DB) (txConn, error) {
	return beginConn(ctx, db, "BEGIN", snapshotProbe)
}

func (sqliteDialect) insertSuffix() string { return "" }

func (sqliteDialect) lockSuffix() string { return "" }

func (sqliteDialect) countsHolders() bool { return true }

func (sqliteDialect) returning() bool { return true }

func (sqliteDialect) timeValue(t time.Time) any { return t.Format(sqliteTimeLayout) }

func (sqliteDialect) parseTime(src any) (time.Time, error) {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		return v.UTC(), nil
	default:
		return time.Time{}, fmt.Errorf("time column holds %T", src)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

func (sqliteDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS habitkit_migrations (
	version INTEGER NOT NULL PRIMARY KEY,
	applied_at TEXT NOT NULL
)`
}

func (sqliteDialect) nowSQL() string { return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" }

func (sqliteDialect) currentSchemaSQL() string { return "" }

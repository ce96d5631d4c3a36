package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// MySQL and MariaDB error numbers (https://mariadb.com/kb/en/mariadb-error-codes/).
const (
	mysqlDupEntry        = 1062 // ER_DUP_ENTRY
	mysqlRecordChanged   = 1020 // ER_CHECKREAD: MariaDB's snapshot isolation conflict
	mysqlLockWaitTimeout = 1205 // ER_LOCK_WAIT_TIMEOUT
	mysqlDeadlock        = 1213 // ER_LOCK_DEADLOCK
)

// mysqlTimeLayout is how times are sent to DATETIME(6) columns: UTC wall
// clock. Formatting the value ourselves makes the stored value independent
// of the DSN's loc parameter.
const mysqlTimeLayout = "2006-01-02 15:04:05.000000"

type mysqlDialect struct{}

func (mysqlDialect) kind() Dialect { return MySQL }

func (mysqlDialect) rebind(query string) string { return query }

func (mysqlDialect) args(args []any) []any { return args }

func (mysqlDialect) classify(err error) errClass {
	n, ok := mysqlErrorNumber(err)
	if !ok {
		return classOther
	}
	switch n {
	case mysqlDupEntry:
		return classConflict
	case mysqlDeadlock, mysqlLockWaitTimeout, mysqlRecordChanged:
		return classRetry
	}
	return classOther
}

// mysqlErrorNumber finds the server error number in err's chain.
//
// *mysql.MySQLError carries it in a field, Number uint16, and has no method
// that an interface assertion could use (as SQLState does for pgx and Code
// for modernc). Rather than import the driver into library code, we look
// for a struct with a uint16 field named Number by reflection. The chain is
// walked by hand because errors.As cannot match on a field.
func mysqlErrorNumber(err error) (uint16, bool) {
	stack := []error{err}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if e == nil {
			continue
		}
		v := reflect.ValueOf(e)
		if v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			if f := v.FieldByName("Number"); f.IsValid() && f.Kind() == reflect.Uint16 {
				return uint16(f.Uint()), true
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			stack = append(stack, u.Unwrap())
		case interface{ Unwrap() []error }:
			stack = append(stack, u.Unwrap()...)
		}
	}
	return 0, false
}

// beginWrite uses READ COMMITTED rather than InnoDB's default REPEATABLE
// READ. Under REPEATABLE READ a transaction that loses an insert race gets
// ER_DUP_ENTRY but cannot read the winning row (its snapshot predates it),
// so the engine could not return the original completion. Uniqueness and
// version checks, not the isolation level, keep the data correct; READ
// COMMITTED also takes no gap locks, which means fewer deadlocks. (It needs
// binlog_format ROW or MIXED, the defaults, if binary logging is on.)
func (mysqlDialect) beginWrite(ctx context.Context, db *sql.DB) (txConn, error) {
	t, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, err
	}
	return sqlTx{t}, nil
}

func (mysqlDialect) writeLock() string { return "" }

// preparesHot is false: parsing is the server's work, not the process's,
// and with interpolateParams (see the package documentation) the driver
// sends each statement as text in one round trip.
func (mysqlDialect) preparesHot() bool { return false }

// beginRead starts a REPEATABLE READ READ ONLY transaction whose first read
// (the probe) creates the read view, as START TRANSACTION WITH CONSISTENT
// SNAPSHOT would.
func (mysqlDialect) beginRead(ctx context.Context, db *sql.DB) (txConn, error) {
	return beginSnapshot(ctx, db)
}

func (mysqlDialect) insertSuffix() string { return "" }

func (mysqlDialect) lockSuffix() string { return " FOR UPDATE" }

func (mysqlDialect) countsHolders() bool { return false }

// returning is false: MySQL has no RETURNING, and MariaDB none on UPDATE.
func (mysqlDialect) returning() bool { return false }

func (mysqlDialect) timeValue(t time.Time) any { return t.Format(mysqlTimeLayout) }

// parseTime accepts both forms the driver may return: text when the DSN has
// no parseTime=true, and time.Time otherwise. The latter carries the stored
// UTC wall clock in the DSN's loc, so its wall clock is read back as UTC.
func (mysqlDialect) parseTime(src any) (time.Time, error) {
	var s string
	switch v := src.(type) {
	case time.Time:
		y, mo, d := v.Date()
		h, mi, sec := v.Clock()
		return time.Date(y, mo, d, h, mi, sec, v.Nanosecond(), time.UTC), nil
	case []byte:
		s = string(v)
	case string:
		s = v
	default:
		return time.Time{}, fmt.Errorf("time column holds %T", src)
	}
	if strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", s, time.UTC)
	if err != nil {
		return time.Time{}, errors.Join(fmt.Errorf("time column holds %q", s), err)
	}
	return t, nil
}

func (mysqlDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS habitkit_migrations (
	version INT NOT NULL PRIMARY KEY,
	applied_at DATETIME(6) NOT NULL
) ENGINE=InnoDB`
}

func (mysqlDialect) nowSQL() string { return "UTC_TIMESTAMP(6)" }

func (mysqlDialect) currentSchemaSQL() string { return "DATABASE()" }

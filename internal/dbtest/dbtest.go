package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/habitkit/habitkit/storage/sqlstore"
)

// Driver names for Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "pgx"
	DriverMySQL    = "mysql"
)

// Environment variables naming the servers.
const (
	PostgresEnv = "HABITKIT_POSTGRES_DSN"
	MySQLEnv    = "HABITKIT_MYSQL_DSN"
)

// SQLiteMaxOpenConns is the pool size SQLite uses here: WAL lets readers
// run beside the one writer, and a small pool keeps writers queueing in
// SQLite's busy handler rather than piling up.
const SQLiteMaxOpenConns = 4

// SQLite returns a new SQLite database in a file under t.TempDir(), opened
// with sqlstore.SQLiteDSN, and that DSN.
func SQLite(t testing.TB) (db *sql.DB, dsn string) {
	t.Helper()
	dsn = sqlstore.SQLiteDSN(filepath.Join(t.TempDir(), "habitkit.db"))
	return Open(t, DriverSQLite, dsn), dsn
}

// PostgresDSN returns HABITKIT_POSTGRES_DSN, or skips t when it is unset
// (fails it when CI=true).
func PostgresDSN(t testing.TB) string {
	t.Helper()
	return envDSN(t, PostgresEnv, "PostgreSQL")
}

// MySQLDSN returns HABITKIT_MYSQL_DSN, or skips t when it is unset (fails it
// when CI=true).
func MySQLDSN(t testing.TB) string {
	t.Helper()
	return envDSN(t, MySQLEnv, "MySQL/MariaDB")
}

func envDSN(t testing.TB, env, what string) string {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not set: %s tests are required when CI=true", env, what)
		}
		t.Skipf("%s not set: skipping %s tests", env, what)
	}
	return dsn
}

// Postgres creates a schema hk_<random> on the server of
// HABITKIT_POSTGRES_DSN and returns a pool whose every connection uses it
// (search_path in the DSN), and that DSN. The schema is dropped when the
// test ends.
func Postgres(t testing.TB) (db *sql.DB, dsn string) {
	t.Helper()
	base := PostgresDSN(t)
	admin := Open(t, DriverPostgres, base)
	schema := "hk_" + randomHex(t)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dbtest: drop schema %s: %v", schema, err)
		}
	})
	dsn, err := withPostgresParam(base, "search_path", schema)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", PostgresEnv, err)
	}
	return Open(t, DriverPostgres, dsn), dsn
}

// withPostgresParam adds a run-time parameter to a URL or key=value DSN.
func withPostgresParam(dsn, key, value string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " " + key + "=" + value, nil
}

// MySQL creates a database hk_<random> on the server of HABITKIT_MYSQL_DSN
// and returns a pool on it, and its DSN (the given one with the database
// name replaced). The database is dropped when the test ends.
func MySQL(t testing.TB) (db *sql.DB, dsn string) {
	t.Helper()
	base := MySQLDSN(t)
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", MySQLEnv, err)
	}
	admin := Open(t, DriverMySQL, base)
	name := "hk_" + randomHex(t)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	dsn = cfg.FormatDSN()
	return Open(t, DriverMySQL, dsn), dsn
}

// Open opens a pool with driver on dsn, checks it connects, and closes it
// when the test ends. Use it for a second handle on a database made by
// SQLite, Postgres or MySQL.
func Open(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if driver == DriverSQLite {
		db.SetMaxOpenConns(SQLiteMaxOpenConns)
	}
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("dbtest: connect %s: %v", driver, err)
	}
	return db
}

func randomHex(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return hex.EncodeToString(b)
}

// BareInsert is the baseline for write benchmarks: b.N transactions that
// each insert one row into a scratch table of db, begun as sqlstore begins
// its writes (BEGIN IMMEDIATE on SQLite, READ COMMITTED elsewhere). It tells
// how much of an engine call's time is the database's floor. dialect is
// sqlstore.SQLite, sqlstore.Postgres or sqlstore.MySQL.
func BareInsert(b *testing.B, db *sql.DB, dialect sqlstore.Dialect) {
	b.Helper()
	ctx := context.Background()
	ph := func(n int) string { return "?" }
	if dialect == sqlstore.Postgres {
		ph = func(n int) string { return fmt.Sprintf("$%d", n) }
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS dbtest_bare (id VARCHAR(64) NOT NULL PRIMARY KEY, n BIGINT NOT NULL)"); err != nil {
		b.Fatalf("dbtest: create table: %v", err)
	}
	insert := "INSERT INTO dbtest_bare (id, n) VALUES (" + ph(1) + ", " + ph(2) + ")"
	prefix := randomHex(b)
	i := 0
	for b.Loop() {
		i++
		if err := bareInsertTx(ctx, db, dialect, insert, fmt.Sprintf("%s-%d", prefix, i), i); err != nil {
			b.Fatalf("dbtest: bare insert: %v", err)
		}
	}
}

func bareInsertTx(ctx context.Context, db *sql.DB, dialect sqlstore.Dialect, insert, id string, n int) error {
	if dialect == sqlstore.SQLite {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, insert, id, n); err != nil {
			_, _ = c.ExecContext(ctx, "ROLLBACK")
			return err
		}
		_, err = c.ExecContext(ctx, "COMMIT")
		return err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insert, id, n); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Package dbtest gives tests isolated databases for the SQL adapter: a
// SQLite file in a temporary directory, a fresh PostgreSQL schema, or a
// fresh MySQL/MariaDB database, each dropped when the test ends.
//
// PostgreSQL and MySQL need a server, named by the environment variables
// HABITKIT_POSTGRES_DSN and HABITKIT_MYSQL_DSN. When one is unset the test is
// skipped, except when CI=true: then a missing server fails the test, so
// that CI cannot go green by skipping.
//
// Each helper returns the *sql.DB and a DSN reaching the same data, so a
// test can open a second pool with Open, as a second process would.
//
// This package imports the three database drivers; only tests import it.
package dbtest

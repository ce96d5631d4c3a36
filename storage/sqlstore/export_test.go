package sqlstore

import (
	"context"
	"database/sql"
)

// SetRetryHook makes s call f with the error before each retry of a
// transaction, so tests can see retries happen without timing.
func SetRetryHook(s *Store, f func(err error)) { s.onRetry = f }

// Classify tells how the dialect d classifies err: "conflict", "retry" or
// "other".
func Classify(d Dialect, err error) string {
	dl, derr := dialectFor(d, nil)
	if derr != nil {
		panic(derr)
	}
	switch dl.classify(err) {
	case classConflict:
		return "conflict"
	case classRetry:
		return "retry"
	}
	return "other"
}

// OpenAt opens a Store on db with its schema migrated only up to version
// last, as an older release of habitkit left it.
func OpenAt(ctx context.Context, db *sql.DB, last int) (*Store, error) {
	d, err := dialectFor("", db)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d, maxRetries: DefaultMaxRetries}
	if err := s.migrateTo(ctx, last); err != nil {
		return nil, err
	}
	return s, nil
}

// Migrations returns the number of migrations of dialect d.
func Migrations(d Dialect) int {
	ms, err := loadMigrations(d)
	if err != nil {
		panic(err)
	}
	return len(ms)
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/habitkit/habitkit/storage"
)

// DefaultMaxRetries is how many times a transaction is run again after a
// retryable error when Options.MaxRetries is 0.
const DefaultMaxRetries = 10

// Options configures a Store. The zero value (or a nil *Options) is valid.
type Options struct {
	// Dialect is the database family. When empty it is detected from the
	// type of db.Driver(): modernc.org/sqlite, pgx's stdlib and
	// go-sql-driver/mysql are recognised; any other driver needs it set,
	// and must report errors as those drivers do.
	Dialect Dialect
	// MaxRetries is how many times Update and View run a transaction again
	// after a busy database, deadlock or serialization failure. 0 means
	// DefaultMaxRetries; a negative value disables retries.
	MaxRetries int
}

// Store is a storage.Store on a *sql.DB. It is safe for concurrent use, and
// several Stores, in one process or many, may share one database.
type Store struct {
	db         *sql.DB
	d          dialect
	maxRetries int
	closed     atomic.Bool
	// onRetry, when set (by tests), is called before each retry.
	onRetry func(err error)
	// ftTokens caches InnoDB's smallest and largest indexed word lengths
	// (MySQL only), read at the first search.
	ftTokens atomic.Pointer[[2]int]
	// searchFrom, when not zero (set by tests), fixes how SQLite and
	// PostgreSQL searches start instead of counting matches: 1 from the
	// full-text index, -1 from the feed's order; a newest-first
	// PostgreSQL search walks its first word's keys (1) or its last's
	// (-1). See searchPlan, searchPostgres and searchNewestPostgres.
	searchFrom int
	// stmts holds the statements prepared once at Open, by query (SQLite
	// only, see prepareHot); it is not changed afterwards.
	stmts map[string]*sql.Stmt
}

var _ storage.Store = (*Store)(nil)

// Open returns a Store on db, migrating the schema to the current version
// first (see the package documentation). The caller keeps ownership of db:
// Store.Close does not close it.
func Open(ctx context.Context, db *sql.DB, opts *Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: open: nil *sql.DB")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	d, err := dialectFor(o.Dialect, db)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d, maxRetries: o.MaxRetries}
	switch {
	case o.MaxRetries == 0:
		s.maxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		s.maxRetries = 0
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.prepareHot(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// prepareHot prepares the statements that every completion runs, where
// the dialect wants it (dialect.preparesHot: SQLite). modernc.org/sqlite
// parses a statement's text each time it runs it, which costs more CPU
// than running the small statements of a completion; a statement prepared
// on the *sql.DB is prepared again only once per connection (by
// Tx.StmtContext, see tx.prepared) and then reused. They are prepared at
// Open, when the store holds no connection, because preparing on the
// *sql.DB takes one from the pool: inside a transaction, with the pool at
// its limit, it would wait forever.
func (s *Store) prepareHot(ctx context.Context) error {
	if !s.d.preparesHot() {
		return nil
	}
	queries := []string{getEnrolmentQuery, insertCompletionQuery, updateEnrolmentQuery, updateEnrolmentDataQuery, insertAwardQuery(s.d)}
	if lock := s.d.writeLock(); lock != "" {
		queries = append(queries, lock)
	}
	s.stmts = make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			s.closeStmts()
			return fmt.Errorf("sqlstore: open: prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// closeStmts closes the statements of prepareHot.
func (s *Store) closeStmts() {
	for _, st := range s.stmts {
		_ = st.Close()
	}
}

// Dialect returns the dialect the store uses.
func (s *Store) Dialect() Dialect { return s.d.kind() }

// Update implements storage.Store. It begins a read-write transaction (on
// SQLite taking the write lock at once, as BEGIN IMMEDIATE would, on
// PostgreSQL and MySQL at READ COMMITTED),
// runs fn and commits. A busy database, deadlock or serialization failure,
// whether in fn's statements or at commit, rolls back and runs fn again,
// up to Options.MaxRetries times with a short random backoff.
func (s *Store) Update(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.run(ctx, "update", true, func(ctx context.Context, t *tx) error { return fn(ctx, t) })
}

// View implements storage.Store with a read-only transaction whose snapshot
// is taken when it begins (REPEATABLE READ on PostgreSQL and MySQL, a WAL
// read transaction on SQLite).
func (s *Store) View(ctx context.Context, fn func(ctx context.Context, tx storage.ReadTx) error) error {
	return s.run(ctx, "view", false, func(ctx context.Context, t *tx) error { return fn(ctx, readTx{t}) })
}

// Close implements storage.Store. It does not close the *sql.DB.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return fmt.Errorf("sqlstore: close: %w", storage.ErrClosed)
	}
	// A transaction still running goes on with statements prepared anew.
	s.closeStmts()
	return nil
}

// run runs fn in a transaction, retrying on retryable errors.
func (s *Store) run(ctx context.Context, op string, write bool, fn func(context.Context, *tx) error) error {
	if s.closed.Load() {
		return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrClosed)
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		retry, err := s.attempt(ctx, op, write, fn)
		if err == nil || !retry || attempt >= s.maxRetries || ctx.Err() != nil {
			return err
		}
		if s.onRetry != nil {
			s.onRetry(err)
		}
		if werr := backoff(ctx, attempt); werr != nil {
			return fmt.Errorf("sqlstore: %s: %w", op, errors.Join(werr, err))
		}
	}
}

// attempt runs fn once in a new transaction. retry reports whether the
// failure may go away if the transaction runs again.
func (s *Store) attempt(ctx context.Context, op string, write bool, fn func(context.Context, *tx) error) (retry bool, err error) {
	begin := s.d.beginRead
	if write {
		begin = s.d.beginWrite
	}
	c, err := begin(ctx, s.db)
	if err != nil {
		return s.d.classify(err) == classRetry, wrapCtx(ctx, fmt.Errorf("sqlstore: %s: begin: %w", op, err))
	}
	// Never leave a transaction open, not even when fn panics.
	defer c.rollback()

	t := &tx{s: s, c: c, write: write}
	if lock := s.d.writeLock(); write && lock != "" {
		if _, err := t.execf(ctx, func() string { return op + ": take the write lock" }, lock); err != nil {
			return t.failed != nil, err
		}
	}
	if err := fn(ctx, t); err != nil {
		// fn's own error is returned unchanged, so errors.Is works on it.
		return t.failed != nil || s.d.classify(err) == classRetry, err
	}
	if t.failed != nil {
		// fn swallowed a retryable error; the transaction cannot commit.
		return true, fmt.Errorf("sqlstore: %s: %w", op, t.failed)
	}
	if t.spoilt != nil {
		// fn swallowed the error of a half-done write.
		return false, fmt.Errorf("sqlstore: %s: %w", op, t.spoilt)
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("sqlstore: %s: commit: %w", op, err)
	}
	if err := c.commit(ctx); err != nil {
		return s.d.classify(err) == classRetry, wrapCtx(ctx, fmt.Errorf("sqlstore: %s: commit: %w", op, err))
	}
	return false, nil
}

// wrapCtx makes sure an error caused by a cancelled ctx says so to errors.Is.
func wrapCtx(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return errors.Join(cerr, err)
	}
	return err
}

// backoff waits before retry attempt+1: a random time up to 2 ms doubled per
// attempt, at most 100 ms, so that colliding writers spread out.
func backoff(ctx context.Context, attempt int) error {
	limit := 2 * time.Millisecond << min(attempt, 6)
	limit = min(limit, 100*time.Millisecond)
	d := limit/2 + rand.N(limit/2+1)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/habitkit/habitkit/storage"
)

// dbtx is what the query helpers need; *sql.Tx and *sql.Conn both have it.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// txConn is an open transaction, whichever way it was begun.
type txConn interface {
	dbtx
	// commit commits the transaction, or rolls it back if it cannot.
	commit(ctx context.Context) error
	// rollback rolls the transaction back; it is safe after commit.
	rollback()
}

// sqlTx is a transaction begun with database/sql's BeginTx.
type sqlTx struct{ *sql.Tx }

func (t sqlTx) commit(context.Context) error { return t.Commit() }
func (t sqlTx) rollback()                    { _ = t.Rollback() }

// connTx is a transaction begun with an explicit statement on a dedicated
// connection, for what sql.TxOptions cannot say (SQLite's BEGIN IMMEDIATE).
// database/sql does not know the connection is inside a transaction, so
// connTx must end it before the connection goes back to the pool: when
// ROLLBACK fails the connection is discarded instead.
type connTx struct {
	*sql.Conn
	done bool
}

// beginConn takes a connection from db and runs begin, then probe if set.
func beginConn(ctx context.Context, db *sql.DB, begin, probe string) (*connTx, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.ExecContext(ctx, begin); err != nil {
		// A failed BEGIN leaves the connection in autocommit mode.
		_ = c.Close()
		return nil, err
	}
	t := &connTx{Conn: c}
	if probe != "" {
		var n int64
		if err := c.QueryRowContext(ctx, probe).Scan(&n); err != nil {
			t.rollback()
			return nil, err
		}
	}
	return t, nil
}

func (t *connTx) commit(ctx context.Context) error {
	if t.done {
		return sql.ErrTxDone
	}
	// Once COMMIT is sent it runs to the end: interrupting it would leave
	// the caller unsure whether the transaction committed.
	if _, err := t.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		t.rollback()
		return err
	}
	t.done = true
	return t.Close()
}

func (t *connTx) rollback() {
	if t.done {
		return
	}
	t.done = true
	// ROLLBACK must run even when ctx was cancelled (the cancellation may
	// be why we are rolling back).
	if _, err := t.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		// The transaction state is unknown (SQLite may already have rolled
		// back an interrupted transaction): never reuse this connection.
		_ = t.Raw(func(any) error { return driver.ErrBadConn })
	}
	_ = t.Close()
}

// tx implements storage.Tx over one database transaction. It is used by one
// goroutine at a time (the fn of Update or View).
type tx struct {
	s *Store
	c txConn
	// write is true in Update, false in View.
	write bool
	// failed is the first retryable error a statement hit. Such an error may
	// have aborted the transaction on the server (a PostgreSQL or InnoDB
	// deadlock rolls it back), so once set no further statement runs and
	// the transaction is retried or rolled back, never committed, even if
	// fn swallowed the error.
	failed error
	// spoilt is set when a statement may have done part of its work and
	// then failed (see RecordCompletion): no further statement runs and the
	// transaction is rolled back, never committed, even if fn swallowed the
	// error. Unlike failed, it is not retried by the store.
	spoilt error
	// lastTime and lastTimeArg are the last time timeArg converted, and
	// what it made of it.
	lastTime    time.Time
	lastTimeArg any
	// read is the enrolment this write transaction read or wrote last
	// (see updateEnrolmentDataQuery).
	read readEnrolment
}

var (
	_ storage.Tx                 = (*tx)(nil)
	_ storage.CompletionRecorder = (*tx)(nil)
)

// readTx exposes only the read methods of a tx, so that fn in View cannot
// type-assert its way to the writers.
type readTx struct{ storage.ReadTx }

// wrap turns a driver error of operation op into the adapter's error:
// unique violations become storage.ErrConflict, retryable errors mark the
// transaction failed, and a cancelled ctx stays visible to errors.Is. The
// driver error always stays reachable with errors.As.
func (t *tx) wrap(ctx context.Context, op string, err error) error {
	switch t.s.d.classify(err) {
	case classConflict:
		return fmt.Errorf("sqlstore: %s: %w", op, errors.Join(storage.ErrConflict, err))
	case classRetry:
		if t.failed == nil {
			t.failed = err
		}
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = errors.Join(cerr, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// check refuses to run a statement once the transaction failed or was
// spoilt.
func (t *tx) check(op string) error {
	if t.failed != nil {
		return fmt.Errorf("sqlstore: %s: transaction already failed: %w", op, t.failed)
	}
	if t.spoilt != nil {
		return fmt.Errorf("sqlstore: %s: transaction already spoilt: %w", op, t.spoilt)
	}
	return nil
}

// spoil marks the transaction as never to commit because of err, and
// returns err.
func (t *tx) spoil(err error) error {
	if t.spoilt == nil {
		t.spoilt = err
	}
	return err
}

// prepared returns the transaction's form of the statement the store
// prepared for query (see Store.prepareHot), or nil when it has none.
func (t *tx) prepared(ctx context.Context, query string) *sql.Stmt {
	ps := t.s.stmts[query]
	if ps == nil {
		return nil
	}
	st, ok := t.c.(sqlTx)
	if !ok {
		return nil
	}
	// The driver statement is prepared on the transaction's connection the
	// first time the connection runs it, then reused.
	return st.StmtContext(ctx, ps)
}

// execStmt runs query, through its prepared statement when there is one.
func (t *tx) execStmt(ctx context.Context, query string, args []any) (sql.Result, error) {
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, t.s.d.args(args)...)
	}
	return t.c.ExecContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
}

// queryRowStmt runs query for one row, through its prepared statement when
// there is one.
func (t *tx) queryRowStmt(ctx context.Context, query string, args []any) *sql.Row {
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, t.s.d.args(args)...)
	}
	return t.c.QueryRowContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
}

// exec runs a statement and returns the number of rows it affected.
func (t *tx) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	return t.execf(ctx, func() string { return op }, query, args...)
}

// execf is exec with the operation's name made by opf, which is called
// only for an error: the statements every completion runs do not format
// their record's identity when they succeed.
func (t *tx) execf(ctx context.Context, opf func() string, query string, args ...any) (int64, error) {
	if t.failed != nil || t.spoilt != nil {
		return 0, t.check(opf())
	}
	res, err := t.execStmt(ctx, query, args)
	if err != nil {
		return 0, t.wrap(ctx, opf(), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.wrap(ctx, opf(), err)
	}
	return n, nil
}

// insert runs an INSERT (with the dialect's suffix) that must add one row;
// a duplicate key is reported as storage.ErrConflict.
func (t *tx) insert(ctx context.Context, op, query string, args ...any) error {
	return t.insertf(ctx, func() string { return op }, query, args...)
}

// insertf is insert with the operation's name made by opf, as in execf.
func (t *tx) insertf(ctx context.Context, opf func() string, query string, args ...any) error {
	n, err := t.execf(ctx, opf, query+t.s.d.insertSuffix(), args...)
	if err != nil {
		return err
	}
	if n == 0 {
		// Only PostgreSQL's ON CONFLICT DO NOTHING gets here.
		return fmt.Errorf("sqlstore: %s: %w: a record with the same key exists", opf(), storage.ErrConflict)
	}
	return nil
}

// query runs a query returning rows; the caller closes them.
func (t *tx) query(ctx context.Context, op, query string, args ...any) (*sql.Rows, error) {
	if err := t.check(op); err != nil {
		return nil, err
	}
	rows, err := t.c.QueryContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
	if err != nil {
		return nil, t.wrap(ctx, op, err)
	}
	return rows, nil
}

// queryRow runs a query expected to return at most one row and scans it
// into dest. No row is reported as sql.ErrNoRows, unwrapped, for the caller
// to turn into storage.ErrNotFound with the record's identity.
func (t *tx) queryRow(ctx context.Context, op, query string, args []any, dest ...any) error {
	if err := t.check(op); err != nil {
		return err
	}
	err := t.queryRowStmt(ctx, query, args).Scan(dest...)
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return t.wrap(ctx, op, err)
}

// exists reports whether query returns a row.
func (t *tx) exists(ctx context.Context, op, query string, args ...any) (bool, error) {
	var one int
	err := t.queryRow(ctx, op, query, args, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// notFound returns the error of a lookup that found nothing.
func notFound(op string) error {
	return fmt.Errorf("sqlstore: %s: %w", op, storage.ErrNotFound)
}

// listPage runs the listing query q (filtered and ordered, without LIMIT)
// for one page of limit items: it asks for one row more, to learn whether
// another page follows, and then sets Next to the cursor of the last item.
func listPage[T any](ctx context.Context, t *tx, op, q string, args []any, limit int,
	scanRow func(scan func(dest ...any) error) (T, error), next func(last T) storage.Cursor) (storage.Page[T], error) {
	rows, err := t.query(ctx, op, q+" LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return storage.Page[T]{}, err
	}
	defer rows.Close()
	var page storage.Page[T]
	for rows.Next() {
		item, err := scanRow(rows.Scan)
		if err != nil {
			return storage.Page[T]{}, t.wrap(ctx, op, err)
		}
		page.Items = append(page.Items, item)
	}
	if err := rows.Err(); err != nil {
		return storage.Page[T]{}, t.wrap(ctx, op, err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = next(page.Items[limit-1])
	}
	return page, nil
}

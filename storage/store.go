package storage

import "context"

// Store is what an adapter implements: transactions over the records of
// every noun. It must be safe for concurrent use by multiple goroutines, and
// several Stores (in several processes) may share one database.
type Store interface {
	// Update runs fn in a read-write transaction and commits if fn returns
	// nil; otherwise it rolls back and returns fn's error unchanged (so
	// errors.Is works on it). Either every write made through tx is
	// committed or none is.
	//
	// An adapter may call fn again after a serialization failure, deadlock
	// or busy database, so fn must have no effects outside tx. A cancelled
	// ctx makes Update return an error wrapping ctx.Err() and write
	// nothing; so does a ctx that is done when fn returns. If fn panics,
	// Update rolls back and the panic continues. After Close, Update
	// returns ErrClosed.
	Update(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot: writes committed by others while fn runs are not visible.
	// It returns fn's error unchanged. A cancelled ctx makes View return an
	// error wrapping ctx.Err(). After Close, View returns ErrClosed.
	View(ctx context.Context, fn func(ctx context.Context, tx ReadTx) error) error
	// Close releases the store's resources. Later calls return ErrClosed.
	// Close does not close a *sql.DB that the host passed in.
	Close() error
}

// ReadTx is a read-only transaction. Its values are valid only during the
// call to fn that received it. Every returned value is a copy: mutating it
// never changes the store, and the store never keeps caller memory.
type ReadTx interface {
	ProgrammeReader
	EnrolmentReader
	CompletionReader
	AuditReader
	AwardReader
	ScoreReader
	ReflectionReader
}

// Tx is a read-write transaction. Reads see the transaction's own writes.
type Tx interface {
	ReadTx
	ProgrammeWriter
	EnrolmentWriter
	CompletionWriter
	AuditWriter
	AwardWriter
	ScoreWriter
	ReflectionWriter
}

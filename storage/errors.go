package storage

import "errors"

// Errors with exact meanings. Adapters return them (wrapped, so the driver
// detail stays reachable with errors.As) and callers test them with
// errors.Is.
var (
	// ErrNotFound means the identified record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness or version check failed: another
	// record already holds the key, or the record changed since it was
	// read. Nothing was written by the failing call, and the transaction
	// stays usable: the caller may go on reading and writing in it and
	// commit (the engine reads the existing record after a conflict).
	ErrConflict = errors.New("conflict")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store closed")
	// ErrBadCursor means a cursor was not produced by the same listing.
	ErrBadCursor = errors.New("bad cursor")
)

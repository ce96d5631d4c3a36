package storage

import (
	"context"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
)

// CompletionFilter selects completions of one enrolment.
type CompletionFilter struct {
	// EnrolmentID is required.
	EnrolmentID uuid.UUID
	// IncludeRevoked also returns revoked completions.
	IncludeRevoked bool
}

// CompletionReader reads completions.
type CompletionReader interface {
	// GetCompletion returns the completion with key, revoked or not, or
	// ErrNotFound.
	GetCompletion(ctx context.Context, key challenge.CompletionKey) (challenge.Completion, error)
	// GetCompletionByIdempotencyKey returns the completion recorded with
	// the caller's idempotency key, or ErrNotFound. Keys are unique across
	// the store. The empty key means "no key" and finds nothing.
	GetCompletionByIdempotencyKey(ctx context.Context, key string) (challenge.Completion, error)
	// ListCompletions returns the completions matching f ordered by
	// (Day, ActivityID), paged by cursor.
	ListCompletions(ctx context.Context, f CompletionFilter, cursor Cursor, limit int) (Page[challenge.Completion], error)
}

// CompletionWriter writes completions.
type CompletionWriter interface {
	// InsertCompletion stores c. It returns ErrConflict if a completion
	// with the same ID or key exists, or if c.IdempotencyKey is non-empty
	// and already used.
	InsertCompletion(ctx context.Context, c challenge.Completion) error
	// RevokeCompletion marks the completion with key as revoked. It
	// returns ErrNotFound if there is none, and ErrConflict if it is
	// already revoked.
	RevokeCompletion(ctx context.Context, key challenge.CompletionKey, r challenge.Revocation) error
}

// CompletionRecorder is an optional interface of a write transaction
// (check with a type assertion on the [Tx] given to Update's fn): it records
// a new completion and the enrolment it changed in one step, where the
// database can do both in one statement (a PostgreSQL data-modifying WITH),
// saving a round trip on the hot path of a completion.
//
// RecordCompletion has the effect of InsertCompletion(c) followed by
// UpdateEnrolment(e), with their errors: ErrNotFound when e does not exist,
// ErrConflict when e's stored version differs or when a completion with c's
// key or ID, or c's idempotency key, exists. After an error the adapter may
// have applied part of the work, so it must make sure that the transaction
// does not commit, even if fn ignores the error and returns nil: fn should
// return the error. Callers that need to tell the conflicts apart, or to
// read on in the transaction after one (to replay a recorded completion,
// say), use the two calls instead.
type CompletionRecorder interface {
	RecordCompletion(ctx context.Context, c challenge.Completion, e challenge.Enrolment) error
}

package habitkit

import (
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// Errors the engine returns, re-exported from the packages that own them so
// hosts import one package. They are the same values: errors.Is works with
// either name.
var (
	// ErrInvalid matches every validation error (see ValidationError).
	ErrInvalid = challenge.ErrInvalid
	// ErrNotFound means an identified programme, cohort, enrolment,
	// activity or completion does not exist.
	ErrNotFound = storage.ErrNotFound
	// ErrConflict means a uniqueness rule was broken (for example the
	// participant is already enrolled) or concurrent writers kept
	// colliding beyond the retry budget.
	ErrConflict = storage.ErrConflict
	// ErrClosed means the store was closed.
	ErrClosed = storage.ErrClosed
	// ErrBadCursor means a paging cursor was not produced by the same listing.
	ErrBadCursor = storage.ErrBadCursor
	// ErrNotYetOpen means the requested day has not started for the
	// participant (including a cohort that has not started yet).
	ErrNotYetOpen = challenge.ErrNotYetOpen
	// ErrTooLate means the requested day ended longer ago than the
	// programme's grace window allows.
	ErrTooLate = challenge.ErrTooLate
	// ErrOutsideProgramme means the day is before day 1 or after the last
	// day of the programme (the programme is over).
	ErrOutsideProgramme = challenge.ErrOutsideProgramme
	// ErrBeforeEnrolment means the day is before the participant's first
	// day (they joined their cohort late).
	ErrBeforeEnrolment = challenge.ErrBeforeEnrolment
	// ErrNotScheduled means nothing, or another activity, is scheduled on
	// the requested day.
	ErrNotScheduled = challenge.ErrNotScheduled
	// ErrRevoked means the completion was revoked by an administrator.
	ErrRevoked = challenge.ErrRevoked
	// ErrIdempotencyKeyReused means an idempotency key came back with a
	// different request than the one it first identified.
	ErrIdempotencyKeyReused = challenge.ErrIdempotencyKeyReused
)

// ValidationError names the field that broke a rule and why; its Reason is
// safe to show to users. errors.Is(err, ErrInvalid) is true for it.
type ValidationError = challenge.ValidationError

// ValidationErrors lists several problems found in one input.
type ValidationErrors = challenge.ValidationErrors

package challenge

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors for the domain rules this package owns. Hosts normally use
// the aliases in package habitkit; both are the same values, so errors.Is
// works with either.
var (
	// ErrInvalid is matched by every *ValidationError and ValidationErrors:
	// the input broke a rule and nothing was changed.
	ErrInvalid = errors.New("invalid input")
	// ErrNotYetOpen means the requested programme day has not started yet
	// in the participant's time zone.
	ErrNotYetOpen = errors.New("day not yet open")
	// ErrTooLate means the requested day ended longer ago than the
	// programme's grace window allows.
	ErrTooLate = errors.New("day is past the grace window")
	// ErrOutsideProgramme means the requested day is before day 1 or after
	// the programme's last day.
	ErrOutsideProgramme = errors.New("day outside the programme")
	// ErrBeforeEnrolment means the requested day is inside the programme but
	// before the participant's first day (a late joiner's earlier days).
	ErrBeforeEnrolment = errors.New("day before the enrolment")
	// ErrNotScheduled means nothing (or a different activity) is scheduled
	// on the requested day.
	ErrNotScheduled = errors.New("activity not scheduled on that day")
	// ErrRevoked means the completion exists but was revoked by an
	// administrator; recording it again does not undo the revocation.
	ErrRevoked = errors.New("completion was revoked")
	// ErrIdempotencyKeyReused means an idempotency key was sent again with a
	// request that differs from the one it first identified.
	ErrIdempotencyKeyReused = errors.New("idempotency key reused with a different request")
)

// ValidationError describes one broken rule of one field. Reason is safe to
// show to an end user. Line is the 1-based line in a definition file, or 0
// when the input did not come from a file.
//
// errors.Is(err, ErrInvalid) reports true for every ValidationError.
type ValidationError struct {
	// Field names the offending field with a dotted path, such as
	// "activities[2].points" or "timeZone".
	Field string
	// Reason says what is wrong, in words fit for the person who wrote it.
	Reason string
	// Line is the line in the source file, when known (1-based), else 0.
	Line int
}

// Invalid returns a *ValidationError for field with a formatted reason.
func Invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// ValidationErrors lists every problem found in one input, in the order they
// were found (for definition files: by line). It matches ErrInvalid with
// errors.Is, and errors.As can extract any one *ValidationError.
type ValidationErrors []*ValidationError

// Error implements error: one problem per line.
func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Is reports whether target is ErrInvalid.
func (es ValidationErrors) Is(target error) bool { return target == ErrInvalid && len(es) > 0 }

// Unwrap returns the individual problems.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Err returns es as an error, or nil when es is empty.
func (es ValidationErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

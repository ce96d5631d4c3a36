package challenge

import (
	"time"

	"github.com/google/uuid"
)

// CompletionKey identifies a completion: one activity on one day of one
// enrolment. Recording the same key twice is a no-op.
type CompletionKey struct {
	// EnrolmentID is the enrolment that completed the activity.
	EnrolmentID uuid.UUID `json:"enrolmentId"`
	// Day is the programme day.
	Day int `json:"day"`
	// ActivityID is the activity completed.
	ActivityID string `json:"activityId"`
}

// Completion records that a participant completed a day's activity, with the
// outcome it had when it was recorded (so that a retry can return it).
type Completion struct {
	// ID is a UUIDv7 made by habitkit.
	ID uuid.UUID `json:"id"`
	CompletionKey
	// ProgrammeID is the programme of the enrolment.
	ProgrammeID string `json:"programmeId"`
	// VariationID is the variation scheduled that day (may be empty).
	VariationID string `json:"variationId,omitempty"`
	// IdempotencyKey is the caller's key for the request, if any.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	// CompletedAt is when the engine recorded the completion.
	CompletedAt time.Time `json:"completedAt"`
	// Points are the activity points the completion earned.
	Points int `json:"points"`
	// Outcome is what the participant's progress looked like right after.
	Outcome Snapshot `json:"outcome"`
	// Revocation is set once an administrator revoked the completion.
	Revocation *Revocation `json:"revocation,omitempty"`
}

// Revoked reports whether c was revoked.
func (c *Completion) Revoked() bool { return c.Revocation != nil }

// Clone returns a deep copy of c.
func (c Completion) Clone() Completion {
	if c.Revocation != nil {
		r := *c.Revocation
		c.Revocation = &r
	}
	return c
}

// Revocation says who revoked a completion, when and why.
type Revocation struct {
	// At is when the completion was revoked.
	At time.Time `json:"at"`
	// Actor is the host's identifier of the administrator.
	Actor string `json:"actor"`
	// Reason is the administrator's explanation.
	Reason string `json:"reason"`
}

// Snapshot is the headline of a participant's progress at one moment.
type Snapshot struct {
	// Streak is the current streak.
	Streak int `json:"streak"`
	// Longest is the longest streak so far.
	Longest int `json:"longest"`
	// Points is the total of points.
	Points int `json:"points"`
	// Level is the 1-based level index (0 = none yet).
	Level int `json:"level"`
	// Freezes is the number of streak freezes held.
	Freezes int `json:"freezes"`
}

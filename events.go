package habitkit

import (
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
)

// Event is something that happened to a participant's progress. The set of
// events is closed (the interface has an unexported method), so a type
// switch over the concrete types below is exhaustive.
//
// Events are collected while a call runs and delivered only after its
// transaction commits, in the order they happened. A call that fails, or a
// transaction attempt that is rolled back and retried, delivers nothing.
type Event interface {
	// Header returns the fields every event has.
	Header() EventHeader
	event()
}

// EventHeader is shared by every event.
type EventHeader struct {
	// ProgrammeID is the programme.
	ProgrammeID string
	// EnrolmentID is the enrolment concerned.
	EnrolmentID uuid.UUID
	// ParticipantID is the participant concerned.
	ParticipantID challenge.ParticipantID
	// At is the engine's clock reading for the call that caused it.
	At time.Time
}

// Header returns h; it lets every event embed EventHeader.
func (h EventHeader) Header() EventHeader { return h }
func (EventHeader) event()                {}

// Completed is delivered when a completion is recorded (not on a replay).
type Completed struct {
	EventHeader
	// Day is the programme day completed.
	Day int
	// ActivityID is the activity completed.
	ActivityID string
	// Points are the activity points earned.
	Points int
	// Late is true when the day was completed after it ended (grace window).
	Late bool
}

// StreakExtended is delivered when a completion makes the streak longer.
type StreakExtended struct {
	EventHeader
	// Day is the day whose completion extended it.
	Day int
	// Streak is the new length.
	Streak int
}

// StreakBroken is delivered when a missed scheduled day ends a streak
// (no freeze was held). It is raised when the engine next writes that
// enrolment after the day settled.
type StreakBroken struct {
	EventHeader
	// Day is the missed day.
	Day int
	// Streak is the length the streak had before it broke.
	Streak int
}

// FreezeEarned is delivered when the streak earns a freeze.
type FreezeEarned struct {
	EventHeader
	// Day is the day whose completion earned it.
	Day int
	// Freezes is the number now held.
	Freezes int
}

// FreezeUsed is delivered when a freeze is spent on a missed day.
type FreezeUsed struct {
	EventHeader
	// Day is the missed day the freeze covered.
	Day int
	// Freezes is the number left.
	Freezes int
}

// StreakBonusEarned is delivered when the longest streak first reaches a
// bonus length of the programme.
type StreakBonusEarned struct {
	EventHeader
	// Streak is the bonus's streak length.
	Streak int
	// Points is the bonus.
	Points int
}

// LevelReached is delivered when points reach a new level.
type LevelReached struct {
	EventHeader
	// Level is the 1-based level index.
	Level int
	// Name is the level's name.
	Name string
	// Points is the participant's total.
	Points int
}

// CompletionRevoked is delivered when an administrator revokes a completion.
type CompletionRevoked struct {
	EventHeader
	// Day is the completion's day.
	Day int
	// ActivityID is the completion's activity.
	ActivityID string
	// Actor is who revoked it.
	Actor string
	// Reason is why.
	Reason string
}

// Reflected is delivered when a participant writes a reflection. The
// header names the author.
type Reflected struct {
	EventHeader
	// ReflectionID is the new reflection.
	ReflectionID uuid.UUID
	// Day and ActivityID are what it reflects on.
	Day        int
	ActivityID string
	// Visibility is who may read it.
	Visibility reflection.Visibility
	// Points are the bonus points it earned.
	Points int
}

// Responded is delivered when someone responds to a reflection. The header
// names the responder (EnrolmentID is uuid.Nil for a responder who is not
// enrolled, such as a manager).
type Responded struct {
	EventHeader
	// ReflectionID is the reflection responded to, ResponseID the response.
	ReflectionID, ResponseID uuid.UUID
	// Author wrote the reflection.
	Author challenge.ParticipantID
	// Points are the bonus points the response earned (0 for a further
	// response to the same reflection, or to one's own).
	Points int
}

// Reacted is delivered when someone reacts to a reflection, or changes the
// kind of their reaction. The header names who reacted.
type Reacted struct {
	EventHeader
	// ReflectionID is the reflection reacted to.
	ReflectionID uuid.UUID
	// Author wrote the reflection.
	Author challenge.ParticipantID
	// Kind is the reaction.
	Kind reflection.ReactionKind
	// Replaced is true when an earlier reaction of another kind was
	// replaced (the reflection's count did not change).
	Replaced bool
}

// Flagged is delivered when someone flags a reflection or a response. The
// header names who flagged.
type Flagged struct {
	EventHeader
	// ItemID is the reflection or response flagged; Response says which.
	ItemID   uuid.UUID
	Response bool
	// Reason is the flagger's reason.
	Reason string
	// OpenFlags counts the flags since the item was last reviewed.
	OpenFlags int
}

// Hidden is delivered when a reflection or response is hidden, by a
// moderator or automatically by flags. The header names the moderator, or
// the flagger whose flag hid it.
type Hidden struct {
	EventHeader
	// ItemID is the item hidden; Response says whether it is a response.
	ItemID   uuid.UUID
	Response bool
	// Automatic is true when flags hid it.
	Automatic bool
	// Reason is shown to the author.
	Reason string
}

// Restored is delivered when a moderator restores a hidden item. The
// header names the moderator.
type Restored struct {
	EventHeader
	// ItemID is the item restored; Response says whether it is a response.
	ItemID   uuid.UUID
	Response bool
}

package reflection

import (
	"time"

	"github.com/google/uuid"
	"github.com/habitkit/habitkit/challenge"
)

// Answer is the author's text for one prompt of the day's activity (or of
// its variation, whose prompts replace the activity's).
type Answer struct {
	// Prompt is the prompt answered, exactly as the definition words it.
	Prompt string `json:"prompt"`
	// Text is the answer, cleaned by [TextRules.CleanAnswer] and otherwise
	// stored exactly as written: it is escaped when rendered, never before.
	Text string `json:"text"`
}

// Reflection is what a participant writes after a day's challenge.
//
// Moderation state (hidden, flags) lives in the embedded [Moderated];
// visibility is decided by [CanRead] on [Reflection.Item], never by
// reading these fields directly.
type Reflection struct {
	// ID is a UUIDv7 made by habitkit.
	ID uuid.UUID `json:"id"`
	// ProgrammeID is the programme the reflection belongs to.
	ProgrammeID string `json:"programmeId"`
	// EnrolmentID is the author's enrolment; uuid.Nil after erasure.
	EnrolmentID uuid.UUID `json:"enrolmentId"`
	// Author wrote the reflection; empty after erasure.
	Author challenge.ParticipantID `json:"author,omitempty"`
	// AuthorTeam is the author's team when the reflection was written. It
	// is copied rather than looked up so that moving team later does not
	// widen or narrow who could read what was written for a team.
	AuthorTeam challenge.TeamID `json:"authorTeam,omitempty"`
	// Day is the programme day (1-based) the reflection is about.
	Day int `json:"day"`
	// ActivityID is the activity of that day.
	ActivityID string `json:"activityId"`
	// VariationID is the variation of that day, or empty.
	VariationID string `json:"variationId,omitempty"`
	// Answers holds one answer per prompt answered; see
	// [TextRules.ValidateAnswers]. Nil after erasure.
	Answers []Answer `json:"answers,omitempty"`
	// Visibility is chosen by the author; the programme supplies the
	// default.
	Visibility Visibility `json:"visibility"`
	// CreatedAt is when the reflection was posted.
	CreatedAt time.Time `json:"createdAt"`
	// EditedAt is when the author last edited it, or the zero time.
	EditedAt time.Time `json:"editedAt,omitzero"`
	// Moderated holds the moderation state: Hidden, HiddenBy, HiddenReason,
	// HiddenAt, Flags and Reviewed.
	Moderated
	// Deleted is set when the author deletes the reflection. Deleted
	// reflections are kept as tombstones so responses and reactions do not
	// dangle; nobody can read them.
	Deleted bool `json:"deleted,omitempty"`
	// AuthorErased is set by privacy erasure; see [Reflection.Erase].
	AuthorErased bool `json:"authorErased,omitempty"`
	// Responses counts the reflection's responses that are neither
	// deleted, hidden nor erased; storage keeps it in step as responses
	// are written and updated.
	Responses int `json:"responses,omitempty"`
	// Reactions counts the reactions to the reflection; storage keeps it in
	// step as reactions are put and withdrawn.
	Reactions int `json:"reactions,omitempty"`
	// Version starts at 1 and grows by one with every update; storage uses
	// it to detect concurrent writers.
	Version int64 `json:"version"`
}

// Item describes r for [CanRead].
func (r Reflection) Item() Item {
	return Item{
		Author:       r.Author,
		AuthorTeam:   r.AuthorTeam,
		Visibility:   r.Visibility,
		Hidden:       r.Hidden,
		Deleted:      r.Deleted,
		AuthorErased: r.AuthorErased,
	}
}

// Erase removes everything that identifies the author or carries their
// words: the author and team, the enrolment and every answer. The record
// stays as a tombstone marked AuthorErased so that responses by others,
// and counts derived from it, stay consistent; [CanRead] lets nobody read
// it. Flags raised by others are left to the engine, which erases each
// flagger separately.
func (r *Reflection) Erase() {
	r.Author = ""
	r.AuthorTeam = ""
	r.EnrolmentID = uuid.Nil
	r.Answers = nil
	r.HiddenReason = ""
	r.AuthorErased = true
}

// Response is a colleague's reply to a reflection. Responses sit one level
// under a reflection: there are no responses to responses.
type Response struct {
	// ID is a UUIDv7 made by habitkit.
	ID uuid.UUID `json:"id"`
	// ReflectionID is the reflection responded to.
	ReflectionID uuid.UUID `json:"reflectionId"`
	// Author wrote the response; empty after erasure.
	Author challenge.ParticipantID `json:"author,omitempty"`
	// AuthorTeam is the responder's team when the response was written.
	AuthorTeam challenge.TeamID `json:"authorTeam,omitempty"`
	// Text is the response, cleaned by [TextRules.CleanAnswer]; empty after
	// erasure.
	Text string `json:"text,omitempty"`
	// CreatedAt is when the response was posted.
	CreatedAt time.Time `json:"createdAt"`
	// EditedAt is when the author last edited it, or the zero time.
	EditedAt time.Time `json:"editedAt,omitzero"`
	// Moderated holds the moderation state of the response itself.
	Moderated
	// Deleted is set when the author deletes the response.
	Deleted bool `json:"deleted,omitempty"`
	// AuthorErased is set by privacy erasure; see [Response.Erase].
	AuthorErased bool `json:"authorErased,omitempty"`
	// Version starts at 1 and grows by one with every update; storage uses
	// it to detect concurrent writers.
	Version int64 `json:"version"`
}

// Item describes resp, a response to parent, for [CanRead]. The response
// inherits its parent's audience: it can never be read by someone who
// cannot read the parent.
func (resp Response) Item(parent Reflection) Item {
	p := parent.Item()
	return Item{
		Author:       resp.Author,
		AuthorTeam:   resp.AuthorTeam,
		Visibility:   parent.Visibility,
		Hidden:       resp.Hidden,
		Deleted:      resp.Deleted,
		AuthorErased: resp.AuthorErased,
		Parent:       &p,
	}
}

// Erase removes the responder's identity and text; see [Reflection.Erase].
func (resp *Response) Erase() {
	resp.Author = ""
	resp.AuthorTeam = ""
	resp.Text = ""
	resp.HiddenReason = ""
	resp.AuthorErased = true
}

// Reaction is one participant's reaction to a reflection. There is at
// most one per person per reflection (storage enforces it); choosing
// another kind replaces it and withdrawing deletes it.
type Reaction struct {
	// ReflectionID is the reflection reacted to.
	ReflectionID uuid.UUID `json:"reflectionId"`
	// By is the participant who reacted.
	By challenge.ParticipantID `json:"by"`
	// Kind is the reaction.
	Kind ReactionKind `json:"kind"`
	// At is when the reaction was made or last changed.
	At time.Time `json:"at"`
}

// Flag is one participant's report that an item breaks the rules.
type Flag struct {
	// By is the participant who flagged the item.
	By challenge.ParticipantID `json:"by"`
	// Reason is the flagger's explanation, cleaned like any text.
	Reason string `json:"reason"`
	// At is when the flag was raised.
	At time.Time `json:"at"`
}

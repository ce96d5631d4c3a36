package storage

import (
	"context"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
)

// ReflectionKey identifies the one reflection a participant may write for
// a day's activity. An erased reflection (EnrolmentID uuid.Nil) has no
// key: it never conflicts and is never found by key.
type ReflectionKey struct {
	// EnrolmentID is the author's enrolment.
	EnrolmentID uuid.UUID
	// Day is the programme day.
	Day int
	// ActivityID is the day's activity.
	ActivityID string
}

// FeedOrder is the order of a reflection listing.
type FeedOrder int

const (
	// Newest lists reflections by ID descending (UUIDv7, so newest first).
	Newest FeedOrder = iota
	// MostReacted lists reflections by Reactions descending, then ID
	// descending.
	MostReacted
)

// FeedQuery selects the reflections of one programme that one viewer may
// read. Empty fields other than ProgrammeID and Viewer do not filter.
type FeedQuery struct {
	// ProgrammeID is required.
	ProgrammeID string
	// Viewer is who reads. An adapter returns only reflections for which
	// reflection.CanRead(Viewer, r.Item()) is true, and must filter in its
	// query (not after a page is cut), so that pages stay full and the
	// cursor never skips a readable reflection.
	Viewer reflection.Viewer
	// Day keeps only reflections on this programme day.
	Day int
	// TeamID keeps only reflections whose AuthorTeam is this team.
	TeamID challenge.TeamID
	// ActivityID keeps only reflections on this activity.
	ActivityID string
	// Author keeps only reflections by this participant.
	Author challenge.ParticipantID
	// Search, when not empty, keeps only reflections whose answers (not
	// prompts) contain every word of it, as [SearchWords] splits both:
	// case-insensitive whole words, no stemming, no accent folding. A
	// Search with no words in it ("!!!") matches nothing. The order stays
	// Order. Adapters may narrow with their database's full-text index but
	// must match exactly these words. A full-text index may see a write
	// transaction's own changes only after commit (InnoDB's does), so
	// search in a View.
	Search string
	// Order is the listing order.
	Order FeedOrder
}

// ReflectionReader reads reflections, responses and reactions.
type ReflectionReader interface {
	// GetReflection returns the reflection with id, or ErrNotFound. It
	// does not check visibility: the engine does, with reflection.CanRead.
	GetReflection(ctx context.Context, id uuid.UUID) (reflection.Reflection, error)
	// GetReflectionByKey returns the reflection with key, or ErrNotFound.
	GetReflectionByKey(ctx context.Context, key ReflectionKey) (reflection.Reflection, error)
	// ListReflections returns the reflections q selects, in q.Order, paged
	// by cursor (a cursor is only valid with the query that made it; one
	// of another order is ErrBadCursor). An anonymous viewer gets an empty
	// page. Paging by MostReacted is by (Reactions, ID) at the time of
	// each page: a reflection whose Reactions change during a walk may be
	// seen twice or not at all.
	ListReflections(ctx context.Context, q FeedQuery, cursor Cursor, limit int) (Page[reflection.Reflection], error)
	// GetResponse returns the response with id, or ErrNotFound.
	GetResponse(ctx context.Context, id uuid.UUID) (reflection.Response, error)
	// ListResponses returns the responses to a reflection ordered by ID
	// (oldest first), paged by cursor, including deleted, hidden and
	// erased ones: the engine filters them with reflection.CanRead.
	ListResponses(ctx context.Context, reflectionID uuid.UUID, cursor Cursor, limit int) (Page[reflection.Response], error)
	// GetReaction returns by's reaction to the reflection, or ErrNotFound.
	GetReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) (reflection.Reaction, error)
	// ListReactionsBy returns by's reactions to any of the reflections
	// given, in no particular order, at most one per reflection (the
	// viewer's own reactions on a page). IDs without a reaction, or
	// without a reflection, are skipped.
	ListReactionsBy(ctx context.Context, by challenge.ParticipantID, reflectionIDs []uuid.UUID) ([]reflection.Reaction, error)
}

// ReflectionWriter writes reflections, responses and reactions.
type ReflectionWriter interface {
	// InsertReflection stores a new reflection as given (Version normally
	// 1; Responses and Reactions are stored as 0). It returns ErrConflict
	// if the ID exists or a reflection with the same ReflectionKey does.
	InsertReflection(ctx context.Context, r reflection.Reflection) error
	// UpdateReflection replaces the stored reflection with r if the stored
	// Version equals r.Version, and stores it with Version r.Version+1. It
	// returns ErrNotFound if there is no reflection with r.ID and
	// ErrConflict if the stored Version differs. ID, ProgrammeID, Day,
	// ActivityID, CreatedAt, Responses and Reactions are not changed by it
	// (the counts are kept by the response and reaction writes). Erasing
	// (EnrolmentID set to uuid.Nil) frees the reflection's key.
	UpdateReflection(ctx context.Context, r reflection.Reflection) error
	// InsertResponse stores a new response and, if it is not deleted,
	// hidden or erased, adds one to its reflection's Responses. It returns
	// ErrConflict if the ID exists and ErrNotFound if the reflection does
	// not.
	InsertResponse(ctx context.Context, r reflection.Response) error
	// UpdateResponse replaces the stored response with r under the same
	// version rule as UpdateReflection, and adjusts the reflection's
	// Responses when the response starts or stops counting. ID,
	// ReflectionID and CreatedAt are not changed by it.
	UpdateResponse(ctx context.Context, r reflection.Response) error
	// PutReaction stores r as r.By's reaction to r.ReflectionID, replacing
	// an earlier one; a new reaction adds one to the reflection's
	// Reactions. It returns ErrNotFound if the reflection does not exist.
	PutReaction(ctx context.Context, r reflection.Reaction) error
	// DeleteReaction removes by's reaction to the reflection and subtracts
	// one from its Reactions; ErrNotFound if there is none.
	DeleteReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) error
}

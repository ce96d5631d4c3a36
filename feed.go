package habitkit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// FeedOrder is the order of a feed: FeedNewest or FeedMostReacted.
type FeedOrder = storage.FeedOrder

// The feed orders.
const (
	// FeedNewest lists the newest reflections first.
	FeedNewest = storage.Newest
	// FeedMostReacted lists the reflections with the most reactions first,
	// newest first among equals.
	FeedMostReacted = storage.MostReacted
)

// FeedRequest selects reflections of one programme. Zero fields other
// than ProgrammeID do not filter.
type FeedRequest struct {
	// ProgrammeID is required.
	ProgrammeID string
	// Day keeps only reflections on this programme day (0: the whole
	// programme).
	Day int
	// TeamID keeps only reflections written by members of this team.
	TeamID challenge.TeamID
	// ActivityID keeps only reflections on this activity.
	ActivityID string
	// Author keeps only reflections by this participant.
	Author challenge.ParticipantID
	// Order is the listing order (default FeedNewest).
	Order FeedOrder
	// Cursor is "" for the first page, then the previous page's Next.
	Cursor storage.Cursor
	// Limit is the page size (default 20, at most storage.MaxLimit).
	Limit int
}

// defaultFeedLimit is a phone screen of reflections.
const defaultFeedLimit = 20

// maxSearchRunes bounds a search text.
const maxSearchRunes = 200

// FeedItem is one reflection as a viewer sees it.
type FeedItem struct {
	// Reflection is the reflection, with its response and reaction counts.
	// For viewers who are not moderators, who flagged it and who reviewed
	// it are left out.
	reflection.Reflection
	// MyReaction is the viewer's own reaction to it, or 0.
	MyReaction reflection.ReactionKind
}

// FeedPage is one page of a feed.
type FeedPage struct {
	// Items are the reflections, in the requested order.
	Items []FeedItem
	// Next is the cursor of the next page, or "" at the end.
	Next storage.Cursor
}

// Feed returns a page of the reflections of a programme that the viewer
// may read (see reflection.CanRead), newest or most reacted first,
// optionally for one day, team, activity or author, with each reflection's
// response and reaction counts and the viewer's own reaction. Walking the
// cursors returns every readable reflection once, with no duplicates or
// gaps. A viewer who is neither enrolled in the programme nor a moderator
// or manager there reads nothing.
func (e *Engine) Feed(ctx context.Context, by Viewer, req FeedRequest) (FeedPage, error) {
	page, err := e.feed(ctx, by, req, "")
	if err != nil {
		return FeedPage{}, fmt.Errorf("habitkit: feed of %s: %w", req.ProgrammeID, err)
	}
	return page, nil
}

// Search is Feed restricted to the reflections whose answers contain every
// word of words (case-insensitive, whole words; a store may stem them).
// Like every read, it returns only what the viewer may read.
func (e *Engine) Search(ctx context.Context, by Viewer, req FeedRequest, words string) (FeedPage, error) {
	fail := func(err error) (FeedPage, error) {
		return FeedPage{}, fmt.Errorf("habitkit: search %s: %w", req.ProgrammeID, err)
	}
	switch n := utf8.RuneCountInString(words); {
	case !utf8.ValidString(words):
		return fail(&ValidationError{Field: "words", Reason: "must be valid UTF-8 text"})
	case len(storage.SearchWords(words)) == 0:
		return fail(&ValidationError{Field: "words", Reason: "must contain a word"})
	case n > maxSearchRunes:
		return fail(&ValidationError{Field: "words", Reason: fmt.Sprintf("must be at most %d characters long", maxSearchRunes)})
	}
	page, err := e.feed(ctx, by, req, strings.TrimSpace(words))
	if err != nil {
		return fail(err)
	}
	return page, nil
}

func (e *Engine) feed(ctx context.Context, by Viewer, req FeedRequest, words string) (FeedPage, error) {
	if err := by.validate(); err != nil {
		return FeedPage{}, err
	}
	var problems ValidationErrors
	if req.ProgrammeID == "" {
		problems = append(problems, &ValidationError{Field: "ProgrammeID", Reason: "must be set"})
	}
	if req.Day < 0 {
		problems = append(problems, &ValidationError{Field: "Day", Reason: "must be 0 (every day) or a programme day"})
	}
	if req.Order != FeedNewest && req.Order != FeedMostReacted {
		problems = append(problems, &ValidationError{Field: "Order", Reason: "must be FeedNewest or FeedMostReacted"})
	}
	if err := problems.Err(); err != nil {
		return FeedPage{}, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultFeedLimit
	}
	limit = storage.ClampLimit(limit)
	var out FeedPage
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		out = FeedPage{}
		if _, err := e.edition(ctx, tx, req.ProgrammeID, 0); err != nil {
			return err
		}
		v, _, ok, err := e.viewer(ctx, tx, req.ProgrammeID, by)
		if err != nil || !ok {
			return err // not enrolled and no role: an empty feed
		}
		q := storage.FeedQuery{ProgrammeID: req.ProgrammeID, Viewer: v, Day: req.Day, TeamID: req.TeamID,
			ActivityID: req.ActivityID, Author: req.Author, Search: words, Order: req.Order}
		page, err := tx.ListReflections(ctx, q, req.Cursor, limit)
		if err != nil {
			return err
		}
		ids := make([]uuid.UUID, 0, len(page.Items))
		for _, r := range page.Items {
			// Defence in depth: the adapter filtered already, and
			// anything dropped here is an adapter bug.
			if r.ProgrammeID != req.ProgrammeID || !reflection.CanRead(v, r.Item()) {
				e.leaked("feed", r.ID)
				continue
			}
			out.Items = append(out.Items, FeedItem{Reflection: redact(r, v.Moderator)})
			ids = append(ids, r.ID)
		}
		out.Next = page.Next
		if len(ids) == 0 {
			return nil
		}
		mine, err := tx.ListReactionsBy(ctx, v.Participant, ids)
		if err != nil {
			return err
		}
		kinds := make(map[uuid.UUID]reflection.ReactionKind, len(mine))
		for _, re := range mine {
			kinds[re.ReflectionID] = re.Kind
		}
		for i := range out.Items {
			out.Items[i].MyReaction = kinds[out.Items[i].ID]
		}
		return nil
	})
	return out, err
}

// Reflection returns the reflection with id as the viewer sees it. A
// reflection that does not exist and one the viewer may not read give the
// same ErrNotFound, so that a lookup never reveals what it hides.
func (e *Engine) Reflection(ctx context.Context, by Viewer, id uuid.UUID) (FeedItem, error) {
	if err := by.validate(); err != nil {
		return FeedItem{}, fmt.Errorf("habitkit: reflection %s: %w", id, err)
	}
	var out FeedItem
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		r, v, _, _, err := e.readableReflection(ctx, tx, by, id)
		if err != nil {
			return err
		}
		out = FeedItem{Reflection: redact(r, v.Moderator)}
		switch re, err := tx.GetReaction(ctx, id, v.Participant); {
		case err == nil:
			out.MyReaction = re.Kind
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil {
		return FeedItem{}, fmt.Errorf("habitkit: reflection %s: %w", id, err)
	}
	return out, nil
}

// ResponsesRequest pages through the responses to a reflection.
type ResponsesRequest struct {
	// ReflectionID is the reflection (required).
	ReflectionID uuid.UUID
	// Cursor is "" for the first page, then the previous page's Next.
	Cursor storage.Cursor
	// Limit is the page size (default 20, at most storage.MaxLimit).
	Limit int
}

// ResponsePage is one page of responses, oldest first.
type ResponsePage struct {
	// Items are the responses the viewer may read.
	Items []reflection.Response
	// Next is the cursor of the next page, or "" at the end.
	Next storage.Cursor
}

// Responses returns a page of the responses to a reflection that the
// viewer may read, oldest first: none unless they may read the reflection
// (ErrNotFound, as for a reflection that does not exist), and of its
// responses those that are not deleted, and not hidden unless they wrote
// them or moderate.
func (e *Engine) Responses(ctx context.Context, by Viewer, req ResponsesRequest) (ResponsePage, error) {
	fail := func(err error) (ResponsePage, error) {
		return ResponsePage{}, fmt.Errorf("habitkit: responses to %s: %w", req.ReflectionID, err)
	}
	if err := by.validate(); err != nil {
		return fail(err)
	}
	limit := req.Limit
	if limit <= 0 {
		limit = defaultFeedLimit
	}
	limit = storage.ClampLimit(limit)
	var out ResponsePage
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		out = ResponsePage{}
		parent, v, _, _, err := e.readableReflection(ctx, tx, by, req.ReflectionID)
		if err != nil {
			return err
		}
		// Storage returns deleted and hidden responses too; keep reading
		// whole pages until this one is full, so that the cursor returned
		// is always one the store made.
		cursor := req.Cursor
		for {
			page, err := tx.ListResponses(ctx, parent.ID, cursor, limit-len(out.Items))
			if err != nil {
				return err
			}
			for _, resp := range page.Items {
				if resp.ReflectionID != parent.ID {
					e.leaked("responses", resp.ID)
					continue
				}
				if reflection.CanRead(v, resp.Item(parent)) {
					out.Items = append(out.Items, redactResponse(resp, v.Moderator))
				}
			}
			cursor = page.Next
			if cursor == "" || len(out.Items) >= limit {
				break
			}
		}
		out.Next = cursor
		return nil
	})
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// viewer builds the reflection.Viewer of by in a programme: their team
// from their enrolment, their roles from the host. ok is false for someone
// neither enrolled nor holding a role there, who reads nothing; en is nil
// when they are not enrolled.
func (e *Engine) viewer(ctx context.Context, tx storage.ReadTx, programmeID string, by Viewer) (reflection.Viewer, *challenge.Enrolment, bool, error) {
	v := reflection.Viewer{Participant: by.Participant, ManagerOf: by.ManagerOf, Moderator: by.Moderator}
	en, err := tx.GetEnrolmentByParticipant(ctx, programmeID, by.Participant)
	switch {
	case err == nil:
		v.Team = en.TeamID
		return v, &en, true, nil
	case !errors.Is(err, storage.ErrNotFound):
		return reflection.Viewer{}, nil, false, err
	}
	return v, nil, by.Moderator || len(by.ManagerOf) > 0, nil
}

// readableReflection returns the reflection with id if by may read it, with
// by's viewer, the edition whose settings apply (by's own version when they
// are enrolled, else the programme's latest) and by's enrolment (nil when
// not enrolled). A reflection by may not read is ErrNotFound, exactly as a
// missing one.
func (e *Engine) readableReflection(ctx context.Context, tx storage.ReadTx, by Viewer, id uuid.UUID) (reflection.Reflection, reflection.Viewer, *edition, *challenge.Enrolment, error) {
	notFound := fmt.Errorf("reflection %s: %w", id, storage.ErrNotFound)
	r, err := tx.GetReflection(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return reflection.Reflection{}, reflection.Viewer{}, nil, nil, notFound
	}
	if err != nil {
		return reflection.Reflection{}, reflection.Viewer{}, nil, nil, err
	}
	v, en, ok, err := e.viewer(ctx, tx, r.ProgrammeID, by)
	if err != nil {
		return reflection.Reflection{}, reflection.Viewer{}, nil, nil, err
	}
	if !ok || !reflection.CanRead(v, r.Item()) {
		return reflection.Reflection{}, reflection.Viewer{}, nil, nil, notFound
	}
	version := 0
	if en != nil {
		version = en.ProgrammeVersion
	}
	ed, err := e.edition(ctx, tx, r.ProgrammeID, version)
	if err != nil {
		return reflection.Reflection{}, reflection.Viewer{}, nil, nil, err
	}
	return r, v, ed, en, nil
}

// readableResponse is readableReflection for a response: it returns the
// response with id and its parent if by may read the response.
func (e *Engine) readableResponse(ctx context.Context, tx storage.ReadTx, by Viewer, id uuid.UUID) (reflection.Response, reflection.Reflection, reflection.Viewer, *edition, *challenge.Enrolment, error) {
	notFound := fmt.Errorf("response %s: %w", id, storage.ErrNotFound)
	fail := func(err error) (reflection.Response, reflection.Reflection, reflection.Viewer, *edition, *challenge.Enrolment, error) {
		return reflection.Response{}, reflection.Reflection{}, reflection.Viewer{}, nil, nil, err
	}
	resp, err := tx.GetResponse(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return fail(notFound)
	}
	if err != nil {
		return fail(err)
	}
	parent, v, ed, en, err := e.readableReflection(ctx, tx, by, resp.ReflectionID)
	if errors.Is(err, storage.ErrNotFound) {
		return fail(notFound)
	}
	if err != nil {
		return fail(err)
	}
	if !reflection.CanRead(v, resp.Item(parent)) {
		return fail(notFound)
	}
	return resp, parent, v, ed, en, nil
}

// redact removes from r what only moderators see: who flagged it and who
// reviewed or hid it. The author still sees that it is hidden and why.
func redact(r reflection.Reflection, moderator bool) reflection.Reflection {
	if !moderator {
		r.Moderated = redactModeration(r.Moderated)
	} else {
		r.Flags = append([]reflection.Flag(nil), r.Flags...)
	}
	r.Answers = append([]reflection.Answer(nil), r.Answers...)
	return r
}

func redactResponse(r reflection.Response, moderator bool) reflection.Response {
	if !moderator {
		r.Moderated = redactModeration(r.Moderated)
	}
	return r
}

func redactModeration(m reflection.Moderated) reflection.Moderated {
	return reflection.Moderated{Hidden: m.Hidden, HiddenReason: m.HiddenReason, HiddenAt: m.HiddenAt}
}

// leaked records that storage returned an item the viewer may not read.
// The engine drops it, so nothing leaks; the log tells the adapter's
// author, and tests count these as bugs.
func (e *Engine) leaked(path string, id uuid.UUID) {
	e.leaks.Add(1)
	e.log.Error("habitkit: storage returned an item the viewer may not read; dropped", "path", path, "id", id)
}

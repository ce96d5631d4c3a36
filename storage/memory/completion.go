package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// completionList is one enrolment's completions sorted by (Day,
// ActivityID). An enrolment has tens of completions, so a sorted slice
// beats a tree.
type completionList struct {
	items []challenge.Completion
}

// find returns the position of (day, activity) in l, or where it would go.
func (l *completionList) find(day int, activity string) (int, bool) {
	return slices.BinarySearchFunc(l.items, completionPos{day, activity}, func(c challenge.Completion, p completionPos) int {
		if c.Day != p.Day {
			return cmp.Compare(c.Day, p.Day)
		}
		return strings.Compare(c.ActivityID, p.Activity)
	})
}

// completionPos is a position in a completion listing; it is also the
// listing's cursor.
type completionPos struct {
	Day      int    `json:"d"`
	Activity string `json:"a"`
}

func (s *Store) completion(key challenge.CompletionKey) *challenge.Completion {
	l := s.completions[key.EnrolmentID]
	if l == nil {
		return nil
	}
	i, ok := l.find(key.Day, key.ActivityID)
	if !ok {
		return nil
	}
	return &l.items[i]
}

// GetCompletion implements [storage.CompletionReader.GetCompletion].
func (r *reader) GetCompletion(ctx context.Context, key challenge.CompletionKey) (challenge.Completion, error) {
	if err := ctxErr(ctx); err != nil {
		return challenge.Completion{}, err
	}
	c := r.s.completion(key)
	if c == nil {
		return challenge.Completion{}, errCompletionNotFound
	}
	return c.Clone(), nil
}

// GetCompletionByIdempotencyKey implements
// [storage.CompletionReader.GetCompletionByIdempotencyKey].
func (r *reader) GetCompletionByIdempotencyKey(ctx context.Context, key string) (challenge.Completion, error) {
	if err := ctxErr(ctx); err != nil {
		return challenge.Completion{}, err
	}
	if key == "" {
		return challenge.Completion{}, errCompletionNotFound
	}
	ck, ok := r.s.idempotency[key]
	if !ok {
		return challenge.Completion{}, errCompletionNotFound
	}
	return r.s.completion(ck).Clone(), nil
}

// ListCompletions implements [storage.CompletionReader.ListCompletions].
func (r *reader) ListCompletions(ctx context.Context, f storage.CompletionFilter, cursor storage.Cursor, limit int) (storage.Page[challenge.Completion], error) {
	var page storage.Page[challenge.Completion]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after completionPos
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list completions: %w", err)
		}
	}
	l := r.s.completions[f.EnrolmentID]
	if l == nil {
		return page, nil
	}
	i := 0
	if cursor != "" {
		var found bool
		i, found = l.find(after.Day, after.Activity)
		if found {
			i++
		}
	}
	limit = storage.ClampLimit(limit)
	for ; i < len(l.items); i++ {
		c := &l.items[i]
		if c.Revocation != nil && !f.IncludeRevoked {
			continue
		}
		if len(page.Items) == limit {
			last := &page.Items[limit-1]
			page.Next = storage.EncodeCursor(completionPos{last.Day, last.ActivityID})
			break
		}
		page.Items = append(page.Items, c.Clone())
	}
	return page, nil
}

// InsertCompletion implements [storage.CompletionWriter.InsertCompletion].
func (w *writer) InsertCompletion(ctx context.Context, c challenge.Completion) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	if _, ok := s.completionIDs[c.ID]; ok {
		return errCompletionIDExists
	}
	if c.IdempotencyKey != "" {
		if _, ok := s.idempotency[c.IdempotencyKey]; ok {
			return errIdempotencyKeyUsed
		}
	}
	l := s.completions[c.EnrolmentID]
	if l == nil {
		l = &completionList{}
		s.completions[c.EnrolmentID] = l
	}
	i, found := l.find(c.Day, c.ActivityID)
	if found {
		return errCompletionExists
	}
	c = c.Clone()
	c.CompletedAt = c.CompletedAt.UTC()
	if c.Revocation != nil {
		c.Revocation.At = c.Revocation.At.UTC()
	}
	l.items = slices.Insert(l.items, i, c)
	s.completionIDs[c.ID] = struct{}{}
	if c.IdempotencyKey != "" {
		s.idempotency[c.IdempotencyKey] = c.CompletionKey
	}
	w.log(undoRec{op: undoInsertCompletion, key: c.CompletionKey})
	return nil
}

// RevokeCompletion implements [storage.CompletionWriter.RevokeCompletion].
func (w *writer) RevokeCompletion(ctx context.Context, key challenge.CompletionKey, rv challenge.Revocation) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	c := w.s.completion(key)
	if c == nil {
		return errCompletionNotFound
	}
	if c.Revocation != nil {
		return errAlreadyRevoked
	}
	rv.At = rv.At.UTC()
	c.Revocation = &rv
	w.log(undoRec{op: undoRevokeCompletion, key: key})
	return nil
}

// unInsertCompletion undoes an InsertCompletion.
func (s *Store) unInsertCompletion(key challenge.CompletionKey) {
	l := s.completions[key.EnrolmentID]
	i, _ := l.find(key.Day, key.ActivityID)
	c := &l.items[i]
	delete(s.completionIDs, c.ID)
	if c.IdempotencyKey != "" {
		delete(s.idempotency, c.IdempotencyKey)
	}
	l.items = slices.Delete(l.items, i, i+1)
	if len(l.items) == 0 {
		delete(s.completions, key.EnrolmentID)
	}
}

// unRevokeCompletion undoes a RevokeCompletion.
func (s *Store) unRevokeCompletion(key challenge.CompletionKey) {
	s.completion(key).Revocation = nil
}

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

// completionPos is a position in a completion listing; it is also the
// listing's cursor.
type completionPos struct {
	Day      int    `json:"d"`
	Activity string `json:"a"`
}

// completionRef is one completion in an enrolment's sorted list: its key,
// so that a search reads the list alone, and where the completion lives
// (a slot in the store's completion blocks).
type completionRef struct {
	day      int
	activity string
	c        *challenge.Completion
}

// completionBlock is how many completions one block of the store holds:
// a completion costs no allocation of its own, and the blocks hold no
// spare room beyond the last one's.
const completionBlock = 256

// findCompletion returns the position of (day, activity) in cs, sorted by
// (Day, ActivityID), or where it would go.
func findCompletion(cs []completionRef, day int, activity string) (int, bool) {
	// Completions mostly arrive in day order, so the key usually sorts
	// after the last one: one comparison instead of a binary search.
	if n := len(cs); n == 0 || compareCompletion(&cs[n-1], day, activity) < 0 {
		return n, false
	}
	return slices.BinarySearchFunc(cs, completionPos{day, activity}, func(r completionRef, p completionPos) int {
		return compareCompletion(&r, p.Day, p.Activity)
	})
}

// compareCompletion orders r against (day, activity): the listing order.
func compareCompletion(r *completionRef, day int, activity string) int {
	if r.day != day {
		return cmp.Compare(r.day, day)
	}
	return strings.Compare(r.activity, activity)
}

func (s *Store) completion(key challenge.CompletionKey) *challenge.Completion {
	rec := s.enrolments[key.EnrolmentID]
	if rec == nil {
		return nil
	}
	i, ok := findCompletion(rec.completions, key.Day, key.ActivityID)
	if !ok {
		return nil
	}
	return rec.completions[i].c
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
	rec := r.s.enrolments[f.EnrolmentID]
	if rec == nil {
		return page, nil
	}
	cs := rec.completions
	i := 0
	if cursor != "" {
		var found bool
		i, found = findCompletion(cs, after.Day, after.Activity)
		if found {
			i++
		}
	}
	limit = storage.ClampLimit(limit)
	for ; i < len(cs); i++ {
		c := cs[i].c
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
	if c.IdempotencyKey != "" {
		if _, ok := s.idempotency[c.IdempotencyKey]; ok {
			return errIdempotencyKeyUsed
		}
	}
	rec := s.enrolments[c.EnrolmentID]
	var i int
	if rec != nil {
		var found bool
		if i, found = findCompletion(rec.completions, c.Day, c.ActivityID); found {
			return errCompletionExists
		}
	}
	// Checked last, because inserting is the check.
	if !s.completionIDs.insert(c.ID) {
		return errCompletionIDExists
	}
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[c.EnrolmentID] = rec
	}
	w.lastID, w.last = c.EnrolmentID, rec
	c = c.Clone()
	c.CompletedAt = c.CompletedAt.UTC()
	if c.Revocation != nil {
		c.Revocation.At = c.Revocation.At.UTC()
	}
	p := place(&s.completionSlab, completionBlock, c)
	if rec.completions == nil {
		// Most who complete once complete again: four saves growing
		// through one and two.
		rec.completions = make([]completionRef, 0, 4)
	}
	rec.completions = slices.Insert(rec.completions, i, completionRef{c.Day, c.ActivityID, p})
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
	rec := s.enrolments[key.EnrolmentID]
	i, _ := findCompletion(rec.completions, key.Day, key.ActivityID)
	c := rec.completions[i].c
	s.completionIDs.remove(c.ID)
	if c.IdempotencyKey != "" {
		delete(s.idempotency, c.IdempotencyKey)
	}
	rec.completions = slices.Delete(rec.completions, i, i+1)
	// The slot stays in its block; if it is the newest slot, it is
	// reused by the next insert.
	if n := len(s.completionSlab); n > 0 && &s.completionSlab[n-1] == c {
		s.completionSlab[n-1] = challenge.Completion{}
		s.completionSlab = s.completionSlab[:n-1]
	}
	s.dropIfEmpty(key.EnrolmentID, rec)
}

// unRevokeCompletion undoes a RevokeCompletion.
func (s *Store) unRevokeCompletion(key challenge.CompletionKey) {
	s.completion(key).Revocation = nil
}

package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/storage"
)

// awardPos is a position in an award listing; it is also the listing's
// cursor.
type awardPos struct {
	Badge string `json:"b"`
	Tier  int    `json:"t"`
	Day   int    `json:"d"`
}

// awardRef is one award in an enrolment's sorted list: its key, so that a
// search reads one contiguous slice, and where the award is.
type awardRef struct {
	badge     string
	tier, day int
	a         *storage.Award
}

// compareAward orders r against p: the listing order, strings byte-wise.
// Equal IDs are usually the same string, which compares at once.
func compareAward(r awardRef, p awardPos) int {
	if r.badge != p.Badge {
		return strings.Compare(r.badge, p.Badge)
	}
	if c := cmp.Compare(r.tier, p.Tier); c != 0 {
		return c
	}
	return cmp.Compare(r.day, p.Day)
}

// findAward returns the position of p in as, sorted by (BadgeID, Tier,
// Day), or where it would go.
func findAward(as []awardRef, p awardPos) (int, bool) {
	return slices.BinarySearchFunc(as, p, compareAward)
}

func posOf(k storage.AwardKey) awardPos { return awardPos{k.BadgeID, k.Tier, k.Day} }

// cloneEvidence returns the caller's own copy of b; empty Evidence is nil,
// as the contract makes nil and empty the same value.
func cloneEvidence(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

func copyAward(a storage.Award) storage.Award {
	a.Evidence = cloneEvidence(a.Evidence)
	return a
}

// awardsOf returns the enrolment's awards, sorted.
func (s *Store) awardsOf(id uuid.UUID) []awardRef {
	if rec := s.enrolments[id]; rec != nil {
		return rec.awards
	}
	return nil
}

// GetAward implements [storage.AwardReader.GetAward].
func (r *reader) GetAward(ctx context.Context, key storage.AwardKey) (storage.Award, error) {
	if err := ctxErr(ctx); err != nil {
		return storage.Award{}, err
	}
	as := r.s.awardsOf(key.EnrolmentID)
	i, ok := findAward(as, posOf(key))
	if !ok {
		return storage.Award{}, errAwardNotFound
	}
	return copyAward(*as[i].a), nil
}

// ListAwards implements [storage.AwardReader.ListAwards].
func (r *reader) ListAwards(ctx context.Context, enrolmentID uuid.UUID, cursor storage.Cursor, limit int) (storage.Page[storage.Award], error) {
	var page storage.Page[storage.Award]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after awardPos
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list awards: %w", err)
		}
	}
	as := r.s.awardsOf(enrolmentID)
	i := 0
	if cursor != "" {
		var found bool
		if i, found = findAward(as, after); found {
			i++
		}
	}
	limit = storage.ClampLimit(limit)
	for ; i < len(as); i++ {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(posOf(page.Items[limit-1].AwardKey))
			break
		}
		page.Items = append(page.Items, copyAward(*as[i].a))
	}
	return page, nil
}

// CountHolders implements [storage.AwardReader.CountHolders]. The counts
// are kept up to date by every write, so this copies one small map.
func (r *reader) CountHolders(ctx context.Context, programmeID string) (map[string]int, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(r.s.holders[programmeID]))
	maps.Copy(out, r.s.holders[programmeID])
	return out, nil
}

// InsertAward implements [storage.AwardWriter.InsertAward].
func (w *writer) InsertAward(ctx context.Context, a storage.Award) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	rec := s.enrolments[a.EnrolmentID]
	var i int
	if rec != nil {
		var found bool
		if i, found = findAward(rec.awards, posOf(a.AwardKey)); found {
			return errAwardExists
		}
	}
	// Checked last, because inserting is the check.
	if !s.awardIDs.insert(a.ID) {
		return errAwardIDExists
	}
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	}
	a.AwardedAt = a.AwardedAt.UTC()
	s.placeAward(rec, i, a)
	// Undo needs only the key.
	w.awards = append(w.awards, storage.Award{AwardKey: a.AwardKey})
	w.log(undoRec{op: undoInsertAward, slot: len(w.awards) - 1})
	return nil
}

// DeleteAward implements [storage.AwardWriter.DeleteAward].
func (w *writer) DeleteAward(ctx context.Context, key storage.AwardKey) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	a, ok := w.s.removeAward(key)
	if !ok {
		return errAwardNotFound
	}
	// The removed award is the log's own copy, so undo can put it back
	// as it was.
	w.awards = append(w.awards, a)
	w.log(undoRec{op: undoDeleteAward, slot: len(w.awards) - 1})
	return nil
}

// awardBlock is how many awards the store allocates at once, and
// evidenceBlock how many bytes of evidence, so that an award costs no
// allocation of its own. A deleted award's slot is cleared and not
// reused (deletions are rare: revocations).
const (
	awardBlock    = 256
	evidenceBlock = 16 << 10
)

// placeAward stores a, whose key and ID are free, at position i of rec's
// awards, with its own copy of the evidence, and counts its holder.
func (s *Store) placeAward(rec *enrolmentRec, i int, a storage.Award) {
	if n := len(a.Evidence); n == 0 {
		a.Evidence = nil // nil and empty are the same value
	} else if n > evidenceBlock/8 {
		a.Evidence = bytes.Clone(a.Evidence)
	} else {
		if cap(s.evidence)-len(s.evidence) < n {
			s.evidence = make([]byte, 0, evidenceBlock)
		}
		at := len(s.evidence)
		s.evidence = append(s.evidence, a.Evidence...)
		// Capped, so that an append to it cannot reach the next bytes.
		a.Evidence = s.evidence[at : at+n : at+n]
	}
	p := place(&s.awardSlab, awardBlock, a)
	if rec.awards == nil {
		// An enrolment that earns a badge soon earns more (a first
		// completion earns the first-day and the daily badge): starting
		// at four saves growing through one and two.
		rec.awards = make([]awardRef, 0, 4)
	}
	rec.awards = slices.Insert(rec.awards, i, awardRef{badge: p.BadgeID, tier: p.Tier, day: p.Day, a: p})
	if !holdsAnother(rec.awards, i) {
		badges := s.holders[p.ProgrammeID]
		if badges == nil {
			badges = make(map[string]int)
			s.holders[p.ProgrammeID] = badges
		}
		badges[p.BadgeID]++
	}
}

// addAward stores a, whose key and ID are known to be free: the undo of
// DeleteAward.
func (s *Store) addAward(a storage.Award) {
	rec := s.enrolments[a.EnrolmentID]
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	}
	i, _ := findAward(rec.awards, posOf(a.AwardKey))
	s.awardIDs.insert(a.ID)
	s.placeAward(rec, i, a)
}

// holdsAnother reports whether the enrolment whose awards are as holds
// another award of the badge of as[i] in the same programme. Awards are
// sorted by badge, so those are next to it; usually the first neighbour
// answers.
func holdsAnother(as []awardRef, i int) bool {
	a := as[i]
	for j := i - 1; j >= 0 && as[j].badge == a.badge; j-- {
		if as[j].a.ProgrammeID == a.a.ProgrammeID {
			return true
		}
	}
	for j := i + 1; j < len(as) && as[j].badge == a.badge; j++ {
		if as[j].a.ProgrammeID == a.a.ProgrammeID {
			return true
		}
	}
	return false
}

// removeAward removes the award with key and returns a copy of it,
// reporting false if there is none. It is DeleteAward and the undo of
// InsertAward.
func (s *Store) removeAward(key storage.AwardKey) (storage.Award, bool) {
	rec := s.enrolments[key.EnrolmentID]
	if rec == nil {
		return storage.Award{}, false
	}
	i, found := findAward(rec.awards, posOf(key))
	if !found {
		return storage.Award{}, false
	}
	p := rec.awards[i].a
	a := copyAward(*p)
	last := !holdsAnother(rec.awards, i)
	*p = storage.Award{} // its slot is not reused; let go of what it held
	rec.awards = slices.Delete(rec.awards, i, i+1)
	s.dropIfEmpty(key.EnrolmentID, rec)
	s.awardIDs.remove(a.ID)
	if last {
		badges := s.holders[a.ProgrammeID]
		if badges[a.BadgeID]--; badges[a.BadgeID] == 0 {
			delete(badges, a.BadgeID)
			if len(badges) == 0 {
				delete(s.holders, a.ProgrammeID)
			}
		}
	}
	return a, true
}

// dropIfEmpty forgets rec when it holds nothing: no enrolment, no
// completion and no award.
func (s *Store) dropIfEmpty(id uuid.UUID, rec *enrolmentRec) {
	if !rec.enrolled && len(rec.completions) == 0 && len(rec.awards) == 0 {
		delete(s.enrolments, id)
	}
}

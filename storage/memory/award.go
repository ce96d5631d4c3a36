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

// heldKey names the occurrences of one badge that one enrolment holds in
// one programme.
type heldKey struct {
	programme string
	badge     string
	enrolment uuid.UUID
}

// awardPos is a position in an award listing; it is also the listing's
// cursor.
type awardPos struct {
	Badge string `json:"b"`
	Tier  int    `json:"t"`
	Day   int    `json:"d"`
}

// compareAward orders a against p: the listing order, strings byte-wise.
func compareAward(a *storage.Award, p awardPos) int {
	if c := strings.Compare(a.BadgeID, p.Badge); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Tier, p.Tier); c != 0 {
		return c
	}
	return cmp.Compare(a.Day, p.Day)
}

// findAward returns the position of p in as, sorted by (BadgeID, Tier,
// Day), or where it would go.
func findAward(as []*storage.Award, p awardPos) (int, bool) {
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

// GetAward implements [storage.AwardReader.GetAward].
func (r *reader) GetAward(ctx context.Context, key storage.AwardKey) (storage.Award, error) {
	if err := ctxErr(ctx); err != nil {
		return storage.Award{}, err
	}
	as := r.s.awards[key.EnrolmentID]
	i, ok := findAward(as, posOf(key))
	if !ok {
		return storage.Award{}, errAwardNotFound
	}
	return copyAward(*as[i]), nil
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
	as := r.s.awards[enrolmentID]
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
		page.Items = append(page.Items, copyAward(*as[i]))
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
	if _, found := findAward(s.awards[a.EnrolmentID], posOf(a.AwardKey)); found {
		return errAwardExists
	}
	// Checked last, because inserting is the check; addAward keeps it.
	if !s.awardIDs.insert(a.ID) {
		return errAwardIDExists
	}
	a = copyAward(a)
	a.AwardedAt = a.AwardedAt.UTC()
	s.addAward(a)
	w.awards = append(w.awards, a)
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
	// The removed award keeps its Evidence: no one else refers to it, so
	// undo can put it back as it was.
	w.awards = append(w.awards, a)
	w.log(undoRec{op: undoDeleteAward, slot: len(w.awards) - 1})
	return nil
}

// addAward stores a, whose key and ID are known to be free, and counts its
// holder.
func (s *Store) addAward(a storage.Award) {
	as := s.awards[a.EnrolmentID]
	i, _ := findAward(as, posOf(a.AwardKey))
	s.awards[a.EnrolmentID] = slices.Insert(as, i, &a)
	s.awardIDs.insert(a.ID) // a no-op when InsertAward already did
	hk := heldKey{a.ProgrammeID, a.BadgeID, a.EnrolmentID}
	s.held[hk]++
	if s.held[hk] == 1 {
		badges := s.holders[a.ProgrammeID]
		if badges == nil {
			badges = make(map[string]int)
			s.holders[a.ProgrammeID] = badges
		}
		badges[a.BadgeID]++
	}
}

// removeAward removes the award with key and returns it, reporting false
// if there is none. It is DeleteAward and the undo of InsertAward.
func (s *Store) removeAward(key storage.AwardKey) (storage.Award, bool) {
	as := s.awards[key.EnrolmentID]
	i, found := findAward(as, posOf(key))
	if !found {
		return storage.Award{}, false
	}
	a := *as[i]
	as = slices.Delete(as, i, i+1)
	if len(as) == 0 {
		delete(s.awards, key.EnrolmentID)
	} else {
		s.awards[key.EnrolmentID] = as
	}
	s.awardIDs.remove(a.ID)
	hk := heldKey{a.ProgrammeID, a.BadgeID, a.EnrolmentID}
	if s.held[hk]--; s.held[hk] == 0 {
		delete(s.held, hk)
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

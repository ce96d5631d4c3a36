package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"
	"time"

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

func posOf(k storage.AwardKey) awardPos { return awardPos{k.BadgeID, k.Tier, k.Day} }

// awardRec is an award as the store keeps it. It holds no pointers: the
// badge and programme IDs are numbers in the store's name table, the time
// is seconds and nanoseconds, and the evidence a span of a shared byte
// block. So the blocks of awards are never scanned by the garbage
// collector, and an enrolment lists its awards as 4-byte slot numbers
// (awardSlot) rather than as pointers.
type awardRec struct {
	enrolment, id    uuid.UUID
	badge, programme nameID
	tier, day        int
	sec              int64
	nsec             int32
	evidence         evidenceSpan
}

// awardSlot numbers an award's place in the store's award blocks: block
// slot/awardBlock, entry slot%awardBlock.
type awardSlot uint32

// evidenceSpan is where an award's evidence lives: n bytes from off in
// evidence block block. n == 0 is no evidence.
type evidenceSpan struct{ block, off, n uint32 }

// nameID numbers a programme or badge ID in the store's name table.
type nameID uint32

// noName is the nameID of a name that is not in the table.
const noName nameID = math.MaxUint32

// awardBlock is how many awards the store allocates at once, and
// evidenceBlock how many bytes of evidence, so that an award costs no
// allocation of its own. A deleted award's slot is cleared and not reused
// (deletions are rare: revocations). Slots are 32-bit: a store holds at
// most 4,294,967,295 awards.
const (
	awardBlock    = 256
	evidenceBlock = 16 << 10
)

// awards holds every award of a store, and what finds them.
type awards struct {
	// ids enforces unique award IDs (see Store.completionIDs).
	ids    *index[uuid.UUID]
	blocks [][]awardRec
	// evidence holds the awards' evidence; evidence[cur] is the block
	// being filled (cur is -1 before the first).
	evidence [][]byte
	cur      int
	// names and nameIDs intern programme and badge IDs; recent holds the
	// last few interned, which a run of awards of one programme and a few
	// badges finds without hashing.
	names   []string
	nameIDs map[string]nameID
	recent  [4]nameID
	next    int // the entry of recent to replace
	// holders counts, per programme and badge, the distinct enrolments
	// holding at least one occurrence, so that CountHolders reads a ready
	// answer. An enrolment holds a badge when its sorted awards have one
	// of that badge and programme: they are next to each other.
	holders map[nameID]map[nameID]int
}

func newAwards() *awards {
	return &awards{ids: newIndex(compareUUID), cur: -1, nameIDs: make(map[string]nameID), holders: make(map[nameID]map[nameID]int),
		recent: [4]nameID{noName, noName, noName, noName}}
}

// at returns the award in slot.
func (as *awards) at(slot awardSlot) *awardRec {
	return &as.blocks[slot/awardBlock][slot%awardBlock]
}

// lookup returns the number of name, or noName if it is not in the table.
func (as *awards) lookup(name string) nameID {
	if id, ok := as.nameIDs[name]; ok {
		return id
	}
	return noName
}

// intern returns the number of name, adding it to the table if need be.
func (as *awards) intern(name string) nameID {
	for _, id := range as.recent {
		// Equal names are usually the same string, which compares at once.
		if id != noName && as.names[id] == name {
			return id
		}
	}
	id, ok := as.nameIDs[name]
	if !ok {
		id = as.add(name)
	}
	as.recent[as.next] = id
	as.next = (as.next + 1) % len(as.recent)
	return id
}

// add adds name, which is not in the table, and returns its number.
func (as *awards) add(name string) nameID {
	id := nameID(len(as.names))
	name = strings.Clone(name) // the caller's string may share a larger buffer
	as.names = append(as.names, name)
	as.nameIDs[name] = id
	return id
}

// compare orders the award in slot against p, whose badge has number
// badge (noName if it has none): the listing order, badge IDs byte-wise.
func (as *awards) compare(slot awardSlot, badge nameID, p *awardPos) int {
	a := as.at(slot)
	if a.badge != badge {
		return strings.Compare(as.names[a.badge], p.Badge)
	}
	if c := cmp.Compare(a.tier, p.Tier); c != 0 {
		return c
	}
	return cmp.Compare(a.day, p.Day)
}

// find returns the position of p in refs, sorted in the listing order,
// or where it would go.
func (as *awards) find(refs []awardSlot, p awardPos) (int, bool) {
	badge := as.lookup(p.Badge)
	lo, hi := 0, len(refs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if as.compare(refs[m], badge, &p) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(refs) && as.compare(refs[lo], badge, &p) == 0
}

// award returns the caller's own copy of the award in slot for enrolment.
func (as *awards) award(slot awardSlot) storage.Award {
	a := as.at(slot)
	out := storage.Award{
		AwardKey:    storage.AwardKey{EnrolmentID: a.enrolment, BadgeID: as.names[a.badge], Tier: a.tier, Day: a.day},
		ID:          a.id,
		ProgrammeID: as.names[a.programme],
		AwardedAt:   time.Unix(a.sec, int64(a.nsec)).UTC(),
	}
	if e := a.evidence; e.n > 0 {
		out.Evidence = bytes.Clone(as.evidence[e.block][e.off : e.off+e.n])
	}
	return out
}

// keepEvidence copies b into the evidence blocks and returns where it is.
func (as *awards) keepEvidence(b []byte) evidenceSpan {
	n := len(b)
	switch {
	case n == 0:
		return evidenceSpan{}
	case n > evidenceBlock/8:
		// Its own block, so that one large evidence does not waste the
		// rest of a shared one.
		as.evidence = append(as.evidence, bytes.Clone(b))
		return evidenceSpan{block: uint32(len(as.evidence) - 1), n: uint32(n)}
	}
	if as.cur < 0 || cap(as.evidence[as.cur])-len(as.evidence[as.cur]) < n {
		as.evidence = append(as.evidence, make([]byte, 0, evidenceBlock))
		as.cur = len(as.evidence) - 1
	}
	blk := as.evidence[as.cur]
	off := len(blk)
	as.evidence[as.cur] = append(blk, b...)
	return evidenceSpan{block: uint32(as.cur), off: uint32(off), n: uint32(n)}
}

// newSlot stores a in a free slot and returns it.
func (as *awards) newSlot(a awardRec) awardSlot {
	last := len(as.blocks) - 1
	if last < 0 || len(as.blocks[last]) == awardBlock {
		as.blocks = append(as.blocks, make([]awardRec, 0, awardBlock))
		last++
	}
	as.blocks[last] = append(as.blocks[last], a)
	return awardSlot(last*awardBlock + len(as.blocks[last]) - 1)
}

// place stores a, whose key and ID are free, at position i of rec's
// awards, with its own copy of the evidence, and counts its holder.
func (as *awards) place(rec *enrolmentRec, i int, a *storage.Award) {
	t := a.AwardedAt
	slot := as.newSlot(awardRec{
		enrolment: a.EnrolmentID, id: a.ID,
		badge: as.intern(a.BadgeID), programme: as.intern(a.ProgrammeID),
		tier: a.Tier, day: a.Day,
		sec: t.Unix(), nsec: int32(t.Nanosecond()),
		evidence: as.keepEvidence(a.Evidence),
	})
	if rec.awards == nil {
		// An enrolment that earns a badge soon earns more (a first
		// completion earns the first-day and the daily badge): starting
		// at eight saves growing through one, two and four.
		rec.awards = make([]awardSlot, 0, 8)
	}
	rec.awards = insertAt(rec.awards, i, slot)
	if !as.holdsAnother(rec.awards, i) {
		r := as.at(slot)
		badges := as.holders[r.programme]
		if badges == nil {
			badges = make(map[nameID]int)
			as.holders[r.programme] = badges
		}
		badges[r.badge]++
	}
}

// insertAt inserts v at position i of s, growing s by doubling.
func insertAt[T any](s []T, i int, v T) []T {
	if len(s) == cap(s) {
		grown := make([]T, len(s)+1, 2*cap(s)+1)
		copy(grown, s[:i])
		grown[i] = v
		copy(grown[i+1:], s[i:])
		return grown
	}
	s = s[:len(s)+1]
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// holdsAnother reports whether the enrolment whose awards are refs holds
// another award of the badge and programme of refs[i]. Awards are sorted
// by badge, so those are next to it; usually the first neighbour answers.
func (as *awards) holdsAnother(refs []awardSlot, i int) bool {
	a := as.at(refs[i])
	for j := i - 1; j >= 0; j-- {
		b := as.at(refs[j])
		if b.badge != a.badge {
			break
		}
		if b.programme == a.programme {
			return true
		}
	}
	for j := i + 1; j < len(refs); j++ {
		b := as.at(refs[j])
		if b.badge != a.badge {
			break
		}
		if b.programme == a.programme {
			return true
		}
	}
	return false
}

// remove removes position i of rec's awards and returns a copy of the
// award.
func (as *awards) remove(rec *enrolmentRec, i int) storage.Award {
	slot := rec.awards[i]
	a := as.award(slot)
	last := !as.holdsAnother(rec.awards, i)
	r := *as.at(slot)
	*as.at(slot) = awardRec{} // its slot is not reused
	copy(rec.awards[i:], rec.awards[i+1:])
	rec.awards = rec.awards[:len(rec.awards)-1]
	as.ids.remove(a.ID)
	if last {
		badges := as.holders[r.programme]
		if badges[r.badge]--; badges[r.badge] == 0 {
			delete(badges, r.badge)
			if len(badges) == 0 {
				delete(as.holders, r.programme)
			}
		}
	}
	return a
}

// awardsOf returns the enrolment's awards, sorted.
func (s *Store) awardsOf(id uuid.UUID) []awardSlot {
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
	refs := r.s.awardsOf(key.EnrolmentID)
	i, ok := r.s.awards.find(refs, posOf(key))
	if !ok {
		return storage.Award{}, errAwardNotFound
	}
	return r.s.awards.award(refs[i]), nil
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
	refs := r.s.awardsOf(enrolmentID)
	i := 0
	if cursor != "" {
		var found bool
		if i, found = r.s.awards.find(refs, after); found {
			i++
		}
	}
	limit = storage.ClampLimit(limit)
	for ; i < len(refs); i++ {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(posOf(page.Items[limit-1].AwardKey))
			break
		}
		page.Items = append(page.Items, r.s.awards.award(refs[i]))
	}
	return page, nil
}

// CountHolders implements [storage.AwardReader.CountHolders]. The counts
// are kept up to date by every write, so this copies one small map.
func (r *reader) CountHolders(ctx context.Context, programmeID string) (map[string]int, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	as := r.s.awards
	var badges map[nameID]int
	if p := as.lookup(programmeID); p != noName {
		badges = as.holders[p]
	}
	out := make(map[string]int, len(badges))
	for b, n := range badges {
		out[as.names[b]] = n
	}
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
		if i, found = s.awards.find(rec.awards, posOf(a.AwardKey)); found {
			return errAwardExists
		}
	}
	// Checked last, because inserting is the check.
	if !s.awards.ids.insert(a.ID) {
		return errAwardIDExists
	}
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	}
	s.awards.place(rec, i, &a)
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

// addAward stores a, whose key and ID are known to be free: the undo of
// DeleteAward.
func (s *Store) addAward(a storage.Award) {
	rec := s.enrolments[a.EnrolmentID]
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	}
	i, _ := s.awards.find(rec.awards, posOf(a.AwardKey))
	s.awards.ids.insert(a.ID)
	s.awards.place(rec, i, &a)
}

// removeAward removes the award with key and returns a copy of it,
// reporting false if there is none. It is DeleteAward and the undo of
// InsertAward.
func (s *Store) removeAward(key storage.AwardKey) (storage.Award, bool) {
	rec := s.enrolments[key.EnrolmentID]
	if rec == nil {
		return storage.Award{}, false
	}
	i, found := s.awards.find(rec.awards, posOf(key))
	if !found {
		return storage.Award{}, false
	}
	a := s.awards.remove(rec, i)
	s.dropIfEmpty(key.EnrolmentID, rec)
	return a, true
}

// dropIfEmpty forgets rec when it holds nothing: no enrolment, no
// completion and no award.
func (s *Store) dropIfEmpty(id uuid.UUID, rec *enrolmentRec) {
	if !rec.enrolled && len(rec.completions) == 0 && len(rec.awards) == 0 {
		delete(s.enrolments, id)
	}
}

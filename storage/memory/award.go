package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unsafe"

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

// awardRef is an award as its enrolment lists it, whole and compact: the
// key and programme as numbers, the time as seconds and nanoseconds, and
// the evidence as a span of a shared byte block. It holds no pointers, so
// an enrolment's list of awards is never scanned by the garbage collector.
// An enrolment's awards are in the order they were made, not the listing
// order: a new award is appended, and finding a key is a scan of a few
// tens of entries in one array (which the filters of enrolmentRec mostly
// spare). Listings sort (they are read far less often than awards are
// made).
type awardRef struct {
	badge, programme nameID
	tier, day        int32
	sec              int64
	nsec             int32
	evidence         evidenceSpan
}

// is reports whether r has the badge, tier and day.
func (r *awardRef) is(badge nameID, tier, day int32) bool {
	return r.badge == badge && r.tier == tier && r.day == day
}

// evidenceSpan is where an award's evidence lives: n bytes from off in
// evidence block block. n == 0 is no evidence.
type evidenceSpan struct{ block, off, n uint32 }

// nameID numbers a programme or badge ID in the store's name table.
type nameID uint32

// noName is the nameID of a name that is not in the table.
const noName nameID = math.MaxUint32

// evidenceBlock is how many bytes of evidence the store allocates at
// once, so that an award's evidence costs no allocation of its own. A
// deleted award's evidence is not reused (deletions are rare:
// revocations).
const evidenceBlock = 16 << 10

// awards holds every award of a store, and what finds them.
type awards struct {
	// evidence holds the awards' evidence; evidence[cur] is the block
	// being filled (cur is -1 before the first).
	evidence [][]byte
	cur      int
	// names and nameIDs intern programme and badge IDs; recent holds the
	// last few interned, as the caller gave them (whose bytes are usually
	// those of the next call's string, which then compares at once), which
	// a run of awards of one programme and a few badges finds without
	// hashing.
	names     []string
	nameIDs   map[string]nameID
	recent    [4]nameID
	recentStr [4]string
	next      int // the entry of recent to replace
	// holders counts, per programme and badge, the distinct enrolments
	// holding at least one occurrence, so that CountHolders reads a ready
	// answer.
	holders map[nameID]map[nameID]int
}

func newAwards() *awards {
	return &awards{cur: -1, nameIDs: make(map[string]nameID), holders: make(map[nameID]map[nameID]int),
		recent: [4]nameID{noName, noName, noName, noName}}
}

// lookup returns the number of name, or noName if it is not in the table.
func (as *awards) lookup(name string) nameID {
	if id := as.recentID(name); id != noName {
		return id
	}
	if id, ok := as.nameIDs[name]; ok {
		return id
	}
	return noName
}

// recentID returns the number of name if it is one of the recent ones,
// else noName.
func (as *awards) recentID(name string) nameID {
	// The caller's string is usually the very one given before (the
	// engine's badge IDs are its plan's): look for it by address first,
	// so that names of one length ("week-1", "week-2") are not compared
	// byte by byte on the way.
	p := unsafe.StringData(name)
	for i, id := range as.recent {
		if id != noName && unsafe.StringData(as.recentStr[i]) == p && len(as.recentStr[i]) == len(name) {
			return id
		}
	}
	for i, id := range as.recent {
		if id != noName && as.recentStr[i] == name {
			return id
		}
	}
	return noName
}

// intern returns the number of name, adding it to the table if need be.
func (as *awards) intern(name string) nameID {
	if id := as.recentID(name); id != noName {
		return id
	}
	id, ok := as.nameIDs[name]
	if !ok {
		id = as.add(name)
	}
	as.recent[as.next], as.recentStr[as.next] = id, name
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

// compactKey returns the compact form of key's tier and day, and false when
// they do not fit one (the SQL adapters' columns are 32-bit too).
func compactKey(key storage.AwardKey) (tier, day int32, ok bool) {
	if int(int32(key.Tier)) != key.Tier || int(int32(key.Day)) != key.Day {
		return 0, 0, false
	}
	return int32(key.Tier), int32(key.Day), true
}

// find returns the position of key's award in rec's awards, or -1.
func (as *awards) find(rec *enrolmentRec, key storage.AwardKey) int {
	tier, day, ok := compactKey(key)
	badge := as.lookup(key.BadgeID)
	if !ok || badge == noName {
		return -1
	}
	return findKey(rec, badge, tier, day)
}

// findKey is find for a key in compact form.
func findKey(rec *enrolmentRec, badge nameID, tier, day int32) int {
	if held, known := rec.heldBadge(badge, noName); known && !held {
		return -1 // no award of the badge at all
	}
	if w, bit := keyBit(badge, tier, day); rec.keyBits[w]&bit == 0 {
		return -1
	}
	for i := len(rec.awards) - 1; i >= 0; i-- { // newest first, as holds
		if rec.awards[i].is(badge, tier, day) {
			return i
		}
	}
	return -1
}

// keyBit returns the word and bit of enrolmentRec.keyBits for a key, and
// badgeBit the bit of enrolmentRec.badgeBits for a badge and programme
// (Fibonacci hashing). Bits are set when an award is placed and cleared
// only when the enrolment has no award left, so a clear bit is proof of
// absence, and a set one asks for a scan. An enrolment of a 30-day
// programme holds about 55 awards of about 20 badges: a new key finds its
// bit clear about four times in five.
func keyBit(badge nameID, tier, day int32) (int, uint64) {
	h := (uint64(badge)<<40 ^ uint64(uint32(tier))<<20 ^ uint64(uint32(day))) * 0x9E3779B97F4A7C15
	b := h >> (64 - 8) // 0..255
	return int(b / 64), 1 << (b % 64)
}

func badgeBit(badge, programme nameID) uint64 {
	h := (uint64(badge)<<32 ^ uint64(programme)) * 0x9E3779B97F4A7C15
	return 1 << (h >> (64 - 6))
}

// sorted returns the positions of refs in the listing order: by badge ID
// byte-wise, then tier, then day.
func (as *awards) sorted(refs []awardRef) []int {
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		return as.compare(&refs[i], as.names[refs[j].badge], int(refs[j].tier), int(refs[j].day))
	})
	return order
}

// compare orders r against (badge, tier, day) in the listing order.
func (as *awards) compare(r *awardRef, badge string, tier, day int) int {
	if c := strings.Compare(as.names[r.badge], badge); c != 0 {
		return c
	}
	if c := cmp.Compare(int(r.tier), tier); c != 0 {
		return c
	}
	return cmp.Compare(int(r.day), day)
}

// award returns the caller's own copy of the award of enrolment that r
// lists.
func (as *awards) award(enrolment uuid.UUID, r *awardRef) storage.Award {
	out := storage.Award{
		AwardKey:    storage.AwardKey{EnrolmentID: enrolment, BadgeID: as.names[r.badge], Tier: int(r.tier), Day: int(r.day)},
		ProgrammeID: as.names[r.programme],
		AwardedAt:   time.Unix(r.sec, int64(r.nsec)).UTC(),
	}
	if e := r.evidence; e.n > 0 {
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

// place stores a, whose key is free and fits (compactKey), in rec's awards with
// its own copy of the evidence, and counts its holder.
func (as *awards) place(rec *enrolmentRec, a *storage.Award) *awardRef {
	tier, day, _ := compactKey(a.AwardKey)
	return as.placeKey(rec, as.intern(a.BadgeID), as.intern(a.ProgrammeID), tier, day, a)
}

// placeKey is place with a's key and programme in compact form.
func (as *awards) placeKey(rec *enrolmentRec, badge, programme nameID, tier, day int32, a *storage.Award) *awardRef {
	t := a.AwardedAt
	r := awardRef{
		badge: badge, programme: programme, tier: tier, day: day,
		sec: t.Unix(), nsec: int32(t.Nanosecond()), evidence: as.keepEvidence(a.Evidence),
	}
	bb := badgeBit(r.badge, r.programme)
	held, known := rec.heldBadge(r.badge, r.programme)
	if !known {
		held = rec.badgeBits&bb != 0 && holds(rec.awards, r.badge, r.programme)
	}
	first := !held
	w, kb := keyBit(r.badge, r.tier, r.day)
	rec.keyBits[w] |= kb
	rec.badgeBits |= bb
	switch {
	case len(rec.awards) == 0:
		rec.prog, rec.mixed = r.programme, false
	case r.programme != rec.prog:
		rec.mixed = true
	}
	if r.badge < 128 {
		rec.badges[r.badge/64] |= 1 << (r.badge % 64)
	}
	if len(rec.awards) == cap(rec.awards) {
		// An enrolment that earns a badge soon earns more (a first
		// completion earns the first-day and the daily badge, and a
		// daily badge earns one a day): the list starts at sixteen and
		// grows fourfold, which allocates a third less over a programme
		// than append's doubling from one.
		grown := make([]awardRef, len(rec.awards), max(16, 4*cap(rec.awards)))
		copy(grown, rec.awards)
		rec.awards = grown
	}
	rec.awards = append(rec.awards, r)
	if first {
		badges := as.holders[r.programme]
		if badges == nil {
			badges = make(map[nameID]int)
			as.holders[r.programme] = badges
		}
		badges[r.badge]++
	}
	return &rec.awards[len(rec.awards)-1]
}

// heldBadge reports whether rec's awards hold one of badge in programme
// (noName: in whichever programme), with known false when it cannot tell
// without a scan: the badge is numbered 128 or above, or the awards are of
// more than one programme, or of another. For the usual enrolment, with
// awards of its own programme's twenty-odd badges, it saves the scan of
// its awards that placing each one would otherwise make to count a new
// holder, and that finding a key of a badge not held would make.
func (rec *enrolmentRec) heldBadge(badge, programme nameID) (held, known bool) {
	switch {
	case badge >= 128 || rec.mixed:
		return false, false
	case len(rec.awards) == 0:
		return false, true
	case programme != noName && programme != rec.prog:
		return false, false
	}
	return rec.badges[badge/64]&(1<<(badge%64)) != 0, true
}

// holds reports whether refs list an award of the badge and programme.
// It looks from the newest award back: a badge held already was most
// likely awarded lately (a daily badge yesterday), and the newest awards
// share the cache line that the award being placed is appended to.
func holds(refs []awardRef, badge, programme nameID) bool {
	for i := len(refs) - 1; i >= 0; i-- {
		if refs[i].badge == badge && refs[i].programme == programme {
			return true
		}
	}
	return false
}

// remove removes position i of rec's awards and returns a copy of the
// award.
func (as *awards) remove(enrolment uuid.UUID, rec *enrolmentRec, i int) storage.Award {
	r := rec.awards[i]
	a := as.award(enrolment, &r)
	last := len(rec.awards) - 1
	rec.awards[i] = rec.awards[last]
	rec.awards = rec.awards[:last]
	if last == 0 {
		rec.keyBits, rec.badgeBits = [4]uint64{}, 0
		rec.badges, rec.prog, rec.mixed = [2]uint64{}, 0, false
	}
	if !holds(rec.awards, r.badge, r.programme) {
		if r.badge < 128 && !rec.mixed {
			rec.badges[r.badge/64] &^= 1 << (r.badge % 64)
		}
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

// awardsOf returns the enrolment's awards, in the order they were made.
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
	rec := r.s.enrolments[key.EnrolmentID]
	if rec == nil {
		return storage.Award{}, errAwardNotFound
	}
	i := r.s.awards.find(rec, key)
	if i < 0 {
		return storage.Award{}, errAwardNotFound
	}
	return r.s.awards.award(key.EnrolmentID, &rec.awards[i]), nil
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
	as := r.s.awards
	refs := r.s.awardsOf(enrolmentID)
	order := as.sorted(refs)
	i := 0
	if cursor != "" {
		i = sort.Search(len(order), func(i int) bool {
			return as.compare(&refs[order[i]], after.Badge, after.Tier, after.Day) > 0
		})
	}
	limit = storage.ClampLimit(limit)
	for ; i < len(order); i++ {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(posOf(page.Items[limit-1].AwardKey))
			break
		}
		page.Items = append(page.Items, as.award(enrolmentID, &refs[order[i]]))
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
	tier, day, ok := compactKey(a.AwardKey)
	if !ok {
		return fmt.Errorf("memory: insert award %s: tier %d or day %d out of the 32-bit range", a.BadgeID, a.Tier, a.Day)
	}
	s := w.s
	rec := w.last
	if rec == nil || w.lastID != a.EnrolmentID {
		rec = s.enrolments[a.EnrolmentID]
	}
	// The badge is numbered whether or not the award is a duplicate: a
	// duplicate's badge is numbered already.
	badge := s.awards.intern(a.BadgeID)
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	} else if findKey(rec, badge, tier, day) >= 0 {
		return errAwardExists
	}
	w.lastID, w.last = a.EnrolmentID, rec
	r := s.awards.placeKey(rec, badge, w.programme(a.ProgrammeID), tier, day, &a)
	// Undo needs only the key.
	w.inserted = append(w.inserted, insertedAward{badge: r.badge, tier: r.tier, day: r.day})
	w.log(undoRec{op: undoInsertAward, id: a.EnrolmentID, slot: len(w.inserted) - 1})
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

// addAward stores a, whose key is known to be free: the undo of
// DeleteAward.
func (s *Store) addAward(a storage.Award) {
	rec := s.enrolments[a.EnrolmentID]
	if rec == nil {
		rec = &enrolmentRec{}
		s.enrolments[a.EnrolmentID] = rec
	}
	s.awards.place(rec, &a)
}

// removeAward removes the award with key and returns a copy of it,
// reporting false if there is none. It is DeleteAward and the undo of
// InsertAward.
func (s *Store) removeAward(key storage.AwardKey) (storage.Award, bool) {
	rec := s.enrolments[key.EnrolmentID]
	if rec == nil {
		return storage.Award{}, false
	}
	i := s.awards.find(rec, key)
	if i < 0 {
		return storage.Award{}, false
	}
	a := s.awards.remove(key.EnrolmentID, rec, i)
	s.dropIfEmpty(key.EnrolmentID, rec)
	return a, true
}

// programme returns the number of programme ID p, remembering the last
// one: a store's awards mostly come from one programme at a time, so one
// comparison of the string's address usually answers.
func (w *writer) programme(p string) nameID {
	if unsafe.StringData(p) == unsafe.StringData(w.progStr) && len(p) == len(w.progStr) && w.progStr != "" {
		return w.progID
	}
	id := w.s.awards.intern(p)
	w.progStr, w.progID = p, id
	return id
}

// insertedAward is the key of an award a transaction inserted, for undo.
type insertedAward struct {
	badge     nameID
	tier, day int32
}

// unInsertAward removes the award k of enrolment id: the undo of
// InsertAward.
func (s *Store) unInsertAward(id uuid.UUID, k insertedAward) {
	rec := s.enrolments[id]
	if rec == nil {
		return
	}
	for i := range rec.awards {
		if rec.awards[i].is(k.badge, k.tier, k.day) {
			s.awards.remove(id, rec, i)
			s.dropIfEmpty(id, rec)
			return
		}
	}
}

// dropIfEmpty forgets rec when it holds nothing: no enrolment, no
// completion and no award.
func (s *Store) dropIfEmpty(id uuid.UUID, rec *enrolmentRec) {
	if !rec.enrolled && len(rec.completions) == 0 && len(rec.awards) == 0 {
		delete(s.enrolments, id)
		if s.w.last == rec {
			s.w.lastID, s.w.last = uuid.Nil, nil
		}
	}
}

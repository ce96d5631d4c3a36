package memory

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// reflRec is a stored reflection with the words a search matches. The
// stored value is never changed in place: a write replaces the record, so
// the undo log can keep the previous value by reference.
type reflRec struct {
	r reflection.Reflection
	// words are the distinct search words of the answers, sorted.
	words []string
}

// reflGroup names a secondary index of a programme's reflections: kind
// 'd' (day), 't' (author team), 'a' (activity), 'p' (author) or 'w'
// (search word), with value the day, team, activity, author or word.
type reflGroup struct {
	programme string
	kind      byte
	value     string
}

// reactedKey orders a programme's reflections for [storage.MostReacted].
type reactedKey struct {
	reactions int
	id        uuid.UUID
}

func compareReacted(a, b reactedKey) int {
	if c := cmp.Compare(a.reactions, b.reactions); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// reactionKey names the one reaction a participant may leave on a
// reflection.
type reactionKey struct {
	reflection uuid.UUID
	by         challenge.ParticipantID
}

// feedCursor is the position after which a reflection listing resumes:
// the last item's order key.
type feedCursor struct {
	Order     storage.FeedOrder `json:"o"`
	Reactions int               `json:"r,omitempty"`
	ID        uuid.UUID         `json:"i"`
}

// savedReaction is a reaction as it was before PutReaction or
// DeleteReaction, for undo.
type savedReaction struct {
	key     reactionKey
	r       reflection.Reaction
	existed bool
}

var (
	errReflectionNotFound = fmt.Errorf("memory: reflection: %w", storage.ErrNotFound)
	errReflectionExists   = fmt.Errorf("memory: reflection ID exists: %w", storage.ErrConflict)
	errReflectionKeyUsed  = fmt.Errorf("memory: reflection for this enrolment, day and activity exists: %w", storage.ErrConflict)
	errReflectionVersion  = fmt.Errorf("memory: reflection version changed: %w", storage.ErrConflict)
	errResponseNotFound   = fmt.Errorf("memory: response: %w", storage.ErrNotFound)
	errResponseExists     = fmt.Errorf("memory: response ID exists: %w", storage.ErrConflict)
	errResponseVersion    = fmt.Errorf("memory: response version changed: %w", storage.ErrConflict)
	errReactionNotFound   = fmt.Errorf("memory: reaction: %w", storage.ErrNotFound)
)

// collectBelow is the size below which a MostReacted listing with a
// narrow filter sorts the filter's candidates rather than walking the
// programme's order index: a fraction of the programme, at most this many.
const collectBelow = 1 << 16

// copyModerated returns m with its own Flags.
func copyModerated(m reflection.Moderated) reflection.Moderated {
	m.Flags = slices.Clone(m.Flags)
	for i := range m.Flags {
		m.Flags[i].At = m.Flags[i].At.UTC()
	}
	if len(m.Flags) == 0 {
		m.Flags = nil
	}
	m.HiddenAt = m.HiddenAt.UTC()
	m.ReviewedAt = m.ReviewedAt.UTC()
	return m
}

// copyReflection returns r with its own slices and times in UTC.
func copyReflection(r reflection.Reflection) reflection.Reflection {
	r.Answers = slices.Clone(r.Answers)
	if len(r.Answers) == 0 {
		r.Answers = nil
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.EditedAt = r.EditedAt.UTC()
	r.Moderated = copyModerated(r.Moderated)
	return r
}

func copyResponse(r reflection.Response) reflection.Response {
	r.CreatedAt = r.CreatedAt.UTC()
	r.EditedAt = r.EditedAt.UTC()
	r.Moderated = copyModerated(r.Moderated)
	return r
}

// counts reports whether a response counts toward its reflection's
// Responses.
func counts(r *reflection.Response) bool { return !r.Deleted && !r.Hidden && !r.AuthorErased }

func keyOf(r *reflection.Reflection) storage.ReflectionKey {
	return storage.ReflectionKey{EnrolmentID: r.EnrolmentID, Day: r.Day, ActivityID: r.ActivityID}
}

// groups returns the secondary indexes r belongs to, search words last.
func (rec *reflRec) groups() []reflGroup {
	r := &rec.r
	p := r.ProgrammeID
	gs := make([]reflGroup, 0, 4+len(rec.words))
	gs = append(gs, reflGroup{p, 'd', strconv.Itoa(r.Day)}, reflGroup{p, 'a', r.ActivityID})
	if r.AuthorTeam != "" {
		gs = append(gs, reflGroup{p, 't', string(r.AuthorTeam)})
	}
	if r.Author != "" {
		gs = append(gs, reflGroup{p, 'p', string(r.Author)})
	}
	for _, w := range rec.words {
		gs = append(gs, reflGroup{p, 'w', w})
	}
	return gs
}

func newReflRec(r reflection.Reflection) *reflRec {
	words := storage.ReflectionSearchWords(r.Answers)
	slices.Sort(words)
	return &reflRec{r: r, words: words}
}

// addReflection stores rec, whose ID and key are known to be free, in
// every index.
func (s *Store) addReflection(rec *reflRec) {
	r := &rec.r
	s.reflections[r.ID] = rec
	if r.EnrolmentID != uuid.Nil {
		s.reflKeys[keyOf(r)] = r.ID
	}
	addTo(s.reflNewest, r.ProgrammeID, r.ID)
	ix := s.reflReacted[r.ProgrammeID]
	if ix == nil {
		ix = newIndex(compareReacted)
		s.reflReacted[r.ProgrammeID] = ix
	}
	ix.insert(reactedKey{r.Reactions, r.ID})
	for _, g := range rec.groups() {
		addTo(s.reflBy, g, r.ID)
	}
}

// dropReflection removes the reflection with id from every index.
func (s *Store) dropReflection(id uuid.UUID) {
	rec := s.reflections[id]
	r := &rec.r
	delete(s.reflections, id)
	if r.EnrolmentID != uuid.Nil && s.reflKeys[keyOf(r)] == id {
		delete(s.reflKeys, keyOf(r))
	}
	removeFrom(s.reflNewest, r.ProgrammeID, id)
	if ix := s.reflReacted[r.ProgrammeID]; ix != nil {
		ix.remove(reactedKey{r.Reactions, id})
		if ix.empty() {
			delete(s.reflReacted, r.ProgrammeID)
		}
	}
	for _, g := range rec.groups() {
		removeFrom(s.reflBy, g, id)
	}
}

// setCounts changes the counts of the stored reflection with id, moving it
// in the MostReacted order.
func (s *Store) setCounts(id uuid.UUID, responses, reactions int) {
	old := s.reflections[id]
	rec := &reflRec{r: old.r, words: old.words}
	rec.r.Responses = responses
	rec.r.Reactions = reactions
	if reactions != old.r.Reactions {
		ix := s.reflReacted[rec.r.ProgrammeID]
		ix.remove(reactedKey{old.r.Reactions, id})
		ix.insert(reactedKey{reactions, id})
	}
	s.reflections[id] = rec
}

// GetReflection implements [storage.ReflectionReader.GetReflection].
func (r *reader) GetReflection(ctx context.Context, id uuid.UUID) (reflection.Reflection, error) {
	if err := ctxErr(ctx); err != nil {
		return reflection.Reflection{}, err
	}
	rec := r.s.reflections[id]
	if rec == nil {
		return reflection.Reflection{}, errReflectionNotFound
	}
	return copyReflection(rec.r), nil
}

// GetReflectionByKey implements
// [storage.ReflectionReader.GetReflectionByKey].
func (r *reader) GetReflectionByKey(ctx context.Context, key storage.ReflectionKey) (reflection.Reflection, error) {
	if err := ctxErr(ctx); err != nil {
		return reflection.Reflection{}, err
	}
	id, ok := r.s.reflKeys[key]
	if !ok || key.EnrolmentID == uuid.Nil {
		return reflection.Reflection{}, errReflectionNotFound
	}
	return copyReflection(r.s.reflections[id].r), nil
}

// feedFilter is a FeedQuery ready to test records against.
type feedFilter struct {
	q     *storage.FeedQuery
	words []string
}

func (f *feedFilter) match(rec *reflRec) bool {
	r, q := &rec.r, f.q
	if r.ProgrammeID != q.ProgrammeID ||
		(q.Day != 0 && r.Day != q.Day) ||
		(q.TeamID != "" && r.AuthorTeam != q.TeamID) ||
		(q.ActivityID != "" && r.ActivityID != q.ActivityID) ||
		(q.Author != "" && r.Author != q.Author) {
		return false
	}
	for _, w := range f.words {
		if _, ok := slices.BinarySearch(rec.words, w); !ok {
			return false
		}
	}
	return reflection.CanRead(q.Viewer, r.Item())
}

// ListReflections implements [storage.ReflectionReader.ListReflections].
// It walks the smallest index that the query names (the programme, a day,
// team, activity, author or search word) in the listing's order and tests
// each record against the whole query, visibility included, until the
// page is full. A MostReacted listing with a narrow filter sorts the
// filter's records instead of walking the programme's order.
func (r *reader) ListReflections(ctx context.Context, q storage.FeedQuery, cursor storage.Cursor, limit int) (storage.Page[reflection.Reflection], error) {
	var page storage.Page[reflection.Reflection]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after feedCursor
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list reflections: %w", err)
		}
		if after.Order != q.Order {
			return page, fmt.Errorf("memory: list reflections: %w: cursor of another order", storage.ErrBadCursor)
		}
	}
	if q.Order != storage.Newest && q.Order != storage.MostReacted {
		return page, fmt.Errorf("memory: list reflections: %w", challenge.Invalid("order", "must be Newest or MostReacted, not %d", q.Order))
	}
	if q.Viewer.Participant == "" {
		return page, nil // anonymous viewers read nothing
	}
	f := feedFilter{q: &q}
	if q.Search != "" {
		f.words = storage.SearchWords(q.Search)
		if len(f.words) == 0 {
			return page, nil // a search without words matches nothing
		}
	}
	s := r.s
	all := s.reflNewest[q.ProgrammeID]
	if all == nil {
		return page, nil
	}
	// The narrowest secondary index, if any is narrower than the programme,
	// and every index the query names.
	var narrow *index[uuid.UUID]
	var named []*index[uuid.UUID]
	consider := func(g reflGroup) bool {
		ix := s.reflBy[g]
		if ix == nil {
			return false // nothing can match
		}
		if narrow == nil || ix.size() < narrow.size() {
			narrow = ix
		}
		named = append(named, ix)
		return true
	}
	p := q.ProgrammeID
	ok := true
	if q.Day != 0 {
		ok = ok && consider(reflGroup{p, 'd', strconv.Itoa(q.Day)})
	}
	if q.TeamID != "" {
		ok = ok && consider(reflGroup{p, 't', string(q.TeamID)})
	}
	if q.ActivityID != "" {
		ok = ok && consider(reflGroup{p, 'a', q.ActivityID})
	}
	if q.Author != "" {
		ok = ok && consider(reflGroup{p, 'p', string(q.Author)})
	}
	for _, w := range f.words {
		ok = ok && consider(reflGroup{p, 'w', w})
	}
	if !ok {
		return page, nil
	}
	limit = storage.ClampLimit(limit)
	// Room for the page at once: a Reflection is some 400 bytes, and the
	// doublings of a growing slice would allocate about as much again.
	// Every byte allocated brings the next garbage collection nearer, and
	// each one marks the whole store: at a million reflections that, not
	// the walk, is most of a page's cost.
	page.Items = make([]reflection.Reflection, 0, limit)
	add := func(rec *reflRec) bool {
		if len(page.Items) == limit {
			last := page.Items[limit-1]
			page.Next = storage.EncodeCursor(feedCursor{Order: q.Order, Reactions: last.Reactions, ID: last.ID})
			return false
		}
		page.Items = append(page.Items, copyReflection(rec.r))
		return true
	}
	if q.Order == storage.Newest {
		ix := all
		if narrow != nil && narrow.size() < all.size() {
			ix = narrow
		}
		// The walk intersects: an ID is looked up only when every other
		// index the query names holds it, which a cursor moving down each
		// of them (in step with the walk) tells from the IDs alone. Two
		// words, one in a hundred reflections and one in ten, so cost a
		// lookup per match rather than one per entry of the rarer word.
		others := make([]descCursor, 0, len(named))
		for _, o := range named {
			if o != ix {
				others = append(others, descCursor{x: o})
			}
		}
		ix.descend(after.ID, cursor == "", func(id uuid.UUID) bool {
			for i := range others {
				if !others[i].has(id) {
					return true
				}
			}
			rec := s.reflections[id]
			if !f.match(rec) {
				return true
			}
			return add(rec)
		})
		return page, nil
	}
	if narrow != nil && narrow.size() < min(all.size()/8, collectBelow) {
		var recs []*reflRec
		narrow.ascend(uuid.Nil, true, func(id uuid.UUID) bool {
			rec := s.reflections[id]
			k := reactedKey{rec.r.Reactions, id}
			if (cursor == "" || compareReacted(k, reactedKey{after.Reactions, after.ID}) < 0) && f.match(rec) {
				recs = append(recs, rec)
			}
			return true
		})
		slices.SortFunc(recs, func(a, b *reflRec) int {
			return compareReacted(reactedKey{b.r.Reactions, b.r.ID}, reactedKey{a.r.Reactions, a.r.ID})
		})
		for _, rec := range recs {
			if !add(rec) {
				break
			}
		}
		return page, nil
	}
	s.reflReacted[p].descend(reactedKey{after.Reactions, after.ID}, cursor == "", func(k reactedKey) bool {
		rec := s.reflections[k.id]
		if !f.match(rec) {
			return true
		}
		return add(rec)
	})
	return page, nil
}

// descCursor tests keys for membership in a UUID index, keys given in
// descending order: it moves down the index with them, so a walk of
// another index tests all its keys in about one pass over the part of this
// one their range covers.
type descCursor struct {
	x *index[uuid.UUID]
	// ci and j locate the largest key at most the last key tested, ci -1
	// when there is none.
	ci, j   int
	started bool
}

// uuidAbove reports whether a > b in byte order: two integer comparisons
// instead of a call to bytes.Compare.
func uuidAbove(a, b *uuid.UUID) bool {
	ah, bh := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(b[:8])
	if ah != bh {
		return ah > bh
	}
	return binary.BigEndian.Uint64(a[8:]) > binary.BigEndian.Uint64(b[8:])
}

// has reports whether the index holds k, which must be below every key
// tested before.
func (c *descCursor) has(k uuid.UUID) bool {
	chunks := c.x.chunks
	if !c.started {
		c.started = true
		if len(chunks) == 0 {
			c.ci = -1
			return false
		}
		c.ci = c.x.chunkFor(k)
		c.j = len(chunks[c.ci]) - 1
	}
	// Skip the chunks whose keys are all above k.
	for c.ci >= 0 && uuidAbove(&chunks[c.ci][0], &k) {
		c.ci--
		if c.ci >= 0 {
			c.j = len(chunks[c.ci]) - 1
		}
	}
	if c.ci < 0 {
		return false
	}
	// chunks[c.ci][0] <= k: step down a few keys, the usual distance
	// between neighbouring keys of the walk, then search the rest.
	ch := chunks[c.ci]
	for range 8 {
		if !uuidAbove(&ch[c.j], &k) {
			return ch[c.j] == k
		}
		c.j--
	}
	n, found := slices.BinarySearchFunc(ch[:c.j+1], k, compareUUID)
	if found {
		c.j = n
	} else {
		c.j = n - 1 // ch[0] <= k, so n >= 1
	}
	return found
}

// GetResponse implements [storage.ReflectionReader.GetResponse].
func (r *reader) GetResponse(ctx context.Context, id uuid.UUID) (reflection.Response, error) {
	if err := ctxErr(ctx); err != nil {
		return reflection.Response{}, err
	}
	resp := r.s.responses[id]
	if resp == nil {
		return reflection.Response{}, errResponseNotFound
	}
	return copyResponse(*resp), nil
}

// ListResponses implements [storage.ReflectionReader.ListResponses].
func (r *reader) ListResponses(ctx context.Context, reflectionID uuid.UUID, cursor storage.Cursor, limit int) (storage.Page[reflection.Response], error) {
	var page storage.Page[reflection.Response]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after uuid.UUID
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list responses: %w", err)
		}
	}
	ix := r.s.responsesOf[reflectionID]
	if ix == nil {
		return page, nil
	}
	limit = storage.ClampLimit(limit)
	ix.ascend(after, cursor == "", func(id uuid.UUID) bool {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(page.Items[limit-1].ID)
			return false
		}
		page.Items = append(page.Items, copyResponse(*r.s.responses[id]))
		return true
	})
	return page, nil
}

// GetReaction implements [storage.ReflectionReader.GetReaction].
func (r *reader) GetReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) (reflection.Reaction, error) {
	if err := ctxErr(ctx); err != nil {
		return reflection.Reaction{}, err
	}
	re, ok := r.s.reactions[reactionKey{reflectionID, by}]
	if !ok {
		return reflection.Reaction{}, errReactionNotFound
	}
	return re, nil
}

// ListReactionsBy implements [storage.ReflectionReader.ListReactionsBy].
func (r *reader) ListReactionsBy(ctx context.Context, by challenge.ParticipantID, reflectionIDs []uuid.UUID) ([]reflection.Reaction, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []reflection.Reaction
	for i, id := range reflectionIDs {
		if slices.Contains(reflectionIDs[:i], id) {
			continue
		}
		if re, ok := r.s.reactions[reactionKey{id, by}]; ok {
			out = append(out, re)
		}
	}
	return out, nil
}

// InsertReflection implements [storage.ReflectionWriter.InsertReflection].
func (w *writer) InsertReflection(ctx context.Context, r reflection.Reflection) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	if _, ok := s.reflections[r.ID]; ok {
		return errReflectionExists
	}
	if r.EnrolmentID != uuid.Nil {
		if _, ok := s.reflKeys[keyOf(&r)]; ok {
			return errReflectionKeyUsed
		}
	}
	r = copyReflection(r)
	r.Responses, r.Reactions = 0, 0
	s.addReflection(newReflRec(r))
	w.log(undoRec{op: undoInsertReflection, id: r.ID})
	return nil
}

// UpdateReflection implements [storage.ReflectionWriter.UpdateReflection].
func (w *writer) UpdateReflection(ctx context.Context, r reflection.Reflection) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	old := s.reflections[r.ID]
	if old == nil {
		return errReflectionNotFound
	}
	if old.r.Version != r.Version {
		return errReflectionVersion
	}
	r = copyReflection(r)
	o := &old.r
	r.ProgrammeID, r.Day, r.ActivityID, r.CreatedAt = o.ProgrammeID, o.Day, o.ActivityID, o.CreatedAt
	r.Responses, r.Reactions = o.Responses, o.Reactions
	r.Version = o.Version + 1
	if r.EnrolmentID != uuid.Nil && r.EnrolmentID != o.EnrolmentID {
		if _, used := s.reflKeys[keyOf(&r)]; used {
			return errReflectionKeyUsed
		}
	}
	w.refls = append(w.refls, old)
	w.log(undoRec{op: undoUpdateReflection, id: r.ID, slot: len(w.refls) - 1})
	s.dropReflection(r.ID)
	s.addReflection(newReflRec(r))
	return nil
}

// InsertResponse implements [storage.ReflectionWriter.InsertResponse].
func (w *writer) InsertResponse(ctx context.Context, r reflection.Response) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	if _, ok := s.responses[r.ID]; ok {
		return errResponseExists
	}
	parent := s.reflections[r.ReflectionID]
	if parent == nil {
		return errReflectionNotFound
	}
	r = copyResponse(r)
	s.responses[r.ID] = &r
	addTo(s.responsesOf, r.ReflectionID, r.ID)
	w.log(undoRec{op: undoInsertResponse, id: r.ID})
	if counts(&r) {
		w.saveCounts(parent)
		s.setCounts(parent.r.ID, parent.r.Responses+1, parent.r.Reactions)
	}
	return nil
}

// UpdateResponse implements [storage.ReflectionWriter.UpdateResponse]. ID,
// ReflectionID and CreatedAt keep their stored values.
func (w *writer) UpdateResponse(ctx context.Context, r reflection.Response) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	old := s.responses[r.ID]
	if old == nil {
		return errResponseNotFound
	}
	if old.Version != r.Version {
		return errResponseVersion
	}
	r = copyResponse(r)
	r.ReflectionID, r.CreatedAt = old.ReflectionID, old.CreatedAt
	r.Version = old.Version + 1
	w.resps = append(w.resps, old)
	w.log(undoRec{op: undoUpdateResponse, id: r.ID, slot: len(w.resps) - 1})
	s.responses[r.ID] = &r
	if was, now := counts(old), counts(&r); was != now {
		parent := s.reflections[r.ReflectionID]
		w.saveCounts(parent)
		n := parent.r.Responses + 1
		if was {
			n = parent.r.Responses - 1
		}
		s.setCounts(parent.r.ID, n, parent.r.Reactions)
	}
	return nil
}

// PutReaction implements [storage.ReflectionWriter.PutReaction].
func (w *writer) PutReaction(ctx context.Context, r reflection.Reaction) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	parent := s.reflections[r.ReflectionID]
	if parent == nil {
		return errReflectionNotFound
	}
	k := reactionKey{r.ReflectionID, r.By}
	old, existed := s.reactions[k]
	w.reacts = append(w.reacts, savedReaction{key: k, r: old, existed: existed})
	w.log(undoRec{op: undoReaction, slot: len(w.reacts) - 1})
	r.At = r.At.UTC()
	s.reactions[k] = r
	if !existed {
		w.saveCounts(parent)
		s.setCounts(parent.r.ID, parent.r.Responses, parent.r.Reactions+1)
	}
	return nil
}

// DeleteReaction implements [storage.ReflectionWriter.DeleteReaction].
func (w *writer) DeleteReaction(ctx context.Context, reflectionID uuid.UUID, by challenge.ParticipantID) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	k := reactionKey{reflectionID, by}
	old, existed := s.reactions[k]
	if !existed {
		return errReactionNotFound
	}
	w.reacts = append(w.reacts, savedReaction{key: k, r: old, existed: true})
	w.log(undoRec{op: undoReaction, slot: len(w.reacts) - 1})
	delete(s.reactions, k)
	if parent := s.reflections[reflectionID]; parent != nil {
		w.saveCounts(parent)
		s.setCounts(parent.r.ID, parent.r.Responses, parent.r.Reactions-1)
	}
	return nil
}

// saveCounts logs rec's counts before a write changes them.
func (w *writer) saveCounts(rec *reflRec) {
	w.refls = append(w.refls, rec)
	w.log(undoRec{op: undoReflectionCounts, id: rec.r.ID, slot: len(w.refls) - 1})
}

// undoReflection reverses one logged reflection, response or reaction
// write.
func (s *Store) undoReflection(r *undoRec, refls []*reflRec, resps []*reflection.Response, reacts []savedReaction) {
	switch r.op {
	case undoInsertReflection:
		s.dropReflection(r.id)
	case undoUpdateReflection:
		s.dropReflection(r.id)
		s.addReflection(refls[r.slot])
	case undoReflectionCounts:
		old := refls[r.slot]
		s.setCounts(r.id, old.r.Responses, old.r.Reactions)
	case undoInsertResponse:
		resp := s.responses[r.id]
		delete(s.responses, r.id)
		removeFrom(s.responsesOf, resp.ReflectionID, r.id)
	case undoUpdateResponse:
		s.responses[r.id] = resps[r.slot]
	case undoReaction:
		sv := &reacts[r.slot]
		if sv.existed {
			s.reactions[sv.key] = sv.r
		} else {
			delete(s.reactions, sv.key)
		}
	}
}

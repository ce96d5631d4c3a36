package memory

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Options configures a Store. It has no fields yet; it exists so that
// settings can be added without changing New's signature. A nil *Options
// means the defaults.
type Options struct{}

// Store is an in-memory [storage.Store]. Its zero value is not usable; call
// [New].
type Store struct {
	// mu serialises writers against everyone: Update holds it for writing
	// while fn runs, View for reading. That gives Views their snapshot and
	// Updates their isolation without copying any data.
	mu     sync.RWMutex
	closed bool

	programmes   map[string]*programmeRec
	programmeIDs *index[string]

	// enrolments holds each enrolment with its completions, so that the
	// engine's hot path (get the enrolment, look for a completion, insert
	// it, update the enrolment) finds everything through one map entry.
	enrolments   map[uuid.UUID]*enrolmentRec
	participants map[participantKey]uuid.UUID
	byProgramme  map[string]*index[uuid.UUID]
	byTeam       map[groupKey]*index[uuid.UUID]
	byCohort     map[groupKey]*index[uuid.UUID]

	// completionIDs enforces unique completion IDs. A sorted index rather
	// than a map: UUIDv7 IDs made by one process arrive in order, so each
	// insert appends to a chunk that is already in cache.
	completionIDs *index[uuid.UUID]
	idempotency   map[string]challenge.CompletionKey
	// The completions themselves live in completionSlab's blocks, so that
	// a completion costs no allocation of its own and an enrolment's list
	// moves small references when it grows.
	completionSlab []challenge.Completion

	audit   map[uuid.UUID]*storage.AuditEntry
	auditBy map[auditGroup]*index[uuid.UUID]

	// awards holds the awards, pointer-free (see awardRef).
	awards *awards

	// scoreBoards holds each board's score rows, and subjectScores each
	// subject's rows in a programme sorted by (BoardID, Period, Partition):
	// the order of ListSubjectScores, and what SetScoresHidden and
	// DeleteScores walk. Both hold pointers to the same rows.
	scoreBoards   map[storage.BoardKey]*scoreBoard
	subjectScores map[subjectKey][]*storage.Score
	// reflections holds each reflection; reflKeys finds one by its
	// ReflectionKey (erased reflections, whose EnrolmentID is nil, have
	// none). reflNewest orders a programme's reflections by ID and
	// reflReacted by (Reactions, ID); reflBy holds the secondary indexes
	// (day, team, activity, author, search word) a feed walks when it is
	// narrower.
	reflections map[uuid.UUID]*reflRec
	reflKeys    map[storage.ReflectionKey]uuid.UUID
	reflNewest  map[string]*index[uuid.UUID]
	reflReacted map[string]*index[reactedKey]
	reflBy      map[reflGroup]*index[uuid.UUID]
	// responses holds each response, and responsesOf a reflection's
	// responses by ID.
	responses   map[uuid.UUID]*reflection.Response
	responsesOf map[uuid.UUID]*index[uuid.UUID]
	reactions   map[reactionKey]reflection.Reaction

	// r and w are the transaction objects. Views share r (it has no
	// state); w is used by one Update at a time, under mu, so neither is
	// allocated per transaction.
	r reader
	w writer
}

// enrolmentRec is an enrolment with its completions and awards. The
// contract does not tie a completion or an award to a stored enrolment, so
// a record can hold them without an enrolment (enrolled false).
type enrolmentRec struct {
	// The fields a completion's writes touch come first, in the first
	// cache line of the record, and the enrolment (which every completion
	// reads whole) after them: an award's insert then touches no line that
	// the completion has not.

	// keyBits and badgeBits are Bloom filters of awards' keys and of
	// their (badge, programme) pairs (see keyBit): a clear bit proves
	// that no award of the enrolment has the key, or the badge, so the
	// common insert of a new award skips the scans that would prove it.
	keyBits   [4]uint64
	badgeBits uint64
	// completions are sorted by (Day, ActivityID): the listing order, and
	// a binary search finds a key. An enrolment has tens of completions,
	// so a sorted slice beats a tree.
	completions []completionRef
	// badges says exactly which badges (numbered below 128) the
	// enrolment's awards hold, while they are all of programme prog
	// (mixed is set otherwise): see heldBadge.
	badges [2]uint64
	prog   nameID
	mixed  bool
	// awards are in the order they were made (see awardRef); they hold
	// no pointers, so growing the list allocates memory the garbage
	// collector does not scan.
	awards   []awardRef
	enrolled bool
	e        challenge.Enrolment
}

type participantKey struct {
	programme   string
	participant challenge.ParticipantID
}

// groupKey names an enrolment index within a programme (a team or cohort).
type groupKey struct {
	programme string
	value     string
}

// auditGroup names an audit index: a programme's entries (enrolment zero)
// or one enrolment's entries within it.
type auditGroup struct {
	programme string
	enrolment uuid.UUID
}

// Errors are package values, not built per call: the engine's hot path
// (GetCompletion finding nothing, a replayed completion conflicting) then
// costs no allocation. The engine adds the identifying context.
var (
	errClosed              = fmt.Errorf("memory: %w", storage.ErrClosed)
	errProgrammeNotFound   = fmt.Errorf("memory: programme: %w", storage.ErrNotFound)
	errProgrammeExists     = fmt.Errorf("memory: programme version exists: %w", storage.ErrConflict)
	errEnrolmentNotFound   = fmt.Errorf("memory: enrolment: %w", storage.ErrNotFound)
	errEnrolmentExists     = fmt.Errorf("memory: enrolment ID exists: %w", storage.ErrConflict)
	errParticipantEnrolled = fmt.Errorf("memory: participant already enrolled: %w", storage.ErrConflict)
	errEnrolmentVersion    = fmt.Errorf("memory: enrolment version changed: %w", storage.ErrConflict)
	errCompletionNotFound  = fmt.Errorf("memory: completion: %w", storage.ErrNotFound)
	errCompletionExists    = fmt.Errorf("memory: completion key exists: %w", storage.ErrConflict)
	errCompletionIDExists  = fmt.Errorf("memory: completion ID exists: %w", storage.ErrConflict)
	errIdempotencyKeyUsed  = fmt.Errorf("memory: idempotency key used: %w", storage.ErrConflict)
	errAlreadyRevoked      = fmt.Errorf("memory: completion already revoked: %w", storage.ErrConflict)
	errAuditExists         = fmt.Errorf("memory: audit entry ID exists: %w", storage.ErrConflict)
	errAwardNotFound       = fmt.Errorf("memory: award: %w", storage.ErrNotFound)
	errAwardExists         = fmt.Errorf("memory: award key exists: %w", storage.ErrConflict)
	errScoreNotFound       = fmt.Errorf("memory: score: %w", storage.ErrNotFound)
)

// New returns an empty Store. opts may be nil.
func New(opts *Options) *Store {
	_ = opts // no settings yet
	s := &Store{
		programmes:    make(map[string]*programmeRec),
		programmeIDs:  newIndex(strings.Compare),
		enrolments:    make(map[uuid.UUID]*enrolmentRec),
		participants:  make(map[participantKey]uuid.UUID),
		byProgramme:   make(map[string]*index[uuid.UUID]),
		byTeam:        make(map[groupKey]*index[uuid.UUID]),
		byCohort:      make(map[groupKey]*index[uuid.UUID]),
		completionIDs: newIndex(compareUUID),
		idempotency:   make(map[string]challenge.CompletionKey),
		audit:         make(map[uuid.UUID]*storage.AuditEntry),
		auditBy:       make(map[auditGroup]*index[uuid.UUID]),
		awards:        newAwards(),
		scoreBoards:   make(map[storage.BoardKey]*scoreBoard),
		subjectScores: make(map[subjectKey][]*storage.Score),
		reflections:   make(map[uuid.UUID]*reflRec),
		reflKeys:      make(map[storage.ReflectionKey]uuid.UUID),
		reflNewest:    make(map[string]*index[uuid.UUID]),
		reflReacted:   make(map[string]*index[reactedKey]),
		reflBy:        make(map[reflGroup]*index[uuid.UUID]),
		responses:     make(map[uuid.UUID]*reflection.Response),
		responsesOf:   make(map[uuid.UUID]*index[uuid.UUID]),
		reactions:     make(map[reactionKey]reflection.Reaction),
	}
	s.r.s = s
	s.w.s = s
	return s
}

var _ storage.Store = (*Store)(nil)

// Update implements [storage.Store.Update]. It runs fn under the store's
// write lock, applying writes directly and recording how to undo each; an
// error, a panic or a cancelled ctx replays the undo log backwards. fn is
// never run twice.
func (s *Store) Update(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: update: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	// The lock may have taken a while.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: update: %w", err)
	}
	w := &s.w
	committed := false
	defer func() {
		if !committed {
			w.rollback() // also when fn panics; the panic continues
		}
	}()
	err := fn(ctx, w)
	if err == nil {
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("memory: update: %w", cerr)
		}
	}
	if err != nil {
		return err
	}
	w.commit()
	committed = true
	return nil
}

// View implements [storage.Store.View]. fn runs under the read lock, so no
// write can commit until it returns.
func (s *Store) View(ctx context.Context, fn func(ctx context.Context, tx storage.ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: view: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: view: %w", err)
	}
	return fn(ctx, &s.r)
}

// Close implements [storage.Store.Close]. It waits for running transactions
// and frees the data; a second Close returns an error wrapping
// [storage.ErrClosed].
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	s.closed = true
	s.programmes, s.programmeIDs = nil, nil
	s.enrolments, s.participants, s.byProgramme, s.byTeam, s.byCohort = nil, nil, nil, nil, nil
	s.completionIDs, s.idempotency, s.completionSlab = nil, nil, nil
	s.audit, s.auditBy = nil, nil
	s.awards = nil
	s.scoreBoards, s.subjectScores = nil, nil
	s.reflections, s.reflKeys, s.reflNewest, s.reflReacted, s.reflBy = nil, nil, nil, nil, nil
	s.responses, s.responsesOf, s.reactions = nil, nil, nil
	s.w.undo, s.w.saved, s.w.awards, s.w.inserted, s.w.scores = nil, nil, nil, nil, nil
	return nil
}

// ctxErr wraps a done context's error for a transaction method.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	return nil
}

// reader implements storage.ReadTx. It is stateless: callers hold the lock.
type reader struct {
	s *Store
}

var _ storage.ReadTx = (*reader)(nil)

// writer implements storage.Tx and keeps the undo log of one Update.
type writer struct {
	reader
	undo []undoRec
	// saved holds enrolments as they were before UpdateEnrolment, for
	// undo. Its entries keep their slices' memory between transactions,
	// so saving costs no allocation in the steady state.
	saved []savedEnrolment
	nsave int
	// awards holds the awards deleted by this transaction, and inserted
	// the compact keys of those it inserted (with undoRec.id, the
	// enrolment), each indexed by undoRec.slot, for undo. The keys hold no
	// pointers: logging an insert copies 12 bytes.
	awards   []storage.Award
	inserted []insertedAward
	// lastID and last are the enrolment record this transaction inserted a
	// completion or an award for last: a completion's awards follow it,
	// and need not look the record up again. Store.dropIfEmpty and reset
	// clear them.
	lastID uuid.UUID
	last   *enrolmentRec
	// progStr and progID are the programme ID that InsertAward numbered
	// last, and its number (see writer.programme). Numbers are never
	// reused, so they stay right across transactions.
	progStr string
	progID  nameID
	// scores holds score rows for undo, indexed by undoRec.slot: the row
	// a transaction created (undoInsertScore), or a row as it was before
	// it changed (undoUpdateScore) or was deleted (undoDeleteScore).
	scores []storage.Score
	// refls, resps and reacts hold the reflections, responses and
	// reactions as they were before this transaction changed them,
	// indexed by undoRec.slot, for undo.
	refls  []*reflRec
	resps  []*reflection.Response
	reacts []savedReaction
}

var _ storage.Tx = (*writer)(nil)

// Both kinds of transaction load enrolments into the caller's memory.
var (
	_ storage.EnrolmentLoader = (*reader)(nil)
	_ storage.EnrolmentLoader = (*writer)(nil)
)

type undoOp uint8

const (
	undoInsertProgramme undoOp = iota + 1
	undoInsertEnrolment
	undoUpdateEnrolment
	undoInsertCompletion
	undoRevokeCompletion
	undoInsertAudit
	undoInsertAward
	undoDeleteAward
	undoInsertScore
	undoUpdateScore
	undoDeleteScore
	undoInsertReflection
	undoUpdateReflection
	undoReflectionCounts
	undoInsertResponse
	undoUpdateResponse
	undoReaction
)

// undoRec says how to reverse one write. Typed records rather than closures
// keep the log allocation-free.
type undoRec struct {
	op undoOp
	// id is the enrolment (insert, update) or audit entry (insert).
	id uuid.UUID
	// key is the completion inserted or revoked.
	key challenge.CompletionKey
	// programme and version name the programme version inserted.
	programme string
	version   int
	// slot indexes writer.saved for undoUpdateEnrolment, writer.awards
	// for undoInsertAward and undoDeleteAward, and writer.scores for the
	// score operations.
	slot int
}

// savedEnrolment is an enrolment's value before an update, for undo. It
// owns e's slices: they were the record's until the update, which took
// the slot's previous memory in exchange.
type savedEnrolment struct {
	e challenge.Enrolment
}

// maxRetainedUndo bounds the undo log memory kept between transactions; a
// bulk import's log is dropped after it finishes.
const maxRetainedUndo = 4096

func (w *writer) log(r undoRec) { w.undo = append(w.undo, r) }

// save moves rec's enrolment into the next saved slot and returns the
// slot's index. Nothing is copied: the slot takes the record's slices, and
// the record is left with the slot's memory from an earlier transaction
// (empty, not nil), into which the update copies the new value. Nothing
// else refers to that memory: readers get copies, and a transaction's undo
// log is done with once it commits or rolls back.
func (w *writer) save(rec *enrolmentRec) int {
	if w.nsave == len(w.saved) {
		w.saved = append(w.saved, savedEnrolment{})
	}
	sv := &w.saved[w.nsave]
	e, old := &rec.e, &sv.e
	zones, absences, done, badges := old.Zones[:0], old.Absences[:0], old.Progress.Done[:0], old.Badges[:0]
	sv.e = *e
	e.Zones, e.Absences, e.Progress.Done, e.Badges = zones, absences, done, badges
	w.nsave++
	return w.nsave - 1
}

func (w *writer) commit() { w.reset() }

func (w *writer) rollback() {
	for i := len(w.undo) - 1; i >= 0; i-- {
		w.s.undo(&w.undo[i], w)
	}
	w.reset()
}

func (w *writer) reset() {
	w.lastID, w.last = uuid.Nil, nil
	if cap(w.undo) > maxRetainedUndo {
		w.undo = nil
	} else {
		w.undo = w.undo[:0]
	}
	if len(w.saved) > maxRetainedUndo {
		w.saved = nil
	}
	w.nsave = 0
	// Drop the Evidence the log refers to, so that it can be collected.
	clear(w.awards)
	if cap(w.awards) > maxRetainedUndo {
		w.awards = nil
	} else {
		w.awards = w.awards[:0]
	}
	if cap(w.inserted) > maxRetainedUndo {
		w.inserted = nil
	} else {
		w.inserted = w.inserted[:0]
	}
	clear(w.scores) // their strings
	if cap(w.scores) > maxRetainedUndo {
		w.scores = nil
	} else {
		w.scores = w.scores[:0]
	}
	clear(w.refls)
	clear(w.resps)
	clear(w.reacts)
	w.refls, w.resps, w.reacts = w.refls[:0], w.resps[:0], w.reacts[:0]
	if cap(w.refls) > maxRetainedUndo {
		w.refls = nil
	}
	if cap(w.resps) > maxRetainedUndo {
		w.resps = nil
	}
	if cap(w.reacts) > maxRetainedUndo {
		w.reacts = nil
	}
}

// undo reverses one logged write. The log is replayed newest first, so the
// store is exactly as the write found it.
func (s *Store) undo(r *undoRec, w *writer) {
	switch r.op {
	case undoInsertProgramme:
		s.unInsertProgramme(r.programme, r.version)
	case undoInsertEnrolment:
		s.unInsertEnrolment(r.id)
	case undoUpdateEnrolment:
		s.restoreEnrolment(r.id, &w.saved[r.slot])
	case undoInsertCompletion:
		s.unInsertCompletion(r.key)
	case undoRevokeCompletion:
		s.unRevokeCompletion(r.key)
	case undoInsertAudit:
		s.unInsertAudit(r.id)
	case undoInsertAward:
		s.unInsertAward(r.id, w.inserted[r.slot])
	case undoDeleteAward:
		s.addAward(w.awards[r.slot])
	case undoInsertScore:
		s.dropScore(w.scores[r.slot].BoardKey, w.scores[r.slot].Subject)
	case undoUpdateScore, undoDeleteScore:
		s.putScore(w.scores[r.slot])
	default:
		s.undoReflection(r, w.refls, w.resps, w.reacts)
	}
}

// copyInto copies src into buf's memory (growing it when needed) and
// returns it; nil when src is nil, so nil and empty survive a round trip.
func copyInto[S ~[]E, E any](buf, src S) S {
	if src == nil {
		return nil
	}
	if buf == nil {
		buf = make(S, 0, len(src))
	}
	return append(buf[:0], src...)
}

// copyDoneAndHeld is copyInto for an enrolment's done days and held
// badges, which a completion reads and writes together: when either needs
// more memory, both move to one new array (with a word to spare each), so
// that reading them touches one cache line rather than two.
func copyDoneAndHeld(done challenge.Days, held challenge.HeldBadges, srcDone challenge.Days, srcHeld challenge.HeldBadges) (challenge.Days, challenge.HeldBadges) {
	if (srcDone == nil || done != nil && cap(done) >= len(srcDone)) && (srcHeld == nil || held != nil && cap(held) >= len(srcHeld)) {
		return copyInto(done, srcDone), copyInto(held, srcHeld)
	}
	capDone, capHeld := 0, 0
	if srcDone != nil {
		capDone = len(srcDone) + 1
	}
	if srcHeld != nil {
		capHeld = len(srcHeld) + 1
	}
	words := make([]uint64, capDone+capHeld)
	if srcDone != nil {
		done = append(challenge.Days(words[:0:capDone]), srcDone...)
	} else {
		done = nil
	}
	if srcHeld != nil {
		held = append(challenge.HeldBadges(words[capDone:capDone:capDone+capHeld]), srcHeld...)
	} else {
		held = nil
	}
	return done, held
}

// place stores v in the newest block of blk, starting a new block of n
// values when that one is full, and returns where v lives. A block is
// never grown, so the pointer stays valid for as long as the store holds
// it: records cost no allocation of their own.
func place[T any](blk *[]T, n int, v T) *T {
	if len(*blk) == cap(*blk) {
		*blk = make([]T, 0, n)
	}
	*blk = append(*blk, v)
	return &(*blk)[len(*blk)-1]
}

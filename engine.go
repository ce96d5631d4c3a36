package habitkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Engine runs habit programmes over a storage.Store. It owns every rule:
// validation, local days, idempotency, streaks, points and levels, and
// event delivery. It is safe for concurrent use, and several Engines (in
// several processes) may share one database.
type Engine struct {
	store  storage.Store
	clock  Clock
	log    *slog.Logger
	opts   Options
	zones  challenge.LocationCache
	locate challenge.Locator
	ids    *idSource
	ranks  rankindex.Index
	// enrolments caches enrolments this Engine wrote (nil: no cache).
	enrolments *enrolmentCache

	completeOps sync.Pool // *completeOp

	// leaks counts items a store returned to a reader who may not read
	// them (dropped by the engine's own CanRead check): adapter bugs.
	leaks atomic.Int64

	// programmes caches validated programme versions. Versions are
	// immutable, so the cache can never be stale.
	programmes sync.Map // programmeKey -> *challenge.Programme

	mu       sync.RWMutex
	handlers map[int]func(Event)
	nextID   int
}

type programmeKey struct {
	id      string
	version int
}

// New returns an Engine over store. opts may be nil for the defaults.
func New(store storage.Store, opts *Options) (*Engine, error) {
	if store == nil {
		return nil, &ValidationError{Field: "store", Reason: "must not be nil"}
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	if o.Badges != nil {
		own := make(map[string][]badge.Definition, len(o.Badges))
		for id, defs := range o.Badges {
			own[id] = slices.Clone(defs)
		}
		o.Badges = own
	}
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("habitkit: new: %w", err)
	}
	e := &Engine{store: store, clock: o.Clock, log: o.Logger, opts: o, handlers: map[int]func(Event){}, ids: newIDSource()}
	e.locate = e.zones.Load
	e.ranks = o.RankIndex
	if e.ranks == nil {
		e.ranks = rankindex.NewLocal()
	}
	e.enrolments = newEnrolmentCache(o.EnrolmentCache)
	e.completeOps.New = func() any { return newCompleteOp(e) }
	return e, nil
}

// Subscribe registers h to receive every event after its transaction
// commits, and returns a function that removes it. Handlers run on the
// caller's goroutine in registration order; they must be quick.
func (e *Engine) Subscribe(h func(Event)) (cancel func()) {
	e.mu.Lock()
	id := e.nextID
	e.nextID++
	e.handlers[id] = h
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		delete(e.handlers, id)
		e.mu.Unlock()
	}
}

func (e *Engine) hasListeners() bool {
	if e.opts.OnEvent != nil {
		return true
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.handlers) > 0
}

// deliver hands committed events to OnEvent and the subscribers. A panicking
// handler is logged and does not stop the others: the data is committed, and
// the caller must not be told the call failed.
func (e *Engine) deliver(events []Event) {
	if len(events) == 0 {
		return
	}
	e.mu.RLock()
	ids := make([]int, 0, len(e.handlers))
	for id := range e.handlers {
		ids = append(ids, id)
	}
	hs := make([]func(Event), 0, len(ids)+1)
	if e.opts.OnEvent != nil {
		hs = append(hs, e.opts.OnEvent)
	}
	slices.Sort(ids)
	for _, id := range ids {
		hs = append(hs, e.handlers[id])
	}
	e.mu.RUnlock()
	for _, ev := range events {
		for _, h := range hs {
			e.safeCall(h, ev)
		}
	}
}

func (e *Engine) safeCall(h func(Event), ev Event) {
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("habitkit: event handler panicked", "event", fmt.Sprintf("%T", ev), "panic", r)
		}
	}()
	h(ev)
}

// update runs fn in a storage transaction and re-runs it when a concurrent
// writer won a uniqueness or version check (storage.ErrConflict): the
// re-run reads the winner's data and normally turns into a replay. fn must
// reset whatever it collects at its start, since it may run several times.
//
// With the enrolment cache on, the enrolments fn updates are dropped from
// the cache once the transaction commits (Complete, which keeps the cache,
// uses retryUpdate).
func (e *Engine) update(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if e.enrolments == nil {
		return e.retryUpdate(ctx, fn)
	}
	var updated []uuid.UUID
	err := e.retryUpdate(ctx, func(ctx context.Context, tx storage.Tx) error {
		updated = updated[:0]
		return fn(ctx, trackingTx{Tx: tx, updated: &updated})
	})
	if err == nil {
		e.enrolments.drop(updated...)
	}
	return err
}

// retryUpdate is update without the cache's bookkeeping.
func (e *Engine) retryUpdate(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = e.store.Update(ctx, fn)
		if err == nil || !errors.Is(err, storage.ErrConflict) || attempt >= e.opts.MaxConflictRetries {
			return err
		}
		if errors.Is(err, errNoRetry) {
			return err
		}
		e.log.Debug("habitkit: retrying after conflict", "attempt", attempt+1, "err", err)
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// errNoRetry marks a conflict that a re-run cannot resolve (such as a
// participant who is already enrolled).
var errNoRetry = errors.New("not retryable")

func backoff(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return ctx.Err()
	}
	d := time.Duration(1<<min(attempt, 6)) * 200 * time.Microsecond
	d = d/2 + time.Duration(rand.Int64N(int64(d)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// edition is one published version of a programme with its badges and
// reflection settings. Editions are immutable and shared by every call:
// never modify one.
type edition struct {
	p        *challenge.Programme
	version  int
	badges   []badge.Definition
	plan     *badge.Plan // badges prepared for evaluation
	boards   leaderboard.Settings
	settings reflection.Settings
}

// board returns the edition's board with id, or nil.
func (ed *edition) board(id string) *leaderboard.Board {
	for i := range ed.boards.Boards {
		if ed.boards.Boards[i].ID == id {
			return &ed.boards.Boards[i]
		}
	}
	return nil
}

// storedDefinition is how a published version is stored: the programme and
// the badges and reflection settings declared with it, as JSON. Versions
// stored without reflection settings use the defaults.
type storedDefinition struct {
	Programme   *challenge.Programme `json:"programme"`
	Badges      []badge.Definition   `json:"badges,omitempty"`
	Reflections *reflection.Settings `json:"reflections,omitempty"`
	// Leaderboards holds the programme's boards and opt-out rule.
	Leaderboards leaderboard.Settings `json:"leaderboards,omitzero"`
}

// edition returns the validated version of programme id, from the cache
// when possible. version 0 means the latest (never cached: it can change).
func (e *Engine) edition(ctx context.Context, tx storage.ReadTx, id string, version int) (*edition, error) {
	if version > 0 {
		if ed, ok := e.programmes.Load(programmeKey{id, version}); ok {
			return ed.(*edition), nil
		}
	}
	rec, err := tx.GetProgramme(ctx, id, version)
	if err != nil {
		return nil, fmt.Errorf("programme %s: %w", id, err)
	}
	key := programmeKey{rec.ID, rec.Version}
	if ed, ok := e.programmes.Load(key); ok {
		return ed.(*edition), nil
	}
	var def storedDefinition
	if err := json.Unmarshal(rec.Definition, &def); err != nil || def.Programme == nil {
		return nil, fmt.Errorf("programme %s version %d: stored definition unreadable: %v", id, rec.Version, err)
	}
	if err := def.Programme.Validate(); err != nil {
		return nil, fmt.Errorf("programme %s version %d: stored definition: %w", id, rec.Version, err)
	}
	ed := &edition{p: def.Programme, version: rec.Version, badges: def.Badges, boards: def.Leaderboards, settings: reflection.DefaultSettings()}
	if def.Reflections != nil {
		if err := def.Reflections.Validate(); err != nil {
			return nil, fmt.Errorf("programme %s version %d: stored reflection settings: %w", id, rec.Version, err)
		}
		ed.settings = *def.Reflections
	}
	if extra := e.opts.Badges[id]; len(extra) > 0 {
		ed.badges = append(slices.Clip(ed.badges), extra...)
		if err := badge.Validate(ed.badges, ed.p); err != nil {
			return nil, fmt.Errorf("programme %s version %d: Options.Badges: %w", id, rec.Version, err)
		}
	}
	ed.plan = badge.NewPlan(ed.badges, ed.p)
	actual, _ := e.programmes.LoadOrStore(key, ed)
	return actual.(*edition), nil
}

// programme returns the programme of edition (id, version); see edition.
func (e *Engine) programme(ctx context.Context, tx storage.ReadTx, id string, version int) (*challenge.Programme, int, error) {
	ed, err := e.edition(ctx, tx, id, version)
	if err != nil {
		return nil, 0, err
	}
	return ed.p, ed.version, nil
}

// header builds the event header for en at now.
func header(en *challenge.Enrolment, now time.Time) EventHeader {
	return EventHeader{ProgrammeID: en.ProgrammeID, EnrolmentID: en.ID, ParticipantID: en.ParticipantID, At: now}
}

// changeEvents turns domain changes into events.
func changeEvents(p *challenge.Programme, h EventHeader, changes []challenge.Change, out []Event) []Event {
	for _, c := range changes {
		switch c.Kind {
		case challenge.StreakExtended:
			out = append(out, StreakExtended{EventHeader: h, Day: c.Day, Streak: c.Streak})
		case challenge.StreakBroken:
			out = append(out, StreakBroken{EventHeader: h, Day: c.Day, Streak: c.Streak})
		case challenge.FreezeEarned:
			out = append(out, FreezeEarned{EventHeader: h, Day: c.Day, Freezes: c.Freezes})
		case challenge.FreezeUsed:
			out = append(out, FreezeUsed{EventHeader: h, Day: c.Day, Freezes: c.Freezes})
		case challenge.BonusEarned:
			out = append(out, StreakBonusEarned{EventHeader: h, Streak: c.Streak, Points: c.Points})
		case challenge.LevelReached:
			name := ""
			if c.Level >= 1 && c.Level <= len(p.Levels) {
				name = p.Levels[c.Level-1].Name
			}
			out = append(out, LevelReached{EventHeader: h, Level: c.Level, Name: name, Points: c.Points})
		}
	}
	return out
}

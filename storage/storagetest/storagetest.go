package storagetest

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// Run runs the conformance suite against the stores that newStore makes.
// newStore must return a fresh, empty store each time it is called, and
// register its own cleanup with t.Cleanup. It is the same as
// Suite{NewStore: newStore}.Run(t).
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	Suite{NewStore: newStore}.Run(t)
}

// Suite is the conformance suite with the optional capabilities an adapter
// declares. Use it instead of [Run] to enable more cases.
type Suite struct {
	// NewStore returns a fresh, empty store and registers its cleanup with
	// t.Cleanup. The cleanup must tolerate a store that the suite has
	// already closed (Close then returns storage.ErrClosed).
	NewStore func(t *testing.T) storage.Store
	// Features declares optional capabilities.
	Features Features
}

// Features declares what an adapter can do beyond the contract's minimum.
// The zero Features declares nothing; cases that need a capability are
// skipped with a message naming the field.
type Features struct {
	// Reopen returns a second handle on the same data as s, as another
	// process sharing the database would open it, and registers its
	// cleanup with t.Cleanup. When set, the concurrency cases also run
	// with their writers split across two handles, which is how several
	// app instances share one PostgreSQL or MySQL database.
	Reopen func(t *testing.T, s storage.Store) storage.Store
	// WriteDuringView declares that an Update can commit while a View is
	// still running (snapshot isolation: PostgreSQL, MySQL/InnoDB, SQLite
	// in WAL mode with more than one connection). The suite then commits a
	// write in the middle of a View and checks that the View does not see
	// it. Leave it false when a running View makes writers wait (as the
	// memory adapter's read lock does): that case would deadlock.
	WriteDuringView bool
}

// Run runs every case of the suite as subtests of t, grouped by noun:
// Programmes, Enrolments (with the optional storage.EnrolmentLoader, when
// the store's transactions have it), Completions (with the optional
// storage.CompletionRecorder, likewise),
// Audit, Awards, Scores, Reflections, Tx, Copies, Paging and Concurrency
// (Awards, Scores and Reflections hold their own rollback, copy, paging and
// concurrency cases). Cases within a group run in parallel on one shared
// store; a few ask NewStore for a store of their own.
func (s Suite) Run(t *testing.T) {
	if s.NewStore == nil {
		t.Fatal("storagetest: Suite.NewStore is nil")
	}
	h := &harness{suite: s, store: s.NewStore(t)}
	t.Run("Programmes", h.testProgrammes)
	t.Run("Enrolments", h.testEnrolments)
	t.Run("Completions", h.testCompletions)
	t.Run("CompletionRecorder", h.testCompletionRecorder)
	t.Run("EnrolmentLoader", h.testEnrolmentLoader)
	t.Run("Audit", h.testAudit)
	t.Run("Awards", h.testAwards)
	t.Run("Scores", h.testScores)
	t.Run("Reflections", h.testReflections)
	t.Run("Tx", h.testTx)
	t.Run("Copies", h.testCopies)
	t.Run("Paging", h.testPaging)
	t.Run("Concurrency", h.testConcurrency)
}

// harness is the state shared by the cases of one Suite.Run.
type harness struct {
	suite Suite
	// store is shared by every case: each case makes its own IDs, so
	// cases never see each other's records (except through
	// ListProgrammes, whose cases use a fresh store).
	store storage.Store
}

// fresh returns a new empty store for a case that needs one to itself.
func (h *harness) fresh(t *testing.T) storage.Store {
	t.Helper()
	s := h.suite.NewStore(t)
	require.NotNil(t, s, "Suite.NewStore must return a store")
	return s
}

// newID returns a new UUIDv7.
func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// uniq returns prefix followed by a new unique suffix, so that cases (and
// repeated runs against a persistent database) never share IDs.
func uniq(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(newID().String(), "-", "")
}

// sortedIDs returns n new UUIDs in byte order.
func sortedIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = newID()
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// base is the suite's reference instant. It has a microsecond fraction and
// a zone other than UTC: adapters must keep the instant to the microsecond
// and return it in UTC.
var base = time.Date(2025, 3, 30, 0, 59, 58, 123456000, time.FixedZone("IST", 5*3600+1800))

// at returns base plus sec seconds and us microseconds.
func at(sec, us int) time.Time {
	return base.Add(time.Duration(sec)*time.Second + time.Duration(us)*time.Microsecond)
}

func mustUpdate(t testing.TB, s storage.Store, fn func(ctx context.Context, tx storage.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(t.Context(), fn), "an Update whose function succeeds must commit without error")
}

func mustView(t testing.TB, s storage.Store, fn func(ctx context.Context, tx storage.ReadTx) error) {
	t.Helper()
	require.NoError(t, s.View(t.Context(), fn), "a View whose function succeeds must return no error")
}

// scope is one case's programme: its own ID, so that cases running in
// parallel on one store never meet.
type scope struct {
	store     storage.Store
	programme string
	n         int // participants made so far
}

// newScope inserts version 1 of a new programme into s.
func newScope(t testing.TB, s storage.Store) *scope {
	t.Helper()
	sc := &scope{store: s, programme: uniq("prog")}
	mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertProgramme(ctx, programmeVersion(sc.programme, 1))
	})
	return sc
}

// programmeVersion returns a sample programme version.
func programmeVersion(id string, version int) storage.Programme {
	return storage.Programme{
		ID:      id,
		Version: version,
		// Odd spacing and key order: adapters store the bytes as they are,
		// so a JSON column that normalises them fails.
		Definition:  []byte(`{"id": "` + id + `",  "version":` + strconv.Itoa(version) + `, "b": [1, 2], "a": "\u00e9"}`),
		PublishedAt: at(version*3600, version),
	}
}

// enrolment returns an enrolment in sc with every field set, not yet
// stored.
func (sc *scope) enrolment() challenge.Enrolment {
	sc.n++
	return challenge.Enrolment{
		ID:               newID(),
		ProgrammeID:      sc.programme,
		ProgrammeVersion: 1,
		ParticipantID:    challenge.ParticipantID("participant-" + strconv.Itoa(sc.n)),
		TeamID:           "team-red",
		CohortID:         "cohort-spring",
		Start:            challenge.NewDate(2025, 3, 3),
		FirstDay:         2,
		Zones: []challenge.ZoneChange{
			{From: at(-7200, 1), Zone: "Europe/London"},
			{From: at(3*86400+7, 999999), Zone: "America/New_York"},
		},
		Rota: challenge.Rota{Start: challenge.NewDate(2025, 3, 1), On: 4, Off: 4},
		Absences: []challenge.Absence{
			{From: challenge.NewDate(2025, 3, 10), To: challenge.NewDate(2025, 3, 12), Reason: "leave"},
			{From: challenge.NewDate(2025, 3, 20), To: challenge.NewDate(2025, 3, 20)},
		},
		EnrolledAt: at(-3600, 42),
		Version:    1,
		Progress: challenge.Progress{
			// The top bit of a word catches adapters that store words as
			// signed integers without converting back.
			Done:        challenge.Days{0b1011_0110, 1 << 63},
			Settled:     5,
			Run:         3,
			Current:     4,
			Longest:     9,
			Freezes:     1,
			FreezesUsed: 2,
			Strength:    0.8125,
			Completed:   6,
			Points:      130,
			Level:       2,
		},
		// Held badges span two words: slots 0, 3 and 70; the layout's
		// fingerprint has its top bit set.
		Badges:        challenge.HeldBadges{1 | 1<<3, 1 << (70 - 64)},
		BadgeLayout:   0xdead_beef,
		BoardsOptOut:  true,
		FinalPosition: 3,
	}
}

// minimalEnrolment returns an enrolment in sc with only the fields the
// engine always sets.
func (sc *scope) minimalEnrolment() challenge.Enrolment {
	e := sc.enrolment()
	e.TeamID, e.CohortID = "", ""
	e.FirstDay = 1
	e.Zones = e.Zones[:1]
	e.Rota = challenge.Rota{}
	e.Absences = nil
	e.Progress = challenge.Progress{}
	e.Badges, e.BadgeLayout = nil, 0
	return e
}

// mustEnrol stores n new enrolments made by mk (sc.enrolment when nil).
func (sc *scope) mustEnrol(t testing.TB, n int, mk func() challenge.Enrolment) []challenge.Enrolment {
	t.Helper()
	if mk == nil {
		mk = sc.enrolment
	}
	es := repeat(n, mk)
	mustUpdate(t, sc.store, func(ctx context.Context, tx storage.Tx) error {
		for _, e := range es {
			if err := tx.InsertEnrolment(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return es
}

func repeat[T any](n int, f func() T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f()
	}
	return out
}

// completion returns a completion of e with every field set but
// Revocation, not yet stored.
func completion(e challenge.Enrolment, day int, activity string) challenge.Completion {
	return challenge.Completion{
		ID:             newID(),
		CompletionKey:  challenge.CompletionKey{EnrolmentID: e.ID, Day: day, ActivityID: activity},
		ProgrammeID:    e.ProgrammeID,
		VariationID:    "variation-" + activity,
		IdempotencyKey: uniq("idem"),
		CompletedAt:    at(day*86400+100, day),
		Points:         10 + day,
		Outcome:        challenge.Snapshot{Streak: day, Longest: day + 2, Points: 10 * day, Level: 1, Freezes: 2},
	}
}

func mustInsertCompletions(t testing.TB, s storage.Store, cs ...challenge.Completion) {
	t.Helper()
	mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
		for _, c := range cs {
			if err := tx.InsertCompletion(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// revocation returns a sample revocation.
func revocation(actor string) challenge.Revocation {
	return challenge.Revocation{At: at(40*86400, 7), Actor: actor, Reason: "duplicate entry"}
}

// auditEntry returns an audit entry with every field set, not yet stored.
func auditEntry(id uuid.UUID, programme string, enrolment uuid.UUID) storage.AuditEntry {
	return storage.AuditEntry{
		ID:          id,
		ProgrammeID: programme,
		EnrolmentID: enrolment,
		Action:      "completion.revoked",
		Actor:       "admin-7",
		Reason:      "entered twice",
		Subject:     "day 3 / activity walk",
		At:          at(9*86400, 3),
	}
}

// Values returned by an adapter are compared after normalising what the
// contract leaves open: nil versus empty slices, and the time zone (which
// assertUTC checks separately).

func normEnrolment(e challenge.Enrolment) challenge.Enrolment {
	e = e.Clone()
	e.EnrolledAt = e.EnrolledAt.UTC()
	for i := range e.Zones {
		e.Zones[i].From = e.Zones[i].From.UTC()
	}
	if len(e.Zones) == 0 {
		e.Zones = nil
	}
	if len(e.Absences) == 0 {
		e.Absences = nil
	}
	if len(e.Progress.Done) == 0 {
		e.Progress.Done = nil
	}
	return e
}

func normCompletion(c challenge.Completion) challenge.Completion {
	c = c.Clone()
	c.CompletedAt = c.CompletedAt.UTC()
	if c.Revocation != nil {
		c.Revocation.At = c.Revocation.At.UTC()
	}
	return c
}

func normProgramme(p storage.Programme) storage.Programme {
	p.PublishedAt = p.PublishedAt.UTC()
	if len(p.Definition) == 0 {
		p.Definition = nil
	}
	return p
}

func normAudit(a storage.AuditEntry) storage.AuditEntry {
	a.At = a.At.UTC()
	return a
}

const utcSentence = "times must be returned in UTC"

func assertUTC(t testing.TB, what string, ts ...time.Time) {
	t.Helper()
	for i, tm := range ts {
		assert.Equal(t, time.UTC, tm.Location(), "%s: %s (time %d is %v)", utcSentence, what, i, tm)
	}
}

func assertEnrolment(t testing.TB, sentence string, want, got challenge.Enrolment) {
	t.Helper()
	ts := []time.Time{got.EnrolledAt}
	for _, z := range got.Zones {
		ts = append(ts, z.From)
	}
	assertUTC(t, "enrolment "+got.ID.String(), ts...)
	assert.Equal(t, normEnrolment(want), normEnrolment(got), sentence)
}

func assertCompletion(t testing.TB, sentence string, want, got challenge.Completion) {
	t.Helper()
	ts := []time.Time{got.CompletedAt}
	if got.Revocation != nil {
		ts = append(ts, got.Revocation.At)
	}
	assertUTC(t, "completion "+got.ID.String(), ts...)
	assert.Equal(t, normCompletion(want), normCompletion(got), sentence)
}

func assertProgramme(t testing.TB, sentence string, want, got storage.Programme) {
	t.Helper()
	assertUTC(t, "programme "+got.ID, got.PublishedAt)
	assert.Equal(t, normProgramme(want), normProgramme(got), sentence)
}

func assertAudit(t testing.TB, sentence string, want, got []storage.AuditEntry) {
	t.Helper()
	for _, a := range got {
		assertUTC(t, "audit entry "+a.ID.String(), a.At)
	}
	assert.Equal(t, mapSlice(want, normAudit), mapSlice(got, normAudit), sentence)
}

func mapSlice[T, U any](s []T, f func(T) U) []U {
	if len(s) == 0 {
		return nil
	}
	out := make([]U, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// viewOne runs get in a View of its own and returns what it returned; the
// get… helpers below are it for one record each.
func viewOne[T any](t testing.TB, s storage.Store, get func(ctx context.Context, tx storage.ReadTx) (T, error)) (T, error) {
	t.Helper()
	var v T
	var err error
	mustView(t, s, func(ctx context.Context, tx storage.ReadTx) error {
		v, err = get(ctx, tx)
		return nil
	})
	return v, err
}

// getEnrolment reads one enrolment in its own View.
func getEnrolment(t testing.TB, s storage.Store, id uuid.UUID) (challenge.Enrolment, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (challenge.Enrolment, error) {
		return tx.GetEnrolment(ctx, id)
	})
}

// getCompletion reads one completion in its own View.
func getCompletion(t testing.TB, s storage.Store, key challenge.CompletionKey) (challenge.Completion, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (challenge.Completion, error) {
		return tx.GetCompletion(ctx, key)
	})
}

// getProgramme reads one programme version in its own View.
func getProgramme(t testing.TB, s storage.Store, id string, version int) (storage.Programme, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (storage.Programme, error) {
		return tx.GetProgramme(ctx, id, version)
	})
}

// listAll walks a listing to its end, each page in its own View.
// lister reads one page of a listing.
type lister[T any] func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[T], error)

func listAll[T any](t testing.TB, s storage.Store, list lister[T]) []T {
	t.Helper()
	var all []T
	var cursor storage.Cursor
	for range 10000 {
		var page storage.Page[T]
		mustView(t, s, func(ctx context.Context, tx storage.ReadTx) error {
			var err error
			page, err = list(ctx, tx, cursor, 0)
			return err
		})
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
	require.FailNow(t, "a listing walked by its cursors must end")
	return nil
}

func listEnrolments(f storage.EnrolmentFilter) lister[challenge.Enrolment] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[challenge.Enrolment], error) {
		return tx.ListEnrolments(ctx, f, c, limit)
	}
}

func listCompletions(f storage.CompletionFilter) lister[challenge.Completion] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[challenge.Completion], error) {
		return tx.ListCompletions(ctx, f, c, limit)
	}
}

func listAudit(f storage.AuditFilter) lister[storage.AuditEntry] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[storage.AuditEntry], error) {
		return tx.ListAudit(ctx, f, c, limit)
	}
}

func listProgrammes(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[storage.Programme], error) {
	return tx.ListProgrammes(ctx, c, limit)
}

func enrolmentIDs(es []challenge.Enrolment) []uuid.UUID {
	return mapSlice(es, func(e challenge.Enrolment) uuid.UUID { return e.ID })
}

func sortEnrolments(es []challenge.Enrolment) []challenge.Enrolment {
	es = slices.Clone(es)
	slices.SortFunc(es, func(a, b challenge.Enrolment) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return es
}

// secondHandle returns a second handle on the store's data (as a second
// process would have), or skips t when the adapter declares none.
func (h *harness) secondHandle(t *testing.T) storage.Store {
	t.Helper()
	if h.suite.Features.Reopen == nil {
		t.Skip("storagetest: the adapter does not declare Features.Reopen (a second handle on the same data), so the cases with writers in two processes are skipped")
	}
	second := h.suite.Features.Reopen(t, h.store)
	require.NotNil(t, second, "Features.Reopen must return a store")
	return second
}

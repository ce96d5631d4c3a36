package storefault

import (
	"context"
	"errors"
	"sync"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// ErrInjected is the error a Store returns for the call chosen to fail.
var ErrInjected = errors.New("storefault: injected failure")

// Store wraps another store. Calls are counted across transactions from the
// last Reset; the zero failure settings fail nothing.
type Store struct {
	storage.Store

	mu         sync.Mutex
	calls      int
	failAt     int
	failCommit bool
	err        error
	names      []string
	before     func(name string)
}

// New wraps s.
func New(s storage.Store) *Store { return &Store{Store: s} }

// Reset clears the call count and makes call n (1-based) fail; n = 0 fails
// no call. With commit true, a transaction whose function succeeded fails
// at commit instead (and is rolled back).
func (s *Store) Reset(n int, commit bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.failAt, s.failCommit, s.names = 0, n, commit, nil
}

// SetError makes the chosen call return err instead of ErrInjected (for
// example storage.ErrConflict, which makes the engine re-run the call).
func (s *Store) SetError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

func (s *Store) injected() error {
	if s.err != nil {
		return s.err
	}
	return ErrInjected
}

// Before makes every storage call first run hook with the call's name,
// outside the Store's lock, so that a test can hold a transaction at a
// chosen call while another runs. nil removes the hook.
func (s *Store) Before(hook func(name string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = hook
}

// Calls returns the names of the storage calls made since Reset, in order.
func (s *Store) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.names...)
}

func (s *Store) hit(name string) error {
	s.mu.Lock()
	hook := s.before
	s.mu.Unlock()
	if hook != nil {
		hook(name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.names = append(s.names, name)
	if s.calls == s.failAt {
		return s.injected()
	}
	return nil
}

// Update runs fn with a transaction whose calls may fail.
func (s *Store) Update(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	return s.Store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		if err := fn(ctx, &faultTx{tx: tx, s: s}); err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.failCommit {
			s.failCommit = false // fail one commit only, so a retry can succeed
			return s.injected()
		}
		return nil
	})
}

// View runs fn with a read transaction whose calls may fail.
func (s *Store) View(ctx context.Context, fn func(ctx context.Context, tx storage.ReadTx) error) error {
	return s.Store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		return fn(ctx, &faultTx{rtx: tx, s: s})
	})
}

type faultTx struct {
	tx  storage.Tx
	rtx storage.ReadTx
	s   *Store
}

func (f *faultTx) r() storage.ReadTx {
	if f.tx != nil {
		return f.tx
	}
	return f.rtx
}

func (f *faultTx) GetProgramme(ctx context.Context, id string, version int) (storage.Programme, error) {
	if err := f.s.hit("GetProgramme"); err != nil {
		return storage.Programme{}, err
	}
	return f.r().GetProgramme(ctx, id, version)
}

func (f *faultTx) ListProgrammes(ctx context.Context, c storage.Cursor, limit int) (storage.Page[storage.Programme], error) {
	if err := f.s.hit("ListProgrammes"); err != nil {
		return storage.Page[storage.Programme]{}, err
	}
	return f.r().ListProgrammes(ctx, c, limit)
}

func (f *faultTx) InsertProgramme(ctx context.Context, p storage.Programme) error {
	if err := f.s.hit("InsertProgramme"); err != nil {
		return err
	}
	return f.tx.InsertProgramme(ctx, p)
}

func (f *faultTx) GetEnrolment(ctx context.Context, id uuid.UUID) (challenge.Enrolment, error) {
	if err := f.s.hit("GetEnrolment"); err != nil {
		return challenge.Enrolment{}, err
	}
	return f.r().GetEnrolment(ctx, id)
}

func (f *faultTx) GetEnrolmentByParticipant(ctx context.Context, programmeID string, p challenge.ParticipantID) (challenge.Enrolment, error) {
	if err := f.s.hit("GetEnrolmentByParticipant"); err != nil {
		return challenge.Enrolment{}, err
	}
	return f.r().GetEnrolmentByParticipant(ctx, programmeID, p)
}

func (f *faultTx) ListEnrolments(ctx context.Context, fl storage.EnrolmentFilter, c storage.Cursor, limit int) (storage.Page[challenge.Enrolment], error) {
	if err := f.s.hit("ListEnrolments"); err != nil {
		return storage.Page[challenge.Enrolment]{}, err
	}
	return f.r().ListEnrolments(ctx, fl, c, limit)
}

func (f *faultTx) InsertEnrolment(ctx context.Context, e challenge.Enrolment) error {
	if err := f.s.hit("InsertEnrolment"); err != nil {
		return err
	}
	return f.tx.InsertEnrolment(ctx, e)
}

func (f *faultTx) UpdateEnrolment(ctx context.Context, e challenge.Enrolment) error {
	if err := f.s.hit("UpdateEnrolment"); err != nil {
		return err
	}
	return f.tx.UpdateEnrolment(ctx, e)
}

func (f *faultTx) GetCompletion(ctx context.Context, k challenge.CompletionKey) (challenge.Completion, error) {
	if err := f.s.hit("GetCompletion"); err != nil {
		return challenge.Completion{}, err
	}
	return f.r().GetCompletion(ctx, k)
}

func (f *faultTx) GetCompletionByIdempotencyKey(ctx context.Context, key string) (challenge.Completion, error) {
	if err := f.s.hit("GetCompletionByIdempotencyKey"); err != nil {
		return challenge.Completion{}, err
	}
	return f.r().GetCompletionByIdempotencyKey(ctx, key)
}

func (f *faultTx) ListCompletions(ctx context.Context, fl storage.CompletionFilter, c storage.Cursor, limit int) (storage.Page[challenge.Completion], error) {
	if err := f.s.hit("ListCompletions"); err != nil {
		return storage.Page[challenge.Completion]{}, err
	}
	return f.r().ListCompletions(ctx, fl, c, limit)
}

func (f *faultTx) InsertCompletion(ctx context.Context, c challenge.Completion) error {
	if err := f.s.hit("InsertCompletion"); err != nil {
		return err
	}
	return f.tx.InsertCompletion(ctx, c)
}

func (f *faultTx) RevokeCompletion(ctx context.Context, k challenge.CompletionKey, r challenge.Revocation) error {
	if err := f.s.hit("RevokeCompletion"); err != nil {
		return err
	}
	return f.tx.RevokeCompletion(ctx, k, r)
}

func (f *faultTx) ListAudit(ctx context.Context, fl storage.AuditFilter, c storage.Cursor, limit int) (storage.Page[storage.AuditEntry], error) {
	if err := f.s.hit("ListAudit"); err != nil {
		return storage.Page[storage.AuditEntry]{}, err
	}
	return f.r().ListAudit(ctx, fl, c, limit)
}

func (f *faultTx) InsertAudit(ctx context.Context, e storage.AuditEntry) error {
	if err := f.s.hit("InsertAudit"); err != nil {
		return err
	}
	return f.tx.InsertAudit(ctx, e)
}

func (f *faultTx) GetAward(ctx context.Context, k storage.AwardKey) (storage.Award, error) {
	if err := f.s.hit("GetAward"); err != nil {
		return storage.Award{}, err
	}
	return f.r().GetAward(ctx, k)
}

func (f *faultTx) ListAwards(ctx context.Context, id uuid.UUID, c storage.Cursor, limit int) (storage.Page[storage.Award], error) {
	if err := f.s.hit("ListAwards"); err != nil {
		return storage.Page[storage.Award]{}, err
	}
	return f.r().ListAwards(ctx, id, c, limit)
}

func (f *faultTx) CountHolders(ctx context.Context, programmeID string) (map[string]int, error) {
	if err := f.s.hit("CountHolders"); err != nil {
		return nil, err
	}
	return f.r().CountHolders(ctx, programmeID)
}

func (f *faultTx) InsertAward(ctx context.Context, a storage.Award) error {
	if err := f.s.hit("InsertAward"); err != nil {
		return err
	}
	return f.tx.InsertAward(ctx, a)
}

func (f *faultTx) DeleteAward(ctx context.Context, k storage.AwardKey) error {
	if err := f.s.hit("DeleteAward"); err != nil {
		return err
	}
	return f.tx.DeleteAward(ctx, k)
}

func (f *faultTx) GetScore(ctx context.Context, k storage.BoardKey, subject string) (storage.Score, error) {
	if err := f.s.hit("GetScore"); err != nil {
		return storage.Score{}, err
	}
	return f.r().GetScore(ctx, k, subject)
}

func (f *faultTx) ListScores(ctx context.Context, k storage.BoardKey, fl storage.ScoreFilter, c storage.Cursor, limit int) (storage.Page[storage.Score], error) {
	if err := f.s.hit("ListScores"); err != nil {
		return storage.Page[storage.Score]{}, err
	}
	return f.r().ListScores(ctx, k, fl, c, limit)
}

func (f *faultTx) ListSubjectScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	if err := f.s.hit("ListSubjectScores"); err != nil {
		return nil, err
	}
	return f.r().ListSubjectScores(ctx, programmeID, subject)
}

func (f *faultTx) AddScore(ctx context.Context, k storage.BoardKey, subject string, d storage.ScoreDelta) (storage.Score, error) {
	if err := f.s.hit("AddScore"); err != nil {
		return storage.Score{}, err
	}
	return f.tx.AddScore(ctx, k, subject, d)
}

func (f *faultTx) SetScoresHidden(ctx context.Context, programmeID, subject string, hidden bool) ([]storage.Score, error) {
	if err := f.s.hit("SetScoresHidden"); err != nil {
		return nil, err
	}
	return f.tx.SetScoresHidden(ctx, programmeID, subject, hidden)
}

func (f *faultTx) DeleteScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	if err := f.s.hit("DeleteScores"); err != nil {
		return nil, err
	}
	return f.tx.DeleteScores(ctx, programmeID, subject)
}

func (f *faultTx) GetReflection(ctx context.Context, id uuid.UUID) (reflection.Reflection, error) {
	if err := f.s.hit("GetReflection"); err != nil {
		return reflection.Reflection{}, err
	}
	return f.r().GetReflection(ctx, id)
}

func (f *faultTx) GetReflectionByKey(ctx context.Context, k storage.ReflectionKey) (reflection.Reflection, error) {
	if err := f.s.hit("GetReflectionByKey"); err != nil {
		return reflection.Reflection{}, err
	}
	return f.r().GetReflectionByKey(ctx, k)
}

func (f *faultTx) ListReflections(ctx context.Context, q storage.FeedQuery, c storage.Cursor, limit int) (storage.Page[reflection.Reflection], error) {
	if err := f.s.hit("ListReflections"); err != nil {
		return storage.Page[reflection.Reflection]{}, err
	}
	return f.r().ListReflections(ctx, q, c, limit)
}

func (f *faultTx) GetResponse(ctx context.Context, id uuid.UUID) (reflection.Response, error) {
	if err := f.s.hit("GetResponse"); err != nil {
		return reflection.Response{}, err
	}
	return f.r().GetResponse(ctx, id)
}

func (f *faultTx) ListResponses(ctx context.Context, id uuid.UUID, c storage.Cursor, limit int) (storage.Page[reflection.Response], error) {
	if err := f.s.hit("ListResponses"); err != nil {
		return storage.Page[reflection.Response]{}, err
	}
	return f.r().ListResponses(ctx, id, c, limit)
}

func (f *faultTx) GetReaction(ctx context.Context, id uuid.UUID, by challenge.ParticipantID) (reflection.Reaction, error) {
	if err := f.s.hit("GetReaction"); err != nil {
		return reflection.Reaction{}, err
	}
	return f.r().GetReaction(ctx, id, by)
}

func (f *faultTx) ListReactionsBy(ctx context.Context, by challenge.ParticipantID, ids []uuid.UUID) ([]reflection.Reaction, error) {
	if err := f.s.hit("ListReactionsBy"); err != nil {
		return nil, err
	}
	return f.r().ListReactionsBy(ctx, by, ids)
}

func (f *faultTx) InsertReflection(ctx context.Context, r reflection.Reflection) error {
	if err := f.s.hit("InsertReflection"); err != nil {
		return err
	}
	return f.tx.InsertReflection(ctx, r)
}

func (f *faultTx) UpdateReflection(ctx context.Context, r reflection.Reflection) error {
	if err := f.s.hit("UpdateReflection"); err != nil {
		return err
	}
	return f.tx.UpdateReflection(ctx, r)
}

func (f *faultTx) InsertResponse(ctx context.Context, r reflection.Response) error {
	if err := f.s.hit("InsertResponse"); err != nil {
		return err
	}
	return f.tx.InsertResponse(ctx, r)
}

func (f *faultTx) UpdateResponse(ctx context.Context, r reflection.Response) error {
	if err := f.s.hit("UpdateResponse"); err != nil {
		return err
	}
	return f.tx.UpdateResponse(ctx, r)
}

func (f *faultTx) PutReaction(ctx context.Context, r reflection.Reaction) error {
	if err := f.s.hit("PutReaction"); err != nil {
		return err
	}
	return f.tx.PutReaction(ctx, r)
}

func (f *faultTx) DeleteReaction(ctx context.Context, id uuid.UUID, by challenge.ParticipantID) error {
	if err := f.s.hit("DeleteReaction"); err != nil {
		return err
	}
	return f.tx.DeleteReaction(ctx, id, by)
}

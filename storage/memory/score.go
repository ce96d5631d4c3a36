package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// scoreBoard holds the rows of one board (one BoardKey).
type scoreBoard struct {
	// rows finds a subject's row; the pointers are shared with
	// Store.subjectScores.
	rows map[string]*storage.Score
	// subjects orders the board's subjects byte-wise: ListScores walks it.
	subjects *index[string]
	// teams orders, per team, the subjects whose TeamID is that team, so
	// that a manager's board of one team reads only that team's rows. Rows
	// without a team are in no entry.
	teams map[challenge.TeamID]*index[string]
}

// subjectKey names the rows of one subject in one programme.
type subjectKey struct {
	programme string
	subject   string
}

// scorePos is a position in a score listing; it is also the listing's
// cursor.
type scorePos struct {
	Subject string `json:"s"`
}

// compareBoardKey orders the rows of one subject: by (BoardID, Period,
// Partition), byte-wise. The programme is the same for all of them.
func compareBoardKey(a *storage.Score, k storage.BoardKey) int {
	if c := strings.Compare(a.BoardID, k.BoardID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Period, k.Period); c != 0 {
		return c
	}
	return strings.Compare(a.Partition, k.Partition)
}

// score returns the row (key, subject), or nil.
func (s *Store) score(key storage.BoardKey, subject string) *storage.Score {
	b := s.scoreBoards[key]
	if b == nil {
		return nil
	}
	return b.rows[subject]
}

// GetScore implements [storage.ScoreReader.GetScore].
func (r *reader) GetScore(ctx context.Context, key storage.BoardKey, subject string) (storage.Score, error) {
	if err := ctxErr(ctx); err != nil {
		return storage.Score{}, err
	}
	sc := r.s.score(key, subject)
	if sc == nil {
		return storage.Score{}, errScoreNotFound
	}
	return *sc, nil
}

// ListScores implements [storage.ScoreReader.ListScores].
func (r *reader) ListScores(ctx context.Context, key storage.BoardKey, f storage.ScoreFilter, cursor storage.Cursor, limit int) (storage.Page[storage.Score], error) {
	var page storage.Page[storage.Score]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after scorePos
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list scores: %w", err)
		}
	}
	b := r.s.scoreBoards[key]
	if b == nil {
		return page, nil
	}
	ix := b.subjects
	if f.TeamID != "" {
		if ix = b.teams[f.TeamID]; ix == nil {
			return page, nil
		}
	}
	limit = storage.ClampLimit(limit)
	ix.ascend(after.Subject, cursor == "", func(subject string) bool {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(scorePos{page.Items[limit-1].Subject})
			return false
		}
		page.Items = append(page.Items, *b.rows[subject])
		return true
	})
	return page, nil
}

// ListSubjectScores implements [storage.ScoreReader.ListSubjectScores].
func (r *reader) ListSubjectScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows := r.s.subjectScores[subjectKey{programmeID, subject}]
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]storage.Score, len(rows))
	for i, sc := range rows {
		out[i] = *sc
	}
	return out, nil
}

// AddScore implements [storage.ScoreWriter.AddScore]. Writers hold the
// store's lock, so the read and the write below are one step.
func (w *writer) AddScore(ctx context.Context, key storage.BoardKey, subject string, d storage.ScoreDelta) (storage.Score, error) {
	if err := ctxErr(ctx); err != nil {
		return storage.Score{}, err
	}
	s := w.s
	var sc storage.Score
	if old := s.score(key, subject); old == nil {
		sc = storage.Score{
			BoardKey:  key,
			Subject:   subject,
			TeamID:    d.TeamID,
			Value:     d.Value,
			Members:   d.Members,
			Hidden:    d.Hidden,
			ReachedAt: d.At.UTC(),
			Version:   1,
		}
		w.scores = append(w.scores, sc)
		w.log(undoRec{op: undoInsertScore, slot: len(w.scores) - 1})
	} else {
		w.scores = append(w.scores, *old)
		w.log(undoRec{op: undoUpdateScore, slot: len(w.scores) - 1})
		sc = *old
		sc.Value += d.Value
		sc.Members += d.Members
		sc.TeamID = d.TeamID
		sc.Hidden = d.Hidden
		if d.Value != 0 {
			sc.ReachedAt = d.At.UTC()
		}
		sc.Version++
	}
	s.putScore(sc)
	return sc, nil
}

// SetScoresHidden implements [storage.ScoreWriter.SetScoresHidden].
func (w *writer) SetScoresHidden(ctx context.Context, programmeID, subject string, hidden bool) ([]storage.Score, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []storage.Score
	for _, sc := range w.s.subjectScores[subjectKey{programmeID, subject}] {
		if sc.Hidden == hidden {
			continue
		}
		w.scores = append(w.scores, *sc)
		w.log(undoRec{op: undoUpdateScore, slot: len(w.scores) - 1})
		// Neither the subject nor the team changes, so no index moves.
		sc.Hidden = hidden
		sc.Version++
		out = append(out, *sc)
	}
	return out, nil
}

// DeleteScores implements [storage.ScoreWriter.DeleteScores].
func (w *writer) DeleteScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows := w.s.subjectScores[subjectKey{programmeID, subject}]
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]storage.Score, len(rows))
	for i, sc := range rows {
		out[i] = *sc
	}
	for _, sc := range out {
		w.s.dropScore(sc.BoardKey, sc.Subject)
		w.scores = append(w.scores, sc)
		w.log(undoRec{op: undoDeleteScore, slot: len(w.scores) - 1})
	}
	return out, nil
}

// putScore stores sc as the row (sc.BoardKey, sc.Subject), replacing the
// row there if any and keeping every index in step. It is AddScore's
// write, and the undo of an update or a delete.
func (s *Store) putScore(sc storage.Score) {
	b := s.scoreBoards[sc.BoardKey]
	if b == nil {
		b = &scoreBoard{
			rows:     make(map[string]*storage.Score),
			subjects: newIndex(strings.Compare),
			teams:    make(map[challenge.TeamID]*index[string]),
		}
		s.scoreBoards[sc.BoardKey] = b
	}
	if p := b.rows[sc.Subject]; p != nil {
		if p.TeamID != sc.TeamID {
			b.removeFromTeam(p.TeamID, sc.Subject)
			b.addToTeam(sc.TeamID, sc.Subject)
		}
		*p = sc
		return
	}
	p := &sc
	b.rows[sc.Subject] = p
	b.subjects.insert(sc.Subject)
	b.addToTeam(sc.TeamID, sc.Subject)
	sk := subjectKey{sc.ProgrammeID, sc.Subject}
	rows := s.subjectScores[sk]
	i, _ := slices.BinarySearchFunc(rows, sc.BoardKey, compareBoardKey)
	s.subjectScores[sk] = slices.Insert(rows, i, p)
}

// dropScore removes the row (key, subject) from every index, if it exists.
// It is DeleteScores' write, and the undo of a row's creation.
func (s *Store) dropScore(key storage.BoardKey, subject string) {
	b := s.scoreBoards[key]
	if b == nil {
		return
	}
	p := b.rows[subject]
	if p == nil {
		return
	}
	delete(b.rows, subject)
	b.subjects.remove(subject)
	b.removeFromTeam(p.TeamID, subject)
	if len(b.rows) == 0 {
		delete(s.scoreBoards, key)
	}
	sk := subjectKey{key.ProgrammeID, subject}
	rows := s.subjectScores[sk]
	if i, found := slices.BinarySearchFunc(rows, key, compareBoardKey); found {
		rows = slices.Delete(rows, i, i+1)
	}
	if len(rows) == 0 {
		delete(s.subjectScores, sk)
	} else {
		s.subjectScores[sk] = rows
	}
}

func (b *scoreBoard) addToTeam(team challenge.TeamID, subject string) {
	if team == "" {
		return
	}
	ix := b.teams[team]
	if ix == nil {
		ix = newIndex(strings.Compare)
		b.teams[team] = ix
	}
	ix.insert(subject)
}

func (b *scoreBoard) removeFromTeam(team challenge.TeamID, subject string) {
	if team == "" {
		return
	}
	if ix := b.teams[team]; ix != nil {
		ix.remove(subject)
		if ix.empty() {
			delete(b.teams, team)
		}
	}
}

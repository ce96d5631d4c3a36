package storagetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// Sentences of the score contract.
const (
	scoreCreateSentence   = "AddScore on a missing row must create it with Value d.Value, Members d.Members, TeamID d.TeamID, Hidden d.Hidden, ReachedAt d.At (in UTC) and Version 1, and return it"
	scoreAddSentence      = "AddScore on an existing row must add d.Value and d.Members, replace TeamID and Hidden, set ReachedAt to d.At only when d.Value is not zero, increment Version, and return the row as it is after the change"
	scoreGetSentence      = "GetScore must return the row as the last AddScore returned it"
	scoreIsolateSentence  = "score rows of different programmes, boards, periods or partitions must never mix, even when their subjects are equal"
	scoreOrderSentence    = "ListScores must return the board's rows ordered by Subject in byte order (case-sensitive, trailing spaces significant)"
	scoreTeamSentence     = "ListScores with a TeamID filter must return only the board's rows whose TeamID is that team, by Subject"
	scoreSubjectSentence  = "ListSubjectScores must return every row of the subject in the programme, across boards, periods and partitions, ordered by (BoardID, Period, Partition)"
	scoreHiddenSentence   = "SetScoresHidden must change only the subject's rows whose Hidden differs, increment their Version, and return exactly those rows as they are after the change, ordered by (BoardID, Period, Partition)"
	scoreDeleteSentence   = "DeleteScores must remove every row of the subject in the programme and return them as they were, ordered by (BoardID, Period, Partition); other subjects' rows stay"
	scoreRollbackSentence = "when fn returns an error, Update must write nothing: every AddScore, SetScoresHidden and DeleteScores is rolled back"
	scoreConcurSentence   = "concurrent AddScore calls on one row from different transactions must all count (Value and Version exact) and never fail with ErrConflict"
)

// board returns a BoardKey of the scope's programme.
func (sc *scope) board(id, period, partition string) storage.BoardKey {
	return storage.BoardKey{ProgrammeID: sc.programme, BoardID: id, Period: period, Partition: partition}
}

// delta returns a delta of v at second sec of the suite's clock.
func delta(v int64, members int, team challenge.TeamID, sec int) storage.ScoreDelta {
	return storage.ScoreDelta{Value: v, Members: members, TeamID: team, At: at(sec, sec)}
}

func normScore(s storage.Score) storage.Score {
	s.ReachedAt = s.ReachedAt.UTC()
	return s
}

func assertScore(t testing.TB, sentence string, want, got storage.Score) {
	t.Helper()
	assertUTC(t, "score of "+got.Subject, got.ReachedAt)
	assert.Equal(t, normScore(want), normScore(got), sentence)
}

func assertScores(t testing.TB, sentence string, want, got []storage.Score) {
	t.Helper()
	for _, s := range got {
		assertUTC(t, "score of "+s.Subject, s.ReachedAt)
	}
	assert.Equal(t, mapSlice(want, normScore), mapSlice(got, normScore), sentence)
}

// addScore runs AddScore in its own Update.
func addScore(t testing.TB, s storage.Store, key storage.BoardKey, subject string, d storage.ScoreDelta) storage.Score {
	t.Helper()
	var got storage.Score
	mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
		var err error
		got, err = tx.AddScore(ctx, key, subject, d)
		return err
	})
	return got
}

// getScore reads one score in its own View.
func getScore(t testing.TB, s storage.Store, key storage.BoardKey, subject string) (storage.Score, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (storage.Score, error) {
		return tx.GetScore(ctx, key, subject)
	})
}

func listScores(key storage.BoardKey, f storage.ScoreFilter) lister[storage.Score] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, limit int) (storage.Page[storage.Score], error) {
		return tx.ListScores(ctx, key, f, c, limit)
	}
}

// subjectScores runs ListSubjectScores in its own View.
func subjectScores(t testing.TB, s storage.Store, programme, subject string) []storage.Score {
	t.Helper()
	var out []storage.Score
	mustView(t, s, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		out, err = tx.ListSubjectScores(ctx, programme, subject)
		return err
	})
	return out
}

func scoreSubjects(ss []storage.Score) []string {
	return mapSlice(ss, func(s storage.Score) string { return s.Subject })
}

func (h *harness) testScores(t *testing.T) {
	t.Run("CreateAddAndReachedAt", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		key := sc.board("people", "2025-W13", "")
		d1 := delta(10, 1, "team-red", 1)
		want := storage.Score{BoardKey: key, Subject: "alice", TeamID: "team-red", Value: 10, Members: 1, ReachedAt: d1.At, Version: 1}
		assertScore(t, scoreCreateSentence, want, addScore(t, h.store, key, "alice", d1))
		got, err := getScore(t, h.store, key, "alice")
		require.NoError(t, err, "getting a stored score must succeed")
		assertScore(t, scoreGetSentence, want, got)

		// A non-zero delta moves ReachedAt.
		d2 := delta(5, 0, "team-red", 2)
		want.Value, want.ReachedAt, want.Version = 15, d2.At, 2
		assertScore(t, scoreAddSentence+" (a positive delta)", want, addScore(t, h.store, key, "alice", d2))

		// A zero delta replaces TeamID and Hidden, adds Members, and keeps
		// ReachedAt: who reached 15 first has not changed.
		d3 := delta(0, 2, "team-blue", 3)
		d3.Hidden = true
		want.Members, want.TeamID, want.Hidden, want.Version = 3, "team-blue", true, 3
		assertScore(t, scoreAddSentence+" (a zero delta keeps ReachedAt)", want, addScore(t, h.store, key, "alice", d3))

		// A negative delta (a revocation) moves ReachedAt too, and Hidden
		// and TeamID are replaced again, also by empty values.
		d4 := delta(-20, -1, "", 4)
		want.Value, want.Members, want.TeamID, want.Hidden, want.ReachedAt, want.Version = -5, 2, "", false, d4.At, 4
		assertScore(t, scoreAddSentence+" (a negative delta)", want, addScore(t, h.store, key, "alice", d4))
		got, err = getScore(t, h.store, key, "alice")
		require.NoError(t, err, "getting a stored score must succeed")
		assertScore(t, scoreGetSentence, want, got)

		// A new row from a zero delta still takes At.
		d5 := delta(0, 1, "team-red", 5)
		assertScore(t, scoreCreateSentence+" (a zero delta on a new row)",
			storage.Score{BoardKey: key, Subject: "bob", TeamID: "team-red", Members: 1, ReachedAt: d5.At, Version: 1},
			addScore(t, h.store, key, "bob", d5))

		// Reads in the writing transaction see its writes.
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			added, err := tx.AddScore(ctx, key, "carol", delta(7, 1, "team-red", 6))
			require.NoError(t, err, "AddScore must succeed")
			got, err := tx.GetScore(ctx, key, "carol")
			require.NoError(t, err, "reads in a transaction must see its own writes (a created score)")
			assertScore(t, scoreGetSentence, added, got)
			added, err = tx.AddScore(ctx, key, "carol", delta(1, 0, "team-red", 7))
			require.NoError(t, err, "AddScore must succeed")
			assert.Equal(t, int64(8), added.Value, scoreAddSentence+" (twice in one transaction)")
			assert.Equal(t, int64(2), added.Version, scoreAddSentence+" (twice in one transaction)")
			got, err = tx.GetScore(ctx, key, "carol")
			require.NoError(t, err, "reads in a transaction must see its own writes (an added score)")
			assertScore(t, scoreGetSentence, added, got)
			return nil
		})
	})

	t.Run("GetUnknownNotFound", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		key := sc.board("people", "", "")
		addScore(t, h.store, key, "alice", delta(1, 1, "", 1))
		for _, c := range []struct {
			key     storage.BoardKey
			subject string
		}{
			{key, "Alice"}, {key, "alice "}, {key, "bob"},
			{sc.board("people", "2025-W13", ""), "alice"},
			{sc.board("people", "", "team-red"), "alice"},
			{sc.board("teams", "", ""), "alice"},
			{storage.BoardKey{ProgrammeID: uniq("prog"), BoardID: "people"}, "alice"},
		} {
			_, err := getScore(t, h.store, c.key, c.subject)
			assert.ErrorIs(t, err, storage.ErrNotFound, "GetScore of a row that does not exist must return ErrNotFound (%+v %q)", c.key, c.subject)
		}
	})

	t.Run("BoardsPeriodsPartitionsIsolated", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		// The same subject on keys that differ in one field each, in an
		// order that is not the listing order.
		keys := []storage.BoardKey{
			sc.board("people", "2025-W13", "team-red"),
			sc.board("people", "2025-W13", ""),
			sc.board("people", "", ""),
			sc.board("People", "", ""),
			sc.board("people", "2025-W14", ""),
			sc.board("people", "2025-W13", "team-blue"),
			other.board("people", "", ""),
		}
		want := make([]storage.Score, len(keys))
		for i, k := range keys {
			want[i] = addScore(t, h.store, k, "alice", delta(int64(100+i), 1, "team-red", i))
			addScore(t, h.store, k, "bob", delta(int64(200+i), 1, "team-blue", i))
		}
		for i, k := range keys {
			got, err := getScore(t, h.store, k, "alice")
			require.NoError(t, err, "getting a stored score must succeed")
			assertScore(t, scoreIsolateSentence, want[i], got)
			rows := listAll(t, h.store, listScores(k, storage.ScoreFilter{}))
			assert.Equal(t, []string{"alice", "bob"}, scoreSubjects(rows), scoreIsolateSentence+" (ListScores of %+v)", k)
			if len(rows) == 2 {
				assert.Equal(t, int64(100+i), rows[0].Value, scoreIsolateSentence+" (ListScores of %+v)", k)
				assert.Equal(t, int64(200+i), rows[1].Value, scoreIsolateSentence+" (ListScores of %+v)", k)
			}
		}
		// Listing order: (BoardID, Period, Partition), byte-wise: "People"
		// before "people", "" before "2025-W13", "" before "team-blue"
		// before "team-red".
		order := []int{3, 2, 1, 5, 0, 4}
		var wantSubject []storage.Score
		for _, i := range order {
			wantSubject = append(wantSubject, want[i])
		}
		assertScores(t, scoreSubjectSentence, wantSubject, subjectScores(t, h.store, sc.programme, "alice"))
		assertScores(t, scoreSubjectSentence+" (only that programme's rows)", []storage.Score{want[6]}, subjectScores(t, h.store, other.programme, "alice"))
		assert.Empty(t, subjectScores(t, h.store, sc.programme, "Alice"), scoreSubjectSentence+" (subjects are case-sensitive)")
		assert.Empty(t, listAll(t, h.store, listScores(sc.board("people", "2025-W15", ""), storage.ScoreFilter{})), "ListScores of a board without rows must return none")
	})

	t.Run("ListOrderedBySubject", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		key := sc.board("people", "2025-03", "")
		// Byte order: upper case before lower case, "a" before "a " before
		// "ab", and a multi-byte letter last.
		want := []string{"A", "B", "a", "a ", "a  ", "ab", "b", "é"}
		for _, i := range []int{5, 2, 7, 0, 4, 3, 6, 1} {
			addScore(t, h.store, key, want[i], delta(int64(i), 1, "", i))
		}
		addScore(t, h.store, sc.board("people", "2025-04", ""), "a!", delta(1, 1, "", 1))
		got := listAll(t, h.store, listScores(key, storage.ScoreFilter{}))
		require.Equal(t, want, scoreSubjects(got), scoreOrderSentence)
		for _, s := range got {
			orig, err := getScore(t, h.store, key, s.Subject)
			require.NoError(t, err, "getting a stored score must succeed")
			assertScore(t, "a listed score must round-trip every field", orig, s)
		}
	})

	t.Run("FilterByTeam", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		key := sc.board("people", "", "")
		teams := map[string]challenge.TeamID{"a": "red", "b": "blue", "c": "red", "d": "", "e": "Red", "f": "red"}
		for _, subject := range []string{"f", "e", "d", "c", "b", "a"} {
			addScore(t, h.store, key, subject, delta(1, 1, teams[subject], 1))
		}
		// The same team on another board must not leak in.
		addScore(t, h.store, sc.board("people", "2025-W13", ""), "b", delta(1, 1, "red", 1))
		list := func(team challenge.TeamID) []string {
			return scoreSubjects(listAll(t, h.store, listScores(key, storage.ScoreFilter{TeamID: team})))
		}
		assert.Equal(t, []string{"a", "c", "f"}, list("red"), scoreTeamSentence)
		assert.Equal(t, []string{"e"}, list("Red"), scoreTeamSentence+" (team IDs are case-sensitive)")
		assert.Empty(t, list("green"), scoreTeamSentence)
		assert.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, list(""), "ListScores with an empty filter must return every row of the board")

		// A person who moves team moves listing.
		addScore(t, h.store, key, "c", delta(0, 0, "blue", 2))
		assert.Equal(t, []string{"a", "f"}, list("red"), scoreTeamSentence+" after AddScore replaced a row's TeamID")
		assert.Equal(t, []string{"b", "c"}, list("blue"), scoreTeamSentence+" after AddScore replaced a row's TeamID")
	})

	pagingFixture := func(byTeam bool) func(t *testing.T) pagingFixture[storage.Score] {
		return func(t *testing.T) pagingFixture[storage.Score] {
			sc := newScope(t, h.store)
			key := sc.board("people", "2025-W13", "cohort-a")
			f := storage.ScoreFilter{}
			if byTeam {
				f.TeamID = "red"
			}
			return pagingFixture[storage.Score]{
				store: h.store,
				insert: func(t testing.TB, positions ...int) {
					mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
						for _, i := range positions {
							subject := fmt.Sprintf("s-%02d", i)
							type row struct {
								key     storage.BoardKey
								subject string
								team    challenge.TeamID
							}
							rows := []row{
								{key, subject, "red"},
								// Noise: the same subject on another
								// period, partition and board, and a
								// subject sorting right after it.
								{sc.board("people", "2025-W14", "cohort-a"), subject, "red"},
								{sc.board("people", "2025-W13", "cohort-b"), subject, "red"},
								{sc.board("teams", "2025-W13", "cohort-a"), subject, "red"},
							}
							if byTeam {
								rows = append(rows, row{key, subject + "-x", "blue"})
							}
							for _, r := range rows {
								if _, err := tx.AddScore(ctx, r.key, r.subject, delta(int64(i), 1, r.team, i)); err != nil {
									return err
								}
							}
						}
						return nil
					})
				},
				list: listScores(key, f),
				position: func(s storage.Score) int {
					i, err := strconv.Atoi(strings.TrimPrefix(s.Subject, "s-"))
					if err != nil || s.BoardKey != key || !strings.HasPrefix(s.Subject, "s-") {
						return -1
					}
					return i
				},
			}
		}
	}
	testListing(t, "Paging", pagingFixture(false))
	testListing(t, "PagingByTeam", pagingFixture(true))

	t.Run("SetScoresHidden", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		week := sc.board("people", "2025-W13", "")
		whole := sc.board("people", "", "")
		team := sc.board("people", "", "red")
		addScore(t, h.store, week, "alice", delta(3, 1, "red", 1))
		hiddenAlready := delta(4, 1, "red", 2)
		hiddenAlready.Hidden = true
		addScore(t, h.store, whole, "alice", hiddenAlready)
		addScore(t, h.store, team, "alice", delta(5, 1, "red", 3))
		bob := addScore(t, h.store, whole, "bob", delta(6, 1, "red", 4))
		outsider := addScore(t, h.store, other.board("people", "", ""), "alice", delta(7, 1, "red", 5))

		before := subjectScores(t, h.store, sc.programme, "alice") // whole, team, week
		require.Len(t, before, 3, scoreSubjectSentence)
		var changed []storage.Score
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			var err error
			changed, err = tx.SetScoresHidden(ctx, sc.programme, "alice", true)
			return err
		})
		var want []storage.Score
		for _, s := range []storage.Score{before[1], before[2]} {
			s.Hidden = true
			s.Version++
			want = append(want, s)
		}
		assertScores(t, scoreHiddenSentence, want, changed)
		assertScores(t, scoreHiddenSentence+" (as stored afterwards)", []storage.Score{before[0], want[0], want[1]}, subjectScores(t, h.store, sc.programme, "alice"))
		got, err := getScore(t, h.store, whole, "bob")
		require.NoError(t, err, "getting a stored score must succeed")
		assertScore(t, scoreHiddenSentence+" (another subject's row is untouched)", bob, got)
		got, err = getScore(t, h.store, outsider.BoardKey, "alice")
		require.NoError(t, err, "getting a stored score must succeed")
		assertScore(t, scoreHiddenSentence+" (another programme's row is untouched)", outsider, got)

		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			again, err := tx.SetScoresHidden(ctx, sc.programme, "alice", true)
			require.NoError(t, err, "SetScoresHidden must succeed")
			assert.Empty(t, again, scoreHiddenSentence+" (nothing differs, so nothing is returned)")
			shown, err := tx.SetScoresHidden(ctx, sc.programme, "alice", false)
			require.NoError(t, err, "SetScoresHidden must succeed")
			assert.Len(t, shown, 3, scoreHiddenSentence+" (all three rows differ)")
			for _, s := range shown {
				assert.False(t, s.Hidden, scoreHiddenSentence)
			}
			none, err := tx.SetScoresHidden(ctx, sc.programme, "nobody", true)
			require.NoError(t, err, "SetScoresHidden of a subject without rows must succeed")
			assert.Empty(t, none, scoreHiddenSentence+" (a subject without rows)")
			return nil
		})
		after := subjectScores(t, h.store, sc.programme, "alice")
		require.Len(t, after, 3, scoreSubjectSentence)
		assert.Equal(t, []int64{2, 3, 3}, mapSlice(after, func(s storage.Score) int64 { return s.Version }), scoreHiddenSentence+" (each change increments Version once)")
		assert.Equal(t, []int64{4, 5, 3}, mapSlice(after, func(s storage.Score) int64 { return s.Value }), scoreHiddenSentence+" (Value stays)")
	})

	t.Run("DeleteScores", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		other := newScope(t, h.store)
		keys := []storage.BoardKey{
			sc.board("people", "2025-W13", ""),
			sc.board("people", "", "red"),
			sc.board("people", "", ""),
			sc.board("daily", "2025-03-30", ""),
		}
		for i, k := range keys {
			addScore(t, h.store, k, "alice", delta(int64(i+1), 1, "red", i))
		}
		before := subjectScores(t, h.store, sc.programme, "alice")
		require.Len(t, before, len(keys), scoreSubjectSentence)
		// Rows that must stay: other subjects, including the team board's
		// row of a team whose ID equals the subject, and the same subject in
		// another programme.
		kept := []storage.Score{
			addScore(t, h.store, keys[2], "bob", delta(9, 1, "blue", 9)),
			addScore(t, h.store, sc.board("teams", "", ""), "red", delta(9, 2, "alice", 9)),
			addScore(t, h.store, sc.board("people", "", ""), "alice ", delta(9, 1, "", 9)),
			addScore(t, h.store, other.board("people", "", ""), "alice", delta(9, 1, "red", 9)),
		}

		var deleted []storage.Score
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			var err error
			deleted, err = tx.DeleteScores(ctx, sc.programme, "alice")
			if err != nil {
				return err
			}
			rest, err := tx.ListSubjectScores(ctx, sc.programme, "alice")
			require.NoError(t, err, "ListSubjectScores must succeed")
			assert.Empty(t, rest, "reads in a transaction must see its own writes: deleted scores are gone")
			return nil
		})
		assertScores(t, scoreDeleteSentence, before, deleted)
		assert.Empty(t, subjectScores(t, h.store, sc.programme, "alice"), scoreDeleteSentence)
		for _, k := range keys {
			_, err := getScore(t, h.store, k, "alice")
			assert.ErrorIs(t, err, storage.ErrNotFound, scoreDeleteSentence+" (GetScore of %+v)", k)
			for _, s := range listAll(t, h.store, listScores(k, storage.ScoreFilter{})) {
				assert.NotEqual(t, "alice", s.Subject, scoreDeleteSentence+" (ListScores of %+v)", k)
			}
			assert.Empty(t, listAll(t, h.store, listScores(k, storage.ScoreFilter{TeamID: "red"})), scoreDeleteSentence+" (ListScores by team of %+v)", k)
		}
		for _, k := range kept {
			got, err := getScore(t, h.store, k.BoardKey, k.Subject)
			require.NoError(t, err, scoreDeleteSentence+" (%+v %q)", k.BoardKey, k.Subject)
			assertScore(t, scoreDeleteSentence, k, got)
		}

		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			again, err := tx.DeleteScores(ctx, sc.programme, "alice")
			require.NoError(t, err, "DeleteScores of a subject without rows must succeed")
			assert.Empty(t, again, scoreDeleteSentence+" (nothing left to delete)")
			return nil
		})
		// A deleted row starts again from nothing.
		d := delta(2, 1, "", 50)
		assertScore(t, scoreCreateSentence+" (after DeleteScores)",
			storage.Score{BoardKey: keys[0], Subject: "alice", Value: 2, Members: 1, ReachedAt: d.At, Version: 1},
			addScore(t, h.store, keys[0], "alice", d))
	})

	t.Run("ErrorRollsBackScores", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		keys := []storage.BoardKey{sc.board("people", "", ""), sc.board("people", "2025-W13", ""), sc.board("teams", "", "")}
		addScore(t, h.store, keys[0], "alice", delta(5, 1, "red", 1))
		addScore(t, h.store, keys[1], "alice", delta(3, 1, "red", 2))
		addScore(t, h.store, keys[0], "bob", delta(4, 1, "blue", 3))
		addScore(t, h.store, keys[2], "red", delta(8, 2, "red", 4))
		state := func() [][]storage.Score {
			var out [][]storage.Score
			for _, k := range keys {
				out = append(out, mapSlice(listAll(t, h.store, listScores(k, storage.ScoreFilter{})), normScore))
				for _, team := range []challenge.TeamID{"red", "blue", "green"} {
					out = append(out, mapSlice(listAll(t, h.store, listScores(k, storage.ScoreFilter{TeamID: team})), normScore))
				}
			}
			for _, subject := range []string{"alice", "bob", "carol", "red"} {
				out = append(out, mapSlice(subjectScores(t, h.store, sc.programme, subject), normScore))
			}
			return out
		}
		before := state()
		var stepErr error
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			stepErr = func() error {
				steps := []func() error{
					func() error { _, err := tx.AddScore(ctx, keys[0], "alice", delta(10, 0, "green", 9)); return err },
					func() error { _, err := tx.AddScore(ctx, keys[0], "carol", delta(1, 1, "red", 9)); return err },
					func() error { _, err := tx.AddScore(ctx, keys[2], "green", delta(1, 1, "green", 9)); return err },
					func() error { _, err := tx.SetScoresHidden(ctx, sc.programme, "alice", true); return err },
					func() error { _, err := tx.DeleteScores(ctx, sc.programme, "bob"); return err },
					// Deleted and created again: the rollback must restore
					// the original row.
					func() error { _, err := tx.AddScore(ctx, keys[0], "bob", delta(1, 1, "red", 9)); return err },
					func() error { _, err := tx.DeleteScores(ctx, sc.programme, "red"); return err },
				}
				for i, step := range steps {
					if err := step(); err != nil {
						return fmt.Errorf("step %d: %w", i, err)
					}
				}
				return nil
			}()
			return errDeliberate
		})
		require.NoError(t, stepErr, "writing scores inside a transaction must succeed")
		require.ErrorIs(t, err, errDeliberate, "Update must return fn's error")
		assert.Equal(t, before, state(), scoreRollbackSentence)
	})

	t.Run("Copies", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		key := sc.board("people", "", "")
		want := addScore(t, h.store, key, "alice", delta(5, 1, "red", 1))
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for _, get := range []func() (storage.Score, error){
				func() (storage.Score, error) { return tx.GetScore(ctx, key, "alice") },
				func() (storage.Score, error) {
					p, err := tx.ListScores(ctx, key, storage.ScoreFilter{}, "", 0)
					if err != nil || len(p.Items) == 0 {
						return storage.Score{}, err
					}
					return p.Items[0], nil
				},
				func() (storage.Score, error) {
					ss, err := tx.ListSubjectScores(ctx, sc.programme, "alice")
					if err != nil || len(ss) == 0 {
						return storage.Score{}, err
					}
					return ss[0], nil
				},
			} {
				got, err := get()
				require.NoError(t, err, "reading a stored score must succeed")
				got.Value, got.Subject, got.TeamID, got.Version = 99, "mallory", "blue", 99
			}
			return nil
		})
		got, err := getScore(t, h.store, key, "alice")
		require.NoError(t, err, "getting a stored score must succeed")
		assertScore(t, copyOutSentence+" (scores)", want, got)
	})

	t.Run("ConcurrentAddsAllCount", func(t *testing.T) {
		t.Parallel()
		testConcurrentAdds(t, h.store, h.store)
	})
	t.Run("ConcurrentFirstInserts", func(t *testing.T) {
		t.Parallel()
		testConcurrentFirstInserts(t, h.store, h.store)
	})
	t.Run("TwoHandles", func(t *testing.T) {
		second := h.secondHandle(t)
		t.Run("ConcurrentAddsAllCount", func(t *testing.T) {
			t.Parallel()
			testConcurrentAdds(t, h.store, second)
		})
		t.Run("ConcurrentFirstInserts", func(t *testing.T) {
			t.Parallel()
			testConcurrentFirstInserts(t, h.store, second)
		})
	})
}

// testConcurrentAdds has every writer add one to a team's row, increments
// times, each in its own transaction, as completions of the team's members
// do. No error is allowed: AddScore must not report ErrConflict.
func testConcurrentAdds(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	key := sc.board("teams", "2025-W13", "")
	errs := race(stores, func(i int, s storage.Store) error {
		for n := range increments {
			err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.AddScore(ctx, key, "red", delta(1, 0, "red", i*increments+n))
				return err
			})
			if err != nil {
				return fmt.Errorf("writer %d, add %d: %w", i, n, err)
			}
		}
		return nil
	})
	for _, err := range errs {
		require.NoError(t, err, scoreConcurSentence)
	}
	got, err := getScore(t, stores[0], key, "red")
	require.NoError(t, err, "getting a stored score must succeed")
	assert.Equal(t, int64(writers*increments), got.Value, scoreConcurSentence)
	assert.Equal(t, int64(writers*increments), got.Version, scoreConcurSentence+" (one Version per add, the first creating it at 1)")
}

// rounds is how many fresh rows testConcurrentFirstInserts races on.
const rounds = 10

// testConcurrentFirstInserts has every writer add to the same missing row
// at once, so that several transactions try to create it together.
func testConcurrentFirstInserts(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	for r := range rounds {
		key := sc.board("people", "", strconv.Itoa(r))
		var mu sync.Mutex
		var versions []int64
		errs := race(stores, func(i int, s storage.Store) error {
			var got storage.Score
			err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				var err error
				got, err = tx.AddScore(ctx, key, "alice", delta(int64(i+1), 1, "red", i))
				return err
			})
			if err == nil {
				mu.Lock()
				versions = append(versions, got.Version)
				mu.Unlock()
			}
			return err
		})
		for _, err := range errs {
			if errors.Is(err, storage.ErrConflict) {
				require.NoError(t, err, scoreConcurSentence+" (creating the same row at once must not return ErrConflict)")
			}
			require.NoError(t, err, scoreConcurSentence)
		}
		got, err := getScore(t, stores[0], key, "alice")
		require.NoError(t, err, "getting a stored score must succeed")
		assert.Equal(t, int64(writers*(writers+1)/2), got.Value, scoreConcurSentence+" (round %d)", r)
		assert.Equal(t, writers, got.Members, scoreConcurSentence+" (round %d)", r)
		assert.Equal(t, int64(writers), got.Version, scoreConcurSentence+" (round %d)", r)
		assert.ElementsMatch(t, []int64{1, 2, 3, 4, 5, 6, 7, 8}[:writers], versions,
			"each AddScore must return the row as its own transaction left it: the versions returned to concurrent writers are 1..n, each once (round %d)", r)
	}
}

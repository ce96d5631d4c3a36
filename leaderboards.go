package habitkit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/storage"
)

// BoardQuery names one board to read: a board of a programme, for one
// period and one partition, as seen by one viewer.
type BoardQuery struct {
	// ProgrammeID and BoardID name the board (required).
	ProgrammeID string
	BoardID     string
	// Period is the period's key ("2026-11-25", "2026-W48", "2026-11");
	// empty means the current period, in the programme's time zone and
	// day-start hour. Boards over the whole programme have one period.
	Period string
	// Partition is the cohort (cohort-scoped boards) or the team
	// (team-scoped boards); empty for programme-scoped boards.
	Partition string
	// Viewer is the participant asking, or empty. Viewers see their own
	// row even when they opted out of leaderboards.
	Viewer challenge.ParticipantID
}

// BoardRow is one subject's line on a board.
type BoardRow struct {
	// Rank follows the board's ranking (1 is best; ties share a rank under
	// competition ranking).
	Rank int
	// Subject is the ranked member's key: "p:" and the participant ID on
	// boards of people, "t:" and the team ID on boards of teams; empty when
	// Anonymous.
	Subject string
	// ParticipantID is the person (boards of people); empty when
	// Anonymous.
	ParticipantID challenge.ParticipantID
	// TeamID is the person's team, or the team itself.
	TeamID challenge.TeamID
	// Anonymous is set for a participant who opted out on a programme that
	// shows such participants anonymised.
	Anonymous bool
	// Score is the ranked figure; for boards of teams ranked by the mean
	// per member it is the mean times leaderboard.MeanScale.
	Score int64
	// Value is the score as people read it (the mean as a fraction).
	Value float64
	// Members is, for a team, the number of members counted.
	Members int
	// You marks the viewer's own row.
	You bool
}

// BoardPage is a page of a board.
type BoardPage struct {
	// Board is the board's definition.
	Board leaderboard.Board
	// Period is the period's key ("" for the whole programme).
	Period string
	// Rows are in rank order.
	Rows []BoardRow
	// Total is how many subjects others can see on the board.
	Total int
	// Next is the cursor of the following page, "" at the end.
	Next storage.Cursor
}

// Standing is a viewer's place on a board.
type Standing struct {
	BoardRow
	// Tied is how many subjects share the score (the viewer included);
	// for a viewer hidden from others, how many visible subjects share it.
	Tied int
	// Total is how many subjects others can see on the board.
	Total int
	// Hidden reports that others do not see the viewer on this board.
	Hidden bool
}

// ErrRankNotKnown reports a board whose rank index is still loading: its
// ranks are not known yet, and answering would risk a wrong one. Retry
// shortly.
var ErrRankNotKnown = rankindex.ErrWarming

// ErrNotRanked reports a viewer who is not on the board (not eligible, or
// no score in the period).
var ErrNotRanked = rankindex.ErrNotRanked

// boardCursor is where a page of a board resumes: a position in the
// board's listing order. Positions shift when scores change, as on any
// live board; for a fixed snapshot the pages have no duplicates or gaps.
type boardCursor struct {
	Board  string `json:"b"`
	Period string `json:"p"`
	From   int    `json:"f"`
}

// resolved is a BoardQuery checked against its programme.
type resolved struct {
	ed    *edition
	board *leaderboard.Board
	key   storage.BoardKey
	ib    rankindex.Board
}

// resolve checks q and finds its board and period.
func (e *Engine) resolve(ctx context.Context, tx storage.ReadTx, q BoardQuery) (resolved, error) {
	var problems ValidationErrors
	if strings.TrimSpace(q.ProgrammeID) == "" {
		problems = append(problems, &ValidationError{Field: "ProgrammeID", Reason: "must not be empty"})
	}
	if strings.TrimSpace(q.BoardID) == "" {
		problems = append(problems, &ValidationError{Field: "BoardID", Reason: "must not be empty"})
	}
	if err := problems.Err(); err != nil {
		return resolved{}, err
	}
	ed, err := e.edition(ctx, tx, q.ProgrammeID, 0)
	if err != nil {
		return resolved{}, err
	}
	b := ed.board(q.BoardID)
	if b == nil {
		return resolved{}, fmt.Errorf("board %q: %w", q.BoardID, storage.ErrNotFound)
	}
	period := ""
	if b.Period != leaderboard.WholeProgramme {
		if q.Period == "" {
			loc, err := e.locate(ed.p.TimeZone)
			if err != nil {
				return resolved{}, err
			}
			period = leaderboard.PeriodKey(b.Period, challenge.LocalDate(e.clock.Now(), loc, ed.p.DayStartHour))
		} else {
			if _, err := leaderboard.ParsePeriodKey(b.Period, q.Period); err != nil {
				return resolved{}, &ValidationError{Field: "Period", Reason: fmt.Sprintf("%q is not a %s period: %v", q.Period, b.Period, err)}
			}
			period = q.Period
		}
	} else if q.Period != "" {
		return resolved{}, &ValidationError{Field: "Period", Reason: fmt.Sprintf("board %q covers the whole programme and has no periods", b.ID)}
	}
	if b.Scope == leaderboard.ScopeProgramme && q.Partition != "" {
		return resolved{}, &ValidationError{Field: "Partition", Reason: fmt.Sprintf("board %q is programme-wide and has no partitions", b.ID)}
	}
	if b.Scope == leaderboard.ScopeTeam && q.Partition == "" {
		return resolved{}, &ValidationError{Field: "Partition", Reason: fmt.Sprintf("board %q ranks within a team: name the team", b.ID)}
	}
	key := storage.BoardKey{ProgrammeID: q.ProgrammeID, BoardID: b.ID, Period: period, Partition: q.Partition}
	return resolved{ed: ed, board: b, key: key, ib: indexBoard(b, key)}, nil
}

// ready makes sure the rank index holds r's board. A Cold board is warmed
// from storage by this caller (other callers meanwhile get
// ErrRankNotKnown); a board another caller is warming gives
// ErrRankNotKnown.
func (e *Engine) ready(ctx context.Context, r resolved) error {
	st, err := e.ranks.State(ctx, r.ib)
	if err != nil {
		return err
	}
	switch st {
	case rankindex.Ready:
		return nil
	case rankindex.Warming:
		return fmt.Errorf("board %q period %q: %w", r.board.ID, r.key.Period, ErrRankNotKnown)
	}
	won, err := e.ranks.BeginWarm(ctx, r.ib)
	if err != nil {
		return err
	}
	if !won {
		return fmt.Errorf("board %q period %q: %w", r.board.ID, r.key.Period, ErrRankNotKnown)
	}
	if err := e.warm(ctx, r); err != nil {
		if aerr := e.ranks.AbandonWarm(context.WithoutCancel(ctx), r.ib); aerr != nil {
			e.log.Error("habitkit: abandoning a warm-up failed", "board", r.ib.Key, "err", aerr)
		}
		return fmt.Errorf("board %q period %q: warming ranks: %w", r.board.ID, r.key.Period, err)
	}
	return e.ranks.FinishWarm(ctx, r.ib)
}

// warmPage is how many score rows one warm-up step reads.
const warmPage = storage.MaxLimit

// warm loads every stored row of r's board into the rank index, one keyset
// page (and one short read transaction) at a time. Updates committed
// meanwhile are applied by their writers; versions keep the result exact.
func (e *Engine) warm(ctx context.Context, r resolved) error {
	var cursor storage.Cursor
	updates := make([]rankindex.Update, 0, warmPage)
	for {
		var page storage.Page[storage.Score]
		err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			var err error
			page, err = tx.ListScores(ctx, r.key, storage.ScoreFilter{}, cursor, warmPage)
			return err
		})
		if err != nil {
			return err
		}
		updates = updates[:0]
		for _, row := range page.Items {
			c := scoreChange{row: row, board: r.board, optOut: r.ed.boards.OptOut}
			updates = append(updates, indexUpdate(&c))
		}
		if err := e.ranks.Apply(ctx, r.ib, updates...); err != nil {
			return err
		}
		if page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

// WarmBoard loads the board q names into the rank index now, so that its
// first query does not return ErrRankNotKnown. It waits while another
// caller warms it.
func (e *Engine) WarmBoard(ctx context.Context, q BoardQuery) error {
	var r resolved
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		r, err = e.resolve(ctx, tx, q)
		return err
	})
	if err != nil {
		return fmt.Errorf("habitkit: warm board: %w", err)
	}
	for attempt := 0; ; attempt++ {
		err := e.ready(ctx, r)
		if !errors.Is(err, ErrRankNotKnown) {
			if err != nil {
				return fmt.Errorf("habitkit: warm board: %w", err)
			}
			return nil
		}
		if err := backoff(ctx, attempt+1); err != nil {
			return err
		}
	}
}

// Leaderboard returns a page of the board q names, in rank order: the top N
// is the first page with limit N. Participants who opted out are left out
// (or anonymised, as the programme says), except the viewer's own row.
func (e *Engine) Leaderboard(ctx context.Context, q BoardQuery, cursor storage.Cursor, limit int) (BoardPage, error) {
	limit = storage.ClampLimit(limit)
	var page BoardPage
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		r, err := e.resolve(ctx, tx, q)
		if err != nil {
			return err
		}
		from := 0
		if cursor != "" {
			var c boardCursor
			if err := storage.DecodeCursor(cursor, &c); err != nil {
				return err
			}
			if c.Board != r.board.ID || c.Period != r.key.Period || c.From < 0 {
				return fmt.Errorf("cursor of another board: %w", storage.ErrBadCursor)
			}
			from = c.From
		}
		if err := e.ready(ctx, r); err != nil {
			return err
		}
		entries, err := e.ranks.Range(ctx, r.ib, from, limit+1)
		if err != nil {
			return err
		}
		total, err := e.boardTotal(ctx, r)
		if err != nil {
			return err
		}
		page = BoardPage{Board: *r.board, Period: r.key.Period, Total: total}
		if len(entries) > limit {
			entries = entries[:limit]
			page.Next = storage.EncodeCursor(boardCursor{Board: r.board.ID, Period: r.key.Period, From: from + limit})
		}
		page.Rows, err = e.boardRows(ctx, tx, r, q.Viewer, entries)
		return err
	})
	if err != nil {
		return BoardPage{}, fmt.Errorf("habitkit: leaderboard %s/%s: %w", q.ProgrammeID, q.BoardID, err)
	}
	return page, nil
}

// boardTotal is how many subjects others see on r's board.
func (e *Engine) boardTotal(ctx context.Context, r resolved) (int, error) {
	_, total, err := e.ranks.RankOfScore(ctx, r.ib, 0)
	return total, err
}

// boardRows turns index entries into rows, naming people and anonymising
// those who opted out (unless it is the viewer).
func (e *Engine) boardRows(ctx context.Context, tx storage.ReadTx, r resolved, viewer challenge.ParticipantID, entries []rankindex.Ranked) ([]BoardRow, error) {
	rows := make([]BoardRow, 0, len(entries))
	for _, en := range entries {
		row := BoardRow{Rank: en.Rank, Subject: en.Member, Score: en.Score, Value: float64(en.Score)}
		if r.board.Subject == leaderboard.Teams {
			row.TeamID = challenge.TeamID(strings.TrimPrefix(en.Member, teamPrefix))
			if r.board.Aggregation == leaderboard.MeanPerMember {
				row.Value = float64(en.Score) / leaderboard.MeanScale
			}
			if s, err := tx.GetScore(ctx, r.key, en.Member); err == nil {
				row.Members = s.Members
			} else if !errors.Is(err, storage.ErrNotFound) {
				return nil, err
			}
			rows = append(rows, row)
			continue
		}
		participant, ok := strings.CutPrefix(en.Member, personPrefix)
		if !ok {
			return nil, fmt.Errorf("board %q holds a member %q that is not a person", r.board.ID, en.Member)
		}
		person, err := tx.GetEnrolmentByParticipant(ctx, r.key.ProgrammeID, challenge.ParticipantID(participant))
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed since the index was updated
		}
		if err != nil {
			return nil, err
		}
		row.TeamID = person.TeamID
		row.You = viewer != "" && person.ParticipantID == viewer
		if person.BoardsOptOut && !row.You {
			row.Anonymous = true
			row.TeamID, row.Subject = "", ""
		} else {
			row.ParticipantID = person.ParticipantID
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// viewerSubject finds the viewer's subject on r's board: themselves on
// boards of people, their team on boards of teams.
func viewerSubject(ctx context.Context, tx storage.ReadTx, r resolved, viewer challenge.ParticipantID) (challenge.Enrolment, string, error) {
	if viewer == "" {
		return challenge.Enrolment{}, "", &ValidationError{Field: "Viewer", Reason: "must name the participant"}
	}
	en, err := tx.GetEnrolmentByParticipant(ctx, r.key.ProgrammeID, viewer)
	if err != nil {
		return challenge.Enrolment{}, "", err
	}
	if r.board.Subject == leaderboard.Teams {
		if en.TeamID == "" {
			return en, "", fmt.Errorf("participant %q has no team: %w", viewer, ErrNotRanked)
		}
		return en, teamSubject(en.TeamID), nil
	}
	return en, personSubject(en.ParticipantID), nil
}

// Standing returns the viewer's place on the board q names (their team's,
// on a board of teams): rank, score, how many share it and how many are
// ranked. A participant who opted out sees where they would stand among
// those others can see.
func (e *Engine) Standing(ctx context.Context, q BoardQuery) (Standing, error) {
	var st Standing
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		r, err := e.resolve(ctx, tx, q)
		if err != nil {
			return err
		}
		en, subject, err := viewerSubject(ctx, tx, r, q.Viewer)
		if err != nil {
			return err
		}
		if err := e.ready(ctx, r); err != nil {
			return err
		}
		row, err := tx.GetScore(ctx, r.key, subject)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("%s on board %q period %q: %w", subject, r.board.ID, r.key.Period, ErrNotRanked)
		}
		if err != nil {
			return err
		}
		if r.board.Subject == leaderboard.People && r.board.Scope == leaderboard.ScopeTeam && string(row.TeamID) != row.Partition {
			return fmt.Errorf("%s left team %q of board %q: %w", subject, row.Partition, r.board.ID, ErrNotRanked)
		}
		st.BoardRow = BoardRow{Subject: subject, TeamID: en.TeamID, You: true, Members: row.Members}
		if r.board.Subject == leaderboard.People {
			st.ParticipantID = en.ParticipantID
			st.Members = 0
		}
		score := rankScore(r.board, &row)
		st.Score, st.Value = score, float64(score)
		if r.board.Subject == leaderboard.Teams && r.board.Aggregation == leaderboard.MeanPerMember {
			st.Value = float64(score) / leaderboard.MeanScale
		}
		if row.Hidden && r.ed.boards.OptOut == leaderboard.OptOutHidden {
			st.Hidden = true
			st.Rank, st.Total, err = e.ranks.RankOfScore(ctx, r.ib, score)
			if err != nil {
				return err
			}
			below, _, err := e.ranks.RankOfScore(ctx, r.ib, score-1)
			if err != nil {
				return err
			}
			st.Tied = below - st.Rank + 1
			return nil
		}
		// Rank, ties and total only: RankOf spares the index finding the
		// member's position where it can.
		s, err := rankindex.RankOf(ctx, e.ranks, r.ib, subject)
		if err != nil {
			return err
		}
		st.Rank, st.Tied, st.Total = s.Rank, s.Tied, s.Total
		st.Anonymous = false
		return nil
	})
	if err != nil {
		return Standing{}, fmt.Errorf("habitkit: standing on %s/%s: %w", q.ProgrammeID, q.BoardID, err)
	}
	return st, nil
}

// Neighbourhood returns up to k rows above the viewer, the viewer's own
// row, and up to k rows below, in rank order. A participant who opted out
// sees the rows around where they would stand, with their own row placed
// among them.
func (e *Engine) Neighbourhood(ctx context.Context, q BoardQuery, k int) ([]BoardRow, error) {
	if k < 0 || k > storage.MaxLimit/2 {
		return nil, fmt.Errorf("habitkit: neighbourhood: %w", &ValidationError{Field: "k", Reason: fmt.Sprintf("must be 0..%d", storage.MaxLimit/2)})
	}
	st, err := e.Standing(ctx, q)
	if err != nil {
		return nil, err
	}
	var rows []BoardRow
	err = e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		r, err := e.resolve(ctx, tx, q)
		if err != nil {
			return err
		}
		var entries []rankindex.Ranked
		if st.Hidden {
			from := max(0, st.Rank-1-k)
			entries, err = e.ranks.Range(ctx, r.ib, from, (st.Rank-1-from)+k)
		} else {
			entries, err = e.ranks.Neighbourhood(ctx, r.ib, st.Subject, k)
		}
		if err != nil {
			return err
		}
		rows, err = e.boardRows(ctx, tx, r, q.Viewer, entries)
		if err != nil {
			return err
		}
		if st.Hidden {
			at := slices.IndexFunc(rows, func(row BoardRow) bool { return row.Rank > st.Rank })
			if at < 0 {
				at = len(rows)
			}
			rows = slices.Insert(rows, at, st.BoardRow)
			rows[at].Rank = st.Rank
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("habitkit: neighbourhood on %s/%s: %w", q.ProgrammeID, q.BoardID, err)
	}
	return rows, nil
}

// TeamMembers returns the board of one team's members on a programme-wide
// or cohort board of people, for the team's manager: every member with a
// score in the period, ranked among themselves by the board's ranking.
// Members who opted out are left out or anonymised as on the board. A team
// is small, so this reads its rows and ranks them in memory.
func (e *Engine) TeamMembers(ctx context.Context, q BoardQuery, team challenge.TeamID) ([]BoardRow, error) {
	var rows []BoardRow
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		r, err := e.resolve(ctx, tx, q)
		if err != nil {
			return err
		}
		if r.board.Subject != leaderboard.People {
			return &ValidationError{Field: "BoardID", Reason: fmt.Sprintf("board %q ranks teams, not people", r.board.ID)}
		}
		if team == "" {
			return &ValidationError{Field: "team", Reason: "must not be empty"}
		}
		ix := leaderboard.New(r.board.Ranking)
		var cursor storage.Cursor
		for {
			page, err := tx.ListScores(ctx, r.key, storage.ScoreFilter{TeamID: team}, cursor, storage.MaxLimit)
			if err != nil {
				return err
			}
			for _, row := range page.Items {
				if row.Hidden && r.ed.boards.OptOut == leaderboard.OptOutHidden {
					continue
				}
				ix.Set(row.Subject, row.Value, row.ReachedAt.UnixNano())
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		entries := make([]rankindex.Ranked, 0, ix.Len())
		for i, en := range ix.Range(0, ix.Len()) {
			rank, _ := ix.Rank(en.Member)
			entries = append(entries, rankindex.Ranked{Member: en.Member, Score: en.Score, At: en.At, Rank: rank, Position: i})
		}
		rows, err = e.boardRows(ctx, tx, r, q.Viewer, entries)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("habitkit: team members of %q on %s/%s: %w", team, q.ProgrammeID, q.BoardID, err)
	}
	return rows, nil
}

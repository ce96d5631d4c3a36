package habitkit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/storage"
)

// This file keeps leaderboard scores in step with progress, inside the
// transaction of the event that changes them, and applies the changed rows
// to the rank index after commit. The queries are in leaderboards.go.

// scoreChange is a score row written by a transaction, with the board it
// belongs to, to apply to the rank index after commit.
type scoreChange struct {
	row    storage.Score
	board  *leaderboard.Board
	optOut leaderboard.OptOut
}

// metrics are the figures boards rank by, taken from a Progress.
type metrics struct {
	points, completions, streak int64
}

func metricsOf(pr *challenge.Progress) metrics {
	return metrics{points: int64(pr.Points), completions: int64(pr.Completed), streak: int64(pr.Current)}
}

func (m metrics) of(k leaderboard.Metric) int64 {
	switch k {
	case leaderboard.Completions:
		return m.completions
	case leaderboard.CurrentStreak:
		return m.streak
	default:
		return m.points
	}
}

// partition returns the partition of b that en belongs to.
func partition(b *leaderboard.Board, en *challenge.Enrolment) string {
	switch b.Scope {
	case leaderboard.ScopeCohort:
		return en.CohortID
	case leaderboard.ScopeTeam:
		return string(en.TeamID)
	}
	return ""
}

// periodOf returns the key and first date of b's period that holds the
// civil date d. For boards over the whole programme the key is "" and the
// first date is the zero Date.
func periodOf(b *leaderboard.Board, d challenge.Date) (string, challenge.Date) {
	if b.Period == leaderboard.WholeProgramme {
		return "", challenge.Date{}
	}
	first, _ := leaderboard.PeriodBounds(b.Period, d)
	return leaderboard.PeriodKey(b.Period, d), first
}

// eligible reports whether en counts on b for the period starting on
// periodFirst (the zero Date for the whole programme).
func eligible(b *leaderboard.Board, en *challenge.Enrolment, periodFirst challenge.Date) bool {
	if b.LateJoiners != leaderboard.WholePeriodOnly {
		return true
	}
	if b.Period == leaderboard.WholeProgramme {
		return en.FirstDay <= 1
	}
	return leaderboard.Eligible(b.LateJoiners, en.Start.AddDays(en.FirstDay-1), periodFirst)
}

// nominalDate is the civil date of programme day day for en: periods are
// judged on it, so a late completion counts in the period of the day it
// completes, and its revocation comes off the same period.
func nominalDate(en *challenge.Enrolment, day int) challenge.Date {
	return en.Start.AddDays(day - 1)
}

// Subjects on boards: a person is "p:" and their participant ID, a team
// "t:" and its team ID. The prefixes keep a team and a participant with
// the same ID apart (SetScoresHidden and DeleteScores act on one subject
// across a programme), and ties under first-reached ranking then break by
// participant ID, as the definition format documents.
const (
	personPrefix = "p:"
	teamPrefix   = "t:"
)

func personSubject(p challenge.ParticipantID) string { return personPrefix + string(p) }
func teamSubject(t challenge.TeamID) string          { return teamPrefix + string(t) }

// boardKey builds the storage key of b's board for one period and
// partition.
func boardKey(programmeID string, b *leaderboard.Board, period, part string) storage.BoardKey {
	return storage.BoardKey{ProgrammeID: programmeID, BoardID: b.ID, Period: period, Partition: part}
}

// addScores records, on every board of ed, the change of en's metrics
// from before to its current progress. day is the programme day the change
// belongs to (its period); day 0 means a change that belongs to no single
// day (a recomputation), which only boards over the whole programme take.
func (e *Engine) addScores(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, before metrics, day int, now time.Time, out []scoreChange) ([]scoreChange, error) {
	if len(ed.boards.Boards) == 0 {
		return out, nil
	}
	after := metricsOf(&en.Progress)
	for i := range ed.boards.Boards {
		b := &ed.boards.Boards[i]
		delta := after.of(b.Metric) - before.of(b.Metric)
		if delta == 0 {
			continue
		}
		if day == 0 && b.Period != leaderboard.WholeProgramme {
			continue
		}
		var period string
		var first challenge.Date
		if day > 0 {
			period, first = periodOf(b, nominalDate(en, day))
		}
		if !eligible(b, en, first) {
			continue
		}
		row, err := e.addToBoard(ctx, tx, ed, b, en, period, first, delta, now)
		if err != nil {
			return out, err
		}
		if row.Subject != "" {
			out = append(out, scoreChange{row: row, board: b, optOut: ed.boards.OptOut})
		}
	}
	return out, nil
}

// addToBoard adds delta to en's row of b (a board of people) or to its
// team's row (a board of teams). A person without a team adds nothing to a
// board of teams; the returned row then has no Subject.
func (e *Engine) addToBoard(ctx context.Context, tx storage.Tx, ed *edition, b *leaderboard.Board, en *challenge.Enrolment, period string, first challenge.Date, delta int64, now time.Time) (storage.Score, error) {
	key := boardKey(en.ProgrammeID, b, period, partition(b, en))
	if b.Subject == leaderboard.People {
		return tx.AddScore(ctx, key, personSubject(en.ParticipantID), storage.ScoreDelta{Value: delta, TeamID: en.TeamID, Hidden: en.BoardsOptOut, At: now})
	}
	if en.TeamID == "" {
		return storage.Score{}, nil
	}
	row, err := tx.AddScore(ctx, key, teamSubject(en.TeamID), storage.ScoreDelta{Value: delta, TeamID: en.TeamID, At: now})
	if err != nil || row.Version > 1 {
		return row, err
	}
	// A new team row: count the members it is shared by, once per team
	// and period. Later joiners add themselves (see joinBoards), and the
	// team's lock keeps the two apart.
	if err := lockTeam(ctx, tx, en.ProgrammeID, en.TeamID, now); err != nil {
		return storage.Score{}, err
	}
	members, err := e.countMembers(ctx, tx, ed, b, en.ProgrammeID, en.TeamID, en.CohortID, first)
	if err != nil {
		return storage.Score{}, err
	}
	if members == 0 {
		return row, nil
	}
	return tx.AddScore(ctx, key, teamSubject(en.TeamID), storage.ScoreDelta{Members: members, TeamID: en.TeamID, At: row.ReachedAt})
}

// countMembers counts the team's enrolments that b counts in the period
// starting on first (in the cohort, for a cohort-scoped board).
func (e *Engine) countMembers(ctx context.Context, tx storage.Tx, ed *edition, b *leaderboard.Board, programmeID string, team challenge.TeamID, cohort string, first challenge.Date) (int, error) {
	f := storage.EnrolmentFilter{ProgrammeID: programmeID, TeamID: team}
	if b.Scope == leaderboard.ScopeCohort {
		f.CohortID = cohort
	}
	n := 0
	var cursor storage.Cursor
	for {
		page, err := tx.ListEnrolments(ctx, f, cursor, storage.MaxLimit)
		if err != nil {
			return 0, err
		}
		for i := range page.Items {
			m := &page.Items[i]
			if b.Scope == leaderboard.ScopeCohort && m.CohortID != cohort {
				continue
			}
			if eligible(b, m, first) {
				n++
			}
		}
		if page.Next == "" {
			return n, nil
		}
		cursor = page.Next
	}
}

// joinBoards puts en on ed's boards when it joins the programme or a
// team: a zero row on each board of people over the whole programme (so
// everyone enrolled is ranked from the start), and one more member (or,
// with sign -1, one fewer) on its team's existing rows of boards of teams
// for the whole programme and for the current period.
func (e *Engine) joinBoards(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, sign int, today int, now time.Time, out []scoreChange) ([]scoreChange, error) {
	if en.TeamID != "" && ed.ranksTeams() {
		if err := lockTeam(ctx, tx, en.ProgrammeID, en.TeamID, now); err != nil {
			return out, err
		}
	}
	for i := range ed.boards.Boards {
		b := &ed.boards.Boards[i]
		if b.Subject == leaderboard.People {
			if sign > 0 && b.Period == leaderboard.WholeProgramme && eligible(b, en, challenge.Date{}) {
				row, err := tx.AddScore(ctx, boardKey(en.ProgrammeID, b, "", partition(b, en)), personSubject(en.ParticipantID),
					storage.ScoreDelta{TeamID: en.TeamID, Hidden: en.BoardsOptOut, At: now})
				if err != nil {
					return out, err
				}
				out = append(out, scoreChange{row: row, board: b, optOut: ed.boards.OptOut})
			}
			continue
		}
		if en.TeamID == "" {
			continue
		}
		periods := []string{""}
		firsts := []challenge.Date{{}}
		if b.Period != leaderboard.WholeProgramme {
			periods, firsts = periods[:0], firsts[:0]
			if today >= 1 {
				k, f := periodOf(b, nominalDate(en, today))
				periods, firsts = append(periods, k), append(firsts, f)
			}
		}
		for j, period := range periods {
			if !eligible(b, en, firsts[j]) {
				continue
			}
			key := boardKey(en.ProgrammeID, b, period, partition(b, en))
			if _, err := tx.GetScore(ctx, key, teamSubject(en.TeamID)); err != nil {
				if errors.Is(err, storage.ErrNotFound) {
					continue // created with its member count when first scored
				}
				return out, err
			}
			row, err := tx.AddScore(ctx, key, teamSubject(en.TeamID), storage.ScoreDelta{Members: sign, TeamID: en.TeamID, At: now})
			if err != nil {
				return out, err
			}
			out = append(out, scoreChange{row: row, board: b, optOut: ed.boards.OptOut})
		}
	}
	return out, nil
}

// teamLockBoard is the board ID of the rows that serialise counting a
// team's members with members joining or leaving it. Definitions cannot use
// it ('~' is not allowed in an ID), and its rows are never ranked.
const teamLockBoard = "~team-lock"

// lockTeam takes the row lock of team's lock row in the programme until
// the transaction ends, creating the row if need be (a zero increment).
//
// Without it a member count could miss a joiner: a transaction that
// creates a team's row for a period counts the team's enrolments, while
// one enrolling a member looks for that row to add itself to. Under READ
// COMMITTED (PostgreSQL, MySQL) the joiner does not see the uncommitted
// row and the count does not see the uncommitted joiner. Both take the lock
// first, so one of them sees the other's commit. Memory and SQLite
// serialise writers anyway.
func lockTeam(ctx context.Context, tx storage.Tx, programmeID string, team challenge.TeamID, now time.Time) error {
	_, err := tx.AddScore(ctx, storage.BoardKey{ProgrammeID: programmeID, BoardID: teamLockBoard}, teamSubject(team),
		storage.ScoreDelta{TeamID: team, At: now})
	return err
}

// ranksTeams reports whether ed has a board of teams.
func (ed *edition) ranksTeams() bool {
	for i := range ed.boards.Boards {
		if ed.boards.Boards[i].Subject == leaderboard.Teams {
			return true
		}
	}
	return false
}

// rankScore is the figure the rank index orders row by.
func rankScore(b *leaderboard.Board, row *storage.Score) int64 {
	if b.Subject == leaderboard.Teams {
		return leaderboard.TeamScore(b.Aggregation, row.Value, row.Members)
	}
	return row.Value
}

// indexBoard names the rank index board of key.
func indexBoard(b *leaderboard.Board, key storage.BoardKey) rankindex.Board {
	return rankindex.Board{Key: indexKey(key), Ranking: b.Ranking}
}

// indexKey joins a board key into the rank index's opaque key. Parts are
// separated by a byte no ID can hold (IDs are validated).
func indexKey(k storage.BoardKey) string {
	return strings.Join([]string{k.ProgrammeID, k.BoardID, k.Period, k.Partition}, "\x1f")
}

// indexUpdate turns a stored row into a rank index update: rows that are
// off the board (see offBoard) are removed from it.
func indexUpdate(c *scoreChange) rankindex.Update {
	return rankindex.Update{
		Member:  c.row.Subject,
		Score:   rankScore(c.board, &c.row),
		At:      c.row.ReachedAt.UnixNano(),
		Version: c.row.Version,
		Remove:  offBoard(c.board, c.optOut, &c.row),
	}
}

// applyScores hands committed score rows to the rank index, one Apply per
// board (one round trip to a shared index). A failure leaves the index
// behind the database, so the board is dropped and warmed again from
// storage on its next query rather than answering wrongly.
func (e *Engine) applyScores(changes []scoreChange) {
	if len(changes) == 0 {
		return
	}
	ctx := context.Background()
	var updates []rankindex.Update
	for i := 0; i < len(changes); {
		c := &changes[i]
		b := indexBoard(c.board, c.row.BoardKey)
		updates = updates[:0]
		j := i
		for ; j < len(changes) && changes[j].board == c.board && changes[j].row.BoardKey == c.row.BoardKey; j++ {
			updates = append(updates, indexUpdate(&changes[j]))
		}
		i = j
		if err := e.ranks.Apply(ctx, b, updates...); err != nil {
			e.log.Error("habitkit: rank index update failed; the board will be warmed again", "board", b.Key, "err", err)
			if derr := e.ranks.Drop(ctx, b); derr != nil {
				e.log.Error("habitkit: rank index drop failed", "board", b.Key, "err", derr)
			}
		}
	}
}

// SetBoardsOptOut records whether the participant of enrolmentID opted
// out of leaderboards. What others then see follows the programme's
// setting (hidden, or anonymised); the participant still sees their own
// standing.
func (e *Engine) SetBoardsOptOut(ctx context.Context, enrolmentID uuid.UUID, optOut bool) (challenge.Enrolment, error) {
	var en challenge.Enrolment
	var changes []scoreChange
	err := e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		changes = changes[:0]
		var err error
		en, err = tx.GetEnrolment(ctx, enrolmentID)
		if err != nil {
			return err
		}
		if en.BoardsOptOut == optOut {
			return nil
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		en.BoardsOptOut = optOut
		if err := tx.UpdateEnrolment(ctx, en); err != nil {
			return err
		}
		en.Version++
		rows, err := tx.SetScoresHidden(ctx, en.ProgrammeID, personSubject(en.ParticipantID), optOut)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if b := ed.board(row.BoardID); b != nil {
				changes = append(changes, scoreChange{row: row, board: b, optOut: ed.boards.OptOut})
			}
		}
		return nil
	})
	if err != nil {
		return challenge.Enrolment{}, fmt.Errorf("habitkit: set boards opt-out: enrolment %s: %w", enrolmentID, err)
	}
	e.applyScores(changes)
	return en.Clone(), nil
}

// moveTeam moves en from old's team to its new team on ed's boards: one
// member fewer on the old team's current rows, one more on the new team's,
// and the person's current rows carried to the new team (see
// carryPersonRows). Points already earned stay with the team that earned
// them.
func (e *Engine) moveTeam(ctx context.Context, tx storage.Tx, ed *edition, old, en *challenge.Enrolment, today int, now time.Time, out []scoreChange) ([]scoreChange, error) {
	out, err := e.joinBoards(ctx, tx, ed, old, -1, today, now, out)
	if err != nil {
		return out, err
	}
	if out, err = e.joinBoards(ctx, tx, ed, en, 1, today, now, out); err != nil {
		return out, err
	}
	return e.carryPersonRows(ctx, tx, ed, old, en, today, now, out)
}

// carryPersonRows moves en's rows on boards of people to its new team, for
// the whole programme and for the current period. On a board split by team
// the row in the new team's partition takes the score of the row in the old
// one, which is relabelled with the new team: that takes it off the old
// team's board (see offBoard) while keeping its version, so that moving
// back later brings it back. On other boards the row is relabelled, so that
// the team's member board lists en under its new team at once. Rows of
// past periods stay as they were: those were earned in the old team.
func (e *Engine) carryPersonRows(ctx context.Context, tx storage.Tx, ed *edition, old, en *challenge.Enrolment, today int, now time.Time, out []scoreChange) ([]scoreChange, error) {
	subject := personSubject(en.ParticipantID)
	relabel := storage.ScoreDelta{TeamID: en.TeamID, Hidden: en.BoardsOptOut, At: now}
	for i := range ed.boards.Boards {
		b := &ed.boards.Boards[i]
		if b.Subject != leaderboard.People {
			continue
		}
		period := ""
		if b.Period != leaderboard.WholeProgramme {
			if today < 1 {
				continue
			}
			period, _ = periodOf(b, nominalDate(en, today))
		}
		from := boardKey(en.ProgrammeID, b, period, partition(b, old))
		row, err := tx.GetScore(ctx, from, subject)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			continue // nothing scored there yet
		case err != nil:
			return out, err
		}
		to := boardKey(en.ProgrammeID, b, period, partition(b, en))
		if to != from {
			held := int64(0)
			switch prev, err := tx.GetScore(ctx, to, subject); {
			case err == nil:
				held = prev.Value
			case !errors.Is(err, storage.ErrNotFound):
				return out, err
			}
			carried := relabel
			carried.Value = row.Value - held
			moved, err := tx.AddScore(ctx, to, subject, carried)
			if err != nil {
				return out, err
			}
			out = append(out, scoreChange{row: moved, board: b, optOut: ed.boards.OptOut})
		} else if row.TeamID == en.TeamID {
			continue
		}
		if row, err = tx.AddScore(ctx, from, subject, relabel); err != nil {
			return out, err
		}
		out = append(out, scoreChange{row: row, board: b, optOut: ed.boards.OptOut})
	}
	return out, nil
}

// offBoard reports whether row is kept off the board others see: a hidden
// person when the programme hides those who opted out, and a person's row
// left in a team's partition of a board split by team after they moved to
// another team (the row names their new team).
func offBoard(b *leaderboard.Board, optOut leaderboard.OptOut, row *storage.Score) bool {
	if row.Hidden && optOut == leaderboard.OptOutHidden {
		return true
	}
	return b.Subject == leaderboard.People && b.Scope == leaderboard.ScopeTeam && string(row.TeamID) != row.Partition
}

// positionSources is what settling a final position changes.
var positionSources = []badge.Source{badge.SourcePosition}

// positionBoard is the board final positions are taken from: the
// programme's first board of people over the whole programme that is not
// split by team (badges for final positions need one).
func (ed *edition) positionBoard() *leaderboard.Board {
	for i := range ed.boards.Boards {
		b := &ed.boards.Boards[i]
		if b.Subject == leaderboard.People && b.Period == leaderboard.WholeProgramme && b.Scope != leaderboard.ScopeTeam {
			return b
		}
	}
	return nil
}

// SettleFinalPositions records the final position of every participant of
// the programme whose programme is over (past its last day and the grace
// window), on the programme's position board: its first board of people
// over the whole programme that is not split by team. Badges for final
// positions are awarded (or, when a position changed, revoked) in the same
// transaction as each participant's position. It returns how many
// enrolments changed. Hosts call it once a cohort has ended (say, from a
// daily job); calling it again changes only what moved. A participant who
// opted out is placed where they would stand among those others see.
func (e *Engine) SettleFinalPositions(ctx context.Context, programmeID string) (int, error) {
	fail := func(err error) (int, error) {
		return 0, fmt.Errorf("habitkit: settle final positions of %s: %w", programmeID, err)
	}
	var ed *edition
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		ed, err = e.edition(ctx, tx, programmeID, 0)
		return err
	})
	if err != nil {
		return fail(err)
	}
	b := ed.positionBoard()
	if b == nil {
		return 0, nil
	}
	changed := 0
	var cursor storage.Cursor
	for {
		var page storage.Page[challenge.Enrolment]
		err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			var err error
			page, err = tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: programmeID}, cursor, storage.MaxLimit)
			return err
		})
		if err != nil {
			return fail(err)
		}
		for i := range page.Items {
			n, err := e.settlePosition(ctx, b, &page.Items[i])
			if err != nil {
				return fail(err)
			}
			changed += n
		}
		if page.Next == "" {
			return changed, nil
		}
		cursor = page.Next
	}
}

// settlePosition settles one enrolment's final position; see
// SettleFinalPositions.
func (e *Engine) settlePosition(ctx context.Context, b *leaderboard.Board, listed *challenge.Enrolment) (int, error) {
	now := e.clock.Now().UTC()
	st, err := e.Standing(ctx, BoardQuery{ProgrammeID: listed.ProgrammeID, BoardID: b.ID, Partition: partition(b, listed), Viewer: listed.ParticipantID})
	if errors.Is(err, ErrNotRanked) {
		return 0, nil // not eligible for the board
	}
	if err != nil {
		return 0, err
	}
	changed := 0
	var events []Event
	err = e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		events, changed = events[:0], 0
		en, err := tx.GetEnrolment(ctx, listed.ID)
		if err != nil {
			return err
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		today, err := en.DayAt(now, ed.p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		if today <= ed.p.Length+ed.p.GraceDays || en.FinalPosition == st.Rank {
			return nil
		}
		en.FinalPosition = st.Rank
		if _, events, err = e.evaluateBadges(ctx, tx, ed, &en, today, 0, positionSources, false, now, true, events); err != nil {
			return err
		}
		changed = 1
		return tx.UpdateEnrolment(ctx, en)
	})
	if err != nil {
		return 0, err
	}
	e.deliver(events)
	return changed, nil
}

package storage

import (
	"context"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

// BoardKey identifies one ranking: a leaderboard of a programme, for one
// period and one partition of its scope.
type BoardKey struct {
	// ProgrammeID is the programme that declares the board.
	ProgrammeID string
	// BoardID is the board's ID in the programme definition.
	BoardID string
	// Period names the period: "" for the whole programme, otherwise the
	// key the engine derives from the period's first day ("2026-11-25",
	// "2026-W48", "2026-11"). Adapters compare it as an opaque string.
	Period string
	// Partition is "" for a board scoped to the programme, the cohort ID
	// for a cohort-scoped board, and the team ID for a team-scoped one.
	Partition string
}

// Score is one subject's standing on one board: a person (Subject is the
// enrolment ID as a string) or a team (Subject is the team ID).
type Score struct {
	BoardKey
	// Subject is the ranked member: an enrolment ID for boards of people,
	// a team ID for boards of teams.
	Subject string
	// TeamID is, for a person, their team when the score last changed; for
	// a team, the team itself. It lets a manager's board of one team's
	// members be listed without reading every row.
	TeamID challenge.TeamID
	// Value is the board's metric summed over the subject (for a team, over
	// its members).
	Value int64
	// Members is, for a team, the number of members counted in Value (the
	// divisor of a mean-per-member board); for a person, 1.
	Members int
	// Hidden is set for a person who opted out of leaderboards; the engine
	// keeps them out of what others see.
	Hidden bool
	// ReachedAt is when Value last changed: the tie-break of boards that
	// rank who reached a score first.
	ReachedAt time.Time
	// Version starts at 1 and grows by one with every change of the row.
	// Rank indexes apply a score only when its version is newer than the
	// one they hold, so late or repeated deliveries never roll a rank back.
	Version int64
}

// ScoreDelta is a change to one score row.
type ScoreDelta struct {
	// Value is added to the row's Value (it may be negative or zero).
	Value int64
	// Members is added to the row's Members.
	Members int
	// TeamID replaces the row's TeamID.
	TeamID challenge.TeamID
	// Hidden replaces the row's Hidden.
	Hidden bool
	// At becomes the row's ReachedAt when Value is not zero, or when the
	// row is new.
	At time.Time
}

// ScoreFilter selects rows of one board. Empty fields do not filter.
type ScoreFilter struct {
	// TeamID keeps only rows whose TeamID is this team.
	TeamID challenge.TeamID
}

// ScoreReader reads leaderboard scores.
type ScoreReader interface {
	// GetScore returns the score of subject on board key, or ErrNotFound.
	GetScore(ctx context.Context, key BoardKey, subject string) (Score, error)
	// ListScores returns the rows of board key that match f, ordered by
	// Subject (bytewise), paged by cursor. It is how rank indexes are
	// warmed, one keyset page at a time; it never ranks.
	ListScores(ctx context.Context, key BoardKey, f ScoreFilter, cursor Cursor, limit int) (Page[Score], error)
	// ListSubjectScores returns every row of subject in the programme,
	// across boards, periods and partitions, ordered by (BoardID, Period,
	// Partition). A person has at most a few rows per board and period.
	ListSubjectScores(ctx context.Context, programmeID, subject string) ([]Score, error)
}

// ScoreWriter writes leaderboard scores.
type ScoreWriter interface {
	// AddScore applies d to the row (key, subject), creating it with
	// Value d.Value, Members d.Members and Version 1 when it does not
	// exist, and otherwise adding to Value and Members, replacing TeamID
	// and Hidden, setting ReachedAt to d.At when d.Value is not zero, and
	// incrementing Version. It returns the row as it is after the change.
	//
	// Concurrent AddScore calls on one row from different transactions
	// must all count: the adapter serialises them (a row lock or a single
	// writer), never loses one, and never reports ErrConflict for them
	// (it may retry the whole transaction internally, as for deadlocks).
	AddScore(ctx context.Context, key BoardKey, subject string, d ScoreDelta) (Score, error)
	// SetScoresHidden sets Hidden on every row of subject in the programme
	// whose Hidden differs, incrementing their Version, and returns the
	// changed rows as they are after the change, ordered as
	// ListSubjectScores orders them. Rows whose Hidden already matches are
	// neither changed nor returned. Value, Members, TeamID and ReachedAt
	// stay as they are.
	SetScoresHidden(ctx context.Context, programmeID, subject string, hidden bool) ([]Score, error)
	// DeleteScores removes every row of subject in the programme and
	// returns them as they were, ordered as ListSubjectScores orders them
	// (the engine takes them out of rank indexes and out of team totals).
	// Rows of other subjects, including rows whose TeamID is subject, stay.
	DeleteScores(ctx context.Context, programmeID, subject string) ([]Score, error)
}

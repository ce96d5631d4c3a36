package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

const scoreColumns = "programme_id, board_id, period, partition_key, subject, team_id, value, members, hidden, reached_at, version"

// scoreKeyWhere selects one row by its primary key.
const scoreKeyWhere = " WHERE programme_id = ? AND board_id = ? AND period = ? AND partition_key = ? AND subject = ?"

// subjectWhere selects every row of one subject in a programme.
const subjectWhere = " WHERE programme_id = ? AND subject = ?"

// subjectOrder is the order of ListSubjectScores, and of what
// SetScoresHidden and DeleteScores return.
const subjectOrder = " ORDER BY board_id, period, partition_key"

const scoreListing = "scores"

// scoreCursor is the key after which a score listing resumes.
type scoreCursor struct {
	L       string `json:"l"`
	Subject string `json:"s"`
}

// upsertScoreSQL creates a row or adds to it in one statement and returns
// it (SQLite, PostgreSQL). The row lock (PostgreSQL) or the single writer
// (SQLite) serialises concurrent upserts of one row, and ON CONFLICT DO
// UPDATE never fails on a row that a concurrent transaction inserted first.
const upsertScoreSQL = "INSERT INTO habitkit_scores (" + scoreColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)" +
	" ON CONFLICT (programme_id, board_id, period, partition_key, subject) DO UPDATE SET" +
	" team_id = excluded.team_id," +
	" value = habitkit_scores.value + excluded.value," +
	" members = habitkit_scores.members + excluded.members," +
	" hidden = excluded.hidden," +
	" reached_at = CASE WHEN excluded.value <> 0 THEN excluded.reached_at ELSE habitkit_scores.reached_at END," +
	" version = habitkit_scores.version + 1" +
	" RETURNING " + scoreColumns

// upsertScoreMySQL is upsertScoreSQL for MySQL and MariaDB, without
// RETURNING. The arguments after the VALUES are team, value, members,
// hidden, value and reached_at. InnoDB locks the row (the existing one, or
// the one just inserted) until commit, so the SELECT that follows reads
// this transaction's result.
const upsertScoreMySQL = "INSERT INTO habitkit_scores (" + scoreColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)" +
	" ON DUPLICATE KEY UPDATE" +
	" team_id = ?," +
	" value = value + ?," +
	" members = members + ?," +
	" hidden = ?," +
	" reached_at = CASE WHEN ? <> 0 THEN ? ELSE reached_at END," +
	" version = version + 1"

func scoreKeyString(key storage.BoardKey, subject string) string {
	return fmt.Sprintf("programme %q board %q period %q partition %q subject %q",
		key.ProgrammeID, key.BoardID, key.Period, key.Partition, subject)
}

func scoreKeyArgs(key storage.BoardKey, subject string) []any {
	return []any{key.ProgrammeID, key.BoardID, key.Period, key.Partition, subject}
}

// scanScore reads one row of scoreColumns.
func scanScore(d dialect, scan func(dest ...any) error) (storage.Score, error) {
	var (
		sc   storage.Score
		team string
		at   = timeScan{d: d}
	)
	if err := scan(&sc.ProgrammeID, &sc.BoardID, &sc.Period, &sc.Partition, &sc.Subject, &team,
		&sc.Value, &sc.Members, &sc.Hidden, &at, &sc.Version); err != nil {
		return storage.Score{}, err
	}
	sc.TeamID = challenge.TeamID(team)
	sc.ReachedAt = at.t
	return sc, nil
}

// queryScore runs a query returning at most one score row; no row is
// sqlNoRows, unwrapped.
func (t *tx) queryScore(ctx context.Context, op, query string, args []any) (storage.Score, error) {
	if err := t.check(op); err != nil {
		return storage.Score{}, err
	}
	row := t.c.QueryRowContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
	sc, err := scanScore(t.s.d, row.Scan)
	if err != nil && !errors.Is(err, sqlNoRows) {
		return storage.Score{}, t.wrap(ctx, op, err)
	}
	return sc, err
}

// queryScores runs a query returning score rows.
func (t *tx) queryScores(ctx context.Context, op, query string, args []any) ([]storage.Score, error) {
	rows, err := t.query(ctx, op, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storage.Score
	for rows.Next() {
		sc, err := scanScore(t.s.d, rows.Scan)
		if err != nil {
			return nil, t.wrap(ctx, op, err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, t.wrap(ctx, op, err)
	}
	return out, nil
}

// GetScore implements [storage.ScoreReader.GetScore].
func (t *tx) GetScore(ctx context.Context, key storage.BoardKey, subject string) (storage.Score, error) {
	op := "get score of " + scoreKeyString(key, subject)
	sc, err := t.queryScore(ctx, op, "SELECT "+scoreColumns+" FROM habitkit_scores"+scoreKeyWhere, scoreKeyArgs(key, subject))
	if errors.Is(err, sqlNoRows) {
		return storage.Score{}, notFound(op)
	}
	return sc, err
}

// ListScores implements [storage.ScoreReader.ListScores] with a keyset
// query on the primary key, or on the team index when f names a team.
func (t *tx) ListScores(ctx context.Context, key storage.BoardKey, f storage.ScoreFilter, cursor storage.Cursor, limit int) (storage.Page[storage.Score], error) {
	op := fmt.Sprintf("list scores of programme %q board %q period %q partition %q", key.ProgrammeID, key.BoardID, key.Period, key.Partition)
	limit = storage.ClampLimit(limit)
	q := "SELECT " + scoreColumns + " FROM habitkit_scores WHERE programme_id = ? AND board_id = ? AND period = ? AND partition_key = ?"
	args := []any{key.ProgrammeID, key.BoardID, key.Period, key.Partition}
	if f.TeamID != "" {
		q += " AND team_id = ?"
		args = append(args, string(f.TeamID))
	}
	if cursor != "" {
		var c scoreCursor
		if err := decodeCursor(cursor, scoreListing, &c, &c.L); err != nil {
			return storage.Page[storage.Score]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND subject > ?"
		args = append(args, c.Subject)
	}
	return listPage(ctx, t, op, q+" ORDER BY subject", args, limit,
		func(scan func(...any) error) (storage.Score, error) { return scanScore(t.s.d, scan) },
		func(last storage.Score) storage.Cursor {
			return storage.EncodeCursor(scoreCursor{L: scoreListing, Subject: last.Subject})
		})
}

// ListSubjectScores implements [storage.ScoreReader.ListSubjectScores].
func (t *tx) ListSubjectScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	op := fmt.Sprintf("list scores of subject %q in programme %q", subject, programmeID)
	return t.queryScores(ctx, op, "SELECT "+scoreColumns+" FROM habitkit_scores"+subjectWhere+subjectOrder,
		[]any{programmeID, subject})
}

// AddScore implements [storage.ScoreWriter.AddScore] with one upsert: on
// SQLite and PostgreSQL one round trip (INSERT … ON CONFLICT … DO UPDATE …
// RETURNING), on MySQL and MariaDB two (INSERT … ON DUPLICATE KEY UPDATE,
// then SELECT). The database adds, so concurrent calls never lose an
// increment and never conflict; an InnoDB deadlock between first inserts
// is retried with the whole transaction, as every deadlock is.
func (t *tx) AddScore(ctx context.Context, key storage.BoardKey, subject string, d storage.ScoreDelta) (storage.Score, error) {
	op := "add to score of " + scoreKeyString(key, subject)
	at := t.timeArg(d.At)
	args := append(scoreKeyArgs(key, subject), string(d.TeamID), d.Value, d.Members, d.Hidden, at)
	if t.s.d.returning() {
		sc, err := t.queryScore(ctx, op, upsertScoreSQL, args)
		if errors.Is(err, sqlNoRows) {
			// RETURNING always yields the row; a driver that drops it is
			// not one we support.
			return storage.Score{}, fmt.Errorf("sqlstore: %s: upsert returned no row", op)
		}
		return sc, err
	}
	args = append(args, string(d.TeamID), d.Value, d.Members, d.Hidden, d.Value, at)
	if _, err := t.exec(ctx, op, upsertScoreMySQL, args...); err != nil {
		return storage.Score{}, err
	}
	sc, err := t.queryScore(ctx, op, "SELECT "+scoreColumns+" FROM habitkit_scores"+scoreKeyWhere, scoreKeyArgs(key, subject))
	if errors.Is(err, sqlNoRows) {
		return storage.Score{}, fmt.Errorf("sqlstore: %s: row missing after upsert", op)
	}
	return sc, err
}

// SetScoresHidden implements [storage.ScoreWriter.SetScoresHidden].
func (t *tx) SetScoresHidden(ctx context.Context, programmeID, subject string, hidden bool) ([]storage.Score, error) {
	op := fmt.Sprintf("set hidden of scores of subject %q in programme %q", subject, programmeID)
	if t.s.d.returning() {
		out, err := t.queryScores(ctx, op,
			"UPDATE habitkit_scores SET hidden = ?, version = version + 1"+subjectWhere+" AND hidden <> ? RETURNING "+scoreColumns,
			[]any{hidden, programmeID, subject, hidden})
		sortBySubjectOrder(out)
		return out, err
	}
	// Lock the rows to change, then change exactly those: a row inserted
	// meanwhile by another transaction is neither changed nor returned.
	out, err := t.queryScores(ctx, op,
		"SELECT "+scoreColumns+" FROM habitkit_scores"+subjectWhere+" AND hidden <> ?"+subjectOrder+t.s.d.lockSuffix(),
		[]any{programmeID, subject, hidden})
	if err != nil {
		return nil, err
	}
	if err := t.forScoreKeys(ctx, op, "UPDATE habitkit_scores SET hidden = ?, version = version + 1", []any{hidden}, programmeID, subject, out); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Hidden = hidden
		out[i].Version++
	}
	return out, nil
}

// DeleteScores implements [storage.ScoreWriter.DeleteScores].
func (t *tx) DeleteScores(ctx context.Context, programmeID, subject string) ([]storage.Score, error) {
	op := fmt.Sprintf("delete scores of subject %q in programme %q", subject, programmeID)
	if t.s.d.returning() {
		out, err := t.queryScores(ctx, op,
			"DELETE FROM habitkit_scores"+subjectWhere+" RETURNING "+scoreColumns,
			[]any{programmeID, subject})
		sortBySubjectOrder(out)
		return out, err
	}
	out, err := t.queryScores(ctx, op,
		"SELECT "+scoreColumns+" FROM habitkit_scores"+subjectWhere+subjectOrder+t.s.d.lockSuffix(),
		[]any{programmeID, subject})
	if err != nil {
		return nil, err
	}
	if err := t.forScoreKeys(ctx, op, "DELETE FROM habitkit_scores", nil, programmeID, subject, out); err != nil {
		return nil, err
	}
	return out, nil
}

// scoreKeysPerStatement bounds the keys of one forScoreKeys statement (3
// placeholders each).
const scoreKeysPerStatement = 200

// forScoreKeys runs stmt (an UPDATE … SET … or a DELETE FROM, taking args
// first) on exactly the rows of subject in programmeID listed in rows, a
// bounded number of keys per statement.
func (t *tx) forScoreKeys(ctx context.Context, op, stmt string, args []any, programmeID, subject string, rows []storage.Score) error {
	for chunk := range slices.Chunk(rows, scoreKeysPerStatement) {
		var b strings.Builder
		b.WriteString(stmt)
		b.WriteString(subjectWhere)
		b.WriteString(" AND (board_id, period, partition_key) IN (")
		a := append(slices.Clip(args), programmeID, subject)
		for i, sc := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			a = append(a, sc.BoardID, sc.Period, sc.Partition)
		}
		b.WriteString(")")
		n, err := t.exec(ctx, op, b.String(), a...)
		if err != nil {
			return err
		}
		if n != int64(len(chunk)) {
			// The rows are locked, so this cannot happen unless the
			// database lost a lock.
			return fmt.Errorf("sqlstore: %s: changed %d rows of %d locked", op, n, len(chunk))
		}
	}
	return nil
}

// sortBySubjectOrder sorts rows of one subject as ListSubjectScores does:
// RETURNING has no ORDER BY. Byte order, as the database's collations.
func sortBySubjectOrder(rows []storage.Score) {
	slices.SortFunc(rows, func(a, b storage.Score) int {
		if c := strings.Compare(a.BoardID, b.BoardID); c != 0 {
			return c
		}
		if c := strings.Compare(a.Period, b.Period); c != 0 {
			return c
		}
		return strings.Compare(a.Partition, b.Partition)
	})
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

const completionColumns = "enrolment_id, day, activity_id, id, programme_id, variation_id, idempotency_key, completed_at, points, outcome, revoked_at, revoked_by, revoke_reason"

const completionListing = "completions"

// insertCompletionQuery runs on every completion (on SQLite, prepared once).
const insertCompletionQuery = "INSERT INTO habitkit_completions (" + completionColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// completionCursor is the key after which a completion listing resumes.
type completionCursor struct {
	L          string `json:"l"`
	Day        int    `json:"d"`
	ActivityID string `json:"a"`
}

// scanCompletion reads one row of completionColumns.
func scanCompletion(d dialect, scan func(dest ...any) error) (challenge.Completion, error) {
	var (
		c                 challenge.Completion
		idem, by, reason  sql.NullString
		outcome           []byte
		completed, revokd = timeScan{d: d}, timeScan{d: d}
	)
	if err := scan(&c.EnrolmentID, &c.Day, &c.ActivityID, &c.ID, &c.ProgrammeID, &c.VariationID,
		&idem, &completed, &c.Points, &outcome, &revokd, &by, &reason); err != nil {
		return challenge.Completion{}, err
	}
	c.IdempotencyKey = idem.String
	c.CompletedAt = completed.t
	if err := json.Unmarshal(outcome, &c.Outcome); err != nil {
		return challenge.Completion{}, fmt.Errorf("decode completion %s outcome: %w", c.ID, err)
	}
	if revokd.valid {
		c.Revocation = &challenge.Revocation{At: revokd.t, Actor: by.String, Reason: reason.String}
	}
	return c, nil
}

// getCompletion returns the completion the query selects.
func (t *tx) getCompletion(ctx context.Context, op, query string, args ...any) (challenge.Completion, error) {
	if err := t.check(op); err != nil {
		return challenge.Completion{}, err
	}
	row := t.c.QueryRowContext(ctx, t.s.d.rebind(query), t.s.d.args(args)...)
	c, err := scanCompletion(t.s.d, row.Scan)
	switch {
	case errors.Is(err, sqlNoRows):
		return challenge.Completion{}, notFound(op)
	case err != nil:
		return challenge.Completion{}, t.wrap(ctx, op, err)
	}
	return c, nil
}

func keyString(k challenge.CompletionKey) string {
	return fmt.Sprintf("enrolment %s day %d activity %q", k.EnrolmentID, k.Day, k.ActivityID)
}

// GetCompletion implements [storage.CompletionReader.GetCompletion].
func (t *tx) GetCompletion(ctx context.Context, key challenge.CompletionKey) (challenge.Completion, error) {
	return t.getCompletion(ctx, "get completion of "+keyString(key),
		"SELECT "+completionColumns+" FROM habitkit_completions WHERE enrolment_id = ? AND day = ? AND activity_id = ?",
		key.EnrolmentID, key.Day, key.ActivityID)
}

// GetCompletionByIdempotencyKey implements [storage.CompletionReader.GetCompletionByIdempotencyKey].
func (t *tx) GetCompletionByIdempotencyKey(ctx context.Context, key string) (challenge.Completion, error) {
	op := fmt.Sprintf("get completion by idempotency key %q", key)
	if key == "" {
		// Empty keys are stored as NULL and identify nothing.
		return challenge.Completion{}, notFound(op)
	}
	return t.getCompletion(ctx, op,
		"SELECT "+completionColumns+" FROM habitkit_completions WHERE idempotency_key = ?", key)
}

// ListCompletions implements [storage.CompletionReader.ListCompletions].
func (t *tx) ListCompletions(ctx context.Context, f storage.CompletionFilter, cursor storage.Cursor, limit int) (storage.Page[challenge.Completion], error) {
	op := "list completions of enrolment " + f.EnrolmentID.String()
	limit = storage.ClampLimit(limit)
	q := "SELECT " + completionColumns + " FROM habitkit_completions WHERE enrolment_id = ?"
	args := []any{f.EnrolmentID}
	if !f.IncludeRevoked {
		q += " AND revoked_at IS NULL"
	}
	if cursor != "" {
		var c completionCursor
		if err := decodeCursor(cursor, completionListing, &c, &c.L); err != nil {
			return storage.Page[challenge.Completion]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND (day, activity_id) > (?, ?)"
		args = append(args, c.Day, c.ActivityID)
	}
	return listPage(ctx, t, op, q+" ORDER BY day, activity_id", args, limit,
		func(scan func(...any) error) (challenge.Completion, error) { return scanCompletion(t.s.d, scan) },
		func(last challenge.Completion) storage.Cursor {
			return storage.EncodeCursor(completionCursor{L: completionListing, Day: last.Day, ActivityID: last.ActivityID})
		})
}

// InsertCompletion implements [storage.CompletionWriter.InsertCompletion].
func (t *tx) InsertCompletion(ctx context.Context, c challenge.Completion) error {
	op := func() string { return "insert completion of " + keyString(c.CompletionKey) }
	args, err := t.completionArgs(c)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op(), err)
	}
	return t.insertf(ctx, op, insertCompletionQuery, args...)
}

// completionArgs returns c's values in the order of completionColumns.
func (t *tx) completionArgs(c challenge.Completion) ([]any, error) {
	outcome, err := json.Marshal(c.Outcome)
	if err != nil {
		return nil, err
	}
	var at, by, reason any
	if r := c.Revocation; r != nil {
		at, by, reason = t.timeArg(r.At), r.Actor, r.Reason
	}
	return []any{c.EnrolmentID, c.Day, c.ActivityID, c.ID, c.ProgrammeID, c.VariationID, nullString(c.IdempotencyKey),
		t.timeArg(c.CompletedAt), c.Points, string(outcome), at, by, reason}, nil
}

// recordCompletionPostgres updates the enrolment (a compare-and-swap on its
// version) and, only if that matched, inserts the completion; it returns how
// many rows each part wrote. Unique violations on the completion are
// absorbed by ON CONFLICT, so they leave the transaction usable.
const recordCompletionPostgres = `WITH upd AS (
	UPDATE habitkit_enrolments SET programme_version = ?, team_id = ?, cohort_id = ?, data = ?, version = version + 1
	WHERE id = ? AND version = ? RETURNING id
), ins AS (
	INSERT INTO habitkit_completions (` + completionColumns + `)
	SELECT ?::uuid, ?::integer, ?::text, ?::uuid, ?::text, ?::text, ?::text, ?::timestamptz, ?::bigint, ?::jsonb, ?::timestamptz, ?::text, ?::text
	FROM upd ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM upd), (SELECT count(*) FROM ins)`

// RecordCompletion implements [storage.CompletionRecorder]. On PostgreSQL
// it is one statement; elsewhere it is InsertCompletion then
// UpdateEnrolment. When the enrolment was updated but the completion could
// not be inserted, the transaction is spoilt: it will not commit.
func (t *tx) RecordCompletion(ctx context.Context, c challenge.Completion, e challenge.Enrolment) error {
	if t.s.d.kind() != Postgres {
		if err := t.InsertCompletion(ctx, c); err != nil {
			return err
		}
		if err := t.UpdateEnrolment(ctx, e); err != nil {
			return t.spoil(err)
		}
		return nil
	}
	op := "record completion of " + keyString(c.CompletionKey)
	data, err := encodeEnrolmentData(e)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	cargs, err := t.completionArgs(c)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	args := append([]any{e.ProgrammeVersion, string(e.TeamID), e.CohortID, data, e.ID, e.Version}, cargs...)
	var updated, inserted int64
	if err := t.queryRow(ctx, op, recordCompletionPostgres, args, &updated, &inserted); err != nil {
		return err
	}
	switch {
	case updated == 1 && inserted == 1:
		return nil
	case updated == 1:
		return t.spoil(fmt.Errorf("sqlstore: %s: %w: a completion with the same key, ID or idempotency key exists", op, storage.ErrConflict))
	}
	return t.enrolmentNotUpdated(ctx, op, e.ID)
}

// RevokeCompletion implements [storage.CompletionWriter.RevokeCompletion].
func (t *tx) RevokeCompletion(ctx context.Context, key challenge.CompletionKey, r challenge.Revocation) error {
	op := "revoke completion of " + keyString(key)
	n, err := t.exec(ctx, op,
		"UPDATE habitkit_completions SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE enrolment_id = ? AND day = ? AND activity_id = ? AND revoked_at IS NULL",
		t.timeArg(r.At), r.Actor, r.Reason, key.EnrolmentID, key.Day, key.ActivityID)
	if err != nil || n > 0 {
		return err
	}
	ok, err := t.exists(ctx, op,
		"SELECT 1 FROM habitkit_completions WHERE enrolment_id = ? AND day = ? AND activity_id = ?",
		key.EnrolmentID, key.Day, key.ActivityID)
	switch {
	case err != nil:
		return err
	case !ok:
		return notFound(op)
	}
	return fmt.Errorf("sqlstore: %s: %w: already revoked", op, storage.ErrConflict)
}

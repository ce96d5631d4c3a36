package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/storage"
)

const awardColumns = "programme_id, enrolment_id, badge_id, tier, day, awarded_at, evidence"

const awardListing = "awards"

// insertAward inserts an award, the values in the order of awardColumns.
const insertAward = "INSERT INTO habitkit_awards (" + awardColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)"

// insertAwardOrFail is insertAward where triggers count holders (SQLite,
// see dialect.countsHolders). A statement whose trigger writes too is run
// in a statement transaction, so that failing it undoes the trigger's
// writes, and that costs a copy of every page it changes. This one cannot
// fail halfway: a duplicate key is found before the row is written, and the
// trigger's writes break no constraint. OR FAIL tells SQLite so, and it
// runs the statement as it runs an insert without triggers; a duplicate key
// is still SQLITE_CONSTRAINT_PRIMARYKEY.
const insertAwardOrFail = "INSERT OR FAIL INTO habitkit_awards (" + awardColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)"

// insertAwardQuery returns the insert of an award for d. It runs for every
// award a completion earns (on SQLite, prepared once).
func insertAwardQuery(d dialect) string {
	if d.countsHolders() {
		return insertAwardOrFail
	}
	return insertAward
}

// awardCursor is the key after which an award listing resumes.
type awardCursor struct {
	L       string `json:"l"`
	BadgeID string `json:"b"`
	Tier    int    `json:"t"`
	Day     int    `json:"d"`
}

func awardKeyString(k storage.AwardKey) string {
	return fmt.Sprintf("enrolment %s badge %q tier %d day %d", k.EnrolmentID, k.BadgeID, k.Tier, k.Day)
}

// scanAward reads one row of awardColumns.
func scanAward(d dialect, scan func(dest ...any) error) (storage.Award, error) {
	var (
		a  storage.Award
		at = timeScan{d: d}
	)
	if err := scan(&a.ProgrammeID, &a.EnrolmentID, &a.BadgeID, &a.Tier, &a.Day, &at, &a.Evidence); err != nil {
		return storage.Award{}, err
	}
	a.AwardedAt = at.t
	// Nil and empty are the same value; the column holds empty for both.
	if len(a.Evidence) == 0 {
		a.Evidence = nil
	}
	return a, nil
}

// InsertAward implements [storage.AwardWriter.InsertAward].
func (t *tx) InsertAward(ctx context.Context, a storage.Award) error {
	evidence := a.Evidence
	if evidence == nil {
		evidence = []byte{} // the column is NOT NULL, like a programme's definition
	}
	return t.insertf(ctx, func() string { return "insert award of " + awardKeyString(a.AwardKey) }, insertAwardQuery(t.s.d),
		a.ProgrammeID, a.EnrolmentID, a.BadgeID, a.Tier, a.Day, t.timeArg(a.AwardedAt), evidence)
}

// GetAward implements [storage.AwardReader.GetAward].
func (t *tx) GetAward(ctx context.Context, key storage.AwardKey) (storage.Award, error) {
	op := "get award of " + awardKeyString(key)
	if err := t.check(op); err != nil {
		return storage.Award{}, err
	}
	row := t.c.QueryRowContext(ctx, t.s.d.rebind(
		"SELECT "+awardColumns+" FROM habitkit_awards WHERE enrolment_id = ? AND badge_id = ? AND tier = ? AND day = ?"),
		t.s.d.args([]any{key.EnrolmentID, key.BadgeID, key.Tier, key.Day})...)
	a, err := scanAward(t.s.d, row.Scan)
	switch {
	case errors.Is(err, sqlNoRows):
		return storage.Award{}, notFound(op)
	case err != nil:
		return storage.Award{}, t.wrap(ctx, op, err)
	}
	return a, nil
}

// ListAwards implements [storage.AwardReader.ListAwards].
func (t *tx) ListAwards(ctx context.Context, enrolmentID uuid.UUID, cursor storage.Cursor, limit int) (storage.Page[storage.Award], error) {
	op := "list awards of enrolment " + enrolmentID.String()
	limit = storage.ClampLimit(limit)
	q := "SELECT " + awardColumns + " FROM habitkit_awards WHERE enrolment_id = ?"
	args := []any{enrolmentID}
	if cursor != "" {
		var c awardCursor
		if err := decodeCursor(cursor, awardListing, &c, &c.L); err != nil {
			return storage.Page[storage.Award]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND (badge_id, tier, day) > (?, ?, ?)"
		args = append(args, c.BadgeID, c.Tier, c.Day)
	}
	return listPage(ctx, t, op, q+" ORDER BY badge_id, tier, day", args, limit,
		func(scan func(...any) error) (storage.Award, error) { return scanAward(t.s.d, scan) },
		func(last storage.Award) storage.Cursor {
			return storage.EncodeCursor(awardCursor{L: awardListing, BadgeID: last.BadgeID, Tier: last.Tier, Day: last.Day})
		})
}

// CountHolders implements [storage.AwardReader.CountHolders]. Where the
// dialect keeps holder counts (SQLite, see dialect.countsHolders) it reads
// the programme's rows of habitkit_award_holders; elsewhere it is one
// grouped query, answered from the (programme_id, badge_id, enrolment_id)
// index.
func (t *tx) CountHolders(ctx context.Context, programmeID string) (map[string]int, error) {
	op := fmt.Sprintf("count badge holders of programme %q", programmeID)
	q := "SELECT badge_id, COUNT(DISTINCT enrolment_id) FROM habitkit_awards WHERE programme_id = ? GROUP BY badge_id"
	if t.s.d.countsHolders() {
		q = "SELECT badge_id, holders FROM habitkit_award_holders WHERE programme_id = ?"
	}
	rows, err := t.query(ctx, op, q, programmeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]int)
	for rows.Next() {
		var (
			badge string
			n     int
		)
		if err := rows.Scan(&badge, &n); err != nil {
			return nil, t.wrap(ctx, op, err)
		}
		out[badge] = n
	}
	if err := rows.Err(); err != nil {
		return nil, t.wrap(ctx, op, err)
	}
	return out, nil
}

// DeleteAward implements [storage.AwardWriter.DeleteAward].
func (t *tx) DeleteAward(ctx context.Context, key storage.AwardKey) error {
	op := "delete award of " + awardKeyString(key)
	n, err := t.exec(ctx, op,
		"DELETE FROM habitkit_awards WHERE enrolment_id = ? AND badge_id = ? AND tier = ? AND day = ?",
		key.EnrolmentID, key.BadgeID, key.Tier, key.Day)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

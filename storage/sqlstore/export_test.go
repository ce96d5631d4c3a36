package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// SetRetryHook makes s call f with the error before each retry of a
// transaction, so tests can see retries happen without timing.
func SetRetryHook(s *Store, f func(err error)) { s.onRetry = f }

// SetSearchFrom makes every search of s (SQLite and PostgreSQL) start from
// the full-text index (fts true) or walk the feed's order (fts false), so
// that tests can prove both plans return the same results. A newest-first
// search on PostgreSQL, which always walks its words' keys, walks the first
// word's (fts true) or the last word's (fts false) instead of the rarest's.
func SetSearchFrom(s *Store, fts bool) {
	s.searchFrom = -1
	if fts {
		s.searchFrom = 1
	}
}

// Classify tells how the dialect d classifies err: "conflict", "retry" or
// "other".
func Classify(d Dialect, err error) string {
	dl, derr := dialectFor(d, nil)
	if derr != nil {
		panic(derr)
	}
	switch dl.classify(err) {
	case classConflict:
		return "conflict"
	case classRetry:
		return "retry"
	}
	return "other"
}

// OpenAt opens a Store on db with its schema migrated only up to version
// last, as an older release of habitkit left it.
func OpenAt(ctx context.Context, db *sql.DB, last int) (*Store, error) {
	d, err := dialectFor("", db)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d, maxRetries: DefaultMaxRetries}
	if err := s.migrateTo(ctx, last); err != nil {
		return nil, err
	}
	return s, nil
}

// Migrations returns the number of migrations of dialect d.
func Migrations(d Dialect) int {
	ms, err := loadMigrations(d)
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// BulkInsertReflections loads rs (new reflections, counts included) in one
// transaction with multi-row INSERTs, for benchmarks: what InsertReflection
// stores, much faster.
func BulkInsertReflections(ctx context.Context, s *Store, rs []reflection.Reflection) error {
	const perStatement = 500
	return s.run(ctx, "bulk insert reflections", true, func(ctx context.Context, t *tx) error {
		var seq int64
		var maxID string
		if s.d.kind() == SQLite {
			// The secondary indexes take keys all over the table: a
			// 256 MB page cache for the load keeps them out of the
			// file's reads and writes. Put back to SQLite's default
			// after, so that the benchmarks read as a store would.
			if _, err := t.exec(ctx, "bulk", "PRAGMA cache_size = -262144"); err != nil {
				return err
			}
			defer func() { _, _ = t.exec(ctx, "bulk", "PRAGMA cache_size = -2000") }()
			if err := t.queryRow(ctx, "bulk", "SELECT COALESCE(MAX(seq), 0), COALESCE(MAX(id), '') FROM habitkit_reflections", nil, &seq, &maxID); err != nil {
				return err
			}
		}
		for chunk := range slices.Chunk(rs, perStatement) {
			var b strings.Builder
			cols, values, _ := t.searchInsert(uuid.Nil, "")
			if s.d.kind() == SQLite {
				values = ", ?, ?" // in_order from maxID below: one statement inserts many rows
			}
			b.WriteString("INSERT INTO habitkit_reflections (" + reflectionColumns + cols + ") VALUES ")
			args := make([]any, 0, len(chunk)*21)
			for i, r := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + values + ")")
				answers, err := json.Marshal(r.Answers)
				if err != nil {
					return err
				}
				moderation, err := encodeModerated(r.Moderated)
				if err != nil {
					return err
				}
				args = append(args, r.ID, r.ProgrammeID, nullUUID(r.EnrolmentID), string(r.Author), string(r.AuthorTeam), r.Day, r.ActivityID,
					r.VariationID, string(answers), int(r.Visibility), t.timeArg(r.CreatedAt), t.nullTime(r.EditedAt), moderation,
					flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased), r.Responses, r.Reactions, r.Version)
				_, _, searchArgs := t.searchInsert(r.ID, searchText(r.Answers))
				if s.d.kind() == SQLite {
					searchArgs[1] = flag(r.ID.String() > maxID)
					maxID = max(maxID, r.ID.String())
				}
				args = append(args, searchArgs...)
			}
			if _, err := t.exec(ctx, "bulk", b.String(), args...); err != nil {
				return err
			}
			if s.d.kind() == Postgres {
				if err := bulkIndexWords(ctx, t, chunk); err != nil {
					return err
				}
			}
		}
		if s.d.kind() == SQLite {
			_, err := t.exec(ctx, "bulk", "INSERT INTO habitkit_reflection_search (rowid, search_text) SELECT seq, search_text FROM habitkit_reflections WHERE seq > ?", seq)
			return err
		}
		return nil
	})
}

// bulkIndexWords writes the habitkit_reflection_words rows of rs, as
// InsertReflection does, in one statement.
func bulkIndexWords(ctx context.Context, t *tx, rs []reflection.Reflection) error {
	var keys []int64
	var ids strings.Builder
	ids.WriteByte('{')
	for _, r := range rs {
		for _, k := range pgWordKeys(r.ProgrammeID, storage.ReflectionSearchWords(r.Answers)) {
			if len(keys) > 0 {
				ids.WriteByte(',')
			}
			keys = append(keys, k)
			ids.WriteString(r.ID.String())
		}
	}
	ids.WriteByte('}')
	if len(keys) == 0 {
		return nil
	}
	_, err := t.exec(ctx, "bulk", "INSERT INTO habitkit_reflection_words (word_key, reflection_id) SELECT unnest(?::bigint[]), unnest(?::uuid[])",
		pgKeyArray(keys), ids.String())
	return err
}

// BeginBulkLoad prepares s for BulkInsertReflections: on PostgreSQL it
// turns the GIN index's fastupdate on, so that inserts queue their entries
// in its pending list instead of updating the index row by row.
func BeginBulkLoad(ctx context.Context, s *Store) error {
	if s.d.kind() != Postgres {
		return nil
	}
	_, err := s.db.ExecContext(ctx, "ALTER INDEX habitkit_reflections_search SET (fastupdate = on)")
	return err
}

// EndBulkLoad leaves s as the migrations and the database's own
// maintenance would after a bulk load: on PostgreSQL fastupdate off again
// and VACUUM (ANALYZE) of the reflections and their search words, which also
// merges the GIN pending list and sets the rows' hint bits and visibility
// map, as autovacuum would; elsewhere ANALYZE, for the planner statistics.
func EndBulkLoad(ctx context.Context, s *Store) error {
	var sts []string
	switch s.d.kind() {
	case SQLite:
		sts = []string{"ANALYZE"}
	case Postgres:
		sts = []string{"ALTER INDEX habitkit_reflections_search SET (fastupdate = off)", "VACUUM (ANALYZE) habitkit_reflections",
			"VACUUM (ANALYZE) habitkit_reflection_words"}
	case MySQL:
		sts = []string{"ANALYZE TABLE habitkit_reflections"}
	}
	for _, st := range sts {
		rows, err := s.db.QueryContext(ctx, st)
		if err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// InsertAwardWithID inserts a as a store whose schema is older than
// version 5 did, with an award ID, for upgrade tests.
func InsertAwardWithID(ctx context.Context, s *Store, a storage.Award, id uuid.UUID) error {
	args := s.d.args([]any{id, a.ProgrammeID, a.EnrolmentID, a.BadgeID, a.Tier, a.Day, s.d.timeValue(a.AwardedAt.UTC()), a.Evidence})
	_, err := s.db.ExecContext(ctx, s.d.rebind("INSERT INTO habitkit_awards (id, "+awardColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), args...)
	return err
}

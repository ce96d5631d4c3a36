package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/reflection"
)

// SetRetryHook makes s call f with the error before each retry of a
// transaction, so tests can see retries happen without timing.
func SetRetryHook(s *Store, f func(err error)) { s.onRetry = f }

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
		if s.d.kind() == SQLite {
			if err := t.queryRow(ctx, "bulk", "SELECT COALESCE(MAX(seq), 0) FROM habitkit_reflections", nil, &seq); err != nil {
				return err
			}
		}
		for chunk := range slices.Chunk(rs, perStatement) {
			var b strings.Builder
			b.WriteString("INSERT INTO habitkit_reflections (" + reflectionColumns + ", search_text) VALUES ")
			args := make([]any, 0, len(chunk)*20)
			for i, r := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
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
					flag(r.Hidden), flag(r.Deleted), flag(r.AuthorErased), r.Responses, r.Reactions, r.Version, searchText(r.Answers))
			}
			if _, err := t.exec(ctx, "bulk", b.String(), args...); err != nil {
				return err
			}
		}
		if s.d.kind() == SQLite {
			_, err := t.exec(ctx, "bulk", "INSERT INTO habitkit_reflection_search (rowid, search_text) SELECT seq, search_text FROM habitkit_reflections WHERE seq > ?", seq)
			return err
		}
		return nil
	})
}

// Analyze updates the planner statistics of the reflection tables, as the
// database's own maintenance would after a bulk load.
func Analyze(ctx context.Context, s *Store) error {
	var st string
	switch s.d.kind() {
	case SQLite:
		st = "ANALYZE"
	case Postgres:
		st = "ANALYZE habitkit_reflections"
	case MySQL:
		st = "ANALYZE TABLE habitkit_reflections"
	}
	rows, err := s.db.QueryContext(ctx, st)
	if err != nil {
		return err
	}
	return rows.Close()
}

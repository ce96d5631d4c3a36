package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change.
type migration struct {
	version    int
	name       string
	statements []statement
}

// statement is one statement of a migration.
type statement struct {
	sql string
	// ifColumn, "table.column", makes the statement run only while that
	// column exists: a file says so with the comment line
	// "-- if column exists: table.column" before the statement. MySQL has
	// no DROP COLUMN IF EXISTS (MariaDB has), and its migrations must be
	// re-runnable (see migrateMySQL).
	ifColumn string
}

// ifColumnPrefix starts the comment line that sets statement.ifColumn.
const ifColumnPrefix = "-- if column exists:"

// loadMigrations returns the dialect's migrations in version order.
func loadMigrations(d Dialect) ([]migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		sts, err := splitStatements(string(b))
		if err == nil && d == SQLite && slices.ContainsFunc(sts, func(st statement) bool { return st.ifColumn != "" }) {
			err = errors.New(ifColumnPrefix + " needs information_schema, which SQLite lacks")
		}
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, statements: sts})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// splitStatements splits a migration file into statements: each ends with a
// ';' at the end of a line, except a CREATE TRIGGER, whose body holds
// statements of its own: it ends with a line "END;". Lines starting with
// "--" are comments, except the ifColumnPrefix line, which applies to the
// statement after it. Splitting ourselves means the DSN needs no
// multi-statement option (MySQL).
func splitStatements(src string) ([]statement, error) {
	var out []statement
	var cur strings.Builder
	var ifColumn string
	end := func() {
		if st := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"); st != "" {
			out = append(out, statement{sql: st, ifColumn: ifColumn})
			ifColumn = ""
		}
		cur.Reset()
	}
	for line := range strings.Lines(src) {
		trimmed := strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(trimmed, ifColumnPrefix); ok {
			table, column, ok := strings.Cut(strings.TrimSpace(rest), ".")
			if !ok || table == "" || column == "" || strings.TrimSpace(cur.String()) != "" {
				return nil, fmt.Errorf("%q: want %q between statements", trimmed, ifColumnPrefix+" table.column")
			}
			ifColumn = table + "." + column
			continue
		}
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if !strings.HasSuffix(trimmed, ";") {
			continue
		}
		if trigger := strings.HasPrefix(strings.ToUpper(strings.TrimSpace(cur.String())), "CREATE TRIGGER"); !trigger || strings.EqualFold(trimmed, "END;") {
			end()
		}
	}
	end()
	if ifColumn != "" {
		return nil, fmt.Errorf("%q is followed by no statement", ifColumnPrefix+" "+ifColumn)
	}
	return out, nil
}

// migrate applies the migrations the database lacks, each recorded in
// habitkit_migrations. Concurrent migrators (several processes starting at
// once) are serialized: SQLite by its write lock, PostgreSQL by an advisory
// lock taken inside each migration's transaction, MySQL by GET_LOCK.
func (s *Store) migrate(ctx context.Context) error { return s.migrateTo(ctx, 0) }

// migrateTo is migrate stopping after version last (every version when
// last is 0); tests use it to make a database of an older schema.
func (s *Store) migrateTo(ctx context.Context, last int) error {
	ms, err := loadMigrations(s.d.kind())
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if last > 0 {
		ms = slices.DeleteFunc(ms, func(m migration) bool { return m.version > last })
	}
	if s.d.kind() == MySQL {
		return s.migrateMySQL(ctx, ms)
	}
	if s.d.writeLock() != "" {
		// SQLite's transactions take the write lock with a write to
		// habitkit_migrations (sqliteWriteLock), so the table must exist
		// before the first migration's transaction. Concurrent creators are
		// serialized by SQLite, and IF NOT EXISTS is checked under its lock.
		if _, err := s.db.ExecContext(ctx, s.d.migrationsTable()); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", wrapCtx(ctx, err))
		}
	}
	for _, m := range ms {
		err := s.run(ctx, "migrate "+m.name, true, func(ctx context.Context, t *tx) error {
			if s.d.kind() == Postgres {
				if _, err := t.exec(ctx, "lock migrations", pgMigrationLock); err != nil {
					return err
				}
			}
			return s.applyMigration(ctx, t.c, m, func(err error) error { return t.wrap(ctx, "migrate "+m.name, err) })
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// applyMigration applies m on q unless habitkit_migrations records it.
func (s *Store) applyMigration(ctx context.Context, q dbtx, m migration, wrap func(error) error) error {
	if _, err := q.ExecContext(ctx, s.d.migrationsTable()); err != nil {
		return wrap(err)
	}
	var n int
	if err := q.QueryRowContext(ctx, s.d.rebind("SELECT COUNT(*) FROM habitkit_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
		return wrap(err)
	}
	if n > 0 {
		return nil
	}
	for _, st := range m.statements {
		if st.ifColumn != "" {
			table, column, _ := strings.Cut(st.ifColumn, ".")
			var n int
			err := q.QueryRowContext(ctx, s.d.rebind("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "+s.d.currentSchemaSQL()+
				" AND table_name = ? AND column_name = ?"), table, column).Scan(&n)
			if err != nil {
				return wrap(err)
			}
			if n == 0 {
				continue
			}
		}
		if _, err := q.ExecContext(ctx, st.sql); err != nil {
			return wrap(err)
		}
	}
	ins := "INSERT INTO habitkit_migrations (version, applied_at) VALUES (?, " + s.d.nowSQL() + ")"
	if _, err := q.ExecContext(ctx, s.d.rebind(ins), m.version); err != nil {
		return wrap(err)
	}
	return nil
}

// mysqlMigrationLock names the GET_LOCK lock of the current database (lock
// names are limited to 64 characters, hence the hash).
const mysqlMigrationLock = "CONCAT('habitkit_migrate:', MD5(DATABASE()))"

// migrateMySQL applies migrations under a session lock. MySQL commits DDL
// implicitly, so a migration cannot be one transaction: each is recorded
// right after it is applied, and its statements are written to be
// re-runnable (CREATE TABLE IF NOT EXISTS with inline indexes) in case a
// crash falls between the two.
func (s *Store) migrateMySQL(ctx context.Context, ms []migration) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+mysqlMigrationLock+", 60)").Scan(&got); err != nil {
		return fmt.Errorf("sqlstore: migrate: lock: %w", wrapCtx(ctx, err))
	}
	if !got.Valid || got.Int64 != 1 {
		return errors.New("sqlstore: migrate: lock: GET_LOCK failed (timeout, or no database selected in the DSN)")
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK("+mysqlMigrationLock+")"); rerr != nil && err == nil {
			err = fmt.Errorf("sqlstore: migrate: unlock: %w", rerr)
		}
	}()
	for _, m := range ms {
		if err := s.applyMigration(ctx, conn, m, func(err error) error {
			return fmt.Errorf("sqlstore: migrate %s: %w", m.name, wrapCtx(ctx, err))
		}); err != nil {
			return err
		}
	}
	return nil
}

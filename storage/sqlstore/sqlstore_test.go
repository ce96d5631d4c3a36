package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/sqlstore"
	"github.com/habitkit/habitkit/storage/storagetest"
)

// backend is one database the tests run against.
type backend struct {
	dialect sqlstore.Dialect
	driver  string
	// create makes a fresh, isolated database and returns a pool on it and
	// a DSN for a second pool.
	create func(t testing.TB) (*sql.DB, string)
}

var backends = []backend{
	{sqlstore.SQLite, dbtest.DriverSQLite, dbtest.SQLite},
	{sqlstore.Postgres, dbtest.DriverPostgres, dbtest.Postgres},
	{sqlstore.MySQL, dbtest.DriverMySQL, dbtest.MySQL},
}

// forEach runs f as a subtest per backend, in parallel.
func forEach(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(string(b.dialect), func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

// mustOpen opens a Store on db and closes it when the test ends.
func mustOpen(t testing.TB, db *sql.DB, opts *sqlstore.Options) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newStore returns a Store on a fresh database of b, and the DSN of it.
func newStore(t testing.TB, b backend) (*sqlstore.Store, string) {
	t.Helper()
	db, dsn := b.create(t)
	return mustOpen(t, db, nil), dsn
}

// reopen returns a second Store, on a second pool, on the data behind dsn:
// a second process.
func reopen(t testing.TB, b backend, dsn string) *sqlstore.Store {
	t.Helper()
	return mustOpen(t, dbtest.Open(t, b.driver, dsn), nil)
}

var t0 = time.Date(2025, 3, 30, 0, 59, 58, 123456000, time.UTC)

func newEnrolment(programme string, participant string) challenge.Enrolment {
	return challenge.Enrolment{
		ID:               uuid.Must(uuid.NewV7()),
		ProgrammeID:      programme,
		ProgrammeVersion: 1,
		ParticipantID:    challenge.ParticipantID(participant),
		TeamID:           "team-a",
		Start:            challenge.NewDate(2025, 3, 1),
		FirstDay:         1,
		Zones:            []challenge.ZoneChange{{From: t0, Zone: "Europe/London"}},
		EnrolledAt:       t0,
		Version:          1,
	}
}

func newCompletion(e challenge.Enrolment, day int, activity string) challenge.Completion {
	return challenge.Completion{
		ID:            uuid.Must(uuid.NewV7()),
		CompletionKey: challenge.CompletionKey{EnrolmentID: e.ID, Day: day, ActivityID: activity},
		ProgrammeID:   e.ProgrammeID,
		CompletedAt:   t0.Add(time.Duration(day) * time.Hour),
		Points:        10,
		Outcome:       challenge.Snapshot{Streak: day, Longest: day, Points: 10 * day},
	}
}

// TestConformance runs the storage conformance suite on each database, with
// a second pool on the same data as Reopen (a second process).
func TestConformance(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		var dsns sync.Map // *sqlstore.Store -> DSN of its database
		storagetest.Suite{
			NewStore: func(t *testing.T) storage.Store {
				s, dsn := newStore(t, b)
				dsns.Store(s, dsn)
				return s
			},
			Features: storagetest.Features{
				Reopen: func(t *testing.T, s storage.Store) storage.Store {
					dsn, ok := dsns.Load(s)
					require.True(t, ok, "Reopen of a store the suite did not make")
					return reopen(t, b, dsn.(string))
				},
				WriteDuringView: true,
			},
		}.Run(t)
	})
}

// TestConformanceSearchPlans runs the suite with every search forced to
// start from the full-text index and then from the feed's order, on the
// databases whose adapter chooses between the two, so both plans are proven
// to return the same results.
func TestConformanceSearchPlans(t *testing.T) {
	for _, b := range backends[:2] { // SQLite and PostgreSQL
		for _, fts := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/fts=%v", b.dialect, fts), func(t *testing.T) {
				t.Parallel()
				storagetest.Run(t, func(t *testing.T) storage.Store {
					s, _ := newStore(t, b)
					sqlstore.SetSearchFrom(s, fts)
					return s
				})
			})
		}
	}
}

func TestRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, _ := newStore(t, b)
		ctx := t.Context()
		e := newEnrolment("p", "Alice")
		e.Absences = []challenge.Absence{{From: challenge.NewDate(2025, 3, 5), To: challenge.NewDate(2025, 3, 6), Reason: "leave"}}
		e.Rota = challenge.Rota{Start: challenge.NewDate(2025, 3, 1), On: 4, Off: 4}
		e.Progress.Done.Add(3)
		e.Progress.Done.Add(100)
		e.Progress.Strength = 0.1 + 0.2
		c := newCompletion(e, 3, "walk")
		c.IdempotencyKey = "req-1"
		c.VariationID = "v2"
		prog := storage.Programme{ID: "p", Version: 1, Definition: []byte(`{"id": "p"}`), PublishedAt: t0}
		audit := storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", Action: "x", Actor: "admin", Reason: "why", Subject: "s", At: t0}

		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.InsertProgramme(ctx, prog))
			require.NoError(t, tx.InsertEnrolment(ctx, e))
			require.NoError(t, tx.InsertCompletion(ctx, c))
			require.NoError(t, tx.InsertAudit(ctx, audit))
			return nil
		}))
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			gotP, err := tx.GetProgramme(ctx, "p", 0)
			require.NoError(t, err)
			assert.Equal(t, prog, gotP)
			gotE, err := tx.GetEnrolmentByParticipant(ctx, "p", "Alice")
			require.NoError(t, err)
			assert.Equal(t, e, gotE)
			gotC, err := tx.GetCompletionByIdempotencyKey(ctx, "req-1")
			require.NoError(t, err)
			assert.Equal(t, c, gotC)
			page, err := tx.ListAudit(ctx, storage.AuditFilter{ProgrammeID: "p"}, "", 0)
			require.NoError(t, err)
			assert.Equal(t, []storage.AuditEntry{audit}, page.Items)
			_, err = tx.GetEnrolmentByParticipant(ctx, "p", "alice")
			assert.ErrorIs(t, err, storage.ErrNotFound, "IDs are case-sensitive")
			return nil
		}))
	})
}

func TestOpenTwiceIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		db, _ := b.create(t)
		mustOpen(t, db, nil)
		mustOpen(t, db, nil)
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM habitkit_migrations").Scan(&n))
		assert.Equal(t, sqlstore.Migrations(b.dialect), n, "each migration must be recorded once")
	})
}

func TestMigrationRerunsAfterLostRecord(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		db, _ := b.create(t)
		first := mustOpen(t, db, nil)
		before := newEnrolment("p", "before")
		require.NoError(t, first.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertEnrolment(ctx, before); err != nil {
				return err
			}
			return tx.InsertAward(ctx, newAward(before, "streak", 1, 0))
		}))
		// A crash between applying a migration and recording it (possible on
		// MySQL, where DDL commits at once) leaves the schema without its
		// record: the next Open must apply the migration again harmlessly.
		_, err := db.Exec("DELETE FROM habitkit_migrations")
		require.NoError(t, err)
		s := mustOpen(t, db, nil)
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM habitkit_migrations").Scan(&n))
		assert.Equal(t, sqlstore.Migrations(b.dialect), n)
		require.NoError(t, s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			e := newEnrolment("p", "after")
			if err := tx.InsertEnrolment(ctx, e); err != nil {
				return err
			}
			if err := tx.InsertAward(ctx, newAward(e, "streak", 1, 0)); err != nil {
				return err
			}
			// Awards stored before the migrations ran again are still
			// there and counted once.
			if _, err := tx.GetAward(ctx, storage.AwardKey{EnrolmentID: before.ID, BadgeID: "streak", Tier: 1}); err != nil {
				return err
			}
			holders, err := tx.CountHolders(ctx, "p")
			if err != nil {
				return err
			}
			assert.Equal(t, map[string]int{"streak": 2}, holders)
			return nil
		}))
	})
}

func TestOpenConcurrently(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		db, dsn := b.create(t)
		second := dbtest.Open(t, b.driver, dsn)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pool := range []*sql.DB{db, second} {
			wg.Go(func() {
				_, errs[i] = sqlstore.Open(t.Context(), pool, nil)
			})
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM habitkit_migrations").Scan(&n))
		assert.Equal(t, sqlstore.Migrations(b.dialect), n)
	})
}

// TestUpgradeFromVersion1 opens a database that an older release left at
// schema version 1, with records in it: Open must add the awards table,
// keep the records, and record the new migration once.
func TestUpgradeFromVersion1(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		require.GreaterOrEqual(t, sqlstore.Migrations(b.dialect), 2, "the awards migration must exist")
		db, dsn := b.create(t)
		old, err := sqlstore.OpenAt(t.Context(), db, 1)
		require.NoError(t, err)
		e := newEnrolment("p", "Alice")
		c := newCompletion(e, 3, "walk")
		require.NoError(t, old.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertEnrolment(ctx, e); err != nil {
				return err
			}
			return tx.InsertCompletion(ctx, c)
		}))
		require.NoError(t, old.Close())
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM habitkit_migrations").Scan(&n))
		require.Equal(t, 1, n, "OpenAt(1) must leave the schema at version 1")
		err = old.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error { return nil })
		require.ErrorIs(t, err, storage.ErrClosed)

		// The new release, in another process and in this one.
		stores := []*sqlstore.Store{mustOpen(t, dbtest.Open(t, b.driver, dsn), nil), mustOpen(t, db, nil)}
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM habitkit_migrations").Scan(&n))
		assert.Equal(t, sqlstore.Migrations(b.dialect), n, "each migration must be recorded once")
		var versions []int
		rows, err := db.Query("SELECT version FROM habitkit_migrations ORDER BY version")
		require.NoError(t, err)
		for rows.Next() {
			var v int
			require.NoError(t, rows.Scan(&v))
			versions = append(versions, v)
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		assert.Equal(t, []int{1, 2}, versions[:min(2, len(versions))])

		a := newAward(e, "streak", 1, 0)
		require.NoError(t, stores[0].Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertAward(ctx, a)
		}))
		require.NoError(t, stores[1].View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
			gotE, err := tx.GetEnrolment(ctx, e.ID)
			require.NoError(t, err, "records written before the upgrade must survive it")
			assert.Equal(t, e, gotE)
			gotC, err := tx.GetCompletion(ctx, c.CompletionKey)
			require.NoError(t, err, "records written before the upgrade must survive it")
			assert.Equal(t, c, gotC)
			gotA, err := tx.GetAward(ctx, a.AwardKey)
			require.NoError(t, err, "awards must work after the upgrade")
			assert.Equal(t, a, gotA)
			holders, err := tx.CountHolders(ctx, "p")
			require.NoError(t, err)
			assert.Equal(t, map[string]int{"streak": 1}, holders)
			return nil
		}))
	})
}

// TestUpgradeDropsAwardIDs opens a database at schema version 4, whose
// awards had IDs, with awards in it: Open must keep every award, readable
// by key and counted, and new awards need no ID. On SQLite version 5 also
// counts the holders of the awards stored so far: each must stay counted
// while any of its awards, old or new, remains.
func TestUpgradeDropsAwardIDs(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		db, _ := b.create(t)
		old, err := sqlstore.OpenAt(t.Context(), db, 4)
		require.NoError(t, err)
		e, f := newEnrolment("p", "Alice"), newEnrolment("p", "Bob")
		require.NoError(t, old.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertEnrolment(ctx, e); err != nil {
				return err
			}
			return tx.InsertEnrolment(ctx, f)
		}))
		// Inserted out of key order: the last is the first by key.
		before := []storage.Award{newAward(e, "streak", 1, 0), newAward(e, "daily", 0, 5), newAward(e, "daily", 0, 3), newAward(f, "daily", 0, 7)}
		for _, a := range before {
			require.NoError(t, sqlstore.InsertAwardWithID(t.Context(), old, a, uuid.Must(uuid.NewV7())))
		}
		s := mustOpen(t, db, nil)
		after := newAward(e, "daily", 0, 4)
		require.NoError(t, s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error { return tx.InsertAward(ctx, after) }))
		holders := func() map[string]int {
			var m map[string]int
			require.NoError(t, s.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
				var err error
				m, err = tx.CountHolders(ctx, "p")
				return err
			}))
			return m
		}
		require.NoError(t, s.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
			for _, a := range append(before, after) {
				got, err := tx.GetAward(ctx, a.AwardKey)
				require.NoError(t, err, "awards stored before the upgrade must survive it")
				assert.Equal(t, a, got)
			}
			return nil
		}))
		assert.Equal(t, map[string]int{"streak": 1, "daily": 2}, holders())
		// Alice's daily awards go one by one, the smallest key first, then
		// Bob's: each holder counts until its last award goes.
		for i, step := range []struct {
			key  storage.AwardKey
			want map[string]int
		}{
			{storage.AwardKey{EnrolmentID: e.ID, BadgeID: "daily", Day: 3}, map[string]int{"streak": 1, "daily": 2}},
			{storage.AwardKey{EnrolmentID: e.ID, BadgeID: "daily", Day: 4}, map[string]int{"streak": 1, "daily": 2}},
			{storage.AwardKey{EnrolmentID: e.ID, BadgeID: "daily", Day: 5}, map[string]int{"streak": 1, "daily": 1}},
			{storage.AwardKey{EnrolmentID: f.ID, BadgeID: "daily", Day: 7}, map[string]int{"streak": 1}},
		} {
			require.NoError(t, s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error { return tx.DeleteAward(ctx, step.key) }))
			assert.Equal(t, step.want, holders(), "step %d", i)
		}
	})
}

func newAward(e challenge.Enrolment, badge string, tier, day int) storage.Award {
	return storage.Award{
		AwardKey:    storage.AwardKey{EnrolmentID: e.ID, BadgeID: badge, Tier: tier, Day: day},
		ProgrammeID: e.ProgrammeID,
		AwardedAt:   t0.Add(time.Duration(day) * time.Hour),
		Evidence:    []byte(`{"days": [1,  2]}`),
	}
}

func TestConflictKeepsTransactionUsable(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, _ := newStore(t, b)
		ctx := t.Context()
		e := newEnrolment("p", "bob")
		c := newCompletion(e, 1, "walk")
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, c)
		}))
		audit := storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", At: t0}
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			again := c
			again.ID = uuid.Must(uuid.NewV7())
			err := tx.InsertCompletion(ctx, again)
			require.ErrorIs(t, err, storage.ErrConflict, "a duplicate completion key must be ErrConflict")
			assertDriverError(t, b, err)
			// The engine's idempotency reads the original after a conflict,
			// in the same transaction, and goes on writing.
			got, err := tx.GetCompletion(ctx, c.CompletionKey)
			require.NoError(t, err)
			assert.Equal(t, c.ID, got.ID)
			return tx.InsertAudit(ctx, audit)
		}))
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			page, err := tx.ListAudit(ctx, storage.AuditFilter{ProgrammeID: "p"}, "", 0)
			require.NoError(t, err)
			assert.Len(t, page.Items, 1, "writes after a conflict must commit")
			return nil
		}))
	})
}

// assertDriverError checks that the driver's own error is still reachable
// with errors.As. PostgreSQL is the exception: the adapter inserts with ON
// CONFLICT DO NOTHING there (an error would abort the transaction), so no
// driver error exists.
func assertDriverError(t *testing.T, b backend, err error) {
	t.Helper()
	switch b.dialect {
	case sqlstore.SQLite:
		var se *sqlite.Error
		if assert.ErrorAs(t, err, &se) {
			assert.Equal(t, 1555, se.Code(), "SQLITE_CONSTRAINT_PRIMARYKEY")
		}
	case sqlstore.MySQL:
		var me *mysql.MySQLError
		if assert.ErrorAs(t, err, &me) {
			assert.EqualValues(t, 1062, me.Number, "ER_DUP_ENTRY")
		}
	}
}

func TestClassify(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		db, _ := b.create(t)
		ctx := t.Context()
		_, err := db.ExecContext(ctx, "CREATE TABLE t_classify (id INT NOT NULL PRIMARY KEY, u INT UNIQUE, n INT NOT NULL)")
		require.NoError(t, err)
		ins := "INSERT INTO t_classify (id, u, n) VALUES (?, ?, ?)"
		if b.dialect == sqlstore.Postgres {
			ins = "INSERT INTO t_classify (id, u, n) VALUES ($1, $2, $3)"
		}
		_, err = db.ExecContext(ctx, ins, 1, 1, 1)
		require.NoError(t, err)

		for _, tc := range []struct {
			name string
			args []any
			want string
		}{
			{"primary key", []any{1, 2, 1}, "conflict"},
			{"unique", []any{2, 1, 1}, "conflict"},
			{"not null", []any{3, 3, nil}, "other"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.ExecContext(ctx, ins, tc.args...)
				require.Error(t, err)
				assert.Equal(t, tc.want, sqlstore.Classify(b.dialect, fmt.Errorf("wrapped: %w", err)))
			})
		}
	})
}

func TestClassifyConstructed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dialect sqlstore.Dialect
		err     error
		want    string
	}{
		{"pg unique", sqlstore.Postgres, &pgconn.PgError{Code: "23505"}, "conflict"},
		{"pg serialization", sqlstore.Postgres, &pgconn.PgError{Code: "40001"}, "retry"},
		{"pg deadlock", sqlstore.Postgres, fmt.Errorf("x: %w", &pgconn.PgError{Code: "40P01"}), "retry"},
		{"pg foreign key", sqlstore.Postgres, &pgconn.PgError{Code: "23503"}, "other"},
		{"mysql duplicate", sqlstore.MySQL, &mysql.MySQLError{Number: 1062}, "conflict"},
		{"mysql deadlock joined", sqlstore.MySQL, errors.Join(errors.New("a"), fmt.Errorf("b: %w", &mysql.MySQLError{Number: 1213})), "retry"},
		{"mysql lock wait", sqlstore.MySQL, &mysql.MySQLError{Number: 1205}, "retry"},
		{"mysql syntax", sqlstore.MySQL, &mysql.MySQLError{Number: 1064}, "other"},
		{"plain", sqlstore.SQLite, errors.New("boom"), "other"},
		{"nil", sqlstore.MySQL, nil, "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, sqlstore.Classify(tc.dialect, tc.err))
		})
	}
}

func TestSQLiteBusyIsRetried(t *testing.T) {
	t.Parallel()
	// No busy timeout: the second writer gets SQLITE_BUSY at once, so only
	// the adapter's retry can make it succeed.
	dsn := "file:" + t.TempDir() + "/busy.db?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)"
	a := mustOpen(t, dbtest.Open(t, dbtest.DriverSQLite, dsn), nil)
	b := mustOpen(t, dbtest.Open(t, dbtest.DriverSQLite, dsn), &sqlstore.Options{MaxRetries: 1000})
	ctx := t.Context()

	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var busy error
	sqlstore.SetRetryHook(b, func(err error) {
		once.Do(func() {
			busy = err
			close(release)
		})
	})
	errA := make(chan error, 1)
	go func() {
		errA <- a.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", At: t0}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	require.NoError(t, b.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", At: t0})
	}))
	require.NoError(t, <-errA)
	var se *sqlite.Error
	require.ErrorAs(t, busy, &se, "the retry must have been caused by SQLITE_BUSY")
	assert.Equal(t, 5, se.Code()&0xff)
	assertAuditCount(t, a, "p", 2)
}

// TestSQLiteWriteLockTakenFirst checks that an Update on SQLite holds the
// write lock from its start, as BEGIN IMMEDIATE would, before it has
// written anything: another writer cannot begin meanwhile.
func TestSQLiteWriteLockTakenFirst(t *testing.T) {
	t.Parallel()
	dsn := "file:" + t.TempDir() + "/lock.db?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)"
	db := dbtest.Open(t, dbtest.DriverSQLite, dsn)
	s := mustOpen(t, db, nil)
	ctx := t.Context()
	reading, release := make(chan struct{}), make(chan struct{})
	errA := make(chan error, 1)
	go func() {
		errA <- s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.ListAudit(ctx, storage.AuditFilter{ProgrammeID: "p"}, "", 0); err != nil {
				return err
			}
			close(reading)
			<-release
			return nil
		})
	}()
	<-reading
	other := dbtest.Open(t, dbtest.DriverSQLite, dsn)
	c, err := other.Conn(ctx)
	require.NoError(t, err)
	_, err = c.ExecContext(ctx, "BEGIN IMMEDIATE")
	var se *sqlite.Error
	if assert.ErrorAs(t, err, &se, "another writer must not begin while an Update that has only read runs") {
		assert.Equal(t, 5, se.Code()&0xff, "SQLITE_BUSY")
	} else {
		_, _ = c.ExecContext(ctx, "ROLLBACK")
	}
	require.NoError(t, c.Close())
	close(release)
	require.NoError(t, <-errA)
}

// TestSQLiteUpdateKeepsUnchangedIndexes checks that an enrolment updated
// after a read in the same transaction, with its team and cohort as read,
// writes only its table's page: SQLite rewrites the entries of every index
// on a column an UPDATE sets, even to the value it had. Pages are counted
// as frames the transaction appends to the write-ahead log.
func TestSQLiteUpdateKeepsUnchangedIndexes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "pages.db")
	db := dbtest.Open(t, dbtest.DriverSQLite, sqlstore.SQLiteDSN(path))
	s := mustOpen(t, db, nil)
	ctx := t.Context()
	e := newEnrolment("p", "someone")
	e.CohortID = "spring"
	require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.InsertEnrolment(ctx, e) }))
	pageSize := 0
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize))
	framesOf := func(change func(*challenge.Enrolment)) int {
		t.Helper()
		_, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		require.NoError(t, err)
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.GetEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			change(&got)
			return tx.UpdateEnrolment(ctx, got)
		}))
		st, err := os.Stat(path + "-wal")
		require.NoError(t, err)
		return int((st.Size() - 32) / int64(pageSize+24)) // WAL header, then frames of a header and a page
	}
	same := framesOf(func(e *challenge.Enrolment) { e.Progress.Points++ })
	moved := framesOf(func(e *challenge.Enrolment) { e.Progress.Points++; e.TeamID += "-x"; e.CohortID += "-x" })
	assert.Equal(t, 1, same, "an update that keeps the team and cohort must write only the row's page")
	assert.Equal(t, 3, moved, "an update that moves the team and cohort writes the row's page and both indexes'")
}

func assertAuditCount(t *testing.T, s storage.Store, programme string, want int) {
	t.Helper()
	require.NoError(t, s.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
		n := 0
		var cur storage.Cursor
		for {
			page, err := tx.ListAudit(ctx, storage.AuditFilter{ProgrammeID: programme}, cur, storage.MaxLimit)
			require.NoError(t, err)
			n += len(page.Items)
			if page.Next == "" {
				break
			}
			cur = page.Next
		}
		assert.Equal(t, want, n)
		return nil
	}))
}

func TestConcurrentWritersFromTwoPools(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s1, dsn := newStore(t, b)
		s2 := reopen(t, b, dsn)
		const writers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			s := []*sqlstore.Store{s1, s2}[w%2]
			wg.Go(func() {
				for range each {
					errs <- s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
						return tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", At: t0})
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assertAuditCount(t, s1, "p", writers*each)
	})
}

func TestDeadlockIsRetried(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		if b.dialect == sqlstore.SQLite {
			t.Skip("SQLite has one writer at a time: writers cannot deadlock")
		}
		s1, dsn := newStore(t, b)
		s2 := reopen(t, b, dsn)
		ctx := t.Context()
		e1, e2 := newEnrolment("p", "one"), newEnrolment("p", "two")
		require.NoError(t, s1.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			return errors.Join(tx.InsertEnrolment(ctx, e1), tx.InsertEnrolment(ctx, e2))
		}))
		var mu sync.Mutex
		var retried []error
		hook := func(err error) { mu.Lock(); retried = append(retried, err); mu.Unlock() }
		sqlstore.SetRetryHook(s1, hook)
		sqlstore.SetRetryHook(s2, hook)

		// bump increments an enrolment's version, re-reading it when a
		// concurrent writer got there first.
		bump := func(ctx context.Context, tx storage.Tx, id uuid.UUID) error {
			for {
				e, err := tx.GetEnrolment(ctx, id)
				if err != nil {
					return err
				}
				if err := tx.UpdateEnrolment(ctx, e); !errors.Is(err, storage.ErrConflict) {
					return err
				}
			}
		}
		// Each transaction locks one row, waits until the other holds the
		// other row, then asks for it: a deadlock on the first attempt.
		run := func(s *sqlstore.Store, first, second uuid.UUID, mine, theirs chan struct{}) error {
			attempt := 0
			return s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
				attempt++
				if err := bump(ctx, tx, first); err != nil {
					return err
				}
				if attempt == 1 {
					close(mine)
					<-theirs
				}
				return bump(ctx, tx, second)
			})
		}
		aHas, bHas := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		var errA, errB error
		wg.Go(func() { errA = run(s1, e1.ID, e2.ID, aHas, bHas) })
		wg.Go(func() { errB = run(s2, e2.ID, e1.ID, bHas, aHas) })
		wg.Wait()
		require.NoError(t, errA)
		require.NoError(t, errB)
		require.NotEmpty(t, retried, "the deadlock victim must have been retried")
		assert.Equal(t, "retry", sqlstore.Classify(b.dialect, retried[0]))
		require.NoError(t, s1.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			for _, id := range []uuid.UUID{e1.ID, e2.ID} {
				e, err := tx.GetEnrolment(ctx, id)
				require.NoError(t, err)
				assert.EqualValues(t, 3, e.Version, "both transactions must have committed once")
			}
			return nil
		}))
	})
}

func TestViewSeesSnapshotFromItsStart(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s1, dsn := newStore(t, b)
		s2 := reopen(t, b, dsn)
		ctx := t.Context()
		list := func(ctx context.Context, tx storage.ReadTx) int {
			page, err := tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: "p"}, "", 0)
			require.NoError(t, err)
			return len(page.Items)
		}
		require.NoError(t, s1.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			require.NoError(t, s2.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertEnrolment(ctx, newEnrolment("p", "late"))
			}))
			assert.Equal(t, 0, list(ctx, tx), "a write committed after View began must not be visible")
			return nil
		}))
		require.NoError(t, s1.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			assert.Equal(t, 1, list(ctx, tx))
			return nil
		}))
	})
}

func TestViewIsReadOnly(t *testing.T) {
	s, _ := newStore(t, backends[0])
	require.NoError(t, s.View(t.Context(), func(ctx context.Context, tx storage.ReadTx) error {
		_, ok := tx.(storage.Tx)
		assert.False(t, ok, "a ReadTx must not be convertible to a Tx")
		return nil
	}))
}

func TestCancelledContextWritesNothing(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, _ := newStore(t, b)
		for _, tc := range []struct {
			name string
			// before cancels before Update; otherwise fn cancels after writing.
			before bool
		}{{"before", true}, {"during", false}} {
			t.Run(tc.name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tc.before {
					cancel()
				}
				programme := "cancel-" + tc.name
				err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
					if err := tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: programme, At: t0}); err != nil {
						return err
					}
					cancel()
					return nil
				})
				require.ErrorIs(t, err, context.Canceled)
				assertAuditCount(t, s, programme, 0)
			})
		}
	})
}

func TestFnErrorIsReturnedUnchanged(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, _ := newStore(t, b)
		mine := errors.New("mine")
		calls := 0
		err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			calls++
			if err := tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", At: t0}); err != nil {
				return err
			}
			return mine
		})
		assert.Same(t, mine, err)
		assert.Equal(t, 1, calls, "an ordinary error must not be retried")
		assertAuditCount(t, s, "p", 0)
	})
}

func TestClosed(t *testing.T) {
	s, _ := newStore(t, backends[0])
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Update(t.Context(), func(context.Context, storage.Tx) error { return nil }), storage.ErrClosed)
	assert.ErrorIs(t, s.View(t.Context(), func(context.Context, storage.ReadTx) error { return nil }), storage.ErrClosed)
	assert.ErrorIs(t, s.Close(), storage.ErrClosed)
}

func TestOpenDialect(t *testing.T) {
	db, _ := dbtest.SQLite(t)
	_, err := sqlstore.Open(t.Context(), db, &sqlstore.Options{Dialect: "oracle"})
	assert.ErrorContains(t, err, "unknown dialect")
	_, err = sqlstore.Open(t.Context(), nil, nil)
	assert.Error(t, err)
	s := mustOpen(t, db, &sqlstore.Options{Dialect: sqlstore.SQLite})
	assert.Equal(t, sqlstore.SQLite, s.Dialect())
}

func TestCompletionPaging(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, _ := newStore(t, b)
		ctx := t.Context()
		e := newEnrolment("p", "pat")
		// Activity IDs sort by bytes: "B" < "a" < "b" < "é".
		var want []challenge.CompletionKey
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			for _, day := range []int{2, 1, 3} {
				for _, act := range []string{"é", "b", "B", "a"} {
					c := newCompletion(e, day, act)
					if day == 2 && act == "a" {
						c.Revocation = &challenge.Revocation{At: t0, Actor: "admin", Reason: "test"}
					}
					if err := tx.InsertCompletion(ctx, c); err != nil {
						return err
					}
				}
			}
			return nil
		}))
		for day := 1; day <= 3; day++ {
			for _, act := range []string{"B", "a", "b", "é"} {
				if day == 2 && act == "a" {
					continue
				}
				want = append(want, challenge.CompletionKey{EnrolmentID: e.ID, Day: day, ActivityID: act})
			}
		}
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			var got []challenge.CompletionKey
			var cur storage.Cursor
			pages := 0
			for {
				page, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, cur, 5)
				require.NoError(t, err)
				pages++
				for _, c := range page.Items {
					got = append(got, c.CompletionKey)
				}
				if page.Next == "" {
					break
				}
				cur = page.Next
			}
			assert.Equal(t, want, got)
			assert.Equal(t, 3, pages, "11 items in pages of 5")

			all, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID, IncludeRevoked: true}, "", 0)
			require.NoError(t, err)
			assert.Len(t, all.Items, 12)

			_, err = tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, storage.EncodeCursor("x"), 5)
			assert.ErrorIs(t, err, storage.ErrBadCursor)
			_, err = tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, "not base64!", 5)
			assert.ErrorIs(t, err, storage.ErrBadCursor)
			_, err = tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: "p"}, cur, 5)
			assert.ErrorIs(t, err, storage.ErrBadCursor, "a cursor of another listing is bad")
			return nil
		}))
	})
}

func TestTimeRepresentation(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s, dsn := newStore(t, b)
		db := dbtest.Open(t, b.driver, dsn)
		ctx := t.Context()
		paris, err := time.LoadLocation("Europe/Paris")
		require.NoError(t, err)
		// 02:30:00.123456789 in Paris is 00:30:00.123456 UTC, truncated to µs.
		in := time.Date(2025, 6, 1, 2, 30, 0, 123456789, paris)
		want := time.Date(2025, 6, 1, 0, 30, 0, 123456000, time.UTC)
		e := newEnrolment("p", "tz")
		c := newCompletion(e, 1, "walk")
		c.CompletedAt = in
		require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertCompletion(ctx, c)
		}))
		require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetCompletion(ctx, c.CompletionKey)
			require.NoError(t, err)
			assert.Equal(t, want, got.CompletedAt)
			assert.Equal(t, time.UTC, got.CompletedAt.Location())
			return nil
		}))
		var raw string
		q := map[sqlstore.Dialect]string{
			sqlstore.SQLite:   "SELECT completed_at FROM habitkit_completions",
			sqlstore.Postgres: "SELECT to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM habitkit_completions",
			sqlstore.MySQL:    "SELECT CAST(completed_at AS CHAR) FROM habitkit_completions",
		}[b.dialect]
		require.NoError(t, db.QueryRowContext(ctx, q).Scan(&raw))
		wantRaw := map[sqlstore.Dialect]string{
			sqlstore.SQLite:   "2025-06-01T00:30:00.123456Z",
			sqlstore.Postgres: "2025-06-01 00:30:00.123456",
			sqlstore.MySQL:    "2025-06-01 00:30:00.123456",
		}[b.dialect]
		assert.Equal(t, wantRaw, raw)

		if b.dialect == sqlstore.MySQL {
			// The driver's parseTime and loc settings must not shift times.
			cfg, err := mysql.ParseDSN(dsn)
			require.NoError(t, err)
			cfg.ParseTime, cfg.Loc = true, paris
			other := mustOpen(t, dbtest.Open(t, dbtest.DriverMySQL, cfg.FormatDSN()), nil)
			require.NoError(t, other.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := tx.GetCompletion(ctx, c.CompletionKey)
				require.NoError(t, err)
				assert.Equal(t, want, got.CompletedAt)
				return nil
			}))
		}
	})
}

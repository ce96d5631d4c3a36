package habitkit_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/sqlstore"
)

// sqlDatabases are the SQL adapters' databases; the server ones skip
// (or fail with CI=true) when their DSN variable is unset.
var sqlDatabases = []struct {
	name   string
	driver string
	open   func(testing.TB) (*sql.DB, string)
}{
	{"SQLite", dbtest.DriverSQLite, dbtest.SQLite},
	{"PostgreSQL", dbtest.DriverPostgres, dbtest.Postgres},
	{"MariaDB", dbtest.DriverMySQL, dbtest.MySQL},
}

func openSQLStore(t testing.TB, db *sql.DB) storage.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), db, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConcurrentCompletionsSQL runs the full concurrent load through one
// engine, then through two engines on separate *sql.DB pools sharing one
// database (as two processes would), on every SQL database. Under the race
// detector (which instruments the pure-Go SQLite too) it runs a tenth of
// the load; .ci/run also runs it at full size without the race detector.
func TestConcurrentCompletionsSQL(t *testing.T) {
	size := fullLoad
	if raceEnabled {
		size = loadSize{workers: 16, perWorker: 100, daysEach: 20}
	}
	for _, d := range sqlDatabases {
		t.Run(d.name, func(t *testing.T) {
			t.Run("OneEngine", func(t *testing.T) {
				db, _ := d.open(t)
				clock := testclock.New(loadStart)
				runConcurrentCompletions(t, size, clock, newLoadEngine(t, openSQLStore(t, db), clock))
			})
			t.Run("TwoEnginesTwoPools", func(t *testing.T) {
				db, dsn := d.open(t)
				second := dbtest.Open(t, d.driver, dsn)
				clock := testclock.New(loadStart)
				runConcurrentCompletions(t, size, clock,
					newLoadEngine(t, openSQLStore(t, db), clock),
					newLoadEngine(t, openSQLStore(t, second), clock))
			})
		})
	}
}

// TestCompleteConflictsSQL takes Complete through the cases where the
// completion's row already exists, on every SQL database. PostgreSQL writes
// a completion and its enrolment in one statement; when that meets an
// existing row, the attempt is rolled back and run again on the careful
// path, which must still replay, refuse a revoked day and refuse a reused
// idempotency key, leaving nothing half-written.
func TestCompleteConflictsSQL(t *testing.T) {
	for _, d := range sqlDatabases {
		t.Run(d.name, func(t *testing.T) {
			db, _ := d.open(t)
			f := newFixture(t, openSQLStore(t, db))
			ann, bob := f.enrol("ann"), f.enrol("bob")
			f.clock.Set(at(2, 10, 0))
			first, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1, IdempotencyKey: "ann-1"})
			require.NoError(t, err)
			again, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1})
			require.NoError(t, err)
			assert.True(t, again.Replayed, "completing a recorded day replays it")
			assert.Equal(t, first.Completion.ID, again.Completion.ID)

			_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: bob.ID, Day: 1, IdempotencyKey: "ann-1"})
			assert.ErrorIs(t, err, habitkit.ErrIdempotencyKeyReused, "a key used by another enrolment is refused")
			assert.Zero(t, f.progress(bob).DaysDone, "the refused request records nothing")

			_, err = f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: ann.ID, Day: 1, Actor: "admin", Reason: "test"})
			require.NoError(t, err)
			before := f.progress(ann)
			_, err = f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1})
			assert.ErrorIs(t, err, habitkit.ErrRevoked, "completing a revoked day is refused")
			assert.Equal(t, before, f.progress(ann), "the refused completion changes no progress")

			out, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 2})
			require.NoError(t, err, "the enrolment takes the next day as usual")
			assert.False(t, out.Replayed)
			assert.Equal(t, before.DaysDone+1, f.progress(ann).DaysDone)
		})
	}
}

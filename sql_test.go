package habitkit_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

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

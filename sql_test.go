package habitkit_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/internal/storefault"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/leaderboard"
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
			t.Run("TwoCachingEnginesTwoPools", func(t *testing.T) {
				// Each engine's enrolment cache goes stale whenever the
				// other writes: stale entries must cost re-runs only.
				db, dsn := d.open(t)
				second := dbtest.Open(t, d.driver, dsn)
				clock := testclock.New(loadStart)
				runConcurrentCompletions(t, size, clock,
					newLoadEngineCached(t, openSQLStore(t, db), clock, 1000),
					newLoadEngineCached(t, openSQLStore(t, second), clock, 1000))
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

// TestTeamCountSeesConcurrentJoinerSQL holds a completion that creates
// its team's row on a board of team means right after it counted the
// team's members, and meanwhile enrols a new member of that team through
// a second engine and pool. Under READ COMMITTED neither would see the
// other, and the team's mean would divide by one member too few; the
// team's lock makes one wait for the other, so the row counts all three.
func TestTeamCountSeesConcurrentJoinerSQL(t *testing.T) {
	for _, d := range sqlDatabases {
		t.Run(d.name, func(t *testing.T) {
			db, dsn := d.open(t)
			clock := testclock.New(at(1, 9, 0))
			held := storefault.New(openSQLStore(t, db))
			first, err := habitkit.New(held, &habitkit.Options{Clock: clock})
			require.NoError(t, err)
			second, err := habitkit.New(openSQLStore(t, dbtest.Open(t, d.driver, dsn)), &habitkit.Options{Clock: clock})
			require.NoError(t, err)
			ctx := context.Background()
			_, err = second.PublishDefinition(ctx, habitkit.Definition{Programme: testProgramme(), Leaderboards: leaderboard.Settings{
				Boards: []leaderboard.Board{{ID: "teams", Title: "Teams", Subject: leaderboard.Teams, Aggregation: leaderboard.MeanPerMember}},
			}})
			require.NoError(t, err)
			enrol := func(who string) challenge.Enrolment {
				en, err := second.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: challenge.ParticipantID(who), TeamID: "north", CohortID: "march"})
				require.NoError(t, err)
				return en
			}
			ann := enrol("ann")
			enrol("bob")

			// Hold the completion at its first score write after counting.
			var mu sync.Mutex
			counted := false
			var hold sync.Once
			holding, release := make(chan struct{}), make(chan struct{})
			held.Before(func(name string) {
				mu.Lock()
				after := counted && name == "AddScore"
				counted = counted || name == "ListEnrolments"
				mu.Unlock()
				if after {
					hold.Do(func() { close(holding); <-release })
				}
			})
			completed := make(chan error, 1)
			go func() {
				_, err := first.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: ann.ID, Day: 1})
				completed <- err
			}()
			select {
			case <-holding:
			case err := <-completed:
				t.Fatalf("the completion never counted the team's members: %v", err)
			case <-time.After(10 * time.Second):
				t.Fatal("the completion never reached its count")
			}
			joined := make(chan error, 1)
			go func() {
				_, err := second.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "cat", TeamID: "north", CohortID: "march"})
				joined <- err
			}()
			select { // let the joiner finish if nothing stops it
			case err := <-joined:
				joined <- err
			case <-time.After(300 * time.Millisecond):
			}
			close(release)
			require.NoError(t, <-completed)
			require.NoError(t, <-joined)

			var row storage.Score
			require.NoError(t, held.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
				var err error
				row, err = tx.GetScore(ctx, storage.BoardKey{ProgrammeID: "digital-confidence", BoardID: "teams"}, "t:north")
				return err
			}))
			assert.Equal(t, 3, row.Members, "ann, bob and cat are north's members")
			assert.EqualValues(t, 10, row.Value)
		})
	}
}

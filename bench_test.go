package habitkit_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
	"github.com/habitkit/habitkit/storage/sqlstore"
)

// benchProgramme is the reference shape: 30 days, a 04:00 day start, one
// day of grace, a weekly rest day, bonuses, levels and freezes. Iteration i
// of a benchmark completes day i/N+1 of enrolment i%N and the clock moves
// to that day, so an enrolment never holds more than 30 completions.
func benchProgramme() *challenge.Programme {
	p := &challenge.Programme{
		ID: "bench", Title: "Bench", Length: benchDays, TimeZone: "Europe/London", DayStartHour: 4, GraceDays: 1,
		Activities:    []challenge.Activity{{ID: "a", Title: "A", Points: 3}, {ID: "b", Title: "B", Points: 7}},
		Cohorts:       []challenge.Cohort{{ID: "c", Start: challenge.NewDate(2027, 1, 1)}},
		RestDays:      challenge.RestDays{Weekdays: []time.Weekday{time.Sunday}},
		StreakBonuses: []challenge.StreakBonus{{Streak: 7, Points: 10}, {Streak: 30, Points: 50}},
		Levels:        []challenge.Level{{Name: "one", Points: 10}, {Name: "two", Points: 100}, {Name: "three", Points: 1000}},
		Freezes:       challenge.FreezeRule{EarnEvery: 7, Max: 2},
	}
	for d := 1; d <= p.Length; d++ {
		p.Schedule = append(p.Schedule, challenge.Slot{Day: d, ActivityID: []string{"a", "b"}[d%2]})
	}
	return p
}

const benchDays = 30

type benchWorld struct {
	engine *habitkit.Engine
	clock  *testclock.Clock
	ids    []challenge.Enrolment
	next   int64 // next iteration number across benchmark runs
}

var (
	benchMu     sync.Mutex
	benchWorlds = map[string]*benchWorld{}
	benchGen    int
)

// world returns an engine with n enrolments, reused across the benchmark's
// runs while it has b.N fresh keys left (building 1M enrolments takes
// seconds), and rebuilt on a store from newStore when it has not.
func world(b *testing.B, name string, n int, newStore func() storage.Store) *benchWorld {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w, ok := benchWorlds[name]; ok && w.next+int64(b.N) <= int64(n*benchDays) {
		return w
	}
	b.StopTimer()
	defer b.StartTimer()
	benchGen++
	ctx := context.Background()
	clock := testclock.New(time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC))
	e, err := habitkit.New(newStore(), &habitkit.Options{Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Publish(ctx, benchProgramme()); err != nil {
		b.Fatal(err)
	}
	w := &benchWorld{engine: e, clock: clock, ids: make([]challenge.Enrolment, n)}
	for i := range w.ids {
		w.ids[i], err = e.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "bench", ParticipantID: challenge.ParticipantID(fmt.Sprintf("g%d-p%07d", benchGen, i)), CohortID: "c"})
		if err != nil {
			b.Fatal(err)
		}
	}
	benchWorlds[name] = w
	return w
}

// completeLoop completes b.N fresh (enrolment, day) keys with the given
// number of goroutines. Iteration i completes day i/N+1 of enrolment i%N;
// the clock follows the furthest day reached, and the one-day grace window
// keeps a worker that is a key behind valid.
func (w *benchWorld) completeLoop(b *testing.B, workers int) {
	ctx := context.Background()
	start := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	n := int64(len(w.ids))
	var next atomic.Int64
	next.Store(w.next)
	var dayMu sync.Mutex
	var day atomic.Int64
	advance := func(d int64) {
		dayMu.Lock()
		if d > day.Load() {
			day.Store(d)
			w.clock.Set(start.AddDate(0, 0, int(d-1)))
		}
		dayMu.Unlock()
	}
	advance(w.next/n + 1)
	last := w.next + int64(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	runWorkers(b, workers, func() bool {
		i := next.Add(1) - 1
		if i >= last {
			return false
		}
		d := i/n + 1
		if d > benchDays {
			b.Error("benchmark ran out of fresh keys")
			return false
		}
		if d > day.Load() {
			advance(d)
		}
		_, err := w.engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: w.ids[i%n].ID, Day: int(d)})
		if err != nil {
			b.Error(err)
			return false
		}
		return true
	})
	w.next = last
}

// runWorkers calls step from workers goroutines until one returns false.
// With one worker it runs on the benchmark's goroutine.
func runWorkers(b *testing.B, workers int, step func() bool) {
	if workers == 1 {
		for step() {
		}
		return
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for step() {
			}
		}()
	}
	wg.Wait()
}

// BenchmarkCompleteMemory measures Engine.Complete on the memory store at
// 10k and 1M enrolments, one goroutine.
func BenchmarkCompleteMemory(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("enrolments=%d", n), func(b *testing.B) {
			w := world(b, fmt.Sprintf("memory-%d", n), n, func() storage.Store { return memory.New(nil) })
			w.completeLoop(b, 1)
		})
	}
}

// BenchmarkSQLWrite measures Engine.Complete on SQLite (WAL) and PostgreSQL
// with 1 and 8 workers, beside its peer in the same run: a bare single-row
// INSERT transaction on the same database with the same number of workers.
// BENCHMARKS.md reports Complete's throughput as a ratio to the peer's.
func BenchmarkSQLWrite(b *testing.B) {
	for _, d := range sqlDatabases[:2] {
		b.Run(d.name, func(b *testing.B) {
			db, _ := d.open(b)
			dialect := sqlstore.SQLite
			if d.driver == dbtest.DriverPostgres {
				dialect = sqlstore.Postgres
			}
			store, err := sqlstore.Open(context.Background(), db, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = store.Close() })
			name := fmt.Sprintf("sql-%s-%d", d.name, time.Now().UnixNano())
			for _, workers := range []int{1, 8} {
				b.Run(fmt.Sprintf("bare-insert/workers=%d", workers), func(b *testing.B) {
					bareInserts(b, db, dialect, workers)
				})
				b.Run(fmt.Sprintf("complete/workers=%d", workers), func(b *testing.B) {
					world(b, name, 5_000, func() storage.Store { return store }).completeLoop(b, workers)
				})
			}
		})
	}
}

// bareInserts runs b.N one-row INSERT transactions from workers goroutines.
func bareInserts(b *testing.B, db *sql.DB, dialect sqlstore.Dialect, workers int) {
	ctx := context.Background()
	table := fmt.Sprintf("bench_bare_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" (id VARCHAR(64) NOT NULL PRIMARY KEY, n BIGINT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	insert := "INSERT INTO " + table + " (id, n) VALUES (?, ?)"
	if dialect == sqlstore.Postgres {
		insert = "INSERT INTO " + table + " (id, n) VALUES ($1, $2)"
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	runWorkers(b, workers, func() bool {
		i := next.Add(1)
		if i > int64(b.N) {
			return false
		}
		if err := dbtest.BareInsertTx(ctx, db, dialect, insert, uuid.NewString(), int(i)); err != nil {
			b.Error(err)
			return false
		}
		return true
	})
}

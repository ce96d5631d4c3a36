package habitkit_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
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
		Activities:    []challenge.Activity{{ID: "a", Title: "A", Points: 3, Tags: []string{"x"}}, {ID: "b", Title: "B", Points: 7, Tags: []string{"y"}}},
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
	return worldWithBadges(b, name, n, newStore, nil)
}

// worldWithBadges is world with the programme published with badges.
func worldWithBadges(b *testing.B, name string, n int, newStore func() storage.Store, badges []badge.Definition) *benchWorld {
	return newWorld(b, name, n, newStore, badges, 0)
}

// newWorld is worldWithBadges whose engine caches up to cache enrolments
// (Options.EnrolmentCache; 0: none).
func newWorld(b *testing.B, name string, n int, newStore func() storage.Store, badges []badge.Definition, cache int) *benchWorld {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w, ok := benchWorlds[name]; ok && w.next+int64(b.N) <= int64(n*benchDays) {
		return w
	}
	b.StopTimer()
	defer b.StartTimer()
	// Only the world being measured stays: a world left from an earlier
	// sub-benchmark would be live heap that every garbage collection of
	// this one scans, charging it for the other's data (a memory world
	// holds hundreds of thousands of completions by its last day).
	clear(benchWorlds)
	runtime.GC()
	benchGen++
	ctx := context.Background()
	clock := testclock.New(time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC))
	e, err := habitkit.New(newStore(), &habitkit.Options{Clock: clock, EnrolmentCache: cache})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.PublishDefinition(ctx, habitkit.Definition{Programme: benchProgramme(), Badges: badges}); err != nil {
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
	// The process's CPU time beside wall time: on a shared machine other
	// work stretches wall time, but not the CPU this process spends (its
	// garbage collection included). For the SQL stores it is the
	// client's share only.
	cpu0, cpuOK := processCPU()
	// Garbage collections per million calls: garbage costs more than its
	// allocation, through the collections it brings on.
	gc0 := gcCycles()
	defer func() {
		if cpu1, ok := processCPU(); cpuOK && ok && b.N > 0 {
			b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
		}
		if b.N > 0 {
			b.ReportMetric(float64(gcCycles()-gc0)*1e6/float64(b.N), "gc/Mop")
		}
	}()
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
				// The same with the engine's enrolment cache, which spares
				// the read of the enrolment.
				b.Run(fmt.Sprintf("complete-cached/workers=%d", workers), func(b *testing.B) {
					newWorld(b, name+"-cached", 5_000, func() storage.Store { return store }, nil, 5_000).completeLoop(b, workers)
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
	cpu0, cpuOK := processCPU()
	// Garbage collections per million calls: garbage costs more than its
	// allocation, through the collections it brings on.
	gc0 := gcCycles()
	defer func() {
		if cpu1, ok := processCPU(); cpuOK && ok && b.N > 0 {
			b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
		}
		if b.N > 0 {
			b.ReportMetric(float64(gcCycles()-gc0)*1e6/float64(b.N), "gc/Mop")
		}
	}()
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

// benchBadges are 20 badges of every data kind for benchProgramme.
func benchBadges() []badge.Definition {
	tiers := []badge.Tier{{Name: "bronze", Threshold: 3}, {Name: "silver", Threshold: 7}, {Name: "gold", Threshold: 14}}
	defs := []badge.Definition{
		{ID: "first", Name: "First", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "daily", Name: "Daily", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
		{ID: "streak", Name: "Streak", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Streak}},
		{ID: "done", Name: "Done", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Completions}},
		{ID: "x", Name: "X", Tiers: tiers, Criterion: badge.Criterion{Kind: badge.Completions, Tag: "x"}},
		{ID: "y", Name: "Y", Criterion: badge.Criterion{Kind: badge.Completions, Count: 5, Tag: "y"}},
		{ID: "bookends", Name: "Bookends", Hidden: true, Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 30}}},
		{ID: "finisher", Name: "Finisher", Criterion: badge.Criterion{Kind: badge.ProgrammeComplete}},
		{ID: "both", Name: "Both", Criterion: badge.Criterion{Kind: badge.AllOf, All: []badge.Criterion{
			{Kind: badge.Completions, Count: 2, Tag: "x"}, {Kind: badge.Completions, Count: 2, Tag: "y"}}}},
		{ID: "either", Name: "Either", Criterion: badge.Criterion{Kind: badge.AnyOf, Any: []badge.Criterion{
			{Kind: badge.Streak, Count: 10}, {Kind: badge.Completions, Count: 12}}}},
	}
	for w := 1; w <= 4; w++ {
		defs = append(defs, badge.Definition{ID: fmt.Sprintf("week-%d", w), Name: fmt.Sprintf("Week %d", w), Criterion: badge.Criterion{Kind: badge.WeekComplete, Week: w}})
	}
	for i, days := range [][]int{{1, 2}, {5, 6, 7}, {10}, {15, 16}, {20, 21, 22}, {25, 26}} {
		defs = append(defs, badge.Definition{ID: fmt.Sprintf("days-%d", i), Name: fmt.Sprintf("Days %d", i), Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: days}})
	}
	return defs
}

// BenchmarkCompleteBadges compares Complete with 20 badge definitions to
// Complete without badges, on memory (one core, 10k enrolments) and
// SQLite (5,000 enrolments), in the same run. Iteration i completes day
// i/N+1, so -benchtime sets the days measured: on memory 30000x is days
// 1-3, the richest in new badges, and 300000x the whole programme, where
// later days hold more badges and cost more.
func BenchmarkCompleteBadges(b *testing.B) {
	if n := len(benchBadges()); n != 20 {
		b.Fatalf("want 20 badge definitions, have %d", n)
	}
	stores := []struct {
		name string
		n    int
		open func(b *testing.B) func() storage.Store
	}{
		{"memory", 10_000, func(*testing.B) func() storage.Store { return func() storage.Store { return memory.New(nil) } }},
		{"SQLite", 5_000, func(b *testing.B) func() storage.Store {
			return func() storage.Store {
				db, _ := dbtest.SQLite(b)
				s, err := sqlstore.Open(context.Background(), db, nil)
				if err != nil {
					b.Fatal(err)
				}
				return s
			}
		}},
	}
	for _, st := range stores {
		for _, withBadges := range []bool{false, true} {
			var defs []badge.Definition
			label := "badges=0"
			if withBadges {
				defs, label = benchBadges(), "badges=20"
			}
			// The store is opened on the parent benchmark, so that it
			// outlives the sub-benchmark's calibration runs.
			newStore := st.open(b)
			b.Run(st.name+"/"+label, func(b *testing.B) {
				name := fmt.Sprintf("badges-%s-%s", st.name, label)
				worldWithBadges(b, name, st.n, newStore, defs).completeLoop(b, 1)
			})
		}
	}
}

// gcCycles returns how many garbage collections the process has completed.
func gcCycles() uint64 {
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

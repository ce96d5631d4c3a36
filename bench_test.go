package habitkit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

// benchProgramme is a year long so that benchmarks never run out of fresh
// (enrolment, day) keys: iteration i completes day i/N+1 of enrolment i%N,
// and the clock moves to that day.
func benchProgramme() *challenge.Programme {
	p := &challenge.Programme{
		ID: "bench", Title: "Bench", Length: 366, TimeZone: "Europe/London", DayStartHour: 4,
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

type benchWorld struct {
	engine *habitkit.Engine
	clock  *testclock.Clock
	ids    []challenge.Enrolment
	next   int // next iteration number across benchmark runs
}

var (
	benchMu     sync.Mutex
	benchWorlds = map[string]*benchWorld{}
)

// world returns a store with n enrolments, built once per name and reused
// across the benchmark's calibration runs (building 1M enrolments takes
// seconds).
func world(b *testing.B, name string, n int, newStore func() storage.Store) *benchWorld {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w, ok := benchWorlds[name]; ok {
		return w
	}
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
		w.ids[i], err = e.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "bench", ParticipantID: challenge.ParticipantID(fmt.Sprintf("p%07d", i)), CohortID: "c"})
		if err != nil {
			b.Fatal(err)
		}
	}
	benchWorlds[name] = w
	return w
}

// completeLoop completes b.N fresh (enrolment, day) keys in one goroutine.
func (w *benchWorld) completeLoop(b *testing.B) {
	ctx := context.Background()
	start := time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC)
	n := len(w.ids)
	day := -1
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		i := w.next
		w.next++
		d := i/n + 1
		if d > 366 {
			b.Fatal("benchmark ran out of fresh keys")
		}
		if d != day {
			day = d
			b.StopTimer()
			w.clock.Set(start.AddDate(0, 0, d-1))
			b.StartTimer()
		}
		_, err := w.engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: w.ids[i%n].ID, Day: d})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompleteMemory measures Engine.Complete on the memory store at
// 10k and 1M enrolments, one goroutine.
func BenchmarkCompleteMemory(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("enrolments=%d", n), func(b *testing.B) {
			w := world(b, fmt.Sprintf("memory-%d", n), n, func() storage.Store { return memory.New(nil) })
			w.completeLoop(b)
		})
	}
}

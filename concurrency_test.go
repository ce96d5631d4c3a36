package habitkit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/testclock"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

// concurrencyProgramme is 30 days long with a 29-day grace window, so on
// day 30 every day can still be completed: many distinct completions per
// participant, all open at once.
func concurrencyProgramme() *challenge.Programme {
	p := &challenge.Programme{
		ID: "load", Title: "Load", Length: 30, TimeZone: "UTC", GraceDays: 29,
		Activities:    []challenge.Activity{{ID: "a", Title: "A", Points: 3}, {ID: "b", Title: "B", Points: 7}},
		Cohorts:       []challenge.Cohort{{ID: "c", Start: challenge.NewDate(2027, 1, 1)}},
		StreakBonuses: []challenge.StreakBonus{{Streak: 5, Points: 11}, {Streak: 20, Points: 13}},
		Levels:        []challenge.Level{{Name: "one", Points: 10}, {Name: "two", Points: 100}},
		Freezes:       challenge.FreezeRule{EarnEvery: 4, Max: 2},
	}
	for d := 1; d <= 30; d++ {
		p.Schedule = append(p.Schedule, challenge.Slot{Day: d, ActivityID: []string{"a", "b"}[d%2]})
	}
	return p
}

type loadSize struct{ workers, perWorker, daysEach int }

// fullLoad is the figure: 16 goroutines × 1,000 completions.
var fullLoad = loadSize{workers: 16, perWorker: 1000, daysEach: 20}

// runConcurrentCompletions sends workers × perWorker completion calls, each
// immediately retried, over overlapping participants: every (participant,
// day) is sent by two different workers, so each key sees four calls racing
// on shared enrolments. Workers alternate between the given engines (two
// engines on two pools act as two processes). It then checks exact totals.
func runConcurrentCompletions(t *testing.T, size loadSize, clock *testclock.Clock, engines ...*habitkit.Engine) {
	t.Helper()
	ctx := context.Background()
	clock.Set(loadStart)
	e0 := engines[0]
	_, err := e0.PublishDefinition(ctx, habitkit.Definition{Programme: concurrencyProgramme(), Badges: loadBadges(), Leaderboards: loadBoards()})
	require.NoError(t, err)

	keys := size.workers * size.perWorker / 2 // each key is sent by two workers
	participants := keys / size.daysEach
	require.Positive(t, participants)
	ens := make([]challenge.Enrolment, participants)
	for i := range ens {
		ens[i], err = e0.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "load", ParticipantID: challenge.ParticipantID(fmt.Sprintf("p%04d", i)), CohortID: "c", TeamID: challenge.TeamID(fmt.Sprintf("t%d", i%7))})
		require.NoError(t, err)
	}
	clock.Set(loadEnd)
	type job struct{ p, day int }
	all := make([]job, 0, keys)
	for p := 0; p < participants; p++ {
		for d := 1; d <= size.daysEach; d++ {
			all = append(all, job{p, d})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	// Key k goes to workers k%W and (k+W/2)%W: two different workers, and
	// every worker gets exactly perWorker calls.
	work := make([][]job, size.workers)
	for k, j := range all {
		a, b := k%size.workers, (k+size.workers/2)%size.workers
		work[a] = append(work[a], j)
		work[b] = append(work[b], j)
	}
	for _, w := range work {
		require.Len(t, w, size.perWorker)
		rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
	}

	var recorded, replayed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, size.workers)
	for w := range size.workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			engine := engines[w%len(engines)]
			for _, j := range work[w] {
				req := habitkit.CompleteRequest{EnrolmentID: ens[j.p].ID, Day: j.day}
				for attempt := 0; attempt < 2; attempt++ { // each call retried
					out, err := engine.Complete(ctx, req)
					if err != nil {
						errs <- fmt.Errorf("worker %d: %w", w, err)
						return
					}
					if out.Replayed {
						replayed.Add(1)
					} else {
						recorded.Add(1)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(keys), recorded.Load(), "each distinct completion is recorded exactly once")
	assert.Equal(t, int64(3*keys), replayed.Load(), "every other call is a replay")

	// Every participant ends with exactly the progress of a serial run.
	prog := concurrencyProgramme()
	require.NoError(t, prog.Validate())
	var done challenge.Days
	for d := 1; d <= size.daysEach; d++ {
		done.Add(d)
	}
	for i, en := range ens {
		got, err := e0.Enrolment(ctx, en.ID)
		require.NoError(t, err)
		today, err := got.DayAt(loadEnd, prog.DayStartHour, (&challenge.LocationCache{}).Load)
		require.NoError(t, err)
		want := challenge.Recompute(challenge.NewCalendar(prog, &got), done, today)
		require.Equal(t, want.Completed, got.Progress.Completed, "participant %d: days done", i)
		require.Equal(t, want.Points, got.Progress.Points, "participant %d: points", i)
		require.Equal(t, want.Current, got.Progress.Current, "participant %d: streak", i)
		require.Equal(t, want.Longest, got.Progress.Longest, "participant %d: longest", i)
		page, err := e0.Completions(ctx, en.ID, true, "", storage.MaxLimit)
		require.NoError(t, err)
		require.Len(t, page.Items, size.daysEach, "participant %d: stored completions", i)

		// Badges: awarded exactly once per occurrence, none lost.
		badges, err := e0.Badges(ctx, en.ID)
		require.NoError(t, err)
		earned := map[string]int{}
		total := 0
		for _, b := range badges {
			earned[b.ID] = len(b.Earned)
			total += len(b.Earned)
			for _, o := range b.Earned {
				ok, err := e0.HeldBadge(ctx, got, b.ID, badge.Occurrence{Tier: o.Tier, Day: o.Day})
				require.NoError(t, err)
				require.True(t, ok, "participant %d: %s %+v held", i, b.ID, o)
			}
		}
		require.Equal(t, map[string]int{"first": 1, "daily": size.daysEach, "tiers": 3}, earned, "participant %d: badge occurrences", i)
		held := got.Badges.Count()
		require.Equal(t, total, held, "participant %d: the enrolment's held badges match the stored awards", i)
	}
	checkLoadBoards(t, e0, ens, size, len(engines) == 1)
}

// loadBoards are boards of people and teams over the whole programme and
// by week: every completion writes four score rows, two of them shared by
// a whole team, so racing writers meet on them.
func loadBoards() leaderboard.Settings {
	return leaderboard.Settings{Boards: []leaderboard.Board{
		{ID: "points", Title: "Points", Subject: leaderboard.People},
		{ID: "weekly", Title: "Weekly", Subject: leaderboard.People, Period: leaderboard.Weekly, Metric: leaderboard.Completions},
		{ID: "teams", Title: "Teams", Subject: leaderboard.Teams},
		{ID: "team-weeks", Title: "Team weeks", Subject: leaderboard.Teams, Period: leaderboard.Weekly, Metric: leaderboard.Completions},
	}}
}

// checkLoadBoards checks every stored score after the load against the
// participants' progress: people's points and weekly completions, and each
// team's totals, so a lost or doubled increment on a shared team row shows.
// When one engine did all the writing its rank index must agree too.
func checkLoadBoards(t *testing.T, e *habitkit.Engine, ens []challenge.Enrolment, size loadSize, oneEngine bool) {
	t.Helper()
	ctx := context.Background()
	start := challenge.NewDate(2027, 1, 1)
	weekOf := func(day int) string { return leaderboard.PeriodKey(leaderboard.Weekly, start.AddDays(day-1)) }
	perWeek := map[string]int64{}
	for d := 1; d <= size.daysEach; d++ {
		perWeek[weekOf(d)]++
	}
	teamPoints := map[challenge.TeamID]int64{}
	teamMembers := map[challenge.TeamID]int64{}
	for i, en := range ens {
		pr, err := e.Progress(ctx, en.ID)
		require.NoError(t, err)
		teamPoints[en.TeamID] += int64(pr.Points)
		teamMembers[en.TeamID]++
		st, err := e.Standing(ctx, habitkit.BoardQuery{ProgrammeID: "load", BoardID: "points", Viewer: en.ParticipantID})
		require.NoError(t, err)
		require.EqualValues(t, pr.Points, st.Score, "participant %d: points board", i)
		for week, n := range perWeek {
			st, err := e.Standing(ctx, habitkit.BoardQuery{ProgrammeID: "load", BoardID: "weekly", Period: week, Viewer: en.ParticipantID})
			require.NoError(t, err)
			require.Equal(t, n, st.Score, "participant %d: completions in %s", i, week)
		}
	}
	for i, en := range ens[:min(len(ens), 7)] { // one member of each team
		st, err := e.Standing(ctx, habitkit.BoardQuery{ProgrammeID: "load", BoardID: "teams", Viewer: en.ParticipantID})
		require.NoError(t, err)
		require.Equal(t, teamPoints[en.TeamID], st.Score, "team of participant %d: summed points", i)
		for week, n := range perWeek {
			st, err := e.Standing(ctx, habitkit.BoardQuery{ProgrammeID: "load", BoardID: "team-weeks", Period: week, Viewer: en.ParticipantID})
			require.NoError(t, err)
			require.Equal(t, n*teamMembers[en.TeamID], st.Score, "team of participant %d: completions in %s", i, week)
		}
	}
	if !oneEngine {
		return
	}
	page, err := e.Leaderboard(ctx, habitkit.BoardQuery{ProgrammeID: "load", BoardID: "teams"}, "", storage.MaxLimit)
	require.NoError(t, err)
	require.Len(t, page.Rows, len(teamPoints))
	for _, r := range page.Rows {
		require.Equal(t, teamPoints[r.TeamID], r.Score, "the rank index holds team %s's total", r.TeamID)
	}
}

// loadBadges are a first-completion, a daily and a three-tier badge: with
// 20 days done each participant holds 1 + 20 + 3 occurrences.
func loadBadges() []badge.Definition {
	return []badge.Definition{
		{ID: "first", Name: "First", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "daily", Name: "Daily", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
		{ID: "tiers", Name: "Tiers", Tiers: []badge.Tier{{Name: "b", Threshold: 5}, {Name: "s", Threshold: 10}, {Name: "g", Threshold: 15}},
			Criterion: badge.Criterion{Kind: badge.Completions}},
	}
}

func newLoadEngine(t *testing.T, store storage.Store, clock habitkit.Clock) *habitkit.Engine {
	return newLoadEngineCached(t, store, clock, 0)
}

// newLoadEngineCached is newLoadEngine with an enrolment cache of cache
// entries (0: none).
func newLoadEngineCached(t *testing.T, store storage.Store, clock habitkit.Clock, cache int) *habitkit.Engine {
	t.Helper()
	e, err := habitkit.New(store, &habitkit.Options{Clock: clock, MaxConflictRetries: 200, EnrolmentCache: cache})
	require.NoError(t, err)
	return e
}

// The load enrols on day 1 and completes on day 30.
var (
	loadStart = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	loadEnd   = time.Date(2027, 1, 30, 12, 0, 0, 0, time.UTC)
)

func TestConcurrentCompletionsMemory(t *testing.T) {
	clock := testclock.New(loadStart)
	runConcurrentCompletions(t, fullLoad, clock, newLoadEngine(t, memory.New(nil), clock))
}

// TestConcurrentCompletionsTwoCachingEngines runs the load through two
// engines that each cache the enrolments they write, sharing one store:
// each engine's cache goes stale whenever the other writes, so every stale
// entry must cost a re-run, never a lost or doubled completion.
func TestConcurrentCompletionsTwoCachingEngines(t *testing.T) {
	store := memory.New(nil)
	clock := testclock.New(loadStart)
	runConcurrentCompletions(t, fullLoad, clock,
		newLoadEngineCached(t, store, clock, 1000), newLoadEngineCached(t, store, clock, 1000))
}

func TestConcurrentCompletionsTwoEnginesOneMemoryStore(t *testing.T) {
	store := memory.New(nil)
	clock := testclock.New(loadStart)
	runConcurrentCompletions(t, fullLoad, clock, newLoadEngine(t, store, clock), newLoadEngine(t, store, clock))
}

// TestConcurrentEnrolSameParticipant: many writers enrol one participant at
// once, on every adapter; exactly one wins and the rest get ErrConflict.
func TestConcurrentEnrolSameParticipant(t *testing.T) {
	stores := map[string]func(t *testing.T) storage.Store{"memory": func(*testing.T) storage.Store { return memory.New(nil) }}
	for _, d := range sqlDatabases {
		stores[d.name] = func(t *testing.T) storage.Store {
			db, _ := d.open(t)
			return openSQLStore(t, db)
		}
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			clock := testclock.New(loadStart)
			e := newLoadEngine(t, newStore(t), clock)
			ctx := context.Background()
			_, err := e.Publish(ctx, concurrencyProgramme())
			require.NoError(t, err)
			var wins, conflicts atomic.Int64
			var wg sync.WaitGroup
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := e.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "load", ParticipantID: "same", CohortID: "c"})
					switch {
					case err == nil:
						wins.Add(1)
					case errors.Is(err, habitkit.ErrConflict):
						conflicts.Add(1)
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}()
			}
			wg.Wait()
			assert.Equal(t, int64(1), wins.Load(), "exactly one enrolment wins")
			assert.Equal(t, int64(15), conflicts.Load(), "every other writer gets ErrConflict")
			page, err := e.Enrolments(ctx, storage.EnrolmentFilter{ProgrammeID: "load"}, "", 0)
			require.NoError(t, err)
			assert.Len(t, page.Items, 1)
		})
	}
}

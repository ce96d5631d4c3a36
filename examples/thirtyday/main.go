// Command thirtyday runs the reference case: a police force's 30-day
// programme of digital confidence and online crime reporting habits, with a
// few hundred simulated officers and staff in about ten teams. It prints a
// participation line for each day and a progress summary at the end.
//
// By default it stores everything in a SQLite file in a temporary folder
// (removed afterwards); -store picks memory, a SQLite path, PostgreSQL or
// MySQL/MariaDB. The run is deterministic for a given -seed.
//
//	go run ./examples/thirtyday
//	go run ./examples/thirtyday -store memory -participants 500 -seed 7
//	go run ./examples/thirtyday -store postgres -dsn 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
	"github.com/habitkit/habitkit/storage/sqlstore"
)

//go:embed programme.yaml
var definition []byte

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "thirtyday:", err)
		os.Exit(1)
	}
}

type config struct {
	store        string
	dsn          string
	participants int
	teams        int
	seed         uint64
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("thirtyday", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.store, "store", "sqlite", "storage: memory, sqlite, postgres or mysql")
	fs.StringVar(&cfg.dsn, "dsn", "", "SQLite file path, PostgreSQL URL or MySQL DSN (default for sqlite: a file in a temporary folder)")
	fs.IntVar(&cfg.participants, "participants", 300, "number of simulated participants")
	fs.IntVar(&cfg.teams, "teams", 10, "number of teams")
	fs.Uint64Var(&cfg.seed, "seed", 1, "random seed; the same seed gives the same run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.participants < 1 || cfg.teams < 1 {
		return errors.New("-participants and -teams must be at least 1")
	}
	store, cleanup, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	return simulate(ctx, cfg, store, out)
}

// openStore opens the chosen store; cleanup closes it and removes temporary files.
func openStore(ctx context.Context, cfg config) (storage.Store, func(), error) {
	var driver, dsn string
	cleanup := func() {}
	switch cfg.store {
	case "memory":
		s := memory.New(nil)
		return s, func() { _ = s.Close() }, nil
	case "sqlite":
		path := cfg.dsn
		if path == "" {
			dir, err := os.MkdirTemp("", "thirtyday-")
			if err != nil {
				return nil, nil, err
			}
			cleanup = func() { _ = os.RemoveAll(dir) }
			path = filepath.Join(dir, "habitkit.db")
		}
		// A simulation needs no durability against power loss: with WAL,
		// synchronous=NORMAL skips the fsync on every commit.
		driver, dsn = "sqlite", sqlstore.SQLiteDSN(path)+"&_pragma=synchronous(NORMAL)"
	case "postgres":
		driver, dsn = "pgx", cfg.dsn
	case "mysql":
		driver, dsn = "mysql", cfg.dsn
	default:
		return nil, nil, fmt.Errorf("unknown -store %q (want memory, sqlite, postgres or mysql)", cfg.store)
	}
	if dsn == "" {
		return nil, nil, fmt.Errorf("-store %s needs -dsn", cfg.store)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	s, err := sqlstore.Open(ctx, db, nil)
	if err != nil {
		_ = db.Close()
		cleanup()
		return nil, nil, err
	}
	return s, func() { _ = s.Close(); _ = db.Close(); cleanup() }, nil
}

// behaviour is how a simulated participant acts.
type behaviour int

const (
	keen      behaviour = iota // does it almost every day
	steady                     // does it most days
	lapsing                    // starts well, drifts away
	shift                      // 4 on / 4 off rota, completes on working days, often after midnight
	late                       // often catches up the next day (grace window)
	sickLeave                  // steady, but off sick for a week
)

var behaviourNames = []string{"keen", "steady", "lapsing", "shift worker", "late finisher", "sick leave"}

type participant struct {
	id   challenge.ParticipantID
	team challenge.TeamID
	kind behaviour
	en   challenge.Enrolment
}

// chance returns the probability that p completes day d (1-based).
func (p *participant) chance(d int) float64 {
	switch p.kind {
	case keen:
		return 0.97
	case steady:
		return 0.8
	case lapsing:
		return max(0.1, 0.9-0.05*float64(d))
	case shift:
		return 0.85
	case late:
		return 0.75
	case sickLeave:
		return 0.85
	}
	return 0
}

func simulate(ctx context.Context, cfg config, store storage.Store, out io.Writer) error {
	def, err := habitkit.ParseDefinition(definition)
	if err != nil {
		return fmt.Errorf("programme.yaml: %w", err)
	}
	prog := def.Programme
	if len(prog.Cohorts) == 0 {
		return errors.New("programme.yaml: the example needs a cohort")
	}
	cohort := prog.Cohorts[0]
	loc, err := time.LoadLocation(prog.TimeZone)
	if err != nil {
		return err
	}
	// A simulated clock: the run walks through the programme in minutes.
	now := cohort.Start.In(loc, 8).Add(-24 * time.Hour)
	clock := habitkit.ClockFunc(func() time.Time { return now })
	engine, err := habitkit.New(store, &habitkit.Options{Clock: clock})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	engine.Subscribe(func(e habitkit.Event) {
		switch e.(type) {
		case habitkit.StreakBroken:
			counts["broken"]++
		case habitkit.FreezeUsed:
			counts["freezes"]++
		case habitkit.LevelReached:
			counts["levels"]++
		case habitkit.BadgeAwarded:
			counts["badges"]++
		}
	})
	if _, err := engine.PublishDefinition(ctx, def); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	people := make([]*participant, cfg.participants)
	for i := range people {
		p := &participant{
			id:   challenge.ParticipantID(fmt.Sprintf("officer-%04d", i+1)),
			team: challenge.TeamID(fmt.Sprintf("team-%02d", i%cfg.teams+1)),
		}
		switch r := rng.IntN(100); {
		case r < 25:
			p.kind = keen
		case r < 55:
			p.kind = steady
		case r < 70:
			p.kind = lapsing
		case r < 85:
			p.kind = shift
		default:
			p.kind = late
		}
		if i == 0 {
			p.kind = sickLeave
		}
		req := habitkit.EnrolRequest{ProgrammeID: prog.ID, ParticipantID: p.id, TeamID: p.team, CohortID: cohort.ID}
		switch p.kind {
		case shift:
			req.Rota = challenge.Rota{Start: cohort.Start.AddDays(-rng.IntN(8)), On: 4, Off: 4}
		case sickLeave:
			req.Absences = []challenge.Absence{{From: cohort.Start.AddDays(9), To: cohort.Start.AddDays(15), Reason: "sickness"}}
		}
		if p.en, err = engine.Enrol(ctx, req); err != nil {
			return err
		}
		people[i] = p
	}
	fmt.Fprintf(out, "%s — %d participants in %d teams, cohort %q from %s (%s store)\n\n",
		prog.Title, len(people), cfg.teams, cohort.ID, cohort.Start, cfg.store)

	replays := 0
	for day := 1; day <= prog.Length; day++ {
		date := cohort.Start.AddDays(day - 1)
		done, lateDone := 0, 0
		for _, p := range people {
			// Catch up yesterday inside the grace window.
			if p.kind == late && day > 1 && rng.Float64() < 0.5 {
				now = date.In(loc, 9)
				out, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: p.en.ID, Day: day - 1})
				switch {
				case err == nil && !out.Replayed:
					lateDone++
				case err != nil && !errors.Is(err, habitkit.ErrNotScheduled) && !errors.Is(err, habitkit.ErrTooLate):
					return err
				}
			}
			if rng.Float64() >= p.chance(day) {
				continue
			}
			if p.kind == shift {
				today, err := engine.Today(ctx, p.en.ID)
				if err != nil {
					return err
				}
				if today.Rest != challenge.NotRest {
					continue // off shift
				}
				// Night shift: 02:30 the next morning still counts for today.
				now = date.AddDays(1).In(loc, 2).Add(30 * time.Minute)
			} else {
				now = date.In(loc, 10+rng.IntN(10))
			}
			o, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: p.en.ID, Day: day})
			if err != nil {
				if errors.Is(err, habitkit.ErrNotScheduled) {
					continue
				}
				return err
			}
			done++
			// Flaky phone signal: some taps are sent twice.
			if rng.IntN(20) == 0 {
				again, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: p.en.ID, Day: day})
				if err != nil {
					return err
				}
				if !again.Replayed || again.Completion.ID != o.Completion.ID {
					return errors.New("a repeated completion was counted twice")
				}
				replays++
			}
		}
		pct := 100 * done / len(people)
		fmt.Fprintf(out, "day %2d %s %s  done %3d/%d %3d%%  caught up %2d  %s\n",
			day, date.Weekday().String()[:3], date, done, len(people), pct, lateDone, strings.Repeat("#", pct/4))
	}
	now = cohort.Start.AddDays(prog.Length+1).In(loc, 12)
	return summarise(ctx, engine, prog, people, replays, counts, out)
}

func summarise(ctx context.Context, engine *habitkit.Engine, prog *challenge.Programme, people []*participant, replays int, counts map[string]int, out io.Writer) error {
	byKind := map[behaviour]*agg{}
	byTeam := map[challenge.TeamID]*agg{}
	levels := make([]int, len(prog.Levels)+1)
	var best *participant
	bestPoints := -1
	for _, p := range people {
		pr, err := engine.Progress(ctx, p.en.ID)
		if err != nil {
			return err
		}
		for _, a := range []*agg{get(byKind, p.kind), get(byTeam, p.team)} {
			a.n++
			a.days += pr.DaysDone
			a.points += pr.Points
			a.longest += pr.Longest
			a.strength += pr.Strength
		}
		levels[pr.Level]++
		if pr.Points > bestPoints {
			best, bestPoints = p, pr.Points
		}
		if p.kind == sickLeave {
			fmt.Fprintf(out, "\n%s was off sick on days 10-16 (rest days for them): %d days done, longest streak %d\n", p.id, pr.DaysDone, pr.Longest)
		}
	}
	fmt.Fprintf(out, "\nFinal progress by behaviour (averages)\n")
	fmt.Fprintf(out, "  %-14s %5s %6s %8s %9s\n", "behaviour", "n", "days", "points", "strength")
	for k := keen; k <= sickLeave; k++ {
		a, ok := byKind[k]
		if !ok {
			continue
		}
		fmt.Fprintf(out, "  %-14s %5d %6.1f %8.1f %9.2f\n", behaviourNames[k], a.n, avg(a.days, a.n), avg(a.points, a.n), a.strength/float64(a.n))
	}
	fmt.Fprintf(out, "\nTeams (mean points per member)\n")
	teams := make([]challenge.TeamID, 0, len(byTeam))
	for t := range byTeam {
		teams = append(teams, t)
	}
	sort.Slice(teams, func(i, j int) bool {
		ai, aj := byTeam[teams[i]], byTeam[teams[j]]
		if avg(ai.points, ai.n) != avg(aj.points, aj.n) {
			return avg(ai.points, ai.n) > avg(aj.points, aj.n)
		}
		return teams[i] < teams[j]
	})
	for _, t := range teams {
		a := byTeam[t]
		fmt.Fprintf(out, "  %-8s %3d members %7.1f points %5.1f days\n", t, a.n, avg(a.points, a.n), avg(a.days, a.n))
	}
	fmt.Fprintf(out, "\nLevels reached\n")
	for i, n := range levels {
		name := "(none yet)"
		if i > 0 {
			name = prog.Levels[i-1].Name
		}
		fmt.Fprintf(out, "  %-18s %4d\n", name, n)
	}
	fmt.Fprintf(out, "\nTop scorer: %s (%s, %s) with %d points\n", best.id, best.team, behaviourNames[best.kind], bestPoints)
	if err := printBadges(ctx, engine, prog.ID, best, people, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "Streaks broken: %d, freezes used: %d, level-ups: %d, badge awards: %d, duplicate taps absorbed: %d\n",
		counts["broken"], counts["freezes"], counts["levels"], counts["badges"], replays)
	return nil
}

// printBadges prints the badge catalogue (how many hold each badge) and
// the top scorer's and the officer on sick leave's badge pages.
func printBadges(ctx context.Context, engine *habitkit.Engine, programmeID string, best *participant, people []*participant, out io.Writer) error {
	cat, err := engine.BadgeCatalogue(ctx, programmeID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nBadges (participants holding each, of %d)\n", len(people))
	for _, c := range cat {
		fmt.Fprintf(out, "  %-26s %4d %s\n", c.Name, c.Holders, strings.Repeat("*", c.Holders*40/len(people)))
	}
	for _, p := range []*participant{best, people[0]} {
		page, err := engine.Badges(ctx, p.en.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\nBadge page of %s (%s)\n", p.id, behaviourNames[p.kind])
		for _, b := range page {
			var got []string
			for _, e := range b.Earned {
				switch {
				case e.TierName != "":
					got = append(got, fmt.Sprintf("%s on %s", e.TierName, e.AwardedAt.Format("2 Jan")))
				case e.Day > 0:
				default:
					got = append(got, "on "+e.AwardedAt.Format("2 Jan"))
				}
			}
			if b.Repeat == badge.Daily {
				got = append(got, fmt.Sprintf("%d days", len(b.Earned)))
			}
			status := strings.Join(got, ", ")
			if !b.Complete && b.Repeat != badge.Daily {
				if status != "" {
					status += "; "
				}
				status += "next: " + b.Progress.String()
			}
			fmt.Fprintf(out, "  %-26s %s\n", b.Name, status)
		}
	}
	return nil
}

// agg sums progress figures over a group of participants.
type agg struct {
	n, days, points, longest int
	strength                 float64
}

func get[K comparable](m map[K]*agg, k K) *agg {
	a, ok := m[k]
	if !ok {
		a = new(agg)
		m[k] = a
	}
	return a
}

func avg(sum, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Command thirtyday runs the reference case: a police force's 30-day
// programme of digital confidence and online crime reporting habits, with a
// few hundred simulated officers and staff in about ten teams. Participants
// complete the day's challenge, some write a reflection, and colleagues
// respond and react. It prints a participation line for each day and a
// summary at the end, with the programme's most-reacted insights.
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

	"github.com/google/uuid"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
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

// reflectChance is the probability that p writes a reflection on a day
// they completed.
func (p *participant) reflectChance() float64 {
	switch p.kind {
	case keen:
		return 0.6
	case steady, sickLeave:
		return 0.4
	case lapsing:
		return 0.2
	}
	return 0.3
}

// Phrase banks for simulated reflections and responses; the seed picks
// from them, so a run's texts are deterministic.
var (
	openings = []string{
		"The woman at the front counter",
		"A shop owner on my beat",
		"The caller about a stolen bike",
		"An older man reporting a scam",
		"A student whose phone was taken",
		"The victim I followed up with",
		"A neighbourhood meeting",
	}
	middles = []string{
		"had no idea the online form existed",
		"said the app was quicker than waiting on the phone",
		"filled in the form with me in five minutes",
		"asked whether an online report is taken seriously",
		"wanted to upload photos, which the form allows",
		"preferred to report from home after work",
	}
	endings = []string{
		"so next time I will show the QR code first.",
		"and I will mention it at the start, not the end.",
		"which surprised me.",
		"and I want to try this on nights too.",
		"so I told my team at briefing.",
	}
	replies = []string{
		"Same on my shift.",
		"Good tip, I will try the QR code.",
		"Did they get a reference number straight away?",
		"Thanks for sharing, that helps.",
		"We had the same question at the counter.",
	}
)

// phrase returns one simulated reflection sentence.
func phrase(rng *rand.Rand) string {
	return openings[rng.IntN(len(openings))] + " " + middles[rng.IntN(len(middles))] + " " + endings[rng.IntN(len(endings))]
}

// visibilityFor picks who may read a reflection: mostly the team (the
// default), sometimes everyone, now and then the writer alone.
func visibilityFor(rng *rand.Rand) reflection.Visibility {
	switch r := rng.IntN(10); {
	case r < 6:
		return 0 // the programme's default: team
	case r < 9:
		return reflection.Programme
	}
	return reflection.Private
}

// written is a reflection the simulation wrote.
type written struct {
	id     uuid.UUID
	author *participant
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
	// One process does every write, so the engine may keep the
	// enrolments it wrote and skip reading them again on each completion.
	engine, err := habitkit.New(store, &habitkit.Options{Clock: clock, EnrolmentCache: 10_000})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	engine.Subscribe(func(e habitkit.Event) {
		switch e.(type) {
		case habitkit.Reflected:
			counts["reflections"]++
		case habitkit.Responded:
			counts["responses"]++
		case habitkit.Reacted:
			counts["reactions"]++
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
		// A few people opt out of leaderboards; the programme shows them
		// anonymised.
		req.BoardsOptOut = i%23 == 11
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
		var wrote []written
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
			if rng.Float64() < p.reflectChance() {
				id, err := reflect(ctx, engine, rng, p, day)
				if err != nil {
					return err
				}
				wrote = append(wrote, written{id, p})
			}
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
		// In the evening colleagues read the day's reflections, react and
		// respond; a reflection they may not read is simply not there.
		now = date.In(loc, 21)
		if err := respond(ctx, engine, rng, people, wrote); err != nil {
			return err
		}
		pct := 100 * done / len(people)
		fmt.Fprintf(out, "day %2d %s %s  done %3d/%d %3d%%  caught up %2d  %s\n",
			day, date.Weekday().String()[:3], date, done, len(people), pct, lateDone, strings.Repeat("#", pct/4))
	}
	now = cohort.Start.AddDays(prog.Length+1).In(loc, 12)
	return summarise(ctx, engine, prog, people, replays, counts, out)
}

// reflect writes p's reflection on day, answering the day's first prompt
// (and now and then the second).
func reflect(ctx context.Context, engine *habitkit.Engine, rng *rand.Rand, p *participant, day int) (uuid.UUID, error) {
	prompts, err := engine.Prompts(ctx, p.en.ID, day)
	if err != nil {
		return uuid.Nil, err
	}
	answers := []reflection.Answer{{Prompt: prompts[0], Text: phrase(rng)}}
	if len(prompts) > 1 && rng.IntN(3) == 0 {
		answers = append(answers, reflection.Answer{Prompt: prompts[1], Text: phrase(rng)})
	}
	out, err := engine.Reflect(ctx, habitkit.ReflectRequest{EnrolmentID: p.en.ID, Day: day, Answers: answers, Visibility: visibilityFor(rng)})
	if err != nil {
		return uuid.Nil, err
	}
	return out.Reflection.ID, nil
}

// respond has a few colleagues (mostly from the writer's team) react to
// and respond to each reflection written today.
func respond(ctx context.Context, engine *habitkit.Engine, rng *rand.Rand, people []*participant, wrote []written) error {
	kinds := reflection.ReactionKinds()
	for _, w := range wrote {
		for range rng.IntN(7) {
			reader := people[rng.IntN(len(people))]
			if rng.IntN(2) == 0 {
				// A teammate: the same team is every len(teams)-th person.
				for _, q := range people {
					if q.team == w.author.team && q != w.author && rng.IntN(8) == 0 {
						reader = q
						break
					}
				}
			}
			by := habitkit.Viewer{Participant: reader.id}
			err := engine.React(ctx, by, w.id, kinds[rng.IntN(len(kinds))])
			if err != nil && !errors.Is(err, habitkit.ErrNotFound) && !errors.Is(err, habitkit.ErrOwnItem) {
				return err
			}
			if err == nil && rng.IntN(3) == 0 {
				if _, err := engine.Respond(ctx, by, w.id, replies[rng.IntN(len(replies))]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// printInsights prints the programme's five most-reacted reflections, as
// its moderators see them (team and programme reflections; private ones
// stay private). Reflections with equal counts are ordered by responses,
// day and author, so that the output does not depend on IDs.
func printInsights(ctx context.Context, engine *habitkit.Engine, programmeID string, out io.Writer) error {
	const top = 5
	lead := habitkit.Viewer{Participant: "programme-lead", Moderator: true}
	var items []habitkit.FeedItem
	req := habitkit.FeedRequest{ProgrammeID: programmeID, Order: habitkit.FeedMostReacted, Limit: 50}
	for {
		page, err := engine.Feed(ctx, lead, req)
		if err != nil {
			return err
		}
		items = append(items, page.Items...)
		// Read on while the page might end inside a tie for fifth place.
		if page.Next == "" || (len(items) > top && items[len(items)-1].Reactions < items[top-1].Reactions) {
			break
		}
		req.Cursor = page.Next
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Reactions != b.Reactions {
			return a.Reactions > b.Reactions
		}
		if a.Responses != b.Responses {
			return a.Responses > b.Responses
		}
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		return a.Author < b.Author
	})
	fmt.Fprintf(out, "\nMost-reacted insights\n")
	for _, it := range items[:min(top, len(items))] {
		text := it.Answers[0].Text
		if r := []rune(text); len(r) > 60 {
			text = string(r[:59]) + "…"
		}
		fmt.Fprintf(out, "  %s, day %2d: %q  %d reactions, %d responses\n", it.Author, it.Day, text, it.Reactions, it.Responses)
	}
	return nil
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
	if err := printBoards(ctx, engine, prog.ID, byTeam, people, out); err != nil {
		return err
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
	if err := printInsights(ctx, engine, prog.ID, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nReflections written: %d, responses: %d, reactions: %d\n", counts["reflections"], counts["responses"], counts["reactions"])
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

// printBoards prints the top 10 of the officers' board, the team board
// (mean points per member) and one officer's neighbourhood, as the
// programme's leaderboards rank them.
func printBoards(ctx context.Context, engine *habitkit.Engine, programmeID string, byTeam map[challenge.TeamID]*agg, people []*participant, out io.Writer) error {
	q := habitkit.BoardQuery{ProgrammeID: programmeID, BoardID: "officers"}
	if err := engine.WarmBoard(ctx, q); err != nil {
		return err
	}
	top, err := engine.Leaderboard(ctx, q, "", 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s (top 10 of %d)\n", top.Board.Title, top.Total)
	for _, r := range top.Rows {
		fmt.Fprintf(out, "  %3d  %-22s %-8s %5.0f points\n", r.Rank, name(r), r.TeamID, r.Value)
	}
	tq := habitkit.BoardQuery{ProgrammeID: programmeID, BoardID: "teams"}
	teams, err := engine.Leaderboard(ctx, tq, "", 100)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s\n", teams.Board.Title)
	for _, r := range teams.Rows {
		days := 0.0
		if a := byTeam[r.TeamID]; a != nil {
			days = avg(a.days, a.n)
		}
		fmt.Fprintf(out, "  %3d  %-8s %3d members %7.1f points %5.1f days\n", r.Rank, r.TeamID, r.Members, r.Value, days)
	}
	// One steady officer sees where they stand, with two colleagues either
	// side.
	for _, p := range people {
		if p.kind != steady {
			continue
		}
		q.Viewer = p.id
		hood, err := engine.Neighbourhood(ctx, q, 2)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\nWhere %s stands\n", p.id)
		for _, r := range hood {
			mark := " "
			if r.You {
				mark = ">"
			}
			fmt.Fprintf(out, "  %s%3d  %-22s %5.0f points\n", mark, r.Rank, name(r), r.Value)
		}
		break
	}
	return nil
}

// name is how a board row names its participant.
func name(r habitkit.BoardRow) string {
	if r.Anonymous {
		return "(anonymous colleague)"
	}
	return string(r.ParticipantID)
}

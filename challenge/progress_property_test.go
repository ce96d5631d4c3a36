package challenge_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// TestProgressIncrementalEqualsRecompute is the property that makes the
// engine's incremental bookkeeping safe: whatever the programme, the
// enrolment and the order of advances, completions (late ones inside the
// grace window included) and revocations, the Progress kept by Advance,
// Record and Remove equals, field for field and bit for bit, the one
// Recompute builds from the done set.
func TestProgressIncrementalEqualsRecompute(t *testing.T) {
	t.Parallel()
	var seen pgSeen
	for seed := uint64(1); seed <= 500; seed++ {
		pgProperty(t, seed, &seen)
	}
	// The property proves little unless the runs reach the hard cases.
	require.Positive(t, seen.late, "completions of an earlier day inside the grace window")
	require.Positive(t, seen.revokedSettled, "revocations of settled days")
	require.Positive(t, seen.bonusAfterRevoke, "bonus points kept across a revocation")
	require.Positive(t, seen.changes[challenge.FreezeEarned], "freezes earned")
	require.Positive(t, seen.changes[challenge.FreezeUsed], "freezes used")
	require.Positive(t, seen.changes[challenge.StreakBroken], "streaks broken")
	require.Positive(t, seen.changes[challenge.BonusEarned], "bonuses earned")
	require.Positive(t, seen.changes[challenge.LevelReached], "levels reached")
}

// pgSeen counts what the property runs exercised.
type pgSeen struct {
	late, revokedSettled int
	bonusAfterRevoke     int
	changes              map[challenge.ChangeKind]int
}

// pgOp is one operation of a property run, kept to explain a failure.
type pgOp struct {
	kind  string
	day   int
	today int
}

func pgProperty(t *testing.T, seed uint64, seen *pgSeen) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x4a11))
	p, e := pgRandomSetup(t, r)
	c := challenge.NewCalendar(p, e)

	var (
		log   []pgOp
		done  challenge.Days
		bonus int
		pr    = challenge.NewProgress(p)
		today = e.FirstDay - 2 + r.IntN(3)
	)
	explain := func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "seed %d: length %d, grace %d, firstDay %d, freezes %+v, rest %+v, rota %+v, absences %v\nops:",
			seed, p.Length, p.GraceDays, e.FirstDay, p.Freezes, p.RestDays, e.Rota, e.Absences)
		for _, op := range log {
			fmt.Fprintf(&b, " %s(%d@%d)", op.kind, op.day, op.today)
		}
		return b.String()
	}
	require.Equal(t, challenge.Recompute(c, nil, today), func() challenge.Progress {
		pr.Advance(c, today, nil)
		return pr
	}(), "seed %d: a fresh enrolment", seed)

	for n := 0; today <= p.Length+p.GraceDays+2 && n < 6*p.Length; n++ {
		settled, extended := pr.Settled, true
		var changes []challenge.Change
		switch k := r.IntN(12); {
		case k < 3:
			today += r.IntN(3)
			log = append(log, pgOp{"advance", 0, today})
			changes = pr.Advance(c, today, nil)
		case k < 8:
			lo := max(e.FirstDay, today-p.GraceDays, 1)
			hi := min(today, p.Length)
			if lo > hi {
				continue
			}
			d := lo + r.IntN(hi-lo+1)
			log = append(log, pgOp{"record", d, today})
			if d < today {
				seen.late++
			}
			before := pr.Current
			changes = pr.Record(c, d, today, nil)
			done.Add(d)
			for _, ch := range changes {
				if ch.Kind == challenge.StreakExtended {
					extended = extended && pr.Current > before && ch.Streak == pr.Current
				}
			}
		case k >= 10:
			// A reflection or response bonus (sometimes taken back).
			pts := r.IntN(7) - 2
			log = append(log, pgOp{"bonus", pts, today})
			level := pr.Level
			changes = pr.AddBonus(c, max(1, min(today, p.Length)), pts, today, nil)
			bonus = max(0, bonus+pts)
			for _, ch := range changes {
				if ch.Kind == challenge.LevelReached {
					extended = extended && ch.Level > level && ch.Level <= pr.Level
				}
			}
		default:
			var doneDays []int
			for d := 1; d <= p.Length; d++ {
				if done.Has(d) {
					doneDays = append(doneDays, d)
				}
			}
			if len(doneDays) == 0 {
				continue
			}
			d := doneDays[r.IntN(len(doneDays))]
			log = append(log, pgOp{"revoke", d, today})
			if d <= pr.Settled {
				seen.revokedSettled++
			}
			changes = pr.Remove(c, d, today, nil)
			done.Remove(d)
			if bonus > 0 {
				seen.bonusAfterRevoke++
			}
		}

		// Messages are built only on failure: explain is costly.
		if want := challenge.RecomputeWith(c, done, today, bonus); !assert.ObjectsAreEqual(want, pr) {
			require.Equal(t, want, pr, explain())
		}
		// Invariants that hold whatever the history.
		invariants := []struct {
			ok   bool
			what string
		}{
			{pr.Settled >= settled, "Settled never decreases"},
			{pr.Strength >= 0 && pr.Strength <= 1, "Strength is in [0, 1]"},
			{pr.Current <= pr.Longest, "Current <= Longest"},
			{pr.Run <= pr.SettledLongest, "Run <= SettledLongest"},
			{pr.Freezes <= max(p.Freezes.Max, 0), "Freezes <= Max"},
			{pr.Level == p.LevelFor(pr.Points), "Level follows Points"},
			{extended, "StreakExtended reports the new, longer Current"},
		}
		for _, inv := range invariants {
			if !inv.ok {
				require.Fail(t, inv.what, explain())
			}
		}
		if seen.changes == nil {
			seen.changes = map[challenge.ChangeKind]int{}
		}
		for _, ch := range changes {
			seen.changes[ch.Kind]++
			if ch.Kind == 0 {
				require.Fail(t, "every change has a kind", explain())
			}
		}
	}
}

// pgRandomSetup returns a random valid programme and enrolment.
func pgRandomSetup(t *testing.T, r *rand.Rand) (*challenge.Programme, *challenge.Enrolment) {
	t.Helper()
	start := challenge.NewDate(2024, time.January, 1).AddDays(r.IntN(400))
	length := 5 + r.IntN(56)
	dayDate := func(lo, hi int) challenge.Date { return start.AddDays(lo + r.IntN(hi-lo+1) - 1) }

	p := &challenge.Programme{
		ID: "prop", Title: "Property", Length: length, TimeZone: "UTC",
		GraceDays: r.IntN(3),
	}
	for i := range 1 + r.IntN(3) {
		p.Activities = append(p.Activities, challenge.Activity{
			ID: fmt.Sprintf("a%d", i), Title: "A", Points: r.IntN(21),
		})
	}
	for d := 1; d <= length; d++ {
		if r.IntN(10) == 0 {
			continue // unscheduled
		}
		p.Schedule = append(p.Schedule, challenge.Slot{Day: d, ActivityID: p.Activities[r.IntN(len(p.Activities))].ID})
	}
	for w := time.Sunday; w <= time.Saturday; w++ {
		if r.IntN(7) == 0 {
			p.RestDays.Weekdays = append(p.RestDays.Weekdays, w)
		}
	}
	for range r.IntN(4) {
		p.RestDays.Dates = append(p.RestDays.Dates, dayDate(-1, length+2))
	}
	p.Freezes.EarnEvery = r.IntN(5)
	p.Freezes.Max = r.IntN(4)
	p.Freezes.Initial = r.IntN(p.Freezes.Max + 1)
	used := map[int]bool{}
	for range r.IntN(4) {
		s := 1 + r.IntN(15)
		if !used[s] {
			used[s] = true
			p.StreakBonuses = append(p.StreakBonuses, challenge.StreakBonus{Streak: s, Points: r.IntN(31)})
		}
	}
	threshold := r.IntN(10)
	for i := range r.IntN(5) {
		p.Levels = append(p.Levels, challenge.Level{Name: fmt.Sprintf("L%d", i), Points: threshold})
		threshold += 1 + r.IntN(60)
	}
	// Half the runs use the index Validate builds, half the linear lookups.
	if r.IntN(2) == 0 {
		require.NoError(t, p.Validate())
	}

	e := &challenge.Enrolment{
		Start:    start,
		FirstDay: 1 + r.IntN(max(1, length/3)),
		Zones:    []challenge.ZoneChange{{Zone: "UTC"}},
	}
	if r.IntN(2) == 0 {
		e.Rota = challenge.Rota{Start: dayDate(-5, 5), On: 1 + r.IntN(5), Off: 1 + r.IntN(5)}
	}
	for range r.IntN(3) {
		from := dayDate(0, length)
		e.Absences = append(e.Absences, challenge.Absence{From: from, To: from.AddDays(r.IntN(4))})
	}
	return p, e
}

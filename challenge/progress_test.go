package challenge_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// pgCalendar returns the calendar of a validated 14-day programme (activity
// "a", 10 points, every day; day 1 is Monday 1 January 2024) after prog and
// enrol have adjusted the programme and the enrolment.
func pgCalendar(t *testing.T, prog func(*challenge.Programme), enrol func(*challenge.Enrolment)) challenge.Calendar {
	t.Helper()
	p := calProgramme(t, 14)
	if prog != nil {
		prog(p)
	}
	require.NoError(t, p.Validate())
	e := calEnrolment()
	if enrol != nil {
		enrol(e)
	}
	return challenge.NewCalendar(p, e)
}

// pgDays returns the set of days.
func pgDays(days ...int) challenge.Days {
	var s challenge.Days
	for _, d := range days {
		s.Add(d)
	}
	return s
}

// pgRange returns the days from..to.
func pgRange(from, to int) []int {
	var out []int
	for d := from; d <= to; d++ {
		out = append(out, d)
	}
	return out
}

// pgPlay keeps a progress incrementally, as the engine does, while each day
// in done is completed on its own day, then advances to today. It checks
// that the result equals Recompute and returns it.
func pgPlay(t *testing.T, c challenge.Calendar, done []int, today int) challenge.Progress {
	t.Helper()
	pr := challenge.NewProgress(c.Programme())
	set := map[int]bool{}
	for _, d := range done {
		set[d] = true
	}
	for d := 1; d <= today; d++ {
		if set[d] {
			pr.Record(c, d, d, nil)
		} else {
			pr.Advance(c, d, nil)
		}
	}
	pr.Advance(c, today, nil)
	require.Equal(t, challenge.Recompute(c, pgDays(done...), today), pr, "incremental progress must equal Recompute")
	return pr
}

// pgStreak is what the streak tests compare.
type pgStreak struct {
	Settled, Run, Current, Longest, Freezes, FreezesUsed int
	AtRisk                                               bool
}

func TestProgressStreak(t *testing.T) {
	t.Parallel()
	weekend := func(p *challenge.Programme) { p.RestDays.Weekdays = []time.Weekday{time.Saturday, time.Sunday} }
	grace := func(n int) func(p *challenge.Programme) { return func(p *challenge.Programme) { p.GraceDays = n } }
	freezes := func(r challenge.FreezeRule) func(p *challenge.Programme) {
		return func(p *challenge.Programme) { p.Freezes = r }
	}
	date := func(day int) challenge.Date { return calStart.AddDays(day - 1) }
	tests := []struct {
		name  string
		prog  func(*challenge.Programme)
		enrol func(*challenge.Enrolment)
		done  []int
		today int
		want  pgStreak
	}{
		{
			name: "consecutive days including today", done: pgRange(1, 5), today: 5,
			want: pgStreak{Settled: 4, Run: 4, Current: 5, Longest: 5},
		},
		{
			name: "today not yet done is at risk, not broken", done: pgRange(1, 4), today: 5,
			want: pgStreak{Settled: 4, Run: 4, Current: 4, Longest: 4, AtRisk: true},
		},
		{
			name: "a missed day breaks once it has ended", done: pgRange(1, 4), today: 6,
			want: pgStreak{Settled: 5, Run: 0, Current: 0, Longest: 4},
		},
		{
			name: "longest kept after a break", done: []int{1, 2, 3, 4, 5, 6, 8, 9}, today: 10,
			want: pgStreak{Settled: 9, Run: 2, Current: 2, Longest: 6, AtRisk: true},
		},
		{
			name: "rest weekdays neither extend nor break", prog: weekend, done: []int{1, 2, 3, 4, 5, 8}, today: 8,
			want: pgStreak{Settled: 7, Run: 5, Current: 6, Longest: 6},
		},
		{
			name: "activity done on a rest weekday does not extend", prog: weekend, done: pgRange(1, 7), today: 8,
			want: pgStreak{Settled: 7, Run: 5, Current: 5, Longest: 5, AtRisk: true},
		},
		{
			name:  "rest date neither extends nor breaks",
			prog:  func(p *challenge.Programme) { p.RestDays.Dates = []challenge.Date{date(3)} },
			done:  []int{1, 2, 4},
			today: 4,
			want:  pgStreak{Settled: 3, Run: 2, Current: 3, Longest: 3},
		},
		{
			name:  "rota off days neither extend nor break",
			enrol: func(e *challenge.Enrolment) { e.Rota = challenge.Rota{Start: calStart, On: 2, Off: 2} },
			done:  []int{1, 2, 3, 5, 6, 9}, // day 3 is an off day: done but not counted
			today: 9,
			want:  pgStreak{Settled: 8, Run: 4, Current: 5, Longest: 5},
		},
		{
			name: "absence neither extends nor breaks",
			enrol: func(e *challenge.Enrolment) {
				e.Absences = []challenge.Absence{{From: date(3), To: date(5), Reason: "leave"}}
			},
			done:  []int{1, 2, 6},
			today: 7,
			want:  pgStreak{Settled: 6, Run: 3, Current: 3, Longest: 3, AtRisk: true},
		},
		{
			name:  "unscheduled day neither extends nor breaks",
			prog:  func(p *challenge.Programme) { p.Schedule = append(p.Schedule[:2:2], p.Schedule[3:]...) },
			done:  []int{1, 2, 4},
			today: 5,
			want:  pgStreak{Settled: 4, Run: 3, Current: 3, Longest: 3, AtRisk: true},
		},
		{
			name: "days before FirstDay are not missed", enrol: func(e *challenge.Enrolment) { e.FirstDay = 4 },
			done: []int{4, 5}, today: 6,
			want: pgStreak{Settled: 5, Run: 2, Current: 2, Longest: 2, AtRisk: true},
		},
		{
			name: "grace 1: a day missed yesterday is pending, not broken", prog: grace(1), done: pgRange(1, 3), today: 5,
			want: pgStreak{Settled: 3, Run: 3, Current: 3, Longest: 3, AtRisk: true},
		},
		{
			name: "grace 1: today done while yesterday is pending", prog: grace(1), done: []int{1, 2, 3, 5}, today: 5,
			want: pgStreak{Settled: 3, Run: 3, Current: 4, Longest: 4, AtRisk: true},
		},
		{
			name: "grace 1: broken once the grace window has passed", prog: grace(1), done: pgRange(1, 3), today: 6,
			want: pgStreak{Settled: 4, Run: 0, Current: 0, Longest: 3},
		},
		{
			name: "grace 1: a pending gap that settles as a miss lowers longest", prog: grace(1), done: []int{1, 2, 3, 5}, today: 6,
			want: pgStreak{Settled: 4, Run: 0, Current: 1, Longest: 3, AtRisk: true},
		},
		{
			name: "programme over: every day settles", done: pgRange(1, 14), today: 30,
			want: pgStreak{Settled: 14, Run: 14, Current: 14, Longest: 14},
		},
		{
			name: "today before day 1", done: nil, today: 0,
			want: pgStreak{},
		},
		{
			name: "freeze earned every 3 days, spent on a miss", prog: freezes(challenge.FreezeRule{EarnEvery: 3, Max: 2}),
			done: []int{1, 2, 3, 5, 6}, today: 7,
			want: pgStreak{Settled: 6, Run: 5, Current: 5, Longest: 5, Freezes: 0, FreezesUsed: 1, AtRisk: true},
		},
		{
			name: "freezes capped at Max", prog: freezes(challenge.FreezeRule{EarnEvery: 2, Max: 2}),
			done: pgRange(1, 10), today: 11,
			want: pgStreak{Settled: 10, Run: 10, Current: 10, Longest: 10, Freezes: 2, AtRisk: true},
		},
		{
			name: "one freeze covers one miss, the next miss breaks", prog: freezes(challenge.FreezeRule{Initial: 1, Max: 1}),
			done: []int{1, 2, 5}, today: 6,
			want: pgStreak{Settled: 5, Run: 1, Current: 1, Longest: 2, Freezes: 0, FreezesUsed: 1, AtRisk: true},
		},
		{
			name: "no freeze spent on a streak of 0", prog: freezes(challenge.FreezeRule{Initial: 1, Max: 1}),
			done: []int{3}, today: 4,
			want: pgStreak{Settled: 3, Run: 1, Current: 1, Longest: 1, Freezes: 1, AtRisk: true},
		},
		{
			name: "earning disabled when Max is 0", prog: freezes(challenge.FreezeRule{EarnEvery: 1}),
			done: pgRange(1, 3), today: 4,
			want: pgStreak{Settled: 3, Run: 3, Current: 3, Longest: 3, AtRisk: true},
		},
		{
			name: "freeze spent through a rest day", prog: func(p *challenge.Programme) {
				weekend(p)
				p.Freezes = challenge.FreezeRule{Initial: 1, Max: 1}
			},
			done: []int{1, 2, 3, 4, 8}, today: 9, // day 5 frozen, 6-7 rest
			want: pgStreak{Settled: 8, Run: 5, Current: 5, Longest: 5, FreezesUsed: 1, AtRisk: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := pgCalendar(t, tt.prog, tt.enrol)
			pr := pgPlay(t, c, tt.done, tt.today)
			got := pgStreak{
				Settled: pr.Settled, Run: pr.Run, Current: pr.Current, Longest: pr.Longest,
				Freezes: pr.Freezes, FreezesUsed: pr.FreezesUsed, AtRisk: pr.AtRisk(c, tt.today),
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.done), pr.Completed)
		})
	}
}

func TestProgressNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		rule        challenge.FreezeRule
		levels      []challenge.Level
		wantFreezes int
		wantLevel   int
	}{
		{name: "no freezes", wantFreezes: 0},
		{name: "initial freezes", rule: challenge.FreezeRule{Initial: 2, Max: 3}, wantFreezes: 2},
		{name: "initial capped at Max", rule: challenge.FreezeRule{Initial: 5, Max: 2}, wantFreezes: 2},
		{name: "Max 0 disables freezes", rule: challenge.FreezeRule{Initial: 5}, wantFreezes: 0},
		{
			name: "a level at 0 points is reached at once", levels: []challenge.Level{{Name: "Recruit"}, {Name: "Sergeant", Points: 50}},
			wantLevel: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := calProgramme(t, 7)
			p.Freezes = tt.rule
			p.Levels = tt.levels
			pr := challenge.NewProgress(p)
			assert.Equal(t, tt.wantFreezes, pr.Freezes)
			assert.Equal(t, tt.wantLevel, pr.Level)
			assert.Equal(t, challenge.Recompute(challenge.NewCalendar(p, calEnrolment()), nil, 0), pr)
		})
	}
	assert.Equal(t, challenge.Progress{}, challenge.NewProgress(nil))
}

func TestProgressChanges(t *testing.T) {
	t.Parallel()
	c := pgCalendar(t, func(p *challenge.Programme) {
		p.Freezes = challenge.FreezeRule{EarnEvery: 2, Max: 1}
		p.StreakBonuses = []challenge.StreakBonus{{Streak: 2, Points: 5}}
		p.Levels = []challenge.Level{{Name: "One"}, {Name: "Two", Points: 20}, {Name: "Three", Points: 45}}
	}, nil)
	pr := challenge.NewProgress(c.Programme())
	require.Equal(t, 1, pr.Level)

	steps := []struct {
		name   string
		op     func(ch []challenge.Change) []challenge.Change
		want   []challenge.Change
		points int
	}{
		{
			name:   "day 1 done",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Record(c, 1, 1, ch) },
			want:   []challenge.Change{{Kind: challenge.StreakExtended, Day: 1, Streak: 1}},
			points: 10,
		},
		{
			name: "day 2 done: bonus and level",
			op:   func(ch []challenge.Change) []challenge.Change { return pr.Record(c, 2, 2, ch) },
			want: []challenge.Change{
				{Kind: challenge.StreakExtended, Day: 2, Streak: 2},
				{Kind: challenge.BonusEarned, Day: 2, Streak: 2, Points: 5},
				{Kind: challenge.LevelReached, Day: 2, Level: 2, Points: 25},
			},
			points: 25,
		},
		{
			name: "day 3 missed: freeze earned on day 2 is spent",
			op:   func(ch []challenge.Change) []challenge.Change { return pr.Advance(c, 4, ch) },
			want: []challenge.Change{
				{Kind: challenge.FreezeEarned, Day: 2, Streak: 2, Freezes: 1},
				{Kind: challenge.FreezeUsed, Day: 3, Streak: 2, Freezes: 0},
			},
			points: 25,
		},
		{
			name:   "day 4 done: the frozen streak grows again",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Record(c, 4, 4, ch) },
			want:   []challenge.Change{{Kind: challenge.StreakExtended, Day: 4, Streak: 3}},
			points: 35,
		},
		{
			name:   "days 5 and 6 missed: broken once, no event for a streak of 0",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Advance(c, 7, ch) },
			want:   []challenge.Change{{Kind: challenge.StreakBroken, Day: 5, Streak: 3}},
			points: 35,
		},
		{
			name:   "day 7 done: a new streak and a level",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Record(c, 7, 7, ch) },
			want:   []challenge.Change{{Kind: challenge.StreakExtended, Day: 7, Streak: 1}, {Kind: challenge.LevelReached, Day: 7, Level: 3, Points: 45}},
			points: 45,
		},
		{
			name:   "day 7 again: a no-op",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Record(c, 7, 7, ch) },
			want:   nil,
			points: 45,
		},
		{
			name:   "revoking day 4: no events for decreases",
			op:     func(ch []challenge.Change) []challenge.Change { return pr.Remove(c, 4, 7, ch) },
			want:   nil,
			points: 35,
		},
	}
	done := challenge.Days(nil)
	for _, s := range steps {
		got := s.op(nil)
		assert.Equal(t, s.want, got, s.name)
		assert.Equal(t, s.points, pr.Points, s.name)
		done = pr.Done
	}
	assert.Equal(t, challenge.Recompute(c, done, 7), pr)
	assert.Equal(t, 2, pr.Level, "the level follows the points down after a revocation")
}

func TestProgressStrength(t *testing.T) {
	t.Parallel()
	const m = challenge.StrengthMultiplier
	assert.InDelta(t, math.Pow(0.5, 1.0/13), m, 1e-16)

	t.Run("rises with practice", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, nil, nil)
		pr := challenge.NewProgress(c.Programme())
		prev := 0.0
		for d := 1; d <= 14; d++ {
			pr.Record(c, d, d, nil)
			assert.Greater(t, pr.Strength, prev, "day %d", d)
			assert.InDelta(t, 1-math.Pow(m, float64(d)), pr.Strength, 1e-12, "day %d", d)
			prev = pr.Strength
		}
		assert.Less(t, pr.Strength, 1.0)
	})

	t.Run("one lapse does not erase weeks", func(t *testing.T) {
		t.Parallel()
		p := calProgramme(t, 30)
		require.NoError(t, p.Validate())
		c := challenge.NewCalendar(p, calEnrolment())
		done := pgDays(pgRange(1, 20)...)
		before := challenge.Recompute(c, done, 21) // day 21 pending
		after := challenge.Recompute(c, done, 22)  // day 21 missed
		assert.Less(t, after.Strength, before.Strength)
		assert.Greater(t, after.Strength, 0.5)
		assert.InDelta(t, before.Strength*m, after.Strength, 1e-15)
		assert.Zero(t, after.Current, "the streak is broken, the habit is not")
	})

	t.Run("rest days leave it unchanged", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, func(p *challenge.Programme) {
			p.RestDays.Weekdays = []time.Weekday{time.Saturday, time.Sunday}
		}, nil)
		done := pgDays(pgRange(1, 7)...) // the weekend done too
		friday := challenge.Recompute(c, done, 6)
		monday := challenge.Recompute(c, done, 8)
		require.Equal(t, 5, friday.Settled)
		require.Equal(t, 7, monday.Settled)
		assert.Equal(t, friday.SettledStrength, monday.SettledStrength)
		assert.Equal(t, friday.Strength, monday.Strength)
	})

	t.Run("a frozen day leaves it unchanged, a missed one lowers it", func(t *testing.T) {
		t.Parallel()
		frozen := pgCalendar(t, func(p *challenge.Programme) { p.Freezes = challenge.FreezeRule{Initial: 1, Max: 1} }, nil)
		plain := pgCalendar(t, nil, nil)
		done := pgDays(1, 2, 3)
		base := challenge.Recompute(frozen, done, 4)
		withFreeze := challenge.Recompute(frozen, done, 5)
		without := challenge.Recompute(plain, done, 5)
		require.Equal(t, 1, withFreeze.FreezesUsed)
		assert.Equal(t, base.SettledStrength, withFreeze.SettledStrength)
		assert.Less(t, without.SettledStrength, base.SettledStrength)
	})

	t.Run("completing today raises Strength but not SettledStrength", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, nil, nil)
		pr := pgPlay(t, c, []int{1, 2}, 3)
		settled, strength := pr.SettledStrength, pr.Strength
		require.Equal(t, settled, strength, "nothing pending is done yet")
		pr.Record(c, 3, 3, nil)
		assert.Equal(t, settled, pr.SettledStrength)
		assert.Greater(t, pr.Strength, strength)
	})
}

func TestProgressPointsAndLevels(t *testing.T) {
	t.Parallel()
	levels := []challenge.Level{{Name: "Bronze", Points: 20}, {Name: "Silver", Points: 60}, {Name: "Gold", Points: 100}}
	bonuses := []challenge.StreakBonus{{Streak: 3, Points: 5}, {Streak: 5, Points: 20}}
	tests := []struct {
		name       string
		prog       func(*challenge.Programme)
		done       []int
		today      int
		wantPoints int
		wantAct    int
		wantLevel  int
	}{
		{name: "nothing done", today: 3},
		{name: "activity points", done: []int{1, 2}, today: 2, wantPoints: 20, wantAct: 20, wantLevel: 1},
		{
			name: "points per activity", done: []int{1, 2, 3}, today: 3,
			prog: func(p *challenge.Programme) {
				p.Activities = append(p.Activities, challenge.Activity{ID: "b", Title: "B", Points: 3})
				p.Schedule[1].ActivityID = "b"
			},
			wantPoints: 23 + 5, wantAct: 23, wantLevel: 1,
		},
		{name: "streak bonus at 3", done: pgRange(1, 3), today: 3, wantPoints: 35, wantAct: 30, wantLevel: 1},
		{name: "both bonuses at 5", done: pgRange(1, 5), today: 5, wantPoints: 75, wantAct: 50, wantLevel: 2},
		{
			name: "bonuses stay after a break (they follow Longest)", done: []int{1, 2, 3, 4, 5, 7}, today: 8,
			wantPoints: 85, wantAct: 60, wantLevel: 2,
		},
		{
			name: "a rest-day completion earns points but no streak", done: []int{1, 2, 6}, today: 7,
			prog:       func(p *challenge.Programme) { p.RestDays.Weekdays = []time.Weekday{time.Saturday} },
			wantPoints: 30, wantAct: 30, wantLevel: 1,
		},
		{name: "gold", done: pgRange(1, 8), today: 9, wantPoints: 105, wantAct: 80, wantLevel: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := pgCalendar(t, func(p *challenge.Programme) {
				p.Levels = levels
				p.StreakBonuses = bonuses
				if tt.prog != nil {
					tt.prog(p)
				}
			}, nil)
			pr := pgPlay(t, c, tt.done, tt.today)
			assert.Equal(t, tt.wantPoints, pr.Points)
			assert.Equal(t, tt.wantAct, pr.ActivityPoints)
			assert.Equal(t, tt.wantLevel, pr.Level)
			assert.Equal(t, len(tt.done), pr.Completed)
			assert.Equal(t, challenge.Snapshot{
				Streak: pr.Current, Longest: pr.Longest, Points: pr.Points, Level: pr.Level, Freezes: pr.Freezes,
			}, pr.Snapshot())
		})
	}
}

func TestProgressLateAndRevoked(t *testing.T) {
	t.Parallel()
	bonus := func(p *challenge.Programme) {
		p.StreakBonuses = []challenge.StreakBonus{{Streak: 4, Points: 100}}
		p.Levels = []challenge.Level{{Name: "L1", Points: 100}}
	}

	t.Run("grace 2: a late completion fills the gap", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, func(p *challenge.Programme) { p.GraceDays = 2 }, nil)
		pr := pgPlay(t, c, []int{1, 2, 4}, 4)
		require.Equal(t, 3, pr.Current)
		ch := pr.Record(c, 3, 5, nil)
		assert.Equal(t, []challenge.Change{{Kind: challenge.StreakExtended, Day: 3, Streak: 4}}, ch)
		assert.Equal(t, challenge.Recompute(c, pgDays(1, 2, 3, 4), 5), pr)
	})

	t.Run("a settled day recorded late is recomputed exactly", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, bonus, nil)
		pr := pgPlay(t, c, []int{1, 2, 4}, 5)
		require.Equal(t, 1, pr.Run, "day 3 was missed and broke the streak")
		ch := pr.Record(c, 3, 5, nil)
		assert.Equal(t, []challenge.Change{
			{Kind: challenge.StreakExtended, Day: 3, Streak: 4},
			{Kind: challenge.BonusEarned, Day: 3, Streak: 4, Points: 100},
			{Kind: challenge.LevelReached, Day: 3, Level: 1, Points: 140},
		}, ch)
		assert.Equal(t, challenge.Recompute(c, pgDays(1, 2, 3, 4), 5), pr)
		assert.Equal(t, 4, pr.Run)
	})

	t.Run("revoking a settled day splits the streak", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, bonus, nil)
		pr := pgPlay(t, c, pgRange(1, 6), 7)
		require.Equal(t, 6, pr.Longest)
		require.Equal(t, 160, pr.Points)
		ch := pr.Remove(c, 3, 7, nil)
		assert.Empty(t, ch)
		assert.Equal(t, challenge.Recompute(c, pgDays(1, 2, 4, 5, 6), 7), pr)
		assert.Equal(t, 3, pr.Run)
		assert.Equal(t, 3, pr.Longest)
		assert.Equal(t, 50, pr.Points, "the bonus goes with the streak that earned it")
		assert.Equal(t, 0, pr.Level)
		assert.Equal(t, 5, pr.Completed)
	})

	t.Run("revoking a spent freeze's saviour returns the freeze", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, func(p *challenge.Programme) { p.Freezes = challenge.FreezeRule{Initial: 1, Max: 1} }, nil)
		pr := pgPlay(t, c, []int{1, 3}, 4)
		require.Equal(t, 1, pr.FreezesUsed)
		pr.Remove(c, 1, 4, nil)
		assert.Equal(t, 0, pr.FreezesUsed, "with no streak on day 2 there was nothing to freeze")
		assert.Equal(t, 1, pr.Freezes)
		assert.Equal(t, challenge.Recompute(c, pgDays(3), 4), pr)
	})

	t.Run("a revocation can lengthen the longest streak", func(t *testing.T) {
		t.Parallel()
		// Without day 1 the run reaches 2, 4 and 6 on other days, so the
		// freezes earned (capped at 1) fall where they cover days 5 and 7.
		c := pgCalendar(t, func(p *challenge.Programme) {
			p.Freezes = challenge.FreezeRule{EarnEvery: 2, Max: 1}
			p.StreakBonuses = []challenge.StreakBonus{{Streak: 6, Points: 50}}
		}, nil)
		pr := pgPlay(t, c, []int{1, 2, 3, 4, 6, 8, 9}, 10)
		require.Equal(t, 5, pr.Longest)
		require.Equal(t, 2, pr.Current)
		ch := pr.Remove(c, 1, 10, nil)
		assert.Equal(t, []challenge.Change{{Kind: challenge.BonusEarned, Day: 1, Streak: 6, Points: 50}}, ch)
		assert.Equal(t, 6, pr.Longest)
		assert.Equal(t, 6, pr.Current)
		assert.Equal(t, challenge.Recompute(c, pgDays(2, 3, 4, 6, 8, 9), 10), pr)
	})

	t.Run("revoking today's completion", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, nil, nil)
		pr := pgPlay(t, c, pgRange(1, 3), 3)
		pr.Remove(c, 3, 3, nil)
		assert.Equal(t, 2, pr.Current)
		assert.True(t, pr.AtRisk(c, 3))
		assert.Equal(t, challenge.Recompute(c, pgDays(1, 2), 3), pr)
	})

	t.Run("removing a day not done and recording outside the programme change nothing", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, nil, nil)
		pr := pgPlay(t, c, []int{1, 2}, 3)
		want := pr.Clone()
		assert.Empty(t, pr.Remove(c, 3, 3, nil))
		assert.Empty(t, pr.Record(c, 0, 3, nil))
		assert.Empty(t, pr.Record(c, 15, 3, nil))
		assert.Empty(t, pr.Record(c, 2, 3, nil), "recording again is a no-op")
		assert.Equal(t, want, pr)
	})

	t.Run("advancing backwards keeps settled days", func(t *testing.T) {
		t.Parallel()
		c := pgCalendar(t, nil, nil)
		pr := pgPlay(t, c, []int{1, 2}, 5)
		want := pr.Clone()
		assert.Empty(t, pr.Advance(c, 2, nil))
		assert.Equal(t, want, pr)
	})
}

func TestProgressZeroCalendar(t *testing.T) {
	t.Parallel()
	// A zero Calendar has no programme: nothing panics and nothing counts.
	var c challenge.Calendar
	pr := challenge.NewProgress(nil)
	assert.Empty(t, pr.Record(c, 1, 1, nil))
	assert.Empty(t, pr.Advance(c, 10, nil))
	assert.False(t, pr.AtRisk(c, 10))
	assert.Equal(t, challenge.Progress{}, pr)
	assert.Equal(t, challenge.Progress{}, challenge.Recompute(c, nil, 5))
}

func TestProgressChangeStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c        challenge.Change
		wantKind string
		want     string
	}{
		{challenge.Change{Kind: challenge.StreakExtended, Day: 3, Streak: 3}, "StreakExtended", "day 3: streak extended to 3"},
		{challenge.Change{Kind: challenge.StreakBroken, Day: 4, Streak: 3}, "StreakBroken", "day 4: streak of 3 broken"},
		{challenge.Change{Kind: challenge.FreezeEarned, Day: 7, Streak: 7, Freezes: 1}, "FreezeEarned", "day 7: freeze earned at streak 7 (1 held)"},
		{challenge.Change{Kind: challenge.FreezeUsed, Day: 8, Streak: 7}, "FreezeUsed", "day 8: freeze used, streak 7 kept (0 left)"},
		{challenge.Change{Kind: challenge.LevelReached, Day: 9, Level: 2, Points: 100}, "LevelReached", "day 9: level 2 reached with 100 points"},
		{challenge.Change{Kind: challenge.BonusEarned, Day: 5, Streak: 5, Points: 20}, "BonusEarned", "day 5: bonus of 20 points for a 5-day streak"},
		{challenge.Change{Kind: 0, Day: 1}, "ChangeKind(0)", "day 1: ChangeKind(0)"},
	}
	for _, tt := range tests {
		t.Run(tt.wantKind, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.wantKind, tt.c.Kind.String())
			assert.Equal(t, tt.want, tt.c.String())
		})
	}
}

func TestProgressCloneAndJSON(t *testing.T) {
	t.Parallel()
	c := pgCalendar(t, func(p *challenge.Programme) { p.GraceDays = 1 }, nil)
	pr := pgPlay(t, c, []int{1, 2, 4}, 4)

	cl := pr.Clone()
	cl.Done.Add(3)
	assert.False(t, pr.Done.Has(3), "Clone must not share Done")

	b, err := json.Marshal(pr)
	require.NoError(t, err)
	var back challenge.Progress
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, pr, back, "every field survives a JSON round trip, so storage can keep progress incrementally")
	back.Record(c, 3, 4, nil)
	assert.Equal(t, challenge.Recompute(c, pgDays(1, 2, 3, 4), 4), back)
}

func TestProgressRecordDoesNotAllocate(t *testing.T) {
	p := calProgramme(t, 30)
	p.RestDays.Weekdays = []time.Weekday{time.Sunday}
	p.GraceDays = 1
	p.Freezes = challenge.FreezeRule{EarnEvery: 2, Max: 2, Initial: 1}
	p.StreakBonuses = []challenge.StreakBonus{{Streak: 1, Points: 1}, {Streak: 2, Points: 1}, {Streak: 4, Points: 1}}
	p.Levels = []challenge.Level{{Name: "a", Points: 1}, {Name: "b", Points: 15}, {Name: "c", Points: 40}}
	require.NoError(t, p.Validate())
	e := calEnrolment()
	e.Absences = []challenge.Absence{{From: calStart.AddDays(11), To: calStart.AddDays(12)}}
	c := challenge.NewCalendar(p, e)

	fresh := challenge.NewProgress(p)
	pr := fresh
	pr.Done = make(challenge.Days, 1)
	changes := make([]challenge.Change, 0, 64)
	total := 0
	allocs := testing.AllocsPerRun(50, func() {
		done := pr.Done
		clear(done)
		pr = fresh
		pr.Done = done
		changes = changes[:0]
		for d := 1; d <= 30; d++ {
			if d%5 != 0 { // some misses, so freezes are used and streaks break
				changes = pr.Record(c, d, d, changes)
			}
		}
		changes = pr.Advance(c, 31, changes)
		total = len(changes)
	})
	assert.Zero(t, allocs)
	assert.Positive(t, total, "the run must produce changes, or it proves little")
	assert.Equal(t, challenge.Recompute(c, pr.Done, 31), pr)
}

func TestProgressAddBonus(t *testing.T) {
	c := pgCalendar(t, func(p *challenge.Programme) {
		p.Levels = []challenge.Level{{Name: "One", Points: 10}, {Name: "Two", Points: 25}, {Name: "Three", Points: 40}}
	}, nil)
	pr := challenge.NewProgress(c.Programme())
	pr.Record(c, 1, 1, nil) // 10 activity points: level 1

	changes := pr.AddBonus(c, 1, 20, 1, nil)
	assert.Equal(t, 20, pr.BonusPoints)
	assert.Equal(t, 30, pr.Points)
	assert.Equal(t, 2, pr.Level)
	assert.Equal(t, []challenge.Change{{Kind: challenge.LevelReached, Day: 1, Level: 2, Points: 30}}, changes)

	// A revocation rebuilds everything from the done days and keeps the
	// bonus points.
	pr.Remove(c, 1, 1, nil)
	assert.Equal(t, 20, pr.BonusPoints)
	assert.Equal(t, 20, pr.Points)
	assert.Equal(t, 1, pr.Level)
	assert.Equal(t, challenge.RecomputeWith(c, challenge.Days{0}, 1, 20), pr)

	// A late completion of a settled day rebuilds too.
	pr.Advance(c, 3, nil)
	pr.Record(c, 2, 3, nil)
	assert.Equal(t, challenge.RecomputeWith(c, pgDays(2), 3, 20), pr)
	assert.Equal(t, 30, pr.Points)

	// Taking bonus points back lowers the level and never goes below zero.
	changes = pr.AddBonus(c, 3, -50, 3, nil)
	assert.Empty(t, changes, "decreases are not reported")
	assert.Equal(t, 0, pr.BonusPoints)
	assert.Equal(t, 10, pr.Points)
	assert.Equal(t, 1, pr.Level)

	// The field survives JSON, as the enrolment is stored.
	pr.AddBonus(c, 3, 7, 3, nil)
	raw, err := json.Marshal(pr)
	require.NoError(t, err)
	var back challenge.Progress
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, pr, back)
}

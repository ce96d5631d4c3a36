package challenge

import (
	"fmt"
	"math/bits"
)

// Progress is one enrolment's streak, freezes, habit strength, points and
// level. The engine keeps it incrementally ([Progress.Advance],
// [Progress.Record], [Progress.Remove]); [Recompute] rebuilds it from
// scratch, and the two always agree exactly (a property test pins this).
//
// # Settled and pending days
//
// A scheduled (non-rest, see [Calendar]) day d is settled once it can no
// longer be completed: today > d + GraceDays. Days 1..Settled have a final
// outcome (completed, rest, frozen or missed); later days are pending: they
// may still be completed inside the grace window. Settled never decreases:
// if the caller's today goes backwards, settled days stay settled.
//
// # Streak
//
// Settled days are walked in order. A rest day changes nothing, even when
// its activity was done. A completed day extends the run by one and, when
// the run reaches a multiple of Freezes.EarnEvery, earns a freeze (capped at
// Freezes.Max). A missed day spends a freeze when one is held and the run is
// positive (the streak survives but does not grow); otherwise it breaks the
// run. A freeze is never spent on a run of 0: there is no streak to protect,
// and spending it would silently take a late starter's initial freezes.
//
// Current is Run plus every completed pending day that is not a rest day. A
// pending day not yet done neither breaks nor extends the streak: it is "at
// risk" ([Progress.AtRisk]) until it settles. Pending days after today are
// counted too when done, so that an engine whose clock lags by a moment
// behind the one that recorded a completion does not see Current flicker;
// the engine never records future days, so for valid input "pending" means
// Settled+1..today.
//
// Longest is the longest run reached while walking settled days, or Current
// when that is longer. It is exact after revocations and late completions,
// which means it can go down: after a revocation, and, with GraceDays > 0,
// when completed pending days on both sides of a pending gap are counted in
// Current and the gap then settles as a miss that breaks the run (the streak
// they seemed to form never existed). A revocation can even raise it (see
// [Progress.Remove]).
//
// # Strength
//
// Strength is Loop Habit Tracker's habit strength: for every settled
// scheduled day s = s*m + x*(1-m), with x = 1 when completed and 0 when
// missed, m = [StrengthMultiplier] (a half-life of 13 scheduled days). One
// lapse after weeks of practice therefore dents the strength but does not
// erase it. Rest days and frozen days leave it unchanged: a freeze is the
// programme's promise that the missed day does not count against the
// participant, and strength keeps the same promise as the streak so that the
// two figures never tell contradicting stories. The reported Strength also
// applies the completed pending days (so completing today raises it at
// once); SettledStrength is the value at the end of day Settled.
//
// # Points and levels
//
// Points = ActivityPoints + the Points of every [StreakBonus] whose Streak is
// at most Longest + BonusPoints. ActivityPoints sums, over completed days in 1..Length, the
// points of the activity scheduled that day (a completion on a rest day that
// has a slot still earns them). Level is [Programme.LevelFor](Points).
// Completed counts completed days in 1..Length.
type Progress struct {
	// Done marks the programme days whose scheduled activity is completed
	// (and not revoked).
	Done Days `json:"done,omitempty"`
	// Settled is the last day whose outcome is final.
	Settled int `json:"settled"`
	// Run is the streak at the end of day Settled.
	Run int `json:"run"`
	// Current is the streak now: Run plus completed pending days.
	Current int `json:"current"`
	// Longest is the longest streak reached so far (including Current).
	Longest int `json:"longest"`
	// SettledLongest is the longest run reached on days 1..Settled; Longest
	// is the larger of it and Current.
	SettledLongest int `json:"settledLongest"`
	// Freezes is the number of streak freezes held.
	Freezes int `json:"freezes"`
	// FreezesUsed counts freezes spent on missed days.
	FreezesUsed int `json:"freezesUsed"`
	// Strength is the habit strength in [0, 1] (exponential smoothing),
	// including completed pending days.
	Strength float64 `json:"strength"`
	// SettledStrength is the habit strength at the end of day Settled.
	SettledStrength float64 `json:"settledStrength"`
	// Completed counts completed days.
	Completed int `json:"completed"`
	// ActivityPoints is the part of Points earned by completions.
	ActivityPoints int `json:"activityPoints"`
	// BonusPoints is the part of Points earned outside completions
	// (reflection and response bonuses); see [Progress.AddBonus].
	BonusPoints int `json:"bonusPoints,omitempty"`
	// Points is the total: activity points plus streak bonuses plus
	// BonusPoints.
	Points int `json:"points"`
	// Level is the 1-based level index reached (0 = none).
	Level int `json:"level"`
}

// StrengthMultiplier is the per-scheduled-day decay of habit strength,
// 0.5^(1/13): the weight of a day's outcome halves after 13 scheduled days.
const StrengthMultiplier = 0.9480775143391714646200875685266073241381

// ChangeKind says what a [Change] reports.
type ChangeKind int

const (
	// StreakExtended: a completion made the current streak longer. Day is
	// the completed day, Streak the new current streak.
	StreakExtended ChangeKind = iota + 1
	// StreakBroken: a missed day with no freeze to spend ended a streak.
	// Day is the missed day, Streak the length of the streak lost.
	StreakBroken
	// FreezeEarned: the run reached a multiple of Freezes.EarnEvery. Day is
	// the day that earned it, Streak the run, Freezes the freezes now held.
	FreezeEarned
	// FreezeUsed: a freeze was spent on a missed day so the streak survives.
	// Day is the missed day, Streak the streak kept, Freezes those left.
	FreezeUsed
	// LevelReached: the points reached a new level. Day is the completed
	// (or, rarely, revoked: see [Progress.Remove]) day, Level the level
	// index reached, Points the total points.
	LevelReached
	// BonusEarned: the longest streak reached a streak bonus. Day is the
	// completed (or, rarely, revoked) day, Streak the bonus's streak length,
	// Points the bonus.
	BonusEarned
)

// String returns the kind's name, such as "StreakExtended".
func (k ChangeKind) String() string {
	switch k {
	case StreakExtended:
		return "StreakExtended"
	case StreakBroken:
		return "StreakBroken"
	case FreezeEarned:
		return "FreezeEarned"
	case FreezeUsed:
		return "FreezeUsed"
	case LevelReached:
		return "LevelReached"
	case BonusEarned:
		return "BonusEarned"
	}
	return fmt.Sprintf("ChangeKind(%d)", int(k))
}

// Change is one noteworthy change of a [Progress], from which the engine
// makes its events. Which fields are meaningful depends on Kind (see the
// [ChangeKind] constants); the others are zero.
type Change struct {
	// Kind says what changed.
	Kind ChangeKind `json:"kind"`
	// Day is the programme day the change belongs to.
	Day int `json:"day"`
	// Streak is a streak length (see Kind).
	Streak int `json:"streak,omitempty"`
	// Level is the level index reached (LevelReached).
	Level int `json:"level,omitempty"`
	// Freezes is the number of freezes held after the change.
	Freezes int `json:"freezes,omitempty"`
	// Points is a number of points (see Kind).
	Points int `json:"points,omitempty"`
}

// String describes c in one line, for logs and examples.
func (c Change) String() string {
	switch c.Kind {
	case StreakExtended:
		return fmt.Sprintf("day %d: streak extended to %d", c.Day, c.Streak)
	case StreakBroken:
		return fmt.Sprintf("day %d: streak of %d broken", c.Day, c.Streak)
	case FreezeEarned:
		return fmt.Sprintf("day %d: freeze earned at streak %d (%d held)", c.Day, c.Streak, c.Freezes)
	case FreezeUsed:
		return fmt.Sprintf("day %d: freeze used, streak %d kept (%d left)", c.Day, c.Streak, c.Freezes)
	case LevelReached:
		return fmt.Sprintf("day %d: level %d reached with %d points", c.Day, c.Level, c.Points)
	case BonusEarned:
		return fmt.Sprintf("day %d: bonus of %d points for a %d-day streak", c.Day, c.Points, c.Streak)
	}
	return fmt.Sprintf("day %d: %v", c.Day, c.Kind)
}

// NewProgress returns the progress of a fresh enrolment in p: nothing done,
// nothing settled, Freezes = min(Freezes.Initial, Freezes.Max), and the
// level that 0 points reach.
func NewProgress(p *Programme) Progress {
	pr := Progress{Freezes: initialFreezes(p)}
	if p != nil {
		// A level with a threshold of 0 points is reached at enrolment.
		pr.Level = p.LevelFor(0)
	}
	return pr
}

// Recompute rebuilds from scratch the progress of the enrolment of c whose
// completed days are done, as of programme day today, with no bonus points.
// Done of the result is a copy of done.
func Recompute(c Calendar, done Days, today int) Progress {
	return RecomputeWith(c, done, today, 0)
}

// RecomputeWith is [Recompute] for an enrolment that also holds
// bonusPoints (see [Progress.AddBonus]).
func RecomputeWith(c Calendar, done Days, today, bonusPoints int) Progress {
	pr := Progress{Settled: settleTarget(c, today), BonusPoints: bonusPoints}
	if done != nil {
		pr.Done = append(Days(nil), done...)
	}
	pr.rebuild(c)
	return pr
}

// Advance settles every day up to today-GraceDays-1 (and no further than
// the programme's Length), appending StreakBroken, FreezeEarned and
// FreezeUsed changes in day order, and refreshes the derived figures. It
// never moves Settled backwards. Settling can lower Current, Longest,
// Points and Level (see [Progress]) but never raises them, so it reports no
// other kinds of change. It allocates only to grow changes.
func (pr *Progress) Advance(c Calendar, today int, changes []Change) []Change {
	if t := settleTarget(c, today); t > pr.Settled {
		changes = pr.settle(c, t, changes, true)
	}
	pr.refresh(c)
	return changes
}

// Record marks day completed, first advancing to today. The engine has
// validated the day (scheduled, inside the grace window, not before the
// enrolment), so day is normally pending; a settled day is still handled
// exactly, by recomputing from scratch. Recording a day that is already done
// or outside 1..Length changes nothing beyond the advance.
//
// After the advance's changes it appends StreakExtended (when Current grew),
// then BonusEarned for every bonus newly within Longest (in programme
// order), then LevelReached for every level newly reached (ascending). It
// allocates only to grow Done and changes.
func (pr *Progress) Record(c Calendar, day, today int, changes []Change) []Change {
	changes = pr.Advance(c, today, changes)
	if day < 1 || day > c.length() || pr.Done.Has(day) {
		return changes
	}
	current, longest, level := pr.Current, pr.Longest, pr.Level
	pr.Done.Add(day)
	if day <= pr.Settled {
		pr.rebuild(c)
	} else {
		pr.Completed++
		pr.ActivityPoints += dayPoints(c.p, day)
		pr.refresh(c)
	}
	if pr.Current > current {
		changes = append(changes, Change{Kind: StreakExtended, Day: day, Streak: pr.Current})
	}
	return pr.gains(c, day, longest, level, changes)
}

// Remove un-marks day (a revocation), first advancing to today, and
// recomputes everything from scratch, so that streaks, freezes, strength,
// points and level are exactly what they would have been had the day never
// been completed. Removing a day that is not done changes nothing beyond the
// advance.
//
// Decreases are not reported: the engine re-derives what it shows from the
// new Progress. A revocation can, rarely, raise Longest and so the points:
// without the revoked day the run reaches multiples of Freezes.EarnEvery on
// other days, and the freezes then earned may cover misses that used to
// break the streak. Exactness wins over intuition here, so the BonusEarned
// and LevelReached changes are appended as for Record, with Day the revoked
// day.
func (pr *Progress) Remove(c Calendar, day, today int, changes []Change) []Change {
	changes = pr.Advance(c, today, changes)
	if !pr.Done.Has(day) {
		return changes
	}
	longest, level := pr.Longest, pr.Level
	pr.Done.Remove(day)
	pr.rebuild(c)
	return pr.gains(c, day, longest, level, changes)
}

// AddBonus adds points (negative to take a bonus back) to BonusPoints,
// first advancing to today, and refreshes Points and Level. day is the
// programme day the bonus belongs to; it is reported as the Day of the
// LevelReached changes appended for every level newly reached. A negative
// points never takes BonusPoints below zero. Done days, streaks and
// freezes are not touched.
func (pr *Progress) AddBonus(c Calendar, day, points, today int, changes []Change) []Change {
	changes = pr.Advance(c, today, changes)
	level := pr.Level
	pr.BonusPoints = max(0, pr.BonusPoints+points)
	pr.refresh(c)
	for l := level + 1; l <= pr.Level; l++ {
		changes = append(changes, Change{Kind: LevelReached, Day: day, Level: l, Points: pr.Points})
	}
	return changes
}

// AtRisk reports whether the streak is at risk today: Current > 0 and some
// scheduled (non-rest) day that has not settled, up to today, is not done.
// pr should have been advanced to today.
func (pr *Progress) AtRisk(c Calendar, today int) bool {
	if pr.Current <= 0 {
		return false
	}
	to := min(today, c.length())
	for d := max(pr.Settled, settleTarget(c, today)) + 1; d <= to; d++ {
		if !pr.Done.Has(d) && !c.IsRest(d) {
			return true
		}
	}
	return false
}

// settle walks days Settled+1..to, updating the settled figures and, when
// emit is set, appending the changes they cause.
func (pr *Progress) settle(c Calendar, to int, changes []Change, emit bool) []Change {
	var rule FreezeRule
	if c.p != nil {
		rule = c.p.Freezes
	}
	for d := pr.Settled + 1; d <= to; d++ {
		if c.IsRest(d) {
			continue
		}
		switch {
		case pr.Done.Has(d):
			pr.Run++
			pr.SettledLongest = max(pr.SettledLongest, pr.Run)
			pr.SettledStrength = practised(pr.SettledStrength)
			if rule.EarnEvery > 0 && rule.Max > 0 && pr.Run%rule.EarnEvery == 0 && pr.Freezes < rule.Max {
				pr.Freezes++
				if emit {
					changes = append(changes, Change{Kind: FreezeEarned, Day: d, Streak: pr.Run, Freezes: pr.Freezes})
				}
			}
		case pr.Run > 0 && pr.Freezes > 0:
			// Frozen: the streak survives, strength is unchanged.
			pr.Freezes--
			pr.FreezesUsed++
			if emit {
				changes = append(changes, Change{Kind: FreezeUsed, Day: d, Streak: pr.Run, Freezes: pr.Freezes})
			}
		default:
			if pr.Run > 0 && emit {
				changes = append(changes, Change{Kind: StreakBroken, Day: d, Streak: pr.Run})
			}
			pr.Run = 0
			pr.SettledStrength = lapsed(pr.SettledStrength)
		}
	}
	pr.Settled = to
	return changes
}

// refresh derives Current, Strength, Longest, Points and Level from the
// settled figures and the completed pending days.
func (pr *Progress) refresh(c Calendar) {
	current, strength := pr.Run, pr.SettledStrength
	n := c.length()
	for d := pr.Done.next(pr.Settled+1, n); d > 0; d = pr.Done.next(d+1, n) {
		if c.IsRest(d) {
			continue
		}
		current++
		strength = practised(strength)
	}
	pr.Current, pr.Strength = current, strength
	pr.Longest = max(pr.SettledLongest, current)
	pr.Points = pr.ActivityPoints + bonusPoints(c.p, pr.Longest) + pr.BonusPoints
	pr.Level = 0
	if c.p != nil {
		pr.Level = c.p.LevelFor(pr.Points)
	}
}

// rebuild recomputes every figure but Done and Settled from scratch.
func (pr *Progress) rebuild(c Calendar) {
	settled, done, bonus := pr.Settled, pr.Done, pr.BonusPoints
	*pr = Progress{Done: done, Freezes: initialFreezes(c.p), BonusPoints: bonus}
	n := c.length()
	for d := done.next(1, n); d > 0; d = done.next(d+1, n) {
		pr.Completed++
		pr.ActivityPoints += dayPoints(c.p, d)
	}
	pr.settle(c, settled, nil, false)
	pr.refresh(c)
}

// gains appends BonusEarned and LevelReached changes for the bonuses and
// levels reached since Longest was longest and Level was level.
func (pr *Progress) gains(c Calendar, day, longest, level int, changes []Change) []Change {
	if c.p == nil {
		return changes
	}
	if pr.Longest > longest {
		for _, b := range c.p.StreakBonuses {
			if b.Streak > longest && b.Streak <= pr.Longest {
				changes = append(changes, Change{Kind: BonusEarned, Day: day, Streak: b.Streak, Points: b.Points})
			}
		}
	}
	for l := level + 1; l <= pr.Level; l++ {
		changes = append(changes, Change{Kind: LevelReached, Day: day, Level: l, Points: pr.Points})
	}
	return changes
}

// practised is the strength after a completed scheduled day.
func practised(s float64) float64 { return s*StrengthMultiplier + (1 - StrengthMultiplier) }

// lapsed is the strength after a missed scheduled day.
func lapsed(s float64) float64 { return s * StrengthMultiplier }

// settleTarget is the last day that can no longer be completed on today.
func settleTarget(c Calendar, today int) int {
	grace := 0
	if c.p != nil && c.p.GraceDays > 0 {
		grace = c.p.GraceDays
	}
	return max(0, min(today-grace-1, c.length()))
}

// initialFreezes is the number of freezes a fresh enrolment in p holds.
func initialFreezes(p *Programme) int {
	if p == nil || p.Freezes.Max <= 0 || p.Freezes.Initial <= 0 {
		return 0
	}
	return min(p.Freezes.Initial, p.Freezes.Max)
}

// dayPoints returns the points of the activity scheduled on day, or 0.
func dayPoints(p *Programme, day int) int {
	if p == nil {
		return 0
	}
	s, ok := p.SlotOn(day)
	if !ok {
		return 0
	}
	a, ok := p.Activity(s.ActivityID)
	if !ok {
		return 0
	}
	return a.Points
}

// bonusPoints sums the streak bonuses of p reached by a streak of longest.
func bonusPoints(p *Programme, longest int) int {
	if p == nil {
		return 0
	}
	total := 0
	for _, b := range p.StreakBonuses {
		if b.Streak <= longest {
			total += b.Points
		}
	}
	return total
}

// Clone returns a deep copy of p.
func (p Progress) Clone() Progress {
	if p.Done != nil {
		p.Done = append(Days(nil), p.Done...)
	}
	return p
}

// Snapshot returns the headline figures of p.
func (p *Progress) Snapshot() Snapshot {
	return Snapshot{Streak: p.Current, Longest: p.Longest, Points: p.Points, Level: p.Level, Freezes: p.Freezes}
}

// Days is a set of programme days (a bitset).
type Days []uint64

// Has reports whether day is in the set.
func (s Days) Has(day int) bool {
	if day < 0 {
		return false
	}
	w := day / 64
	return w < len(s) && s[w]&(1<<uint(day%64)) != 0
}

// Add puts day in the set, growing it when needed.
func (s *Days) Add(day int) {
	if day < 0 {
		return
	}
	w := day / 64
	for len(*s) <= w {
		*s = append(*s, 0)
	}
	(*s)[w] |= 1 << uint(day%64)
}

// Remove takes day out of the set.
func (s Days) Remove(day int) {
	if day < 0 || day/64 >= len(s) {
		return
	}
	s[day/64] &^= 1 << uint(day%64)
}

// next returns the smallest day in the set within from..to, or -1.
func (s Days) next(from, to int) int {
	from = max(from, 0)
	if from > to {
		return -1
	}
	for w := from / 64; w < len(s) && w*64 <= to; w++ {
		word := s[w]
		if w == from/64 {
			word &= ^uint64(0) << uint(from%64)
		}
		if word != 0 {
			d := w*64 + bits.TrailingZeros64(word)
			if d > to {
				return -1
			}
			return d
		}
	}
	return -1
}

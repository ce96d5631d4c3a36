package challenge

import "time"

// Programme is a habit programme as its owners define it: what happens on
// each of its days and the rules for points, streaks and rest. A Programme
// is plain data (usually loaded from a definition file with
// [ParseDefinition]); call [Programme.Validate] before using it.
//
// A published Programme is immutable: republishing creates a new version and
// enrolments keep the version they joined.
type Programme struct {
	// ID identifies the programme; letters, digits, '-', '_' and '.'.
	ID string `json:"id" yaml:"id"`
	// Title is shown to participants.
	Title string `json:"title" yaml:"title"`
	// Description says what the programme is for.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Length is the number of programme days (1..3660).
	Length int `json:"length" yaml:"length"`
	// DayStartHour is the local hour (0..23) at which a programme day
	// begins. 4 suits shift workers: a completion at 02:30 belongs to the
	// previous day.
	DayStartHour int `json:"dayStartHour,omitempty" yaml:"dayStartHour,omitempty"`
	// TimeZone is the IANA zone used when an enrolment names none.
	TimeZone string `json:"timeZone" yaml:"timeZone"`
	// GraceDays is how many days after a day ends it may still be
	// completed (default 0: only today).
	GraceDays int `json:"graceDays,omitempty" yaml:"graceDays,omitempty"`
	// RestDays are the programme-wide rest days.
	RestDays RestDays `json:"restDays,omitzero" yaml:"restDays,omitempty"`
	// Activities are the challenges the schedule refers to.
	Activities []Activity `json:"activities" yaml:"activities"`
	// Schedule maps programme days to an activity and variation, sorted by
	// day, at most one slot per day. Days without a slot have nothing to
	// do and count as rest days.
	Schedule []Slot `json:"schedule" yaml:"schedule"`
	// Cohorts are groups that start the programme on a common date.
	// Enrolments without a cohort are self-paced: they start on the day of
	// enrolment.
	Cohorts []Cohort `json:"cohorts,omitempty" yaml:"cohorts,omitempty"`
	// StreakBonuses award points once when the longest streak first
	// reaches a length.
	StreakBonuses []StreakBonus `json:"streakBonuses,omitempty" yaml:"streakBonuses,omitempty"`
	// Levels are point thresholds, ascending.
	Levels []Level `json:"levels,omitempty" yaml:"levels,omitempty"`
	// Freezes is the rule for earning streak freezes.
	Freezes FreezeRule `json:"freezes,omitzero" yaml:"freezes,omitempty"`

	index *programmeIndex
}

// RestDays are days on which nothing is expected: they neither extend nor
// break a streak.
type RestDays struct {
	// Weekdays repeat every week (for example Saturday and Sunday).
	Weekdays []time.Weekday `json:"weekdays,omitempty" yaml:"weekdays,omitempty"`
	// Dates are single calendar dates (bank holidays).
	Dates []Date `json:"dates,omitempty" yaml:"dates,omitempty"`
}

// Activity is one challenge. Its Variations give the same habit in
// different contexts.
type Activity struct {
	// ID identifies the activity within its programme.
	ID string `json:"id" yaml:"id"`
	// Title is the short name shown to participants.
	Title string `json:"title" yaml:"title"`
	// Instructions say what to do.
	Instructions string `json:"instructions,omitempty" yaml:"instructions,omitempty"`
	// Tags group activities (badge criteria can count by tag).
	Tags []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// Points are awarded for each completion (>= 0).
	Points int `json:"points" yaml:"points"`
	// Prompts guide the written reflection after the activity.
	Prompts []string `json:"prompts,omitempty" yaml:"prompts,omitempty"`
	// Variations are the contexts in which the activity repeats.
	Variations []Variation `json:"variations,omitempty" yaml:"variations,omitempty"`
}

// Variation is one context of an activity.
type Variation struct {
	// ID identifies the variation within its activity.
	ID string `json:"id" yaml:"id"`
	// Title names the variation (optional).
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	// Context is the text that sets the scene for this repetition.
	Context string `json:"context,omitempty" yaml:"context,omitempty"`
	// Prompts, when set, are used instead of the activity's prompts.
	Prompts []string `json:"prompts,omitempty" yaml:"prompts,omitempty"`
}

// Slot schedules one activity (and optionally one of its variations) on one
// programme day.
type Slot struct {
	// Day is the programme day, 1..Length.
	Day int `json:"day" yaml:"day"`
	// ActivityID names an activity of the programme.
	ActivityID string `json:"activity" yaml:"activity"`
	// VariationID names a variation of that activity, or is empty.
	VariationID string `json:"variation,omitempty" yaml:"variation,omitempty"`
}

// Cohort is a group of participants who start on the same date.
type Cohort struct {
	// ID identifies the cohort within its programme.
	ID string `json:"id" yaml:"id"`
	// Title names the cohort (optional).
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	// Start is the civil date of programme day 1.
	Start Date `json:"start" yaml:"start"`
}

// StreakBonus awards Points once, when the longest streak first reaches
// Streak days.
type StreakBonus struct {
	// Streak is the streak length (>= 1).
	Streak int `json:"streak" yaml:"streak"`
	// Points is the bonus (>= 0).
	Points int `json:"points" yaml:"points"`
}

// Level is reached when a participant's points reach Points.
type Level struct {
	// Name is shown to participants ("Bronze", "Level 2").
	Name string `json:"name" yaml:"name"`
	// Points is the threshold (>= 0), strictly ascending across levels.
	Points int `json:"points" yaml:"points"`
}

// FreezeRule says how streak freezes are earned. A freeze is spent
// automatically on a missed scheduled day, so the streak survives it.
type FreezeRule struct {
	// EarnEvery grants one freeze each time the streak reaches a multiple
	// of this many days; 0 disables earning.
	EarnEvery int `json:"earnEvery,omitempty" yaml:"earnEvery,omitempty"`
	// Max caps the freezes held at once; 0 means freezes are disabled.
	Max int `json:"max,omitempty" yaml:"max,omitempty"`
	// Initial freezes held at enrolment (capped by Max).
	Initial int `json:"initial,omitempty" yaml:"initial,omitempty"`
}

// programmeIndex speeds up lookups; built by Validate.
type programmeIndex struct {
	activity map[string]int // activity ID -> index in Activities
	slot     []int32        // day -> index in Schedule, -1 when none (len Length+1)
	restWeek uint8          // bit per time.Weekday
}

// Activity returns the activity with id, or false.
func (p *Programme) Activity(id string) (*Activity, bool) {
	if p.index != nil {
		i, ok := p.index.activity[id]
		if !ok {
			return nil, false
		}
		return &p.Activities[i], true
	}
	for i := range p.Activities {
		if p.Activities[i].ID == id {
			return &p.Activities[i], true
		}
	}
	return nil, false
}

// SlotOn returns the slot scheduled on programme day, or false when nothing
// is scheduled (or day is outside 1..Length).
func (p *Programme) SlotOn(day int) (Slot, bool) {
	if day < 1 || day > p.Length {
		return Slot{}, false
	}
	if p.index != nil {
		i := p.index.slot[day]
		if i < 0 {
			return Slot{}, false
		}
		return p.Schedule[i], true
	}
	for _, s := range p.Schedule {
		if s.Day == day {
			return s, true
		}
	}
	return Slot{}, false
}

// Variation returns the variation with id of activity a, or false.
func (a *Activity) Variation(id string) (*Variation, bool) {
	for i := range a.Variations {
		if a.Variations[i].ID == id {
			return &a.Variations[i], true
		}
	}
	return nil, false
}

// Cohort returns the cohort with id, or false.
func (p *Programme) Cohort(id string) (Cohort, bool) {
	for _, c := range p.Cohorts {
		if c.ID == id {
			return c, true
		}
	}
	return Cohort{}, false
}

// IsRestWeekday reports whether w is one of the programme's weekly rest days.
func (p *Programme) IsRestWeekday(w time.Weekday) bool {
	if p.index != nil {
		return p.index.restWeek&(1<<uint(w)) != 0
	}
	for _, r := range p.RestDays.Weekdays {
		if r == w {
			return true
		}
	}
	return false
}

// IsRestDate reports whether d is one of the programme's explicit rest dates.
func (p *Programme) IsRestDate(d Date) bool {
	for _, r := range p.RestDays.Dates {
		if r == d {
			return true
		}
	}
	return false
}

// LevelFor returns the 1-based index of the highest level whose threshold
// points reaches, or 0 when none.
func (p *Programme) LevelFor(points int) int {
	level := 0
	for i, l := range p.Levels {
		if points >= l.Points {
			level = i + 1
		}
	}
	return level
}

// buildIndex fills p.index; Validate calls it once the programme is valid.
func (p *Programme) buildIndex() {
	ix := &programmeIndex{activity: make(map[string]int, len(p.Activities)), slot: make([]int32, p.Length+1)}
	for i, a := range p.Activities {
		ix.activity[a.ID] = i
	}
	for d := range ix.slot {
		ix.slot[d] = -1
	}
	for i, s := range p.Schedule {
		if s.Day >= 1 && s.Day <= p.Length {
			ix.slot[s.Day] = int32(i)
		}
	}
	for _, w := range p.RestDays.Weekdays {
		ix.restWeek |= 1 << uint(w)
	}
	p.index = ix
}

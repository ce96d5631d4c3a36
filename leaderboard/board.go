package leaderboard

// Scope is the population a board ranks within.
type Scope int

const (
	// ScopeProgramme ranks everyone in the programme on one board.
	ScopeProgramme Scope = iota
	// ScopeCohort ranks each cohort on its own board (self-paced
	// enrolments form the cohort "").
	ScopeCohort
	// ScopeTeam ranks each team's members on its own board (the board a
	// manager shows their team). Only for boards of people.
	ScopeTeam
)

// Subject is what a board ranks.
type Subject int

const (
	// People ranks participants.
	People Subject = iota
	// Teams ranks teams by their members' metric, aggregated.
	Teams
)

// Period is the span a board's scores accumulate over.
type Period int

const (
	// WholeProgramme accumulates over the whole programme.
	WholeProgramme Period = iota
	// Daily starts a new board every day.
	Daily
	// Weekly starts a new board every ISO week (Monday to Sunday).
	Weekly
	// Monthly starts a new board every calendar month.
	Monthly
)

// Metric is the figure a board ranks by.
type Metric int

const (
	// Points ranks by points earned (activity points, streak bonuses and
	// any other bonuses) during the period.
	Points Metric = iota
	// Completions ranks by the number of completed days in the period.
	Completions
	// CurrentStreak ranks by the current streak. It is a state rather than
	// a sum, so only boards over the whole programme may use it.
	CurrentStreak
)

// Aggregation is how a board of teams combines its members' metric.
type Aggregation int

const (
	// Sum adds the members' metric: big teams score more.
	Sum Aggregation = iota
	// MeanPerMember divides the sum by the number of members counted, so
	// that teams of different sizes compare fairly.
	MeanPerMember
)

// LateJoiners says who a board counts.
type LateJoiners int

const (
	// Everyone counts every enrolment, whenever it joined.
	Everyone LateJoiners = iota
	// WholePeriodOnly counts only enrolments whose first day falls on or
	// before the period's first day, so late joiners do not compete on a
	// period they only partly had.
	WholePeriodOnly
)

// OptOut is what others see of a participant who opted out of leaderboards.
type OptOut int

const (
	// OptOutHidden leaves them off every board others see: tops, pages,
	// neighbourhoods and counts. They still see their own rank.
	OptOutHidden OptOut = iota
	// OptOutAnonymised keeps them on boards under an anonymous name.
	OptOutAnonymised
)

// Board is one leaderboard a programme declares.
type Board struct {
	// ID is unique in the programme (the same rules as activity IDs).
	ID string `json:"id"`
	// Title is shown above the board.
	Title string `json:"title"`
	// Scope is the population ranked on one board (default the programme).
	Scope Scope `json:"scope"`
	// Subject is what is ranked: people (default) or teams.
	Subject Subject `json:"subject"`
	// Period is the span scores accumulate over (default the whole
	// programme); see PeriodKey.
	Period Period `json:"period"`
	// Metric is the figure ranked (default points).
	Metric Metric `json:"metric"`
	// Ranking is the tie rule (default standard competition ranking).
	Ranking Ranking `json:"ranking"`
	// Aggregation combines a team's members' metric on a board of teams
	// (default Sum); boards of people leave it Sum.
	Aggregation Aggregation `json:"aggregation"`
	// LateJoiners says who is counted in a period (default everyone).
	LateJoiners LateJoiners `json:"lateJoiners"`
}

// Settings are a programme's leaderboards and its opt-out rule.
type Settings struct {
	// Boards are the programme's boards, in definition order.
	Boards []Board `json:"boards,omitempty"`
	// OptOut is how opted-out participants appear to others.
	OptOut OptOut `json:"optOut"`
}

// MeanScale is the fixed-point factor of mean-per-member scores: a team
// whose members average 12.5 points ranks with the score 12500.
const MeanScale = 1000

package leaderboard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
)

// Validate checks a programme's leaderboard settings, against programme p
// when p is not nil, and reports every problem at once as
// [challenge.ValidationErrors] (matching [challenge.ErrInvalid]).
//
// A problem's Field names the board by its id, such as
// "leaderboards.boards.people-points.metric"; a board whose id is missing,
// malformed or already used is named by its 0-based index instead
// ("leaderboards.boards[2].id"). The opt-out rule is "leaderboards.optOut".
//
// Without a programme it checks:
//   - ids: present, made of the characters [challenge.ValidID] allows,
//     unique among the boards;
//   - titles: present;
//   - every enum field and OptOut: one of the defined values;
//   - a board of teams is not scoped to one team (a team board ranks the
//     team's people);
//   - only boards of teams aggregate: a board of people has Sum, the zero
//     value, which means "none";
//   - the current streak is a state, not a sum over a period, so a
//     CurrentStreak board has the WholeProgramme period.
//
// With p it also checks that a Points board is in a programme that awards
// points (some activity has points, or there is a streak bonus), since
// otherwise everyone ties at 0. A cohort scope is allowed in a programme
// without cohorts: its self-paced enrolments form the cohort "".
func Validate(s Settings, p *challenge.Programme) error {
	probs := check(s, p, boardNames(s.Boards), indexName)
	if len(probs) == 0 {
		return nil
	}
	errs := make(challenge.ValidationErrors, len(probs))
	for i := range probs {
		errs[i] = &probs[i]
	}
	return errs
}

// boardNames returns the path prefix Validate uses for each board: by id
// when the id is valid and the first of its kind, else by index.
func boardNames(boards []Board) []string {
	names := make([]string, len(boards))
	seen := make(map[string]bool, len(boards))
	for i, b := range boards {
		if challenge.ValidID(b.ID) && !seen[b.ID] {
			seen[b.ID] = true
			names[i] = "leaderboards.boards." + b.ID
		} else {
			names[i] = indexName(i)
		}
	}
	return names
}

func indexName(i int) string { return "leaderboards.boards[" + strconv.Itoa(i) + "]" }

// checker collects problems.
type checker struct{ probs []challenge.ValidationError }

func (c *checker) add(field, format string, args ...any) {
	c.probs = append(c.probs, challenge.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// check returns every problem of s, naming board i's fields under names[i]
// and referring to board j in messages as ref(j).
func check(s Settings, p *challenge.Programme, names []string, ref func(j int) string) []challenge.ValidationError {
	c := &checker{}
	if !s.OptOut.Valid() {
		c.add("leaderboards.optOut", "want %s, not %v", optOutEnum.choices(), s.OptOut)
	}
	ids := make(map[string]int, len(s.Boards))
	for i := range s.Boards {
		b := &s.Boards[i]
		at := names[i]
		switch {
		case strings.TrimSpace(b.ID) == "":
			c.add(at+".id", "give the board an id")
		case !challenge.ValidID(b.ID):
			c.add(at+".id", "an id may hold only letters, digits, '-', '_' and '.', not %q", b.ID)
		default:
			if j, dup := ids[b.ID]; dup {
				c.add(at+".id", "the id %q is already used by %s", b.ID, ref(j))
			} else {
				ids[b.ID] = i
			}
		}
		if strings.TrimSpace(b.Title) == "" {
			c.add(at+".title", "give the board a title")
		}
		enums := []struct {
			ok   bool
			key  string
			e    enum
			text fmt.Stringer
		}{
			{b.Scope.Valid(), "scope", scopeEnum, b.Scope},
			{b.Subject.Valid(), "subject", subjectEnum, b.Subject},
			{b.Period.Valid(), "period", periodEnum, b.Period},
			{b.Metric.Valid(), "metric", metricEnum, b.Metric},
			{b.Ranking.Valid(), "ranking", rankingEnum, b.Ranking},
			{b.Aggregation.Valid(), "aggregation", aggregationEnum, b.Aggregation},
			{b.LateJoiners.Valid(), "lateJoiners", lateJoinersEnum, b.LateJoiners},
		}
		for _, e := range enums {
			if !e.ok {
				c.add(at+"."+e.key, "want %s, not %v", e.e.choices(), e.text)
			}
		}
		if b.Subject == Teams && b.Scope == ScopeTeam {
			c.add(at+".scope", "a board of teams ranks teams against each other, so it cannot be scoped to one team: use scope programme or cohort (a team's own board is a board of people with scope team)")
		}
		if b.Subject == People && b.Aggregation != Sum {
			c.add(at+".aggregation", "only boards of teams aggregate their members' scores: remove aggregation, or rank subject: teams")
		}
		if b.Metric == CurrentStreak && b.Period != WholeProgramme {
			c.add(at+".metric", "the current streak is a state rather than a sum over a period, so it cannot be ranked per %v: use period programme or another metric", b.Period)
		}
	}
	return c.probs
}

package leaderboard

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/defyaml"
)

// This file gives every enum of a board its text form: the name written in
// definition files and stored in the published definition's JSON. Each
// enum has String (the canonical name), Valid, Parse… (canonical names and
// aliases, forgiving case, spaces, '-' and '_'; "" means the zero value,
// the default), MarshalText and UnmarshalText.

// enum describes one enum's names: canonical names indexed by value, and
// further accepted spellings by normalised name.
type enum struct {
	field   string // the definition file's key, for errors
	names   []string
	aliases map[string]int
}

var (
	scopeEnum   = enum{field: "scope", names: []string{"programme", "cohort", "team"}, aliases: map[string]int{"program": 0}}
	subjectEnum = enum{field: "subject", names: []string{"people", "teams"}}
	periodEnum  = enum{field: "period", names: []string{"programme", "day", "week", "month"}, aliases: map[string]int{
		"program": 0, "wholeprogramme": 0, "wholeprogram": 0,
		"daily":  1,
		"weekly": 2, "isoweek": 2,
		"monthly": 3,
	}}
	metricEnum      = enum{field: "metric", names: []string{"points", "completions", "streak"}, aliases: map[string]int{"currentstreak": 2}}
	rankingEnum     = enum{field: "ranking", names: []string{"competition", "first-reached"}}
	aggregationEnum = enum{field: "aggregation", names: []string{"sum", "mean"}, aliases: map[string]int{"meanpermember": 1}}
	lateJoinersEnum = enum{field: "lateJoiners", names: []string{"everyone", "whole-period"}}
	optOutEnum      = enum{field: "optOut", names: []string{"hidden", "anonymised"}, aliases: map[string]int{"anonymized": 1}}
)

func (e enum) valid(v int) bool { return v >= 0 && v < len(e.names) }

func (e enum) string(typ string, v int) string {
	if e.valid(v) {
		return e.names[v]
	}
	return typ + "(" + strconv.Itoa(v) + ")"
}

// parse returns the value named s, forgiving in spelling as definition-file
// keys are ([defyaml.NormKey]). Unknown names are a
// *challenge.ValidationError for e.field listing the names, with a
// suggestion when s looks like a typo of one.
func (e enum) parse(s string) (int, error) {
	k := defyaml.NormKey(s)
	if k == "" {
		return 0, nil
	}
	for v, name := range e.names {
		if defyaml.NormKey(name) == k {
			return v, nil
		}
	}
	if v, ok := e.aliases[k]; ok {
		return v, nil
	}
	return 0, challenge.Invalid(e.field, "want %s, not %q%s", e.choices(), s, e.suggest(k))
}

// choices lists the canonical names: "a, b or c".
func (e enum) choices() string {
	n := len(e.names)
	if n == 1 {
		return e.names[0]
	}
	return strings.Join(e.names[:n-1], ", ") + " or " + e.names[n-1]
}

// suggest returns " (did you mean "x"?)" when the normalised k is within
// two edits of a name or alias.
func (e enum) suggest(k string) string {
	best, bestDist := "", 3
	try := func(name string, v int) {
		if d, ok := defyaml.Closer(k, defyaml.NormKey(name), bestDist); ok {
			best, bestDist = e.names[v], d
		}
	}
	for v, name := range e.names {
		try(name, v)
	}
	for _, alias := range slices.Sorted(maps.Keys(e.aliases)) { // deterministic ties
		try(alias, e.aliases[alias])
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

func (e enum) marshal(typ string, v int) ([]byte, error) {
	if !e.valid(v) {
		return nil, challenge.Invalid(e.field, "%s(%d) is not a valid %s", typ, v, e.field)
	}
	return []byte(e.names[v]), nil
}

// String returns "programme", "cohort" or "team", or "Scope(n)" for an
// invalid value.
func (s Scope) String() string { return scopeEnum.string("Scope", int(s)) }

// Valid reports whether s is one of the defined scopes.
func (s Scope) Valid() bool { return scopeEnum.valid(int(s)) }

// ParseScope parses the names String returns ("program" is accepted too),
// ignoring case, spaces, '-' and '_'. "" gives the default, ScopeProgramme.
// Anything else is a *challenge.ValidationError for the field "scope".
func ParseScope(s string) (Scope, error) {
	v, err := scopeEnum.parse(s)
	return Scope(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (s Scope) MarshalText() ([]byte, error) { return scopeEnum.marshal("Scope", int(s)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseScope].
func (s *Scope) UnmarshalText(b []byte) error { return unmarshal(s, ParseScope, b) }

// String returns "people" or "teams", or "Subject(n)" for an invalid value.
func (s Subject) String() string { return subjectEnum.string("Subject", int(s)) }

// Valid reports whether s is one of the defined subjects.
func (s Subject) Valid() bool { return subjectEnum.valid(int(s)) }

// ParseSubject parses the names String returns, ignoring case, spaces, '-'
// and '_'. "" gives the default, People. Anything else is a
// *challenge.ValidationError for the field "subject".
func ParseSubject(s string) (Subject, error) {
	v, err := subjectEnum.parse(s)
	return Subject(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (s Subject) MarshalText() ([]byte, error) { return subjectEnum.marshal("Subject", int(s)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseSubject].
func (s *Subject) UnmarshalText(b []byte) error { return unmarshal(s, ParseSubject, b) }

// String returns "programme", "day", "week" or "month", or "Period(n)" for
// an invalid value.
func (p Period) String() string { return periodEnum.string("Period", int(p)) }

// Valid reports whether p is one of the defined periods.
func (p Period) Valid() bool { return periodEnum.valid(int(p)) }

// ParsePeriod parses the names String returns and the aliases
// "whole-programme", "daily", "weekly", "iso-week" and "monthly" (and
// "program", "whole-program"), ignoring case, spaces, '-' and '_'. "" gives
// the default, WholeProgramme. Anything else is a
// *challenge.ValidationError for the field "period".
func ParsePeriod(s string) (Period, error) {
	v, err := periodEnum.parse(s)
	return Period(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (p Period) MarshalText() ([]byte, error) { return periodEnum.marshal("Period", int(p)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParsePeriod].
func (p *Period) UnmarshalText(b []byte) error { return unmarshal(p, ParsePeriod, b) }

// String returns "points", "completions" or "streak", or "Metric(n)" for
// an invalid value.
func (m Metric) String() string { return metricEnum.string("Metric", int(m)) }

// Valid reports whether m is one of the defined metrics.
func (m Metric) Valid() bool { return metricEnum.valid(int(m)) }

// ParseMetric parses the names String returns and the alias
// "current-streak", ignoring case, spaces, '-' and '_'. "" gives the
// default, Points. Anything else is a *challenge.ValidationError for the
// field "metric".
func ParseMetric(s string) (Metric, error) {
	v, err := metricEnum.parse(s)
	return Metric(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (m Metric) MarshalText() ([]byte, error) { return metricEnum.marshal("Metric", int(m)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseMetric].
func (m *Metric) UnmarshalText(b []byte) error { return unmarshal(m, ParseMetric, b) }

// Valid reports whether r is one of the defined rankings.
func (r Ranking) Valid() bool { return rankingEnum.valid(int(r)) }

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (r Ranking) MarshalText() ([]byte, error) { return rankingEnum.marshal("Ranking", int(r)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseRanking].
func (r *Ranking) UnmarshalText(b []byte) error { return unmarshal(r, ParseRanking, b) }

// String returns "sum" or "mean", or "Aggregation(n)" for an invalid value.
func (a Aggregation) String() string { return aggregationEnum.string("Aggregation", int(a)) }

// Valid reports whether a is one of the defined aggregations.
func (a Aggregation) Valid() bool { return aggregationEnum.valid(int(a)) }

// ParseAggregation parses the names String returns and the alias
// "mean-per-member", ignoring case, spaces, '-' and '_'. "" gives the
// default, Sum. Anything else is a *challenge.ValidationError for the
// field "aggregation".
func ParseAggregation(s string) (Aggregation, error) {
	v, err := aggregationEnum.parse(s)
	return Aggregation(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (a Aggregation) MarshalText() ([]byte, error) {
	return aggregationEnum.marshal("Aggregation", int(a))
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseAggregation].
func (a *Aggregation) UnmarshalText(b []byte) error { return unmarshal(a, ParseAggregation, b) }

// String returns "everyone" or "whole-period", or "LateJoiners(n)" for an
// invalid value.
func (l LateJoiners) String() string { return lateJoinersEnum.string("LateJoiners", int(l)) }

// Valid reports whether l is one of the defined late-joiner rules.
func (l LateJoiners) Valid() bool { return lateJoinersEnum.valid(int(l)) }

// ParseLateJoiners parses the names String returns, ignoring case, spaces,
// '-' and '_'. "" gives the default, Everyone. Anything else is a
// *challenge.ValidationError for the field "lateJoiners".
func ParseLateJoiners(s string) (LateJoiners, error) {
	v, err := lateJoinersEnum.parse(s)
	return LateJoiners(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (l LateJoiners) MarshalText() ([]byte, error) {
	return lateJoinersEnum.marshal("LateJoiners", int(l))
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseLateJoiners].
func (l *LateJoiners) UnmarshalText(b []byte) error { return unmarshal(l, ParseLateJoiners, b) }

// String returns "hidden" or "anonymised", or "OptOut(n)" for an invalid
// value.
func (o OptOut) String() string { return optOutEnum.string("OptOut", int(o)) }

// Valid reports whether o is one of the defined opt-out rules.
func (o OptOut) Valid() bool { return optOutEnum.valid(int(o)) }

// ParseOptOut parses the names String returns and the alias "anonymized",
// ignoring case, spaces, '-' and '_'. "" gives the default, OptOutHidden.
// Anything else is a *challenge.ValidationError for the field "optOut".
func ParseOptOut(s string) (OptOut, error) {
	v, err := optOutEnum.parse(s)
	return OptOut(v), err
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (o OptOut) MarshalText() ([]byte, error) { return optOutEnum.marshal("OptOut", int(o)) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseOptOut].
func (o *OptOut) UnmarshalText(b []byte) error { return unmarshal(o, ParseOptOut, b) }

// unmarshal parses b into *dst, leaving *dst unchanged on error.
func unmarshal[E any](dst *E, parse func(string) (E, error), b []byte) error {
	v, err := parse(string(b))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

package badge_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

// programmeYAML is a 14-day programme: "app" activities on odd days,
// "website" ones on even days, and nothing scheduled on day 7 (a rest day).
const programmeYAML = `
id: test
title: Test programme
length: 14
timeZone: Europe/London
activities:
  - {id: app, title: Use the app, points: 10, tags: [app, self]}
  - {id: web, title: Use the website, points: 10, tags: [website]}
schedule:
  - {days: [1, 3, 5, 9, 11, 13], activity: app}
  - {days: [2, 4, 6, 8, 10, 12, 14], activity: web}
`

func mustProgramme(t testing.TB) *challenge.Programme {
	t.Helper()
	p, err := challenge.ParseDefinition([]byte(programmeYAML))
	require.NoError(t, err)
	return p
}

// facts returns the facts of an enrolment in p that completed days, with
// the longest streak given.
func facts(p *challenge.Programme, longest int, days ...int) badge.Facts {
	var done challenge.Days
	for _, d := range days {
		done.Add(d)
	}
	return badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Longest: longest, Today: 14}
}

// held returns a HeldSet holding the given awards.
func held(keys ...badge.HeldKey) badge.HeldSet {
	s := badge.HeldSet{}
	for _, k := range keys {
		s[k] = true
	}
	return s
}

func key(id string, tier, day int) badge.HeldKey {
	return badge.HeldKey{Badge: id, Occurrence: badge.Occurrence{Tier: tier, Day: day}}
}

// summary makes changes easy to compare: "award streak tier 2: streak 7 of 7".
func summary(changes []badge.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.String()
	}
	return out
}

var allSources = []badge.Source{
	badge.SourceCompletions, badge.SourceStreak, badge.SourceReflections,
	badge.SourceResponses, badge.SourceReactions, badge.SourcePosition,
}

package badge_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

// BenchmarkEvaluate evaluates the example badges after a completion on
// day 20 of the 30-day programme, with most badges already held.
func BenchmarkEvaluate(b *testing.B) {
	p, defs := exampleProgramme(b)
	var done challenge.Days
	for d := 1; d <= 20; d++ {
		done.Add(d)
	}
	f := badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Longest: 20, Today: 20, Day: 20}
	held := badge.HeldSet{}
	held.Apply(badge.Evaluate(defs, f, []badge.Source{badge.SourceCompletions, badge.SourceStreak}, held))
	changed := []badge.Source{badge.SourceCompletions, badge.SourceStreak}
	b.ReportAllocs()
	for b.Loop() {
		if len(badge.Evaluate(defs, f, changed, held)) != 0 {
			b.Fatal("nothing new to award")
		}
	}
}

// BenchmarkPlanCompletion evaluates, with a Plan, what a completion of day
// 15 of the example programme can earn, with the awards of days 1-14 held
// as an enrolment keeps them (bits in the plan's slots).
func BenchmarkPlanCompletion(b *testing.B) {
	p, defs := exampleProgramme(b)
	plan := badge.NewPlan(defs, p)
	var done challenge.Days
	held := badge.HeldBits{Plan: plan}
	changed := []badge.Source{badge.SourceCompletions, badge.SourceStreak}
	for d := 1; d <= 15; d++ {
		done.Add(d)
		f := badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Longest: d, Today: d, Day: d, Gained: true, Added: d}
		for _, c := range plan.Evaluate(f, changed, held) {
			if c.Day == 15 {
				continue // left to earn in the loop
			}
			slot, _ := plan.Slot(c.Index, c.Occurrence)
			held.Bits.Set(slot)
		}
	}
	f := badge.Facts{Calendar: challenge.NewCalendar(p, nil), Done: done, Longest: 15, Today: 15, Day: 15, Gained: true, Added: 15}
	var buf []badge.Change
	b.ReportAllocs()
	for b.Loop() {
		buf = plan.AppendChanges(buf[:0], f, changed, &held)
	}
}

// exampleProgramme reads the example programme with the badges of
// testdata/badges.yaml in place of its own.
func exampleProgramme(b *testing.B) (*challenge.Programme, []badge.Definition) {
	prog, err := os.ReadFile(filepath.Join("..", "examples", "thirtyday", "programme.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	if i := bytes.Index(prog, []byte("\nbadges:")); i >= 0 {
		prog = prog[:i+1]
	}
	badges, err := os.ReadFile(filepath.Join("testdata", "badges.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	file := append(append(prog, '\n'), badges...)
	p, err := challenge.ParseDefinition(file)
	if err != nil {
		b.Fatal(err)
	}
	defs, err := badge.ParseDefinitions(file)
	if err != nil {
		b.Fatal(err)
	}
	return p, defs
}

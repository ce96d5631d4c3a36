package badge_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
)

// BenchmarkEvaluate evaluates the example badges after a completion on
// day 20 of the 30-day programme, with most badges already held.
func BenchmarkEvaluate(b *testing.B) {
	prog, err := os.ReadFile(filepath.Join("..", "examples", "thirtyday", "programme.yaml"))
	if err != nil {
		b.Fatal(err)
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

package habitkit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

// testBadges are badges of several kinds for testProgramme.
func testBadges() []badge.Definition {
	return []badge.Definition{
		{ID: "first-step", Name: "First step", Criterion: badge.Criterion{Kind: badge.FirstCompletion}},
		{ID: "today", Name: "Today's challenge done", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}},
		{ID: "streak", Name: "On a roll", Tiers: []badge.Tier{{Name: "bronze", Threshold: 2}, {Name: "silver", Threshold: 3}},
			Criterion: badge.Criterion{Kind: badge.Streak}},
		{ID: "three", Name: "Three done", Criterion: badge.Criterion{Kind: badge.Completions, Count: 3}},
		{ID: "secret", Name: "Days 1 and 4", Hidden: true, Criterion: badge.Criterion{Kind: badge.DaysCompleted, Days: []int{1, 4}}},
	}
}

func newBadgeFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, memory.New(nil))
	publishBadges(t, f)
	return f
}

// publishBadges publishes testProgramme again, with testBadges.
func publishBadges(t *testing.T, f *fixture) {
	t.Helper()
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Badges: testBadges()})
	require.NoError(t, err)
}

func earnedIDs(bs []habitkit.EarnedBadge) []string {
	var out []string
	for _, b := range bs {
		id := b.Badge
		if b.TierName != "" {
			id += "/" + b.TierName
		}
		out = append(out, id)
	}
	return out
}

func TestBadgesAwardedOnceAndRevoked(t *testing.T) {
	f := newBadgeFixture(t)
	en := f.enrol("pc-1")

	out := f.complete(en, 1)
	assert.Equal(t, []string{"first-step", "today"}, earnedIDs(out.Badges))
	require.Len(t, out.Badges, 2)
	assert.Equal(t, 1, out.Badges[1].Day, "a daily badge is awarded for its day")
	assert.Equal(t, []int{1}, out.Badges[0].Evidence.Days, "an award carries its evidence")
	var awarded []string
	for _, e := range f.events.take() {
		if b, ok := e.(habitkit.BadgeAwarded); ok {
			awarded = append(awarded, b.Badge)
		}
	}
	assert.Equal(t, []string{"first-step", "today"}, awarded, "BadgeAwarded events are delivered after commit")

	again := f.complete(en, 1)
	assert.True(t, again.Replayed)
	assert.Empty(t, again.Badges, "a replay earns nothing")
	assert.Empty(t, f.events.take())

	f.clock.Set(at(2, 10, 0))
	assert.Equal(t, []string{"today", "streak/bronze"}, earnedIDs(f.complete(en, 0).Badges))
	f.clock.Set(at(3, 10, 0))
	assert.Equal(t, []string{"today", "streak/silver", "three"}, earnedIDs(f.complete(en, 0).Badges))
	f.clock.Set(at(4, 10, 0))
	assert.Equal(t, []string{"today", "secret"}, earnedIDs(f.complete(en, 0).Badges))
	f.events.take()

	// Revoking day 2 breaks the streak of 4 into 1 + 2: silver no longer
	// holds, bronze still does; day 2's daily badge goes, the others stay.
	_, err := f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 2, Actor: "admin", Reason: "mistake"})
	require.NoError(t, err)
	var revoked []string
	for _, e := range f.events.take() {
		if b, ok := e.(habitkit.BadgeRevoked); ok {
			revoked = append(revoked, b.Badge+"/"+map[int]string{0: "", 1: "bronze", 2: "silver"}[b.Tier])
		}
	}
	assert.ElementsMatch(t, []string{"today/", "streak/silver"}, revoked)

	page, err := f.engine.Badges(f.ctx, en.ID)
	require.NoError(t, err)
	byID := map[string]habitkit.BadgeStatus{}
	for _, b := range page {
		byID[b.ID] = b
	}
	require.Contains(t, byID, "secret", "a hidden badge shows once earned")
	assert.Len(t, byID["today"].Earned, 3, "days 1, 3 and 4 keep their daily badges")
	require.Len(t, byID["streak"].Earned, 1)
	assert.Equal(t, "bronze", byID["streak"].Earned[0].TierName)
	assert.False(t, byID["streak"].Earned[0].AwardedAt.IsZero(), "earned badges have their date")
	assert.Equal(t, "three", byID["three"].ID)
	assert.True(t, byID["three"].Complete, "3 completions still hold after the revocation (days 1, 3, 4)")

	trail, err := f.engine.AuditTrail(f.ctx, storage.AuditFilter{ProgrammeID: en.ProgrammeID}, "", 0)
	require.NoError(t, err)
	var actions []string
	for _, a := range trail.Items {
		actions = append(actions, a.Action)
	}
	assert.Contains(t, actions, habitkit.ActionBadgeRevoked)
}

// TestOutcomeBadgesAreTheCallersOwn checks that the earned badges of one
// outcome share nothing a caller can write with another's: the engine cuts
// them from a slab it reuses, each call's part capped at its length.
func TestOutcomeBadgesAreTheCallersOwn(t *testing.T) {
	f := newBadgeFixture(t)
	var outcomes []habitkit.Outcome
	for i := range 30 { // enough calls to use up more than one slab
		en := f.enrol(fmt.Sprintf("pc-%d", i))
		for day := 1; day <= 2; day++ {
			f.clock.Set(at(day, 10, 0))
			out := f.complete(en, 0)
			require.NotEmpty(t, out.Badges)
			require.Equal(t, len(out.Badges), cap(out.Badges), "an outcome's badges have no room beyond their own")
			outcomes = append(outcomes, out)
		}
		f.clock.Set(at(1, 10, 0))
	}
	want := make([][]string, len(outcomes))
	for i, out := range outcomes {
		want[i] = earnedIDs(out.Badges)
	}
	for i := range outcomes {
		outcomes[i].Badges = append(outcomes[i].Badges, habitkit.EarnedBadge{Badge: "appended"})
		outcomes[i].Badges[0].Name = "overwritten"
	}
	for i, out := range outcomes {
		assert.Equal(t, append(want[i], "appended"), earnedIDs(out.Badges), "outcome %d", i)
		for j := 1; j < len(out.Badges)-1; j++ {
			assert.NotEqual(t, "overwritten", out.Badges[j].Name, "outcome %d badge %d", i, j)
		}
	}
}

func TestBadgePageProgressAndHidden(t *testing.T) {
	f := newBadgeFixture(t)
	en := f.enrol("pc-1")
	f.complete(en, 1)
	page, err := f.engine.Badges(f.ctx, en.ID)
	require.NoError(t, err)
	var ids []string
	progress := map[string]string{}
	for _, b := range page {
		ids = append(ids, b.ID)
		progress[b.ID] = b.Progress.String()
	}
	assert.Equal(t, []string{"first-step", "today", "streak", "three"}, ids, "hidden badges stay hidden until earned")
	assert.Equal(t, "1 of 3 completions", progress["three"])
	assert.Equal(t, "streak 1 of 2", progress["streak"])
}

func TestBadgeCatalogue(t *testing.T) {
	f := newBadgeFixture(t)
	a, b := f.enrol("a"), f.enrol("b")
	f.complete(a, 1)
	f.complete(b, 1)
	f.clock.Set(at(2, 10, 0))
	f.complete(a, 0)
	cat, err := f.engine.BadgeCatalogue(f.ctx, "digital-confidence")
	require.NoError(t, err)
	holders := map[string]int{}
	for _, c := range cat {
		holders[c.ID] = c.Holders
	}
	assert.Equal(t, map[string]int{"first-step": 2, "today": 2, "streak": 1, "three": 0, "secret": 0}, holders)
}

func TestPublishRejectsBadBadges(t *testing.T) {
	f := newFixture(t, nil)
	bad := testBadges()
	bad[3].Criterion.Tag = "no-such-tag"
	bad = append(bad, badge.Definition{ID: "first-step", Name: "again", Criterion: badge.Criterion{Kind: badge.FirstCompletion}})
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Badges: bad})
	var problems habitkit.ValidationErrors
	require.ErrorAs(t, err, &problems)
	assert.GreaterOrEqual(t, len(problems), 2, "every badge problem is reported at once")
	custom := []badge.Definition{{ID: "c", Name: "c", Criterion: badge.Criterion{Kind: badge.Custom, Sources: []badge.Source{badge.SourceCompletions},
		Func: func(badge.Facts) badge.Measure { return badge.Measure{} }}}}
	_, err = f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Badges: custom})
	assert.ErrorIs(t, err, habitkit.ErrInvalid, "a Custom criterion cannot be stored")
}

func TestCustomBadgeFromOptions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	e, err := habitkit.New(f.store, &habitkit.Options{Clock: f.clock, Badges: map[string][]badge.Definition{
		"digital-confidence": {{ID: "even-days", Name: "Two even days", Criterion: badge.Criterion{Kind: badge.Custom,
			Sources: []badge.Source{badge.SourceCompletions},
			Func: func(f badge.Facts) badge.Measure {
				n := 0
				for d := 2; d <= 10; d += 2 {
					if f.Done.Has(d) {
						n++
					}
				}
				return badge.Measure{Current: n, Target: 2, Unit: "even days", Met: n >= 2}
			}}}},
	}})
	require.NoError(t, err)
	en, err := e.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", CohortID: "march"})
	require.NoError(t, err)
	var got []string
	for d := 1; d <= 4; d++ {
		f.clock.Set(at(d, 10, 0))
		out, err := e.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID})
		require.NoError(t, err)
		got = append(got, earnedIDs(out.Badges)...)
	}
	assert.Equal(t, []string{"even-days"}, got, "the Go-built badge is awarded on day 4")
}

func TestParseDefinitionWithBadges(t *testing.T) {
	d, err := habitkit.ParseDefinition([]byte(exampleDefinition + `
badges:
  - id: first
    name: First
    criterion: {first: completion}
`))
	require.NoError(t, err)
	assert.Equal(t, "online-reporting", d.Programme.ID)
	require.Len(t, d.Badges, 1)

	_, err = habitkit.ParseDefinition([]byte(exampleDefinition + `
badges:
  - id: first
    criterion: {completions: lots}
lenght: 3
`))
	var problems habitkit.ValidationErrors
	require.ErrorAs(t, err, &problems)
	assert.GreaterOrEqual(t, len(problems), 2, "programme and badge problems come together")
	for i := 1; i < len(problems); i++ {
		assert.LessOrEqual(t, problems[i-1].Line, problems[i].Line, "sorted by line")
	}
}

// TestHeldBadgesFollowAChangedLayout changes a host's Go-built badges
// between engines on one store: the enrolment's held bits were written
// under another slot layout, so the engine rebuilds them from the stored
// awards before evaluating, and nothing held is awarded twice.
func TestHeldBadgesFollowAChangedLayout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	first := badge.Definition{ID: "go-first", Name: "First", Criterion: badge.Criterion{Kind: badge.FirstCompletion}}
	two := badge.Definition{ID: "go-two", Name: "Two", Tiers: []badge.Tier{{Name: "one", Threshold: 1}, {Name: "two", Threshold: 2}},
		Criterion: badge.Criterion{Kind: badge.Completions}}
	daily := badge.Definition{ID: "go-daily", Name: "Daily", Repeat: badge.Daily, Criterion: badge.Criterion{Kind: badge.DayCompleted}}
	engine := func(defs ...badge.Definition) *habitkit.Engine {
		e, err := habitkit.New(f.store, &habitkit.Options{Clock: f.clock, Badges: map[string][]badge.Definition{"digital-confidence": defs}})
		require.NoError(t, err)
		return e
	}
	complete := func(e *habitkit.Engine, id uuid.UUID, day int) []string {
		f.clock.Set(at(day, 10, 0))
		out, err := e.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: id})
		require.NoError(t, err, "day %d", day)
		return earnedIDs(out.Badges)
	}
	before, after := engine(first, two), engine(daily, two, first)
	en, err := before.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", CohortID: "march"})
	require.NoError(t, err)
	assert.Equal(t, []string{"go-first", "go-two/one"}, complete(before, en.ID, 1))

	assert.Equal(t, []string{"go-daily", "go-two/two"}, complete(after, en.ID, 2), "what day 1 earned is held under the new layout too")
	got, err := after.Enrolment(ctx, en.ID)
	require.NoError(t, err)
	for _, o := range []struct {
		id string
		o  badge.Occurrence
	}{{"go-first", badge.Occurrence{}}, {"go-two", badge.Occurrence{Tier: 1}}, {"go-two", badge.Occurrence{Tier: 2}}, {"go-daily", badge.Occurrence{Day: 2}}} {
		held, err := after.HeldBadge(ctx, got, o.id, o.o)
		require.NoError(t, err, "the enrolment is written under the new layout")
		assert.True(t, held, "%s %+v", o.id, o.o)
	}
	assert.Equal(t, 4, got.Badges.Count())

	assert.Empty(t, complete(before, en.ID, 3), "back under the first layout, nothing held is awarded again")
	got, err = before.Enrolment(ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Badges.Count(), "the daily badge's award is not in the first layout, and stays stored")
	assert.Equal(t, []string{"go-daily"}, complete(after, en.ID, 4), "and it is held again when the layout has it")
	page, err := after.Badges(ctx, en.ID)
	require.NoError(t, err)
	for _, st := range page {
		if st.ID == "go-daily" {
			assert.Len(t, st.Earned, 2, "days 2 and 4")
		}
	}
}

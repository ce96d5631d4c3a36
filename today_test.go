package habitkit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
)

func TestToday(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")

	f.clock.Set(at(1, 3, 0)) // before the 04:00 start of day 1
	today, err := f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, habitkit.NotStarted, today.Status)
	assert.Nil(t, today.Activity)

	f.clock.Set(at(1, 9, 0))
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, habitkit.Running, today.Status)
	assert.Equal(t, 1, today.Day)
	assert.Equal(t, 10, today.Length)
	assert.Equal(t, challenge.NewDate(2027, 3, 1), today.Date)
	require.NotNil(t, today.Activity)
	assert.Equal(t, "show-form", today.Activity.ID)
	require.NotNil(t, today.Variation)
	assert.Equal(t, "At the front counter", today.Variation.Context)
	assert.Equal(t, []string{"What did they say?"}, today.Prompts, "the activity's prompts when the variation has none")
	assert.False(t, today.Done)
	assert.False(t, today.AtRisk, "no streak yet, nothing at risk")
	f.complete(en, 0)
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.True(t, today.Done)
	assert.Equal(t, 1, today.Streak)

	// Day 3 uses the patrol variation, which has prompts of its own.
	f.clock.Set(at(2, 9, 0))
	f.complete(en, 0)
	f.clock.Set(at(3, 9, 0))
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, "patrol", today.Variation.ID)
	assert.Equal(t, []string{"Where were you?"}, today.Prompts)
	assert.True(t, today.AtRisk, "a streak of 2 with today not done is at risk")
	assert.Empty(t, today.Late)

	// Skip day 3; on day 4 it is still inside the grace window.
	f.clock.Set(at(4, 9, 0))
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, []int{3}, today.Late)
	assert.True(t, today.AtRisk)
	assert.Equal(t, 2, today.Streak, "not broken while day 3 can still be completed")

	// On day 5 day 3 has settled as missed: the streak is broken.
	f.clock.Set(at(5, 9, 0))
	p := f.progress(en)
	assert.Equal(t, 0, p.Streak)
	assert.Equal(t, 2, p.Longest)

	f.clock.Set(at(12, 9, 0))
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, habitkit.Finished, today.Status)
}

func TestTodayCopiesTheProgramme(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	today, err := f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	today.Activity.Title = "changed"
	today.Prompts[0] = "changed"
	again, err := f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, "Show someone the online form", again.Activity.Title)
	assert.Equal(t, "What did they say?", again.Prompts[0])
}

func TestProgress(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("pc-1")
	for d := 1; d <= 3; d++ {
		f.clock.Set(at(d, 10, 0))
		f.complete(en, 0)
	}
	p := f.progress(en)
	assert.Equal(t, habitkit.Progress{
		Day: 3, Length: 10, Status: habitkit.Running, DaysDone: 3, Streak: 3, Longest: 3, Freezes: 0,
		Strength: p.Strength, Points: 45, Level: 1, LevelName: "Starter", NextLevelPoints: 50,
	}, p)
	assert.Greater(t, p.Strength, 0.0)
	assert.Less(t, p.Strength, 1.0)
}

func TestRestDaysNeitherExtendNorBreak(t *testing.T) {
	f := newFixture(t, nil)
	en, err := f.engine.Enrol(f.ctx, habitkit.EnrolRequest{
		ProgrammeID: "digital-confidence", ParticipantID: "shift", CohortID: "march",
		Rota: challenge.Rota{Start: challenge.NewDate(2027, 3, 1), On: 2, Off: 2}, // days 3, 4 off
	})
	require.NoError(t, err)
	for _, d := range []int{1, 2, 5} {
		f.clock.Set(at(d, 10, 0))
		f.complete(en, 0)
	}
	assert.Equal(t, 3, f.progress(en).Streak, "days 3 and 4 are rota rest days")

	// A week's sick leave, added afterwards, covers days 6 to 8.
	_, err = f.engine.AddAbsence(f.ctx, en.ID, challenge.Absence{From: challenge.NewDate(2027, 3, 6), To: challenge.NewDate(2027, 3, 8), Reason: "sickness"})
	require.NoError(t, err)
	f.clock.Set(at(9, 10, 0))
	f.complete(en, 0)
	assert.Equal(t, 4, f.progress(en).Streak, "the absence neither extends nor breaks the streak")

	_, err = f.engine.AddAbsence(f.ctx, en.ID, challenge.Absence{From: challenge.NewDate(2027, 3, 9)})
	assert.ErrorIs(t, err, habitkit.ErrInvalid)
}

func TestMoveTimeZone(t *testing.T) {
	f := newFixture(t, nil)
	en := f.enrol("traveller")
	f.clock.Set(at(2, 22, 0)) // 22:00 London, day 2
	f.complete(en, 0)
	moved, err := f.engine.MoveTimeZone(f.ctx, en.ID, "Asia/Tokyo") // already 07:00 on 3 March there
	require.NoError(t, err)
	assert.Equal(t, "Asia/Tokyo", moved.Zone())
	today, err := f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, today.Day, "the day number does not change at the moment of a move")
	assert.True(t, today.Done)

	f.clock.Set(at(3, 18, 0)) // 03:00 on 4 March in Tokyo: before the day start there
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, today.Day)
	f.clock.Set(at(3, 19, 30)) // 04:30 on 4 March in Tokyo
	today, err = f.engine.Today(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, today.Day, "days advance at the new zone's day start, one at a time")

	_, err = f.engine.MoveTimeZone(f.ctx, en.ID, "Atlantis/Main")
	require.ErrorIs(t, err, habitkit.ErrInvalid)
}

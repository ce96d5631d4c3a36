package habitkit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/storefault"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

const reflProgramme = "digital-confidence"

// reflSettings are the reflection rules of the tests' programme.
func reflSettings() *reflection.Settings {
	s := reflection.DefaultSettings()
	s.Points = reflection.Points{Reflection: 15, Response: 4}
	s.AutoHideAfter = 2
	s.MaxAnswers = 2
	return &s
}

// reflBadges count reflection activity.
func reflBadges() []badge.Definition {
	return []badge.Definition{
		{ID: "writer", Name: "Writer", Criterion: badge.Criterion{Kind: badge.Reflections, Count: 2}},
		{ID: "responder", Name: "Responder", Criterion: badge.Criterion{Kind: badge.Responses, Count: 1}},
		{ID: "liked", Name: "Liked", Tiers: []badge.Tier{{Name: "bronze", Threshold: 2}, {Name: "silver", Threshold: 5}},
			Criterion: badge.Criterion{Kind: badge.ReactionsReceived}},
	}
}

// newReflFixture is newFixture with the programme republished with
// reflection settings and badges.
func newReflFixture(t *testing.T, store storage.Store) *fixture {
	t.Helper()
	f := newFixture(t, store)
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Badges: reflBadges(), Reflections: reflSettings()})
	require.NoError(t, err)
	return f
}

func (f *fixture) enrolTeam(participant string, team challenge.TeamID) challenge.Enrolment {
	f.t.Helper()
	en, err := f.engine.Enrol(f.ctx, habitkit.EnrolRequest{
		ProgrammeID: reflProgramme, ParticipantID: challenge.ParticipantID(participant), TeamID: team, CohortID: "march",
	})
	require.NoError(f.t, err)
	f.events.take()
	return en
}

func (f *fixture) reflect(en challenge.Enrolment, day int, vis reflection.Visibility, text string) reflection.Reflection {
	f.t.Helper()
	prompts, err := f.engine.Prompts(f.ctx, en.ID, day)
	require.NoError(f.t, err)
	out, err := f.engine.Reflect(f.ctx, habitkit.ReflectRequest{EnrolmentID: en.ID, Day: day, Visibility: vis,
		Answers: []reflection.Answer{{Prompt: prompts[0], Text: text}}})
	require.NoError(f.t, err)
	return out.Reflection
}

func viewerOf(en challenge.Enrolment) habitkit.Viewer {
	return habitkit.Viewer{Participant: en.ParticipantID}
}

func reflEventTypes(events []habitkit.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = fmt.Sprintf("%T", e)[len("habitkit."):]
	}
	return out
}

func TestReflect(t *testing.T) {
	f := newReflFixture(t, nil)
	en := f.enrolTeam("ann", "north")
	f.clock.Set(at(3, 9, 0)) // day 3: show-form, patrol variation

	prompts, err := f.engine.Prompts(f.ctx, en.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"Where were you?"}, prompts, "the variation's prompts replace the activity's")

	text := "  At the <b>station</b> & the café\r\nthen the shops  "
	out, err := f.engine.Reflect(f.ctx, habitkit.ReflectRequest{EnrolmentID: en.ID,
		Answers: []reflection.Answer{{Prompt: "Where were you?", Text: text}}})
	require.NoError(t, err)
	r := out.Reflection
	assert.Equal(t, 3, r.Day)
	assert.Equal(t, "show-form", r.ActivityID)
	assert.Equal(t, "patrol", r.VariationID)
	assert.Equal(t, reflection.Team, r.Visibility, "the programme's default visibility")
	assert.Equal(t, challenge.TeamID("north"), r.AuthorTeam)
	assert.Equal(t, "At the <b>station</b> & the café\nthen the shops", r.Answers[0].Text, "trimmed, CRLF normalised, never escaped")
	assert.Equal(t, 15, out.Points)
	assert.Equal(t, []string{"Reflected", "LevelReached"}, reflEventTypes(f.events.take()), "15 points reach the 10-point level")

	got, err := f.engine.Reflection(f.ctx, viewerOf(en), r.ID)
	require.NoError(t, err)
	assert.Equal(t, r.Answers, got.Answers, "stored exactly as cleaned")

	after, err := f.engine.Enrolment(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 15, after.Progress.Points)
	assert.Equal(t, 15, after.Progress.BonusPoints)
	assert.Equal(t, 1, after.Progress.Level)
	assert.Equal(t, 1, after.Reflections.Written)

	// A second reflection on the same day's activity is refused and
	// changes nothing.
	_, err = f.engine.Reflect(f.ctx, habitkit.ReflectRequest{EnrolmentID: en.ID, Day: 3,
		Answers: []reflection.Answer{{Prompt: "Where were you?", Text: "again"}}})
	require.ErrorIs(t, err, habitkit.ErrAlreadyReflected)
	assert.Empty(t, f.events.take())
	again, err := f.engine.Enrolment(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, after, again)

	// Completing after reflecting keeps the bonus.
	f.complete(en, 3)
	done, err := f.engine.Enrolment(f.ctx, en.ID)
	require.NoError(t, err)
	assert.Equal(t, 25, done.Progress.Points)

	// A day whose activity has no prompts takes one free-form answer, and a
	// past day may be reflected on.
	prompts, err = f.engine.Prompts(f.ctx, en.ID, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{""}, prompts)
	f.reflect(en, 2, reflection.Private, "free form")
	ev := f.events.take()
	require.NotEmpty(t, ev)
	badges := []string{}
	for _, e := range ev {
		if b, ok := e.(habitkit.BadgeAwarded); ok {
			badges = append(badges, b.Badge)
		}
	}
	assert.Equal(t, []string{"writer"}, badges, "the second reflection earns the writer badge")
}

func TestReflectErrorsChangeNothing(t *testing.T) {
	answer := func(p, s string) []reflection.Answer { return []reflection.Answer{{Prompt: p, Text: s}} }
	tests := []struct {
		name  string
		req   func(en challenge.Enrolment) habitkit.ReflectRequest
		want  error
		field string
	}{
		{"no enrolment", func(challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{Answers: answer("What did they say?", "x")}
		}, habitkit.ErrInvalid, "EnrolmentID"},
		{"unknown enrolment", func(challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: uuid.Must(uuid.NewV7()), Answers: answer("What did they say?", "x")}
		}, habitkit.ErrNotFound, ""},
		{"negative day", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Day: -1, Answers: answer("What did they say?", "x")}
		}, habitkit.ErrInvalid, "Day"},
		{"bad visibility", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Visibility: 9, Answers: answer("What did they say?", "x")}
		}, habitkit.ErrInvalid, "Visibility"},
		{"future day", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Day: 6, Answers: answer("Where were you?", "x")}
		}, habitkit.ErrNotYetOpen, ""},
		{"after the programme", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Day: 11, Answers: answer("x", "x")}
		}, habitkit.ErrOutsideProgramme, ""},
		{"another day's activity", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Day: 5, ActivityID: "use-app", Answers: answer("", "x")}
		}, habitkit.ErrNotScheduled, ""},
		{"unknown activity", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, ActivityID: "nope", Answers: answer("", "x")}
		}, habitkit.ErrNotFound, ""},
		{"not a prompt of the day", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: answer("Where were you?", "x")}
		}, habitkit.ErrInvalid, "answers[0].prompt"},
		{"empty text", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: answer("What did they say?", " \n ")}
		}, habitkit.ErrInvalid, "answers[0].text"},
		{"invalid UTF-8", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: answer("What did they say?", "\xff")}
		}, habitkit.ErrInvalid, "answers[0].text"},
		{"too long", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: answer("What did they say?", string(make([]rune, 4001)))}
		}, habitkit.ErrInvalid, "answers[0].text"},
		{"no answers", func(en challenge.Enrolment) habitkit.ReflectRequest {
			return habitkit.ReflectRequest{EnrolmentID: en.ID}
		}, habitkit.ErrInvalid, "answers"},
		{"too many answers", func(en challenge.Enrolment) habitkit.ReflectRequest {
			a := answer("What did they say?", "x")
			return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: append(a, a[0], a[0])}
		}, habitkit.ErrInvalid, "answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReflFixture(t, nil)
			en := f.enrolTeam("ann", "north")
			f.clock.Set(at(5, 9, 0)) // day 5: show-form, counter
			before, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)

			_, err = f.engine.Reflect(f.ctx, tt.req(en))
			require.ErrorIs(t, err, tt.want)
			if tt.field != "" {
				var ve *habitkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field)
			}
			assert.Empty(t, f.events.take(), "a refused reflection delivers no event")
			after, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused reflection changes nothing")
			page, err := f.engine.Feed(f.ctx, viewerOf(en), habitkit.FeedRequest{ProgrammeID: reflProgramme})
			require.NoError(t, err)
			assert.Empty(t, page.Items, "a refused reflection stores nothing")
		})
	}
}

// TestReflectStorageFailureChangesNothing fails each storage call of a
// Reflect in turn, and the commit: nothing is stored and no event sent.
func TestReflectStorageFailureChangesNothing(t *testing.T) {
	req := func(en challenge.Enrolment) habitkit.ReflectRequest {
		return habitkit.ReflectRequest{EnrolmentID: en.ID, Answers: []reflection.Answer{{Prompt: "What did they say?", Text: "fine"}}}
	}
	probe := storefault.New(memory.New(nil))
	pf := newReflFixture(t, probe)
	pen := pf.enrolTeam("ann", "north")
	probe.Reset(0, false)
	_, err := pf.engine.Reflect(pf.ctx, req(pen))
	require.NoError(t, err)
	calls := probe.Calls()
	require.NotEmpty(t, calls)

	for i := 0; i <= len(calls); i++ {
		name := "commit"
		if i < len(calls) {
			name = calls[i]
		}
		t.Run(fmt.Sprintf("%d-%s", i, name), func(t *testing.T) {
			store := storefault.New(memory.New(nil))
			f := newReflFixture(t, store)
			en := f.enrolTeam("ann", "north")
			before, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			store.Reset(i+1, i == len(calls))
			_, err = f.engine.Reflect(f.ctx, req(en))
			require.ErrorIs(t, err, storefault.ErrInjected)
			store.Reset(0, false)
			assert.Empty(t, f.events.take())
			after, err := f.engine.Enrolment(f.ctx, en.ID)
			require.NoError(t, err)
			assert.Equal(t, before, after)
			page, err := f.engine.Feed(f.ctx, viewerOf(en), habitkit.FeedRequest{ProgrammeID: reflProgramme})
			require.NoError(t, err)
			assert.Empty(t, page.Items)
			// And the same call then succeeds.
			_, err = f.engine.Reflect(f.ctx, req(en))
			require.NoError(t, err)
		})
	}
}

func TestRespondReactPointsAndBadges(t *testing.T) {
	f := newReflFixture(t, nil)
	ann := f.enrolTeam("ann", "north")
	bob := f.enrolTeam("bob", "north")
	f.clock.Set(at(2, 9, 0))
	r := f.reflect(ann, 1, reflection.Team, "They liked it")
	f.events.take()

	// Responding to a colleague: the bonus once per reflection.
	out, err := f.engine.Respond(f.ctx, viewerOf(bob), r.ID, "Nice one")
	require.NoError(t, err)
	assert.Equal(t, 4, out.Points)
	assert.Equal(t, []string{"responder"}, earnedIDs(out.Badges))
	assert.Equal(t, []string{"Responded", "BadgeAwarded"}, reflEventTypes(f.events.take()))
	out2, err := f.engine.Respond(f.ctx, viewerOf(bob), r.ID, "And another thing")
	require.NoError(t, err)
	assert.Zero(t, out2.Points, "one response bonus per reflection")
	bobNow, err := f.engine.Enrolment(f.ctx, bob.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, bobNow.Progress.Points)
	assert.Equal(t, 1, bobNow.Reflections.Responded)

	// Responding to yourself earns nothing.
	own, err := f.engine.Respond(f.ctx, viewerOf(ann), r.ID, "Thanks!")
	require.NoError(t, err)
	assert.Zero(t, own.Points)
	annNow, err := f.engine.Enrolment(f.ctx, ann.ID)
	require.NoError(t, err)
	assert.Equal(t, 15, annNow.Progress.Points)
	assert.Zero(t, annNow.Reflections.Responded)

	// Deleting one of two responses keeps the bonus; deleting the last
	// takes it back.
	require.NoError(t, f.engine.DeleteResponse(f.ctx, viewerOf(bob), out2.Response.ID))
	bobNow, _ = f.engine.Enrolment(f.ctx, bob.ID)
	assert.Equal(t, 4, bobNow.Progress.Points)
	require.ErrorIs(t, f.engine.DeleteResponse(f.ctx, viewerOf(ann), out.Response.ID), habitkit.ErrNotAuthor)
	require.NoError(t, f.engine.DeleteResponse(f.ctx, viewerOf(bob), out.Response.ID))
	bobNow, _ = f.engine.Enrolment(f.ctx, bob.ID)
	assert.Zero(t, bobNow.Progress.Points)
	assert.Zero(t, bobNow.Reflections.Responded)
	resp, err := f.engine.Responses(f.ctx, viewerOf(bob), habitkit.ResponsesRequest{ReflectionID: r.ID})
	require.NoError(t, err)
	require.Len(t, resp.Items, 1, "deleted responses are read by nobody")
	assert.Equal(t, "Thanks!", resp.Items[0].Text)
	item, err := f.engine.Reflection(f.ctx, viewerOf(bob), r.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, item.Responses)

	// Reactions: not on your own; one per person; withdrawing lowers the
	// count and keeps the badge.
	require.ErrorIs(t, f.engine.React(f.ctx, viewerOf(ann), r.ID, reflection.Helpful), habitkit.ErrOwnItem)
	require.ErrorIs(t, f.engine.React(f.ctx, viewerOf(bob), r.ID, 0), habitkit.ErrInvalid)
	f.events.take()
	require.NoError(t, f.engine.React(f.ctx, viewerOf(bob), r.ID, reflection.Helpful))
	require.NoError(t, f.engine.React(f.ctx, viewerOf(bob), r.ID, reflection.Inspiring))
	evs := f.events.take()
	require.Len(t, evs, 2)
	assert.False(t, evs[0].(habitkit.Reacted).Replaced)
	assert.True(t, evs[1].(habitkit.Reacted).Replaced)
	item, err = f.engine.Reflection(f.ctx, viewerOf(bob), r.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, item.Reactions)
	assert.Equal(t, reflection.Inspiring, item.MyReaction)

	cy := f.enrolTeam("cy", "north")
	require.NoError(t, f.engine.React(f.ctx, viewerOf(cy), r.ID, reflection.Agree))
	var awarded []string
	for _, e := range f.events.take() {
		if b, ok := e.(habitkit.BadgeAwarded); ok {
			awarded = append(awarded, b.Badge+"/"+b.TierName)
			assert.Equal(t, ann.ParticipantID, b.ParticipantID, "the author earns reaction badges")
		}
	}
	assert.Equal(t, []string{"liked/bronze"}, awarded)
	annNow, _ = f.engine.Enrolment(f.ctx, ann.ID)
	assert.Equal(t, 2, annNow.Reflections.ReactionsReceived)

	require.NoError(t, f.engine.Unreact(f.ctx, viewerOf(cy), r.ID))
	require.ErrorIs(t, f.engine.Unreact(f.ctx, viewerOf(cy), r.ID), habitkit.ErrNotFound)
	annNow, _ = f.engine.Enrolment(f.ctx, ann.ID)
	assert.Equal(t, 1, annNow.Reflections.ReactionsReceived)
	liked, err := f.engine.HeldBadge(f.ctx, annNow, "liked", badge.Occurrence{Tier: 1})
	require.NoError(t, err)
	assert.True(t, liked, "a withdrawn reaction takes no badge back")
	require.NoError(t, f.engine.React(f.ctx, viewerOf(cy), r.ID, reflection.Agree))
	for _, e := range f.events.take() {
		_, ok := e.(habitkit.BadgeAwarded)
		assert.False(t, ok, "a badge is awarded once, even when a reaction comes back")
	}
}

func TestEditAndDelete(t *testing.T) {
	f := newReflFixture(t, nil)
	ann := f.enrolTeam("ann", "north")
	bob := f.enrolTeam("bob", "north")
	r := f.reflect(ann, 1, reflection.Team, "first words")

	_, err := f.engine.EditReflection(f.ctx, viewerOf(bob), r.ID, habitkit.ReflectionEdit{Visibility: reflection.Programme})
	require.ErrorIs(t, err, habitkit.ErrNotAuthor)
	edited, err := f.engine.EditReflection(f.ctx, viewerOf(ann), r.ID, habitkit.ReflectionEdit{
		Answers: []reflection.Answer{{Prompt: "What did they say?", Text: "better words"}}, Visibility: reflection.Private})
	require.NoError(t, err)
	assert.Equal(t, "better words", edited.Answers[0].Text)
	assert.False(t, edited.EditedAt.IsZero())
	_, err = f.engine.Reflection(f.ctx, viewerOf(bob), r.ID)
	require.ErrorIs(t, err, habitkit.ErrNotFound, "now private")

	_, err = f.engine.EditReflection(f.ctx, viewerOf(ann), r.ID, habitkit.ReflectionEdit{
		Answers: []reflection.Answer{{Prompt: "nope", Text: "x"}}})
	require.ErrorIs(t, err, habitkit.ErrInvalid)
	f.clock.Advance(25 * time.Hour)
	_, err = f.engine.EditReflection(f.ctx, viewerOf(ann), r.ID, habitkit.ReflectionEdit{Visibility: reflection.Team})
	require.ErrorIs(t, err, habitkit.ErrEditWindowClosed)
	got, err := f.engine.Reflection(f.ctx, viewerOf(ann), r.ID)
	require.NoError(t, err)
	assert.Equal(t, "better words", got.Answers[0].Text, "refused edits change nothing")
	assert.Equal(t, reflection.Private, got.Visibility)

	require.ErrorIs(t, f.engine.DeleteReflection(f.ctx, viewerOf(bob), r.ID), habitkit.ErrNotFound, "bob cannot even see it")
	require.NoError(t, f.engine.DeleteReflection(f.ctx, viewerOf(ann), r.ID))
	_, err = f.engine.Reflection(f.ctx, viewerOf(ann), r.ID)
	require.ErrorIs(t, err, habitkit.ErrNotFound)
	en, err := f.engine.Enrolment(f.ctx, ann.ID)
	require.NoError(t, err)
	assert.Zero(t, en.Reflections.Written)
	assert.Zero(t, en.Progress.BonusPoints, "deleting takes the reflection bonus back")
	_, err = f.engine.Reflect(f.ctx, habitkit.ReflectRequest{EnrolmentID: ann.ID, Day: 1,
		Answers: []reflection.Answer{{Prompt: "What did they say?", Text: "again"}}})
	require.ErrorIs(t, err, habitkit.ErrAlreadyReflected, "a deleted reflection is not written twice")
}

func TestModeration(t *testing.T) {
	f := newReflFixture(t, nil)
	ann := f.enrolTeam("ann", "north")
	bob := f.enrolTeam("bob", "south")
	cy := f.enrolTeam("cy", "west")
	mod := habitkit.Viewer{Participant: "mo", Moderator: true}
	r := f.reflect(ann, 1, reflection.Programme, "something rude")
	f.events.take()

	require.ErrorIs(t, f.engine.Hide(f.ctx, viewerOf(bob), r.ID, "rude"), habitkit.ErrNotModerator)
	require.ErrorIs(t, f.engine.Flag(f.ctx, viewerOf(ann), r.ID, "mine"), habitkit.ErrOwnItem)
	require.ErrorIs(t, f.engine.Flag(f.ctx, viewerOf(bob), r.ID, " "), habitkit.ErrInvalid)
	require.NoError(t, f.engine.Flag(f.ctx, viewerOf(bob), r.ID, "rude"))
	require.ErrorIs(t, f.engine.Flag(f.ctx, viewerOf(bob), r.ID, "still rude"), habitkit.ErrAlreadyFlagged)
	assert.Equal(t, []string{"Flagged"}, reflEventTypes(f.events.take()))
	require.NoError(t, f.engine.Flag(f.ctx, viewerOf(cy), r.ID, "agreed"))
	assert.Equal(t, []string{"Flagged", "Hidden"}, reflEventTypes(f.events.take()), "the second flag hides it")

	_, err := f.engine.Reflection(f.ctx, viewerOf(bob), r.ID)
	require.ErrorIs(t, err, habitkit.ErrNotFound)
	own, err := f.engine.Reflection(f.ctx, viewerOf(ann), r.ID)
	require.NoError(t, err)
	assert.True(t, own.Hidden, "the author still sees it, marked hidden")
	assert.Empty(t, own.Flags, "but not who flagged it")
	seen, err := f.engine.Reflection(f.ctx, mod, r.ID)
	require.NoError(t, err)
	assert.Len(t, seen.Flags, 2, "moderators see the flags")

	require.ErrorIs(t, f.engine.Restore(f.ctx, viewerOf(bob), r.ID), habitkit.ErrNotFound, "bob cannot see what is hidden")
	require.ErrorIs(t, f.engine.Restore(f.ctx, viewerOf(ann), r.ID), habitkit.ErrNotModerator)
	require.NoError(t, f.engine.Restore(f.ctx, mod, r.ID))
	_, err = f.engine.Reflection(f.ctx, viewerOf(bob), r.ID)
	require.NoError(t, err)
	require.ErrorIs(t, f.engine.Restore(f.ctx, mod, r.ID), habitkit.ErrNotHidden)

	// Responses are moderated the same way, through the same calls.
	resp, err := f.engine.Respond(f.ctx, viewerOf(bob), r.ID, "a rude reply")
	require.NoError(t, err)
	f.events.take()
	require.NoError(t, f.engine.Hide(f.ctx, mod, resp.Response.ID, "rude reply"))
	assert.Equal(t, []string{"Hidden"}, reflEventTypes(f.events.take()))
	page, err := f.engine.Responses(f.ctx, viewerOf(cy), habitkit.ResponsesRequest{ReflectionID: r.ID})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	page, err = f.engine.Responses(f.ctx, viewerOf(bob), habitkit.ResponsesRequest{ReflectionID: r.ID})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1, "the responder still sees their hidden response")
	require.ErrorIs(t, f.engine.Hide(f.ctx, mod, resp.Response.ID, "again"), habitkit.ErrAlreadyHidden)
	assert.Empty(t, f.events.take(), "refused moves send nothing")

	// Someone who is not enrolled and has no role reads nothing.
	stranger := habitkit.Viewer{Participant: "zed"}
	_, err = f.engine.Reflection(f.ctx, stranger, r.ID)
	require.ErrorIs(t, err, habitkit.ErrNotFound)
	feed, err := f.engine.Feed(f.ctx, stranger, habitkit.FeedRequest{ProgrammeID: reflProgramme})
	require.NoError(t, err)
	assert.Empty(t, feed.Items)
	require.ErrorIs(t, f.engine.Flag(f.ctx, stranger, r.ID, "x"), habitkit.ErrNotFound)
}

// TestVisibilityEveryReadPath builds random reflections (every
// visibility, several teams, some hidden, deleted or with hidden and
// deleted responses) and checks every read path for many random viewers
// against reflection.CanRead.
func TestVisibilityEveryReadPath(t *testing.T) {
	runVisibility(t, newReflFixture(t, nil), 24, 60)
}

func runVisibility(t *testing.T, f *fixture, participants, viewers int) {
	rng := rand.New(rand.NewPCG(5, 5))
	teams := []challenge.TeamID{"north", "south", "west", ""}
	var people []challenge.Enrolment
	for i := range participants {
		people = append(people, f.enrolTeam(fmt.Sprintf("p%02d", i), teams[i%len(teams)]))
	}
	f.clock.Set(at(5, 20, 0))
	mod := habitkit.Viewer{Participant: "mod", Moderator: true}
	words := []string{"radio", "counter", "form", "app", "public"}
	var all []reflection.Reflection
	for i, en := range people {
		for day := 1; day <= 5; day++ {
			if rng.IntN(3) == 0 {
				continue
			}
			vis := reflection.Visibility(1 + rng.IntN(3))
			r := f.reflect(en, day, vis, fmt.Sprintf("%s and %s by %d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i))
			for _, other := range people[:3] {
				if other.ID != en.ID && rng.IntN(2) == 0 {
					_, _ = f.engine.Respond(f.ctx, viewerOf(other), r.ID, "reply") // may be unreadable
					_ = f.engine.React(f.ctx, viewerOf(other), r.ID, reflection.Helpful)
				}
			}
			switch rng.IntN(8) {
			case 0:
				if vis == reflection.Private {
					// Moderators cannot read private reflections, so
					// cannot hide them either.
					require.ErrorIs(t, f.engine.Hide(f.ctx, mod, r.ID, "hidden"), habitkit.ErrNotFound)
					break
				}
				require.NoError(t, f.engine.Hide(f.ctx, mod, r.ID, "hidden"))
			case 1:
				require.NoError(t, f.engine.DeleteReflection(f.ctx, viewerOf(en), r.ID))
			}
			all = append(all, r)
		}
	}
	// Re-read the truth as stored, without any filtering.
	truth := map[uuid.UUID]reflection.Reflection{}
	require.NoError(t, f.store.View(f.ctx, func(ctx2 context.Context, tx storage.ReadTx) error {
		for _, r := range all {
			got, err := tx.GetReflection(ctx2, r.ID)
			if err != nil {
				return err
			}
			truth[r.ID] = got
		}
		return nil
	}))

	teamOf := map[challenge.ParticipantID]challenge.TeamID{}
	for _, en := range people {
		teamOf[en.ParticipantID] = en.TeamID
	}
	for n := range viewers {
		var v habitkit.Viewer
		switch k := rng.IntN(10); {
		case k < 6:
			v = viewerOf(people[rng.IntN(len(people))])
		case k < 7:
			v = habitkit.Viewer{Participant: "boss", ManagerOf: []challenge.TeamID{teams[rng.IntN(3)]}}
		case k < 8:
			v = mod
		case k < 9:
			v = habitkit.Viewer{Participant: "stranger"}
		default:
			v = viewerOf(people[rng.IntN(len(people))])
			v.ManagerOf = []challenge.TeamID{teams[rng.IntN(3)]}
		}
		enrolled := teamOf[v.Participant] != "" || slices.ContainsFunc(people, func(en challenge.Enrolment) bool { return en.ParticipantID == v.Participant })
		rv := reflection.Viewer{Participant: v.Participant, Team: teamOf[v.Participant], ManagerOf: v.ManagerOf, Moderator: v.Moderator}
		canRead := func(r reflection.Reflection) bool {
			return (enrolled || v.Moderator || len(v.ManagerOf) > 0) && reflection.CanRead(rv, r.Item())
		}
		name := fmt.Sprintf("viewer %d %+v", n, v)

		// Lookup by ID.
		for _, r := range truth {
			_, err := f.engine.Reflection(f.ctx, v, r.ID)
			if canRead(r) {
				require.NoError(t, err, name)
			} else {
				require.ErrorIs(t, err, habitkit.ErrNotFound, name)
			}
		}
		// Feeds in both orders, walked by small pages, with and without filters.
		for _, req := range []habitkit.FeedRequest{
			{ProgrammeID: reflProgramme, Limit: 7},
			{ProgrammeID: reflProgramme, Limit: 5, Order: habitkit.FeedMostReacted},
			{ProgrammeID: reflProgramme, Day: 1 + rng.IntN(5), Limit: 3},
			{ProgrammeID: reflProgramme, TeamID: teams[rng.IntN(3)], Limit: 4},
			{ProgrammeID: reflProgramme, ActivityID: "use-app", Limit: 6},
		} {
			got := walkFeed(t, f, v, req, "")
			var want []uuid.UUID
			for _, r := range truth {
				if canRead(r) && (req.Day == 0 || r.Day == req.Day) && (req.TeamID == "" || r.AuthorTeam == req.TeamID) &&
					(req.ActivityID == "" || r.ActivityID == req.ActivityID) {
					want = append(want, r.ID)
				}
			}
			assert.ElementsMatch(t, want, got, "%s: feed %+v", name, req)
		}
		// Search.
		w := words[rng.IntN(len(words))]
		got := walkFeed(t, f, v, habitkit.FeedRequest{ProgrammeID: reflProgramme, Limit: 4}, w)
		var want []uuid.UUID
		for _, r := range truth {
			if canRead(r) && slices.Contains(storage.ReflectionSearchWords(r.Answers), w) {
				want = append(want, r.ID)
			}
		}
		assert.ElementsMatch(t, want, got, "%s: search %q", name, w)
		// Responses: only under readable reflections, and only readable ones.
		for _, r := range truth {
			page, err := f.engine.Responses(f.ctx, v, habitkit.ResponsesRequest{ReflectionID: r.ID, Limit: 2})
			if !canRead(r) {
				require.ErrorIs(t, err, habitkit.ErrNotFound, name)
				continue
			}
			require.NoError(t, err, name)
			for _, resp := range page.Items {
				assert.True(t, reflection.CanRead(rv, resp.Item(r)), name)
			}
		}
	}
	assert.Zero(t, f.engine.Leaks(), "the store returned items the viewer may not read")
}

// walkFeed follows the cursors of a feed or search to the end and checks
// that no reflection comes twice and the order holds.
func walkFeed(t *testing.T, f *fixture, v habitkit.Viewer, req habitkit.FeedRequest, words string) []uuid.UUID {
	t.Helper()
	var out []uuid.UUID
	seen := map[uuid.UUID]bool{}
	lastReactions := int(^uint(0) >> 1)
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "the cursor must end")
		var (
			page habitkit.FeedPage
			err  error
		)
		if words == "" {
			page, err = f.engine.Feed(f.ctx, v, req)
		} else {
			page, err = f.engine.Search(f.ctx, v, req, words)
		}
		require.NoError(t, err)
		for _, it := range page.Items {
			require.False(t, seen[it.ID], "no reflection twice")
			seen[it.ID] = true
			out = append(out, it.ID)
			if req.Order == habitkit.FeedMostReacted {
				require.LessOrEqual(t, it.Reactions, lastReactions, "most reacted first")
				lastReactions = it.Reactions
			}
		}
		if page.Next == "" {
			return out
		}
		req.Cursor = page.Next
	}
}

// TestConcurrentReactionsAndFlags: 50 participants react at once to one
// reflection, and flag another at once.
func TestConcurrentReactionsAndFlags(t *testing.T) {
	runConcurrentReflections(t, newReflFixture(t, nil))
}

func runConcurrentReflections(t *testing.T, f *fixture) {
	const n = 50
	author := f.enrolTeam("author", "north")
	f.clock.Set(at(2, 9, 0))
	r := f.reflect(author, 1, reflection.Programme, "react to me")
	bad := f.reflect(author, 0, reflection.Programme, "flag me")
	var readers []challenge.Enrolment
	for i := range n {
		readers = append(readers, f.enrolTeam(fmt.Sprintf("r%02d", i), "south"))
	}
	f.events.take()
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for _, en := range readers {
		wg.Go(func() {
			if err := f.engine.React(f.ctx, viewerOf(en), r.ID, reflection.Helpful); err != nil {
				errs <- err
			}
			// The item hides after 2 flags; later flaggers can no longer
			// read it.
			if err := f.engine.Flag(f.ctx, viewerOf(en), bad.ID, "spam"); err != nil && !errors.Is(err, habitkit.ErrNotFound) {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	item, err := f.engine.Reflection(f.ctx, viewerOf(author), r.ID)
	require.NoError(t, err)
	assert.Equal(t, n, item.Reactions)
	en, err := f.engine.Enrolment(f.ctx, author.ID)
	require.NoError(t, err)
	assert.Equal(t, n, en.Reflections.ReactionsReceived)
	hidden, awarded := 0, map[string]int{}
	for _, e := range f.events.take() {
		switch e := e.(type) {
		case habitkit.Hidden:
			hidden++
		case habitkit.BadgeAwarded:
			awarded[e.Badge+"/"+e.TierName]++
		}
	}
	assert.Equal(t, 1, hidden, "concurrent flags hide exactly once")
	assert.Equal(t, map[string]int{"liked/bronze": 1, "liked/silver": 1}, awarded, "each tier awarded exactly once")
	got, err := f.engine.Reflection(f.ctx, habitkit.Viewer{Participant: "mod", Moderator: true}, bad.ID)
	require.NoError(t, err)
	assert.True(t, got.Hidden)
	assert.Equal(t, 2, len(got.Flags))
	assert.Zero(t, f.engine.Leaks())
}

func TestFeedAndSearchValidation(t *testing.T) {
	f := newReflFixture(t, nil)
	ann := f.enrolTeam("ann", "north")
	for _, tc := range []struct {
		name  string
		req   habitkit.FeedRequest
		words string
		field string
	}{
		{"no programme", habitkit.FeedRequest{}, "", "ProgrammeID"},
		{"negative day", habitkit.FeedRequest{ProgrammeID: reflProgramme, Day: -1}, "", "Day"},
		{"bad order", habitkit.FeedRequest{ProgrammeID: reflProgramme, Order: 7}, "", "Order"},
		{"no words", habitkit.FeedRequest{ProgrammeID: reflProgramme}, " ?! ", "words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.words == "" {
				_, err = f.engine.Feed(f.ctx, viewerOf(ann), tc.req)
			} else {
				_, err = f.engine.Search(f.ctx, viewerOf(ann), tc.req, tc.words)
			}
			var ve *habitkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	_, err := f.engine.Feed(f.ctx, habitkit.Viewer{}, habitkit.FeedRequest{ProgrammeID: reflProgramme})
	require.ErrorIs(t, err, habitkit.ErrInvalid)
	_, err = f.engine.Feed(f.ctx, viewerOf(ann), habitkit.FeedRequest{ProgrammeID: "nope"})
	require.ErrorIs(t, err, habitkit.ErrNotFound)
}

func TestParseDefinitionReflections(t *testing.T) {
	data := []byte(`id: p
title: P
length: 2
timeZone: Europe/London
activities:
  - id: a
    title: A
    points: 1
    prompts: [What happened]
schedule:
  - {day: 1-2, activity: a}
reflections:
  defaultVisibility: programme
  points: {reflection: 3, respons: 1}
`)
	_, err := habitkit.ParseDefinition(data)
	var ve habitkit.ValidationErrors
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve, 1)
	assert.Equal(t, "reflections.points.respons", ve[0].Field)
	assert.Equal(t, 14, ve[0].Line)

	d, err := habitkit.ParseDefinition([]byte(string(data[:len(data)-len("  points: {reflection: 3, respons: 1}\n")]) + "  points: {reflection: 3}\n"))
	require.NoError(t, err)
	require.NotNil(t, d.Reflections)
	assert.Equal(t, reflection.Programme, d.Reflections.DefaultVisibility)
	assert.Equal(t, 3, d.Reflections.Points.Reflection)

	f := newFixture(t, nil)
	bad := *d.Reflections
	bad.MaxAnswers = 0
	d.Reflections = &bad
	_, err = f.engine.PublishDefinition(f.ctx, d)
	require.ErrorIs(t, err, habitkit.ErrInvalid, "Go-built settings are validated too")
}

// leakyStore returns an extra reflection in every listing, as a buggy
// adapter that forgot to filter might.
type leakyStore struct {
	storage.Store
	extra uuid.UUID
}

type leakyTx struct {
	storage.ReadTx
	extra uuid.UUID
}

func (s *leakyStore) View(ctx context.Context, fn func(ctx context.Context, tx storage.ReadTx) error) error {
	return s.Store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error { return fn(ctx, leakyTx{tx, s.extra}) })
}

func (tx leakyTx) ListReflections(ctx context.Context, q storage.FeedQuery, c storage.Cursor, limit int) (storage.Page[reflection.Reflection], error) {
	page, err := tx.ReadTx.ListReflections(ctx, q, c, limit)
	if err != nil {
		return page, err
	}
	r, err := tx.GetReflection(ctx, tx.extra)
	page.Items = append(page.Items, r)
	return page, err
}

func TestFeedDropsWhatStorageLeaks(t *testing.T) {
	store := &leakyStore{Store: memory.New(nil)}
	f := newReflFixture(t, store)
	ann := f.enrolTeam("ann", "north")
	bob := f.enrolTeam("bob", "south")
	secret := f.reflect(ann, 1, reflection.Private, "secret")
	store.extra = secret.ID

	page, err := f.engine.Feed(f.ctx, viewerOf(bob), habitkit.FeedRequest{ProgrammeID: reflProgramme})
	require.NoError(t, err)
	assert.Empty(t, page.Items, "the engine re-checks what storage returns")
	assert.EqualValues(t, 1, f.engine.Leaks(), "and counts the adapter's bug")
	page, err = f.engine.Search(f.ctx, viewerOf(bob), habitkit.FeedRequest{ProgrammeID: reflProgramme}, "secret")
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.EqualValues(t, 2, f.engine.Leaks())
}

// reflState is everything a reflection call may change, read back
// without filtering (the author's and a colleague's enrolments, the
// reflection, its responses and the colleague's reaction).
type reflState struct {
	ann, bob  challenge.Enrolment
	r         reflection.Reflection
	responses []reflection.Response
	reaction  *reflection.Reaction
}

func readReflState(t *testing.T, f *fixture, ann, bob challenge.Enrolment, id uuid.UUID) reflState {
	t.Helper()
	var s reflState
	require.NoError(t, f.store.View(f.ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		if s.ann, err = tx.GetEnrolment(ctx, ann.ID); err != nil {
			return err
		}
		if s.bob, err = tx.GetEnrolment(ctx, bob.ID); err != nil {
			return err
		}
		if s.r, err = tx.GetReflection(ctx, id); err != nil {
			return err
		}
		page, err := tx.ListResponses(ctx, id, "", storage.MaxLimit)
		if err != nil {
			return err
		}
		s.responses = page.Items
		switch re, err := tx.GetReaction(ctx, id, bob.ParticipantID); {
		case err == nil:
			s.reaction = &re
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return nil
	}))
	return s
}

// TestReflectionCallsFailAtomically fails each storage call (and the
// commit) of every writing call in turn: the state read back is exactly
// as before and no event is delivered.
func TestReflectionCallsFailAtomically(t *testing.T) {
	type setup struct {
		ann, bob challenge.Enrolment
		r        reflection.Reflection
		resp     uuid.UUID
	}
	mod := habitkit.Viewer{Participant: "mod", Moderator: true}
	ops := []struct {
		name string
		do   func(f *fixture, s setup) error
	}{
		{"Respond", func(f *fixture, s setup) error {
			_, err := f.engine.Respond(f.ctx, viewerOf(s.bob), s.r.ID, "a second thought")
			return err
		}},
		{"React", func(f *fixture, s setup) error {
			return f.engine.React(f.ctx, viewerOf(s.bob), s.r.ID, reflection.Agree)
		}},
		{"Unreact", func(f *fixture, s setup) error { return f.engine.Unreact(f.ctx, viewerOf(s.bob), s.r.ID) }},
		{"Flag", func(f *fixture, s setup) error { return f.engine.Flag(f.ctx, viewerOf(s.bob), s.r.ID, "off topic") }},
		{"Hide", func(f *fixture, s setup) error { return f.engine.Hide(f.ctx, mod, s.resp, "rude") }},
		{"EditReflection", func(f *fixture, s setup) error {
			_, err := f.engine.EditReflection(f.ctx, viewerOf(s.ann), s.r.ID, habitkit.ReflectionEdit{Visibility: reflection.Private})
			return err
		}},
		{"DeleteReflection", func(f *fixture, s setup) error { return f.engine.DeleteReflection(f.ctx, viewerOf(s.ann), s.r.ID) }},
		{"EditResponse", func(f *fixture, s setup) error {
			_, err := f.engine.EditResponse(f.ctx, viewerOf(s.bob), s.resp, "edited")
			return err
		}},
		{"DeleteResponse", func(f *fixture, s setup) error { return f.engine.DeleteResponse(f.ctx, viewerOf(s.bob), s.resp) }},
	}
	prepare := func(t *testing.T, store storage.Store) (*fixture, setup) {
		f := newReflFixture(t, store)
		var s setup
		s.ann = f.enrolTeam("ann", "north")
		s.bob = f.enrolTeam("bob", "north")
		s.r = f.reflect(s.ann, 1, reflection.Team, "worth a reaction")
		out, err := f.engine.Respond(f.ctx, viewerOf(s.bob), s.r.ID, "first thought")
		require.NoError(t, err)
		s.resp = out.Response.ID
		require.NoError(t, f.engine.React(f.ctx, viewerOf(s.bob), s.r.ID, reflection.Helpful))
		f.events.take()
		return f, s
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			probe := storefault.New(memory.New(nil))
			pf, ps := prepare(t, probe)
			probe.Reset(0, false)
			require.NoError(t, op.do(pf, ps))
			calls := probe.Calls()
			require.NotEmpty(t, calls)
			for i := 0; i <= len(calls); i++ {
				store := storefault.New(memory.New(nil))
				f, s := prepare(t, store)
				before := readReflState(t, f, s.ann, s.bob, s.r.ID)
				store.Reset(i+1, i == len(calls))
				err := op.do(f, s)
				require.ErrorIs(t, err, storefault.ErrInjected, "failing call %d", i)
				store.Reset(0, false)
				assert.Empty(t, f.events.take(), "a failed %s delivers nothing", op.name)
				assert.Equal(t, before, readReflState(t, f, s.ann, s.bob, s.r.ID), "a failed %s (call %d) changes nothing", op.name, i)
			}
		})
	}
}

package storagetest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Sentences of the reflection contract.
const (
	reflRoundTripSentence  = "a reflection must round-trip every field: answers exactly as written, moderation state, times in UTC to the microsecond"
	reflCountsSentence     = "Responses counts the responses that are neither deleted, hidden nor erased, and Reactions the reactions; storage keeps both in step in the same transaction"
	reflVisibilitySentence = "ListReflections must return exactly the reflections that reflection.CanRead lets the viewer read and the filters select: nothing more, nothing less"
	reflOrderSentence      = "ListReflections must list Newest by ID descending and MostReacted by (Reactions, ID) descending"
	reflSearchSentence     = "Search must keep only reflections whose answers contain every word of it, case-insensitively and as whole words"
	respOrderSentence      = "ListResponses must return every response to the reflection, deleted, hidden and erased included, ordered by ID"
)

// sampleText is an answer with markup, entities, quotes and non-ASCII
// text: adapters store it as written, never escaped.
const sampleText = `I tried <b>box breathing</b> & it "worked" — café 5×, naïve 'tips' &amp; all`

// newReflection returns a reflection by e with every field set, not yet
// stored.
func newReflection(e challenge.Enrolment, day int, activity string, vis reflection.Visibility, texts ...string) reflection.Reflection {
	if len(texts) == 0 {
		texts = []string{sampleText}
	}
	answers := make([]reflection.Answer, len(texts))
	for i, text := range texts {
		answers[i] = reflection.Answer{Prompt: fmt.Sprintf("Prompt %d: what happened?", i+1), Text: text}
	}
	return reflection.Reflection{
		ID:          newID(),
		ProgrammeID: e.ProgrammeID,
		EnrolmentID: e.ID,
		Author:      e.ParticipantID,
		AuthorTeam:  e.TeamID,
		Day:         day,
		ActivityID:  activity,
		VariationID: "variation-" + activity,
		Answers:     answers,
		Visibility:  vis,
		CreatedAt:   at(day*86400+500, day),
		EditedAt:    at(day*86400+900, 7),
		Moderated: reflection.Moderated{
			Flags:    []reflection.Flag{{By: "flagger-1", Reason: "off topic <i>really</i>", At: at(day*86400+1000, 3)}},
			Reviewed: 1, ReviewedBy: "moderator-1", ReviewedAt: at(day*86400+2000, 4),
		},
		Version: 1,
	}
}

// newResponse returns a response by e to parent, not yet stored.
func newResponse(parent reflection.Reflection, e challenge.Enrolment, text string) reflection.Response {
	return reflection.Response{
		ID:           newID(),
		ReflectionID: parent.ID,
		Author:       e.ParticipantID,
		AuthorTeam:   e.TeamID,
		Text:         text,
		CreatedAt:    at(parent.Day*86400+3000, 11),
		Version:      1,
	}
}

func normModerated(m reflection.Moderated) reflection.Moderated {
	m.HiddenAt, m.ReviewedAt = m.HiddenAt.UTC(), m.ReviewedAt.UTC()
	m.Flags = slices.Clone(m.Flags)
	for i := range m.Flags {
		m.Flags[i].At = m.Flags[i].At.UTC()
	}
	if len(m.Flags) == 0 {
		m.Flags = nil
	}
	return m
}

func normReflection(r reflection.Reflection) reflection.Reflection {
	r.Answers = slices.Clone(r.Answers)
	if len(r.Answers) == 0 {
		r.Answers = nil
	}
	r.CreatedAt, r.EditedAt = r.CreatedAt.UTC(), r.EditedAt.UTC()
	r.Moderated = normModerated(r.Moderated)
	return r
}

func normResponse(r reflection.Response) reflection.Response {
	r.CreatedAt, r.EditedAt = r.CreatedAt.UTC(), r.EditedAt.UTC()
	r.Moderated = normModerated(r.Moderated)
	return r
}

func assertReflection(t testing.TB, sentence string, want, got reflection.Reflection) {
	t.Helper()
	ts := []time.Time{got.CreatedAt, got.EditedAt, got.HiddenAt, got.ReviewedAt}
	for _, f := range got.Flags {
		ts = append(ts, f.At)
	}
	assertUTC(t, "reflection "+got.ID.String(), ts...)
	assert.Equal(t, normReflection(want), normReflection(got), sentence)
}

func assertResponse(t testing.TB, sentence string, want, got reflection.Response) {
	t.Helper()
	assertUTC(t, "response "+got.ID.String(), got.CreatedAt, got.EditedAt, got.HiddenAt, got.ReviewedAt)
	assert.Equal(t, normResponse(want), normResponse(got), sentence)
}

// mustWrite runs the writes in one Update.
func mustWrite(t testing.TB, s storage.Store, writes ...func(ctx context.Context, tx storage.Tx) error) {
	t.Helper()
	mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
		for _, w := range writes {
			if err := w(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertReflections(rs ...reflection.Reflection) func(ctx context.Context, tx storage.Tx) error {
	return func(ctx context.Context, tx storage.Tx) error {
		for _, r := range rs {
			if err := tx.InsertReflection(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
}

// getReflection reads one reflection in its own View.
func getReflection(t testing.TB, s storage.Store, id uuid.UUID) (reflection.Reflection, error) {
	t.Helper()
	return viewOne(t, s, func(ctx context.Context, tx storage.ReadTx) (reflection.Reflection, error) {
		return tx.GetReflection(ctx, id)
	})
}

func mustGetReflection(t testing.TB, s storage.Store, id uuid.UUID) reflection.Reflection {
	t.Helper()
	r, err := getReflection(t, s, id)
	require.NoError(t, err, "getting a stored reflection by ID must succeed")
	return r
}

func listFeed(q storage.FeedQuery, limit int) lister[reflection.Reflection] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, _ int) (storage.Page[reflection.Reflection], error) {
		return tx.ListReflections(ctx, q, c, limit)
	}
}

func listResponses(id uuid.UUID, limit int) lister[reflection.Response] {
	return func(ctx context.Context, tx storage.ReadTx, c storage.Cursor, _ int) (storage.Page[reflection.Response], error) {
		return tx.ListResponses(ctx, id, c, limit)
	}
}

func reflectionIDs(rs []reflection.Reflection) []uuid.UUID {
	return mapSlice(rs, func(r reflection.Reflection) uuid.UUID { return r.ID })
}

func compareID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// feedOrder sorts rs as q.Order lists them.
func feedOrder(rs []reflection.Reflection, order storage.FeedOrder) []reflection.Reflection {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b reflection.Reflection) int {
		if order == storage.MostReacted {
			if c := cmp.Compare(b.Reactions, a.Reactions); c != 0 {
				return c
			}
		}
		return compareID(b.ID, a.ID)
	})
	return rs
}

// feedMatch is the reference for ListReflections: what q selects of r.
func feedMatch(q storage.FeedQuery, r reflection.Reflection) bool {
	if r.ProgrammeID != q.ProgrammeID || !reflection.CanRead(q.Viewer, r.Item()) ||
		(q.Day != 0 && r.Day != q.Day) || (q.TeamID != "" && r.AuthorTeam != q.TeamID) ||
		(q.ActivityID != "" && r.ActivityID != q.ActivityID) || (q.Author != "" && r.Author != q.Author) {
		return false
	}
	if q.Search == "" {
		return true
	}
	words := storage.ReflectionSearchWords(r.Answers)
	search := storage.SearchWords(q.Search)
	if len(search) == 0 {
		return false
	}
	for _, w := range search {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return true
}

func (h *harness) testReflections(t *testing.T) {
	t.Run("InsertGetRoundTrip", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		full := newReflection(es[0], 3, "walk", reflection.Team, sampleText, "Second answer\nwith a newline\tand tab")
		full.Hidden, full.HiddenBy, full.HiddenReason, full.HiddenAt = true, "moderator-2", "spoilers <script>", at(3*86400+4000, 9)
		full.Responses, full.Reactions = 5, 7 // stored as 0: the counts belong to storage
		minimal := newReflection(es[1], 1, "read", reflection.Private, "ok")
		minimal.VariationID, minimal.AuthorTeam = "", ""
		minimal.EditedAt, minimal.Moderated = time.Time{}, reflection.Moderated{}
		mustWrite(t, h.store, insertReflections(full, minimal))
		full.Responses, full.Reactions = 0, 0
		for _, want := range []reflection.Reflection{full, minimal} {
			assertReflection(t, reflRoundTripSentence, want, mustGetReflection(t, h.store, want.ID))
			var got reflection.Reflection
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				var err error
				got, err = tx.GetReflectionByKey(ctx, storage.ReflectionKey{EnrolmentID: want.EnrolmentID, Day: want.Day, ActivityID: want.ActivityID})
				return err
			})
			assertReflection(t, "GetReflectionByKey must find a reflection by (EnrolmentID, Day, ActivityID); "+reflRoundTripSentence, want, got)
		}
		assert.Equal(t, sampleText, mustGetReflection(t, h.store, full.ID).Answers[0].Text,
			"answers must be stored exactly as written, never HTML-escaped")
		// Reads in the writing transaction see its own writes.
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			r := newReflection(es[1], 2, "walk", reflection.Programme)
			require.NoError(t, tx.InsertReflection(ctx, r), "inserting a new reflection must succeed")
			got, err := tx.GetReflection(ctx, r.ID)
			require.NoError(t, err, "reads in a transaction must see its own writes (an inserted reflection)")
			assertReflection(t, reflRoundTripSentence, r, got)
			return nil
		})
		_, err := getReflection(t, h.store, newID())
		assert.ErrorIs(t, err, storage.ErrNotFound, "GetReflection of an unknown ID must return ErrNotFound")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetReflectionByKey(ctx, storage.ReflectionKey{EnrolmentID: es[0].ID, Day: 9, ActivityID: "walk"})
			assert.ErrorIs(t, err, storage.ErrNotFound, "GetReflectionByKey of an unknown key must return ErrNotFound")
			return nil
		})
	})

	t.Run("InsertConflicts", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		r := newReflection(e, 1, "walk", reflection.Team)
		mustWrite(t, h.store, insertReflections(r))
		sameID := newReflection(e, 2, "walk", reflection.Team)
		sameID.ID = r.ID
		sameKey := newReflection(e, 1, "walk", reflection.Programme, "other words")
		other := newReflection(e, 1, "read", reflection.Programme)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			assert.ErrorIs(t, tx.InsertReflection(ctx, sameID), storage.ErrConflict, "InsertReflection must return ErrConflict when the ID exists")
			assert.ErrorIs(t, tx.InsertReflection(ctx, sameKey), storage.ErrConflict,
				"InsertReflection must return ErrConflict when a reflection with the same (EnrolmentID, Day, ActivityID) exists")
			// The transaction stays usable after a conflict.
			return tx.InsertReflection(ctx, other)
		})
		assertReflection(t, "a failed InsertReflection must write nothing", r, mustGetReflection(t, h.store, r.ID))
		_, err := getReflection(t, h.store, sameKey.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "a failed InsertReflection must write nothing")
		assertReflection(t, "after ErrConflict the transaction must stay usable and commit", other, mustGetReflection(t, h.store, other.ID))
		got := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: reflection.Viewer{Participant: "x"}, Search: "other"}, 0))
		assert.Empty(t, got, "a failed InsertReflection must leave nothing in the search index")
	})

	t.Run("UpdateVersionRule", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		r := newReflection(es[0], 2, "walk", reflection.Team, "before the edit")
		mustWrite(t, h.store, insertReflections(r), func(ctx context.Context, tx storage.Tx) error {
			return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: es[1].ParticipantID, Kind: reflection.Helpful, At: at(1, 1)})
		})
		edited := mustGetReflection(t, h.store, r.ID)
		edited.Answers = []reflection.Answer{{Prompt: "P", Text: "after the edit"}}
		edited.Visibility = reflection.Programme
		edited.EditedAt = at(5*86400, 5)
		edited.Hidden, edited.HiddenReason, edited.HiddenAt = true, "why", at(6*86400, 6)
		// Fields UpdateReflection must not change.
		attempt := edited
		attempt.ProgrammeID, attempt.Day, attempt.ActivityID, attempt.CreatedAt = "other-programme", 99, "other", at(0, 0)
		attempt.Responses, attempt.Reactions = 40, 50
		stale := attempt
		stale.Version = 7
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			assert.ErrorIs(t, tx.UpdateReflection(ctx, stale), storage.ErrConflict, "UpdateReflection must return ErrConflict when the stored Version differs")
			missing := attempt
			missing.ID = newID()
			assert.ErrorIs(t, tx.UpdateReflection(ctx, missing), storage.ErrNotFound, "UpdateReflection of an unknown ID must return ErrNotFound")
			return tx.UpdateReflection(ctx, attempt)
		})
		want := edited
		want.Version = 2
		want.Reactions = 1
		assertReflection(t, "UpdateReflection must store r with Version+1 and keep ID, ProgrammeID, Day, ActivityID, CreatedAt and the counts",
			want, mustGetReflection(t, h.store, r.ID))
		v := reflection.Viewer{Participant: "reader", Moderator: true}
		found := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Search: "after"}, 0))
		assert.Equal(t, []uuid.UUID{r.ID}, reflectionIDs(found), "search must find an updated reflection by its new words")
		found = listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Search: "before"}, 0))
		assert.Empty(t, found, "search must not find an updated reflection by its old words")

		// Erasure frees the key, and erased reflections never conflict.
		erased := mustGetReflection(t, h.store, r.ID)
		erased.Erase()
		second := newReflection(es[1], 2, "walk", reflection.Team)
		mustWrite(t, h.store, insertReflections(second))
		erasedToo := mustGetReflection(t, h.store, second.ID)
		erasedToo.Erase()
		mustWrite(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.UpdateReflection(ctx, erased); err != nil {
				return err
			}
			return tx.UpdateReflection(ctx, erasedToo)
		})
		got := mustGetReflection(t, h.store, r.ID)
		assert.True(t, got.AuthorErased, "an erased reflection must be stored as erased")
		assert.Equal(t, uuid.Nil, got.EnrolmentID, "an erased reflection must be stored without its enrolment")
		assert.Nil(t, got.Answers, "an erased reflection must be stored without its answers")
		again := newReflection(es[0], 2, "walk", reflection.Private)
		mustWrite(t, h.store, insertReflections(again))
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetReflectionByKey(ctx, storage.ReflectionKey{EnrolmentID: es[0].ID, Day: 2, ActivityID: "walk"})
			require.NoError(t, err, "a reflection's key must be free again once its reflection is erased")
			assert.Equal(t, again.ID, got.ID, "GetReflectionByKey must find the new reflection, not the erased one")
			return nil
		})
	})

	t.Run("Responses", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 3, nil)
		parent := newReflection(es[0], 1, "walk", reflection.Programme)
		other := newReflection(es[1], 1, "walk", reflection.Programme)
		mustWrite(t, h.store, insertReflections(parent, other))
		var resps []reflection.Response
		for i := range 5 {
			resp := newResponse(parent, es[i%3], fmt.Sprintf("response %d <em>as written</em>", i))
			resp.Flags = []reflection.Flag{{By: "someone", Reason: "r", At: at(i, i)}}
			resps = append(resps, resp)
		}
		resps[3].Hidden, resps[3].HiddenBy, resps[3].HiddenAt = true, "moderator", at(9, 9)
		resps[4].EditedAt = at(10, 10)
		noise := newResponse(other, es[2], "to the other reflection")
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for _, resp := range slices.Backward(resps) { // insertion order must not matter
				if err := tx.InsertResponse(ctx, resp); err != nil {
					return err
				}
			}
			return tx.InsertResponse(ctx, noise)
		})
		assert.Equal(t, 4, mustGetReflection(t, h.store, parent.ID).Responses, reflCountsSentence+" (a hidden response is not counted)")
		assert.Equal(t, 1, mustGetReflection(t, h.store, other.ID).Responses, reflCountsSentence)
		for _, limit := range []int{0, 1, 2, 4} {
			got := listAll(t, h.store, listResponses(parent.ID, limit))
			require.Len(t, got, len(resps), "%s (limit %d)", respOrderSentence, limit)
			for i := range resps {
				assertResponse(t, respOrderSentence, resps[i], got[i])
			}
		}
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetResponse(ctx, resps[4].ID)
			require.NoError(t, err, "GetResponse of a stored response must succeed")
			assertResponse(t, "a response must round-trip every field", resps[4], got)
			_, err = tx.GetResponse(ctx, newID())
			assert.ErrorIs(t, err, storage.ErrNotFound, "GetResponse of an unknown ID must return ErrNotFound")
			return nil
		})
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			assert.ErrorIs(t, tx.InsertResponse(ctx, resps[0]), storage.ErrConflict, "InsertResponse must return ErrConflict when the ID exists")
			orphan := newResponse(parent, es[1], "orphan")
			orphan.ReflectionID = newID()
			assert.ErrorIs(t, tx.InsertResponse(ctx, orphan), storage.ErrNotFound, "InsertResponse must return ErrNotFound when the reflection does not exist")
			stale := resps[0]
			stale.Version = 3
			assert.ErrorIs(t, tx.UpdateResponse(ctx, stale), storage.ErrConflict, "UpdateResponse must return ErrConflict when the stored Version differs")
			missing := resps[0]
			missing.ID = newID()
			assert.ErrorIs(t, tx.UpdateResponse(ctx, missing), storage.ErrNotFound, "UpdateResponse of an unknown ID must return ErrNotFound")
			return nil
		})
		assert.Equal(t, 4, mustGetReflection(t, h.store, parent.ID).Responses, "failed response writes must not change the counts")
		// Each state change moves the count by one, in step.
		steps := []struct {
			name   string
			change func(r *reflection.Response)
			want   int
		}{
			{"hide", func(r *reflection.Response) { r.Hidden = true }, 3},
			{"edit while hidden", func(r *reflection.Response) { r.Text = "edited"; r.EditedAt = at(20, 0) }, 3},
			{"restore", func(r *reflection.Response) { r.Hidden = false; r.Reviewed = 1 }, 4},
			{"delete", func(r *reflection.Response) { r.Deleted = true }, 3},
			{"erase a deleted one", func(r *reflection.Response) { r.Erase() }, 3},
		}
		for _, step := range steps {
			var cur reflection.Response
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				var err error
				if cur, err = tx.GetResponse(ctx, resps[0].ID); err != nil {
					return err
				}
				step.change(&cur)
				cur.ReflectionID, cur.CreatedAt = other.ID, at(0, 0) // not changed by UpdateResponse
				return tx.UpdateResponse(ctx, cur)
			})
			assert.Equal(t, step.want, mustGetReflection(t, h.store, parent.ID).Responses, "%s (after %s)", reflCountsSentence, step.name)
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := tx.GetResponse(ctx, resps[0].ID)
				require.NoError(t, err)
				assert.Equal(t, cur.Version+1, got.Version, "UpdateResponse must store Version+1 (after %s)", step.name)
				assert.Equal(t, parent.ID, got.ReflectionID, "UpdateResponse must not move a response to another reflection")
				assert.Equal(t, resps[0].CreatedAt.UTC(), got.CreatedAt, "UpdateResponse must not change CreatedAt")
				return nil
			})
		}
		assert.Equal(t, 1, mustGetReflection(t, h.store, other.ID).Responses, "a response's updates must not change another reflection's count")
		assert.Len(t, listAll(t, h.store, listResponses(parent.ID, 2)), len(resps), respOrderSentence)
	})

	t.Run("Reactions", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 3, nil)
		r1 := newReflection(es[0], 1, "walk", reflection.Programme)
		r2 := newReflection(es[0], 2, "walk", reflection.Programme)
		mustWrite(t, h.store, insertReflections(r1, r2))
		a, b := es[1].ParticipantID, es[2].ParticipantID
		put := func(r reflection.Reaction) func(ctx context.Context, tx storage.Tx) error {
			return func(ctx context.Context, tx storage.Tx) error { return tx.PutReaction(ctx, r) }
		}
		mustWrite(t, h.store, put(reflection.Reaction{ReflectionID: r1.ID, By: a, Kind: reflection.Helpful, At: at(1, 1)}))
		assert.Equal(t, 1, mustGetReflection(t, h.store, r1.ID).Reactions, reflCountsSentence)
		replaced := reflection.Reaction{ReflectionID: r1.ID, By: a, Kind: reflection.Inspiring, At: at(2, 2)}
		mustWrite(t, h.store, put(replaced), put(replaced)) // an identical replacement too
		assert.Equal(t, 1, mustGetReflection(t, h.store, r1.ID).Reactions, "a person has one reaction per reflection: replacing it changes the kind, not the count")
		mustWrite(t, h.store,
			put(reflection.Reaction{ReflectionID: r1.ID, By: b, Kind: reflection.Agree, At: at(3, 3)}),
			put(reflection.Reaction{ReflectionID: r2.ID, By: b, Kind: reflection.Helpful, At: at(4, 4)}))
		assert.Equal(t, 2, mustGetReflection(t, h.store, r1.ID).Reactions, reflCountsSentence)
		assert.Equal(t, 1, mustGetReflection(t, h.store, r2.ID).Reactions, reflCountsSentence)
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetReaction(ctx, r1.ID, a)
			require.NoError(t, err, "GetReaction of a stored reaction must succeed")
			assertUTC(t, "reaction", got.At)
			got.At = got.At.UTC()
			want := replaced
			want.At = want.At.UTC()
			assert.Equal(t, want, got, "GetReaction must return the latest reaction, every field")
			_, err = tx.GetReaction(ctx, r2.ID, a)
			assert.ErrorIs(t, err, storage.ErrNotFound, "GetReaction must return ErrNotFound when the person has not reacted")
			list, err := tx.ListReactionsBy(ctx, b, []uuid.UUID{r1.ID, newID(), r2.ID})
			require.NoError(t, err)
			kinds := map[uuid.UUID]reflection.ReactionKind{}
			for _, re := range list {
				assert.Equal(t, b, re.By, "ListReactionsBy must return only the person's reactions")
				kinds[re.ReflectionID] = re.Kind
			}
			assert.Equal(t, map[uuid.UUID]reflection.ReactionKind{r1.ID: reflection.Agree, r2.ID: reflection.Helpful}, kinds,
				"ListReactionsBy must return the person's reaction to each listed reflection, one each")
			list, err = tx.ListReactionsBy(ctx, a, []uuid.UUID{r2.ID})
			require.NoError(t, err)
			assert.Empty(t, list, "ListReactionsBy must return nothing for reflections the person has not reacted to")
			return nil
		})
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			assert.ErrorIs(t, tx.PutReaction(ctx, reflection.Reaction{ReflectionID: newID(), By: a, Kind: reflection.Helpful, At: at(0, 0)}),
				storage.ErrNotFound, "PutReaction must return ErrNotFound when the reflection does not exist")
			assert.ErrorIs(t, tx.DeleteReaction(ctx, r2.ID, a), storage.ErrNotFound, "DeleteReaction must return ErrNotFound when there is no reaction")
			return tx.DeleteReaction(ctx, r1.ID, a)
		})
		assert.Equal(t, 1, mustGetReflection(t, h.store, r1.ID).Reactions, "withdrawing a reaction must subtract one from Reactions")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetReaction(ctx, r1.ID, a)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a withdrawn reaction must be gone")
			return nil
		})
		// Withdrawn and put again: counted once more.
		mustWrite(t, h.store, put(reflection.Reaction{ReflectionID: r1.ID, By: a, Kind: reflection.Helpful, At: at(5, 5)}))
		assert.Equal(t, 2, mustGetReflection(t, h.store, r1.ID).Reactions, reflCountsSentence)
	})

	t.Run("FeedFiltersAndOrders", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		red := sc.mustEnrol(t, 3, nil)
		blue := sc.mustEnrol(t, 2, func() challenge.Enrolment { e := sc.enrolment(); e.TeamID = "team-blue"; return e })
		all := append(slices.Clone(red), blue...)
		var rs []reflection.Reflection
		for i, e := range all {
			for day := 1; day <= 3; day++ {
				for _, act := range []string{"walk", "read"} {
					rs = append(rs, newReflection(e, day, act, reflection.Programme, fmt.Sprintf("entry %d %d %s", i, day, act)))
				}
			}
		}
		mustWrite(t, h.store, insertReflections(rs...))
		// Reactions from a few people, so that MostReacted differs from
		// Newest and has ties.
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for i, r := range rs {
				for j := range i % 4 {
					if err := tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: all[j].ParticipantID, Kind: reflection.Agree, At: at(j, 0)}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		for i := range rs {
			rs[i].Reactions = i % 4
		}
		viewer := reflection.Viewer{Participant: "viewer", Team: "team-blue"}
		queries := []storage.FeedQuery{
			{},
			{Day: 2},
			{TeamID: "team-blue"},
			{ActivityID: "read"},
			{Author: red[1].ParticipantID},
			{Day: 3, TeamID: "team-red", ActivityID: "walk"},
			{Day: 9},
			{TeamID: "team-green"},
		}
		for _, q := range queries {
			q.ProgrammeID, q.Viewer = sc.programme, viewer
			for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
				q.Order = order
				var want []reflection.Reflection
				for _, r := range rs {
					if feedMatch(q, r) {
						want = append(want, r)
					}
				}
				want = feedOrder(want, order)
				for _, limit := range []int{0, 1, 4} {
					got := listAll(t, h.store, listFeed(q, limit))
					assert.Equal(t, reflectionIDs(want), reflectionIDs(got), "%s, filtered by Day, TeamID, ActivityID and Author (query %+v, limit %d)", reflOrderSentence, q, limit)
				}
			}
		}
		got := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: viewer, Day: 1, ActivityID: "walk"}, 0))
		for _, r := range got {
			want := rs[slices.IndexFunc(rs, func(x reflection.Reflection) bool { return x.ID == r.ID })]
			assertReflection(t, "a listed reflection must be the whole record, counts included; "+reflRoundTripSentence, want, r)
		}
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			q := storage.FeedQuery{ProgrammeID: sc.programme, Viewer: viewer}
			page, err := tx.ListReflections(ctx, q, "", 2)
			require.NoError(t, err)
			require.NotEmpty(t, page.Next)
			q.Order = storage.MostReacted
			_, err = tx.ListReflections(ctx, q, page.Next, 2)
			assert.ErrorIs(t, err, storage.ErrBadCursor, "a cursor is only valid with the query that made it: another order must be ErrBadCursor")
			_, err = tx.ListReflections(ctx, q, "not a cursor", 2)
			assert.ErrorIs(t, err, storage.ErrBadCursor, "a cursor the adapter did not make must be ErrBadCursor")
			return nil
		})
	})

	t.Run("FeedPagingWhileInserting", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 4, nil)
		var rs []reflection.Reflection
		for _, e := range es {
			for day := 1; day <= 5; day++ {
				rs = append(rs, newReflection(e, day, "walk", reflection.Programme))
			}
		}
		mustWrite(t, h.store, insertReflections(rs...))
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			for i, r := range rs {
				for j := range i % 3 {
					if err := tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: es[j].ParticipantID, Kind: reflection.Helpful, At: at(0, 0)}); err != nil {
						return err
					}
				}
				rs[i].Reactions = i % 3
			}
			return nil
		})
		v := reflection.Viewer{Participant: "viewer"}
		day := 10 // of the reflections added while paging
		for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
			q := storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Order: order}
			var got []reflection.Reflection
			var cursor storage.Cursor
			for range 100 {
				var page storage.Page[reflection.Reflection]
				mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
					var err error
					page, err = tx.ListReflections(ctx, q, cursor, 3)
					return err
				})
				got = append(got, page.Items...)
				if page.Next == "" {
					break
				}
				cursor = page.Next
				// A new reflection between pages, as in a live feed.
				day++
				mustWrite(t, h.store, insertReflections(newReflection(es[day%4], day, "walk", reflection.Programme)))
			}
			seen := map[uuid.UUID]int{}
			for _, r := range got {
				seen[r.ID]++
			}
			for id, n := range seen {
				assert.Equal(t, 1, n, "paging must never return a reflection twice, even while others are added (%v, order %d)", id, order)
			}
			for _, r := range rs {
				assert.Equal(t, 1, seen[r.ID], "paging must return every reflection that existed throughout the walk exactly once (order %d)", order)
			}
			// The reflections from before the walk come in order.
			var old []uuid.UUID
			for _, r := range got {
				if slices.ContainsFunc(rs, func(x reflection.Reflection) bool { return x.ID == r.ID }) {
					old = append(old, r.ID)
				}
			}
			assert.Equal(t, reflectionIDs(feedOrder(rs, order)), old, reflOrderSentence)
		}
	})

	t.Run("Search", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 5, nil)
		texts := [][]string{
			{"The quick brown Fox jumped", "go on"},
			{"A fox-trot lesson: I go dancing"},
			{"Café au lait, then a BROWN bread"},
			{"Nothing to see here"},
			{"naïve QUICKSTEP", "Foxes are not fox"},
		}
		var rs []reflection.Reflection
		for i, tx := range texts {
			rs = append(rs, newReflection(es[i], 1, "walk", reflection.Programme, tx...))
		}
		// A hidden and a private reflection with the word: search never
		// widens what the viewer may read.
		hidden := newReflection(es[0], 2, "walk", reflection.Programme, "fox hidden")
		hidden.Hidden = true
		private := newReflection(es[1], 2, "walk", reflection.Private, "fox private")
		rs = append(rs, hidden, private)
		mustWrite(t, h.store, insertReflections(rs...))
		v := reflection.Viewer{Participant: es[4].ParticipantID, Team: "team-red"}
		cases := []struct {
			search string
			want   []int
		}{
			{"fox", []int{0, 1, 4}},
			{"FOX", []int{0, 1, 4}},
			{"  fox,  ", []int{0, 1, 4}},
			{"quick fox", []int{0}},
			{"brown", []int{0, 2}},
			{"café", []int{2}},
			{"cafe", nil}, // whole words as written: no accent folding
			{"CAFÉ brown", []int{2}},
			{"trot", []int{1}},
			{"fox-trot", []int{1}},
			{"qui", nil},        // whole words only
			{"foxe", nil},       // no prefix matching
			{"go", []int{0, 1}}, // short words count
			{"the brown", []int{0}},
			{"to", []int{3}},
			{"quickstep naïve", []int{4}},
			{"brown cat", nil}, // every word must match
			{"unicorn", nil},
			{"!!!", nil}, // no words: nothing
			{"hidden", nil},
			{"private", nil},
		}
		for _, c := range cases {
			var want []reflection.Reflection
			for _, i := range c.want {
				want = append(want, rs[i])
			}
			for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
				q := storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Search: c.search, Order: order}
				got := listAll(t, h.store, listFeed(q, 2))
				assert.Equal(t, reflectionIDs(feedOrder(want, order)), reflectionIDs(got), "%s (search %q)", reflSearchSentence, c.search)
			}
		}
		mod := reflection.Viewer{Participant: "moderator", Moderator: true}
		got := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: mod, Search: "fox"}, 0))
		assert.ElementsMatch(t, []uuid.UUID{rs[0].ID, rs[1].ID, rs[4].ID, hidden.ID}, reflectionIDs(got),
			"search must return what the viewer may read: a moderator reads hidden reflections")
		got = listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: reflection.Viewer{Participant: es[1].ParticipantID}, Search: "private"}, 0))
		assert.Equal(t, []uuid.UUID{private.ID}, reflectionIDs(got), "search must find the author's own private reflection")
	})

	t.Run("Concurrency", func(t *testing.T) {
		testReflectionConcurrency(t, h.store)
		t.Run("TwoHandles", func(t *testing.T) {
			second := h.secondHandle(t)
			testReflectionConcurrency(t, h.store, second)
		})
	})

	t.Run("SearchIDsOutOfOrder", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		// IDs need not arrive in order (another process, an import): an
		// index in insertion order must not stand in for ID order.
		ids := sortedIDs(9)
		var rs []reflection.Reflection
		for i, id := range ids {
			r := newReflection(es[i%2], i+1, "walk", reflection.Programme, fmt.Sprintf("zebra crossing number %d", i))
			r.ID = id
			if i == 4 {
				r.Visibility = reflection.Private
			}
			rs = append(rs, r)
		}
		for _, i := range []int{4, 0, 8, 2, 6, 1, 7, 3, 5} {
			mustWrite(t, h.store, insertReflections(rs[i]))
		}
		v := reflection.Viewer{Participant: "reader"}
		for _, search := range []string{"zebra", "crossing zebra", "number"} {
			var want []reflection.Reflection
			for _, r := range rs {
				if r.Visibility != reflection.Private {
					want = append(want, r)
				}
			}
			for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
				for _, limit := range []int{1, 2, 3, 0} {
					q := storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Search: search, Order: order}
					got := listAll(t, h.store, listFeed(q, limit))
					assert.Equal(t, reflectionIDs(feedOrder(want, order)), reflectionIDs(got),
						"%s, and %s, whatever order the IDs were inserted in (search %q, order %d, limit %d)", reflSearchSentence, reflOrderSentence, search, order, limit)
				}
			}
		}
	})

	t.Run("VisibilityProof", func(t *testing.T) {
		t.Parallel()
		h.visibilityProof(t)
	})

	t.Run("RollbackLeavesNothing", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		r := newReflection(es[0], 1, "walk", reflection.Programme, "original words")
		resp := newResponse(r, es[1], "kept")
		mustWrite(t, h.store, insertReflections(r), func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertResponse(ctx, resp); err != nil {
				return err
			}
			return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: es[1].ParticipantID, Kind: reflection.Helpful, At: at(0, 0)})
		})
		before := mustGetReflection(t, h.store, r.ID)
		fresh := newReflection(es[1], 1, "walk", reflection.Programme, "rolled back words")
		errBoom := errors.New("boom")
		err := h.store.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.InsertReflection(ctx, fresh))
			require.NoError(t, tx.InsertResponse(ctx, newResponse(fresh, es[0], "gone")))
			require.NoError(t, tx.InsertResponse(ctx, newResponse(r, es[0], "gone too")))
			require.NoError(t, tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: es[0].ParticipantID, Kind: reflection.Agree, At: at(0, 0)}))
			require.NoError(t, tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: es[1].ParticipantID, Kind: reflection.Agree, At: at(0, 0)}))
			require.NoError(t, tx.PutReaction(ctx, reflection.Reaction{ReflectionID: fresh.ID, By: es[0].ParticipantID, Kind: reflection.Agree, At: at(0, 0)}))
			cur, err := tx.GetResponse(ctx, resp.ID)
			require.NoError(t, err)
			cur.Hidden = true
			require.NoError(t, tx.UpdateResponse(ctx, cur))
			upd, err := tx.GetReflection(ctx, r.ID)
			require.NoError(t, err)
			upd.Answers = []reflection.Answer{{Prompt: "p", Text: "replacement"}}
			upd.Visibility = reflection.Private
			require.NoError(t, tx.UpdateReflection(ctx, upd))
			return errBoom
		})
		require.ErrorIs(t, err, errBoom, "Update must return fn's error")
		_, err = getReflection(t, h.store, fresh.ID)
		assert.ErrorIs(t, err, storage.ErrNotFound, "a rolled-back transaction must leave no reflection")
		assertReflection(t, "a rolled-back transaction must leave a reflection, its counts included, as it was", before, mustGetReflection(t, h.store, r.ID))
		assert.Len(t, listAll(t, h.store, listResponses(r.ID, 0)), 1, "a rolled-back transaction must leave no response")
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetReaction(ctx, r.ID, es[1].ParticipantID)
			require.NoError(t, err)
			assert.Equal(t, reflection.Helpful, got.Kind, "a rolled-back transaction must leave a reaction as it was")
			_, err = tx.GetReaction(ctx, r.ID, es[0].ParticipantID)
			assert.ErrorIs(t, err, storage.ErrNotFound, "a rolled-back transaction must leave no reaction")
			resp, err := tx.GetResponse(ctx, resp.ID)
			require.NoError(t, err)
			assert.False(t, resp.Hidden, "a rolled-back transaction must leave a response as it was")
			return nil
		})
		v := reflection.Viewer{Participant: "viewer"}
		for _, c := range []struct {
			search string
			want   []uuid.UUID
		}{{"original", []uuid.UUID{r.ID}}, {"replacement", nil}, {"rolled", nil}, {"words", []uuid.UUID{r.ID}}} {
			got := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Search: c.search}, 0))
			assert.Equal(t, c.want, reflectionIDs(got), "a rolled-back transaction must leave the search index as it was (search %q)", c.search)
		}
		for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
			got := listAll(t, h.store, listFeed(storage.FeedQuery{ProgrammeID: sc.programme, Viewer: v, Order: order}, 0))
			assert.Equal(t, []uuid.UUID{r.ID}, reflectionIDs(got), "a rolled-back transaction must leave the feed as it was (order %d)", order)
		}
	})

	t.Run("Copies", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		es := sc.mustEnrol(t, 2, nil)
		r := newReflection(es[0], 1, "walk", reflection.Programme, "one", "two")
		want := normReflection(r)
		want.Responses = 1 // the response below
		resp := newResponse(r, es[1], "resp")
		resp.Flags = []reflection.Flag{{By: "f", Reason: "x", At: at(0, 0)}}
		wantResp := normResponse(resp)
		mustWrite(t, h.store, insertReflections(r), func(ctx context.Context, tx storage.Tx) error { return tx.InsertResponse(ctx, resp) })
		r.Answers[0].Text, r.Flags[0].Reason = "scribbled", "scribbled"
		resp.Flags[0].Reason = "scribbled"
		assertReflection(t, copyInSentence, want, mustGetReflection(t, h.store, r.ID))
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetReflection(ctx, r.ID)
			require.NoError(t, err)
			got.Answers[1].Text, got.Flags[0].Reason = "scribbled", "scribbled"
			page, err := tx.ListReflections(ctx, storage.FeedQuery{ProgrammeID: sc.programme, Viewer: reflection.Viewer{Participant: "v"}}, "", 0)
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
			page.Items[0].Answers[0].Text = "scribbled"
			page.Items[0].Flags[0].Reason = "scribbled"
			gotResp, err := tx.GetResponse(ctx, resp.ID)
			require.NoError(t, err)
			gotResp.Flags[0].Reason = "scribbled"
			return nil
		})
		assertReflection(t, copyOutSentence, want, mustGetReflection(t, h.store, r.ID))
		mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
			got, err := tx.GetResponse(ctx, resp.ID)
			require.NoError(t, err)
			assertResponse(t, copyOutSentence, wantResp, got)
			return nil
		})
	})
}

// visibilityProof builds reflections covering every combination of
// visibility (including an invalid one), hidden, deleted and erased, by
// authors in several teams (and one in none), then checks for many viewers,
// orders, filters and searches that ListReflections walked to its end
// returns exactly what reflection.CanRead and the filters allow.
func (h *harness) visibilityProof(t *testing.T) {
	sc := newScope(t, h.store)
	team := func(name challenge.TeamID) func() challenge.Enrolment {
		return func() challenge.Enrolment { e := sc.enrolment(); e.TeamID = name; return e }
	}
	authors := append(sc.mustEnrol(t, 2, team("team-red")), sc.mustEnrol(t, 1, team("team-blue"))...)
	authors = append(authors, sc.mustEnrol(t, 1, team(""))...)
	visibilities := []reflection.Visibility{reflection.Private, reflection.Team, reflection.Programme, 0, 9}
	var rs []reflection.Reflection
	n := 0
	for _, a := range authors {
		for _, vis := range visibilities {
			for state := range 8 {
				n++
				day := 1 + n%3
				activity := []string{"walk", "read"}[n%2]
				text := "plain words"
				if n%2 == 0 {
					text = "sunrise walk thoughts"
				}
				r := newReflection(a, day, activity, vis, text)
				// A distinct key for each: the day and activity repeat.
				r.ActivityID = fmt.Sprintf("%s-%d", activity, n)
				r.Hidden = state&1 != 0
				r.Deleted = state&2 != 0
				if state&4 != 0 {
					r.Erase()
				}
				rs = append(rs, r)
			}
		}
	}
	mustWrite(t, h.store, insertReflections(rs...))
	// Reactions on some, so that MostReacted orders differently.
	mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
		for i, r := range rs {
			for j := range i % 3 {
				if err := tx.PutReaction(ctx, reflection.Reaction{ReflectionID: r.ID, By: authors[j].ParticipantID, Kind: reflection.Helpful, At: at(0, 0)}); err != nil {
					return err
				}
			}
			rs[i].Reactions = i % 3
		}
		return nil
	})
	red1, red2, blue, loner := authors[0].ParticipantID, authors[1].ParticipantID, authors[2].ParticipantID, authors[3].ParticipantID
	viewers := map[string]reflection.Viewer{
		"anonymous":                       {},
		"anonymous moderator":             {Moderator: true, Team: "team-red"},
		"author red1":                     {Participant: red1, Team: "team-red"},
		"author red2":                     {Participant: red2, Team: "team-red"},
		"author blue":                     {Participant: blue, Team: "team-blue"},
		"author without team":             {Participant: loner},
		"same team":                       {Participant: "colleague", Team: "team-red"},
		"other team":                      {Participant: "stranger", Team: "team-green"},
		"no team":                         {Participant: "nobody"},
		"empty team and manager of empty": {Participant: "empty", Team: "", ManagerOf: []challenge.TeamID{""}},
		"manager of red":                  {Participant: "manager", ManagerOf: []challenge.TeamID{"team-red"}},
		"manager of red in blue":          {Participant: "manager2", Team: "team-blue", ManagerOf: []challenge.TeamID{"team-green", "team-red"}},
		"manager of red, red member":      {Participant: "manager3", Team: "team-red", ManagerOf: []challenge.TeamID{"team-red"}},
		"moderator":                       {Participant: "mod", Moderator: true},
		"moderator in red":                {Participant: "mod2", Team: "team-red", Moderator: true},
		"author red1 as moderator":        {Participant: red1, Team: "team-red", Moderator: true},
		"author blue managing red":        {Participant: blue, Team: "team-blue", ManagerOf: []challenge.TeamID{"team-red"}},
	}
	filters := []storage.FeedQuery{
		{},
		{Day: 2},
		{TeamID: "team-red"},
		{TeamID: "team-blue", ActivityID: rs[len(rs)/2].ActivityID},
		{Author: red1},
		{Author: loner},
		{Search: "sunrise"},
		{Search: "Sunrise WALK", Day: 3},
		{Search: "plain", TeamID: "team-red"},
	}
	names := make([]string, 0, len(viewers))
	for name := range viewers {
		names = append(names, name)
	}
	slices.Sort(names)
	readable := 0
	for _, name := range names {
		v := viewers[name]
		for _, f := range filters {
			for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
				q := f
				q.ProgrammeID, q.Viewer, q.Order = sc.programme, v, order
				var want []reflection.Reflection
				for _, r := range rs {
					if feedMatch(q, r) {
						want = append(want, r)
					}
				}
				readable += len(want)
				for _, limit := range []int{0, 3} {
					got := listAll(t, h.store, listFeed(q, limit))
					if !assert.Equal(t, reflectionIDs(feedOrder(want, order)), reflectionIDs(got),
						"%s (viewer %q %+v, filter %+v, order %d, limit %d)", reflVisibilitySentence, name, v, f, order, limit) {
						describeDiff(t, rs, want, got)
					}
				}
			}
		}
	}
	require.Positive(t, readable, "the proof must have readable reflections to compare")
}

// describeDiff logs which reflections were wrongly returned or missed.
func describeDiff(t *testing.T, all, want, got []reflection.Reflection) {
	t.Helper()
	in := func(rs []reflection.Reflection, id uuid.UUID) bool {
		return slices.ContainsFunc(rs, func(r reflection.Reflection) bool { return r.ID == id })
	}
	var b strings.Builder
	for _, r := range all {
		w, g := in(want, r.ID), in(got, r.ID)
		if w == g {
			continue
		}
		what := "leaked"
		if w {
			what = "missing"
		}
		fmt.Fprintf(&b, "\n  %s: author %q team %q visibility %d hidden %v deleted %v erased %v day %d",
			what, r.Author, r.AuthorTeam, r.Visibility, r.Hidden, r.Deleted, r.AuthorErased, r.Day)
	}
	t.Log(b.String())
}

package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Sentences of the reflection contract for concurrent writers.
const (
	reflConcurSentence = "concurrent response and reaction writes to one reflection, each in its own transaction, must all commit and each count " +
		"exactly once in Responses and Reactions: no lost and no double counts"
	reactionRaceSentence = "concurrent replacements and withdrawals of one person's reaction must leave at most one reaction, " +
		"and Reactions equal to the number of reactions stored"
)

// reflWrites is the number of responses and of reactions each writer
// adds in testConcurrentCounts, each in its own transaction.
const reflWrites = 12

// testReflectionConcurrency runs the concurrent-writer cases on stores
// (one, or two handles on the same data).
func testReflectionConcurrency(t *testing.T, stores ...storage.Store) {
	t.Run("CountsAreExact", func(t *testing.T) {
		t.Parallel()
		testConcurrentCounts(t, stores...)
	})
	t.Run("ReplaceAndWithdrawOneReaction", func(t *testing.T) {
		t.Parallel()
		testReactionRace(t, stores...)
	})
}

// testConcurrentCounts has every writer add responses (one in three
// hidden, which must not count) and reactions of its own participants to
// one reflection, each in its own transaction, and replace one of its
// reactions (which must not count again).
func testConcurrentCounts(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	es := sc.mustEnrol(t, 2, nil)
	parent := newReflection(es[0], 1, "walk", reflection.Programme)
	mustWrite(t, stores[0], insertReflections(parent))
	errs := race(stores, func(i int, s storage.Store) error {
		for n := range reflWrites {
			resp := newResponse(parent, es[1], fmt.Sprintf("writer %d response %d", i, n))
			resp.Hidden = n%3 == 0
			if err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.InsertResponse(ctx, resp)
			}); err != nil {
				return fmt.Errorf("writer %d, response %d: %w", i, n, err)
			}
			by := challenge.ParticipantID(fmt.Sprintf("reactor-%d-%d", i, n))
			if err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: parent.ID, By: by, Kind: reflection.Helpful, At: at(n, i)})
			}); err != nil {
				return fmt.Errorf("writer %d, reaction %d: %w", i, n, err)
			}
		}
		// A replacement changes the kind, not the count.
		by := challenge.ParticipantID(fmt.Sprintf("reactor-%d-0", i))
		if err := s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
			return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: parent.ID, By: by, Kind: reflection.Agree, At: at(99, i)})
		}); err != nil {
			return fmt.Errorf("writer %d, replacement: %w", i, err)
		}
		return nil
	})
	for _, err := range errs {
		require.NoError(t, err, reflConcurSentence)
	}
	counted := 0
	for n := range reflWrites {
		if n%3 != 0 {
			counted++
		}
	}
	got := mustGetReflection(t, stores[0], parent.ID)
	assert.Equal(t, writers*counted, got.Responses, reflConcurSentence+" (Responses; hidden responses are not counted)")
	assert.Equal(t, writers*reflWrites, got.Reactions, reflConcurSentence+" (Reactions)")
	assert.Len(t, listAll(t, stores[0], listResponses(parent.ID, 0)), writers*reflWrites, reflConcurSentence+" (every response stored once)")
	mustView(t, stores[0], func(ctx context.Context, tx storage.ReadTx) error {
		for i := range writers {
			for n := range reflWrites {
				r, err := tx.GetReaction(ctx, parent.ID, challenge.ParticipantID(fmt.Sprintf("reactor-%d-%d", i, n)))
				if !assert.NoError(t, err, reflConcurSentence+" (every reaction stored)") {
					return nil
				}
				want := reflection.Helpful
				if n == 0 {
					want = reflection.Agree
				}
				assert.Equal(t, want, r.Kind, reflConcurSentence+" (a replacement keeps its kind)")
			}
		}
		return nil
	})
}

// raceRounds is how many times testReactionRace races on a reaction.
const raceRounds = 6

// testReactionRace has every writer either replace or withdraw the same
// person's reaction to one reflection, at once, several rounds, beside a
// reaction of someone else that must stay counted.
func testReactionRace(t *testing.T, stores ...storage.Store) {
	sc := newScope(t, stores[0])
	es := sc.mustEnrol(t, 1, nil)
	parent := newReflection(es[0], 1, "walk", reflection.Programme)
	const other, contested = challenge.ParticipantID("bystander"), challenge.ParticipantID("contested")
	mustWrite(t, stores[0], insertReflections(parent), func(ctx context.Context, tx storage.Tx) error {
		return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: parent.ID, By: other, Kind: reflection.Inspiring, At: at(0, 0)})
	})
	for round := range raceRounds {
		errs := race(stores, func(i int, s storage.Store) error {
			return s.Update(t.Context(), func(ctx context.Context, tx storage.Tx) error {
				if i%2 == 1 {
					err := tx.DeleteReaction(ctx, parent.ID, contested)
					if errors.Is(err, storage.ErrNotFound) {
						return nil // withdrawn already, or not yet put
					}
					return err
				}
				kind := reflection.ReactionKinds()[i/2%len(reflection.ReactionKinds())]
				return tx.PutReaction(ctx, reflection.Reaction{ReflectionID: parent.ID, By: contested, Kind: kind, At: at(round, i)})
			})
		})
		for _, err := range errs {
			require.NoError(t, err, "%s (round %d: PutReaction must succeed, DeleteReaction succeed or return ErrNotFound)", reactionRaceSentence, round)
		}
		want := 1 // the bystander's
		mustView(t, stores[0], func(ctx context.Context, tx storage.ReadTx) error {
			r, err := tx.GetReaction(ctx, parent.ID, contested)
			switch {
			case err == nil:
				want++
				assert.True(t, r.Kind.Valid(), "%s (round %d: the stored reaction must be one that was put)", reactionRaceSentence, round)
			case !errors.Is(err, storage.ErrNotFound):
				return err
			}
			list, err := tx.ListReactionsBy(ctx, contested, []uuid.UUID{parent.ID})
			if err != nil {
				return err
			}
			assert.LessOrEqual(t, len(list), 1, "%s (round %d)", reactionRaceSentence, round)
			return nil
		})
		assert.Equal(t, want, mustGetReflection(t, stores[0], parent.ID).Reactions, "%s (round %d)", reactionRaceSentence, round)
	}
}

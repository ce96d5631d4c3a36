package rankindextest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

// Run runs the conformance suite as subtests of t. newIndex returns an
// index for one subtest and registers its cleanup with t.Cleanup; indexes
// may share storage (the suite gives every board a random key), but each
// must behave as the one Index the contract describes.
func Run(t *testing.T, newIndex func(t *testing.T) rankindex.Index) {
	cases := []struct {
		name string
		fn   func(t *testing.T, ix rankindex.Index)
	}{
		{"VersionRule", testVersionRule},
		{"Tombstones", testTombstones},
		{"CompetitionTies", testCompetitionTies},
		{"FirstReachedTies", testFirstReachedTies},
		{"Paging", testPaging},
		{"Neighbourhood", testNeighbourhood},
		{"RankOfScore", testRankOfScore},
		{"Warming", testWarming},
		{"BeginWarmOnce", testBeginWarmOnce},
		{"Isolation", testIsolation},
		{"Drop", testDrop},
		{"MemberBytes", testMemberBytes},
		{"ScoreLimits", testScoreLimits},
		{"Validation", testValidation},
		{"ConcurrentApply", testConcurrentApply},
		{"RandomModel", testRandomModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t, newIndex(t))
		})
	}
}

// board returns a board with a key no other test uses.
func board(t *testing.T, r leaderboard.Ranking) rankindex.Board {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return rankindex.Board{Key: "rankindextest:" + t.Name() + ":" + hex.EncodeToString(b), Ranking: r}
}

// readyBoard returns a new board, warmed (empty) and Ready.
func readyBoard(t *testing.T, ix rankindex.Index, r leaderboard.Ranking) rankindex.Board {
	t.Helper()
	b := board(t, r)
	ok, err := ix.BeginWarm(t.Context(), b)
	require.NoError(t, err)
	require.True(t, ok, "BeginWarm on a new board must claim the warm-up")
	require.NoError(t, ix.FinishWarm(t.Context(), b))
	return b
}

func set(member string, score, at, version int64) rankindex.Update {
	return rankindex.Update{Member: member, Score: score, At: at, Version: version}
}

func remove(member string, version int64) rankindex.Update {
	return rankindex.Update{Member: member, Version: version, Remove: true}
}

func apply(t *testing.T, ix rankindex.Index, b rankindex.Board, us ...rankindex.Update) {
	t.Helper()
	require.NoError(t, ix.Apply(t.Context(), b, us...))
}

// all returns the whole board in listing order.
func all(t *testing.T, ix rankindex.Index, b rankindex.Board) []rankindex.Ranked {
	t.Helper()
	rs, err := ix.Range(t.Context(), b, 0, 1<<20)
	require.NoError(t, err)
	return rs
}

// norm makes nil and empty slices compare equal.
func norm(rs []rankindex.Ranked) []rankindex.Ranked {
	if rs == nil {
		return []rankindex.Ranked{}
	}
	return rs
}

func members(rs []rankindex.Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Member
	}
	return out
}

func ranks(rs []rankindex.Ranked) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Rank
	}
	return out
}

func standing(t *testing.T, ix rankindex.Index, b rankindex.Board, member string) rankindex.Standing {
	t.Helper()
	s, err := ix.Standing(t.Context(), b, member)
	require.NoError(t, err, "standing of %q", member)
	r, err := rankindex.RankOf(t.Context(), ix, b, member)
	require.NoError(t, err, "rankindex.RankOf %q", member)
	want := s
	want.Position = -1
	assert.Equal(t, want, r, "rankindex.RankOf must be Standing with Position -1")
	return s
}

func testVersionRule(t *testing.T, ix rankindex.Index) {
	const rule = "an update applies only when its Version is greater than the member's last applied one"
	b := readyBoard(t, ix, leaderboard.Competition)
	apply(t, ix, b, set("ann", 10, 1, 2))
	apply(t, ix, b, set("ann", 99, 2, 1))
	assert.Equal(t, int64(10), standing(t, ix, b, "ann").Score, "%s: a stale update (version 1 after 2) must be ignored", rule)
	apply(t, ix, b, set("ann", 50, 3, 2))
	assert.Equal(t, int64(10), standing(t, ix, b, "ann").Score, "%s: a repeated version must be ignored, even with another score", rule)
	apply(t, ix, b, set("ann", 20, 4, 3))
	s := standing(t, ix, b, "ann")
	assert.Equal(t, int64(20), s.Score, "%s: a newer version must apply", rule)
	assert.Equal(t, int64(4), s.At, "%s: a newer version must set At", rule)

	// Several updates of one member in one call apply in order.
	apply(t, ix, b, set("bob", 5, 1, 1), set("bob", 7, 2, 3), set("bob", 6, 3, 2))
	assert.Equal(t, int64(7), standing(t, ix, b, "bob").Score, "%s: updates in one Apply must apply in order, each under the rule", rule)
	assert.Equal(t, 2, standing(t, ix, b, "bob").Total, "%s: a member updated several times must be held once", rule)
}

func testTombstones(t *testing.T, ix rankindex.Index) {
	const rule = "a removal keeps its version, so a late update with a smaller version cannot bring the member back"
	ctx := t.Context()
	b := readyBoard(t, ix, leaderboard.Competition)
	apply(t, ix, b, set("ann", 10, 1, 1), set("bob", 8, 1, 1))
	apply(t, ix, b, remove("ann", 3))
	_, err := ix.Standing(ctx, b, "ann")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: a removed member must not be ranked", rule)
	apply(t, ix, b, set("ann", 30, 2, 2))
	_, err = ix.Standing(ctx, b, "ann")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: a late update (version 2 after removal 3) must be ignored", rule)
	apply(t, ix, b, set("ann", 30, 2, 3))
	_, err = ix.Standing(ctx, b, "ann")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: an update with the removal's own version must be ignored", rule)
	_, err = rankindex.RankOf(ctx, ix, b, "ann")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: rankindex.RankOf of a removed member", rule)
	assert.Equal(t, 1, standing(t, ix, b, "bob").Total, "%s: the board must count only present members", rule)

	// A removal of a member never seen leaves a tombstone too.
	apply(t, ix, b, remove("cat", 5))
	apply(t, ix, b, set("cat", 40, 1, 4))
	_, err = ix.Standing(ctx, b, "cat")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: a removal that arrives first must still win over an older update", rule)

	apply(t, ix, b, set("ann", 12, 9, 4))
	s := standing(t, ix, b, "ann")
	assert.Equal(t, int64(12), s.Score, "%s: a newer update after a removal must apply", rule)
	assert.Equal(t, 1, s.Rank, "%s: the returning member must be ranked by its new score", rule)
	assert.Equal(t, []string{"ann", "bob"}, members(all(t, ix, b)), "%s: the listing must hold the returning member once", rule)

	// Removing a member twice, or a member that is absent, is harmless.
	apply(t, ix, b, remove("ann", 6), remove("ann", 7))
	assert.Equal(t, []string{"bob"}, members(all(t, ix, b)), "%s: repeated removals must leave the member off the board", rule)
}

// tieBoard loads the tie example: ann 10, then bob, cat and dan tied on 8
// (reached at 5, 3 and 3), then eve 5.
func tieBoard(t *testing.T, ix rankindex.Index, r leaderboard.Ranking) rankindex.Board {
	b := readyBoard(t, ix, r)
	apply(t, ix, b,
		set("eve", 5, 1, 1),
		set("dan", 8, 3, 1),
		set("bob", 8, 5, 1),
		set("ann", 10, 9, 1),
		set("cat", 8, 3, 1),
	)
	return b
}

func testCompetitionTies(t *testing.T, ix rankindex.Index) {
	const rule = "under Competition, members with equal scores share a rank and the next rank skips (1224)"
	b := tieBoard(t, ix, leaderboard.Competition)
	got := all(t, ix, b)
	assert.Equal(t, []string{"ann", "cat", "dan", "bob", "eve"}, members(got), "%s: the listing order must be score desc, At asc, member asc", rule)
	assert.Equal(t, []int{1, 2, 2, 2, 5}, ranks(got), rule)
	for i, r := range got {
		assert.Equal(t, i, r.Position, "%s: Position must be the place in the listing", rule)
	}
	s := standing(t, ix, b, "bob")
	assert.Equal(t, rankindex.Standing{Ranked: rankindex.Ranked{Member: "bob", Score: 8, At: 5, Rank: 2, Position: 3}, Tied: 3, Total: 5}, s,
		"%s: Standing must give rank, position, Tied (the member included) and Total", rule)
	assert.Equal(t, 1, standing(t, ix, b, "ann").Tied, "%s: a member alone on its score has Tied 1", rule)
	assert.Equal(t, 5, standing(t, ix, b, "eve").Rank, rule)
}

func testFirstReachedTies(t *testing.T, ix rankindex.Index) {
	const rule = "under FirstReached, ties break by who reached the score first, then by member id, so ranks are unique"
	b := tieBoard(t, ix, leaderboard.FirstReached)
	got := all(t, ix, b)
	assert.Equal(t, []string{"ann", "cat", "dan", "bob", "eve"}, members(got), rule)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, ranks(got), rule)
	s := standing(t, ix, b, "bob")
	assert.Equal(t, rankindex.Standing{Ranked: rankindex.Ranked{Member: "bob", Score: 8, At: 5, Rank: 4, Position: 3}, Tied: 3, Total: 5}, s,
		"%s: Tied still counts members with the same score", rule)
	// Reaching the same score later moves a member behind.
	apply(t, ix, b, set("cat", 8, 7, 2))
	assert.Equal(t, []string{"ann", "dan", "bob", "cat", "eve"}, members(all(t, ix, b)), "%s: an update's At must move the member among its ties", rule)
}

func testPaging(t *testing.T, ix rankindex.Index) {
	const rule = "pages of Range taken one after another must list every member once, with no duplicates or gaps"
	for _, r := range []leaderboard.Ranking{leaderboard.Competition, leaderboard.FirstReached} {
		b := readyBoard(t, ix, r)
		m := newModel(r)
		rng := mrand.New(mrand.NewPCG(7, uint64(r)))
		var us []rankindex.Update
		for i := range 103 {
			us = append(us, set(fmt.Sprintf("m%03d", i), rng.Int64N(10), rng.Int64N(5), 1))
		}
		apply(t, ix, b, us...)
		m.apply(us...)
		want := m.listing()
		for _, size := range []int{1, 7, 10, 103, 200} {
			var got []rankindex.Ranked
			for from := 0; ; from += size {
				page, err := ix.Range(t.Context(), b, from, size)
				require.NoError(t, err)
				if len(page) == 0 {
					break
				}
				assert.LessOrEqual(t, len(page), size, "%s: a page must hold at most n members", rule)
				got = append(got, page...)
			}
			assert.Equal(t, want, got, "%s (%v, pages of %d)", rule, r, size)
		}
		page, err := ix.Range(t.Context(), b, 103, 10)
		require.NoError(t, err)
		assert.Empty(t, page, "%s: a page past the end must be empty", rule)
		page, err = ix.Range(t.Context(), b, 100, 0)
		require.NoError(t, err)
		assert.Empty(t, page, "%s: a page of 0 must be empty", rule)
		page, err = ix.Range(t.Context(), b, 98, 10)
		require.NoError(t, err)
		assert.Equal(t, want[98:], page, "%s: the last page must be short", rule)
	}
}

func testNeighbourhood(t *testing.T, ix rankindex.Index) {
	const rule = "Neighbourhood must return up to k members above and below, clipped at the ends of the board"
	b := readyBoard(t, ix, leaderboard.Competition)
	var us []rankindex.Update
	for i := range 10 {
		us = append(us, set(fmt.Sprintf("m%d", i), int64(100-i/2), 0, 1)) // pairs of ties
	}
	apply(t, ix, b, us...)
	want := all(t, ix, b)
	require.Len(t, want, 10)
	cases := []struct {
		member   string
		k        int
		from, to int
	}{
		{"m0", 2, 0, 3},
		{"m1", 2, 0, 4},
		{"m5", 2, 3, 8},
		{"m9", 2, 7, 10},
		{"m8", 3, 5, 10},
		{"m4", 0, 4, 5},
		{"m4", 50, 0, 10},
	}
	for _, c := range cases {
		got, err := ix.Neighbourhood(t.Context(), b, c.member, c.k)
		require.NoError(t, err)
		assert.Equal(t, want[c.from:c.to], got, "%s: %s with k=%d", rule, c.member, c.k)
	}
	_, err := ix.Neighbourhood(t.Context(), b, "nobody", 2)
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, "%s: a member not on the board is ErrNotRanked", rule)
}

func testRankOfScore(t *testing.T, ix rankindex.Index) {
	const rule = "RankOfScore must be 1 + the number of members with a strictly higher score, with the board's size"
	for _, r := range []leaderboard.Ranking{leaderboard.Competition, leaderboard.FirstReached} {
		b := readyBoard(t, ix, r)
		rank, total, err := ix.RankOfScore(t.Context(), b, 5)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 0}, []int{rank, total}, "%s: on an empty board", rule)
		apply(t, ix, b, set("a", 10, 0, 1), set("b", 8, 0, 1), set("c", 8, 0, 1), set("d", -3, 0, 1))
		for _, c := range []struct {
			score int64
			rank  int
		}{{11, 1}, {10, 1}, {9, 2}, {8, 2}, {7, 4}, {-3, 4}, {-4, 5}, {-rankindex.MaxScore, 5}, {rankindex.MaxScore, 1}} {
			rank, total, err := ix.RankOfScore(t.Context(), b, c.score)
			require.NoError(t, err)
			assert.Equal(t, []int{c.rank, 4}, []int{rank, total}, "%s: score %d (%v)", rule, c.score, r)
		}
	}
}

func testWarming(t *testing.T, ix rankindex.Index) {
	const rule = "a board answers queries only when Ready; until then queries return ErrWarming"
	ctx := t.Context()
	b := board(t, leaderboard.Competition)
	queriesWarm := func(when string) {
		t.Helper()
		_, err := ix.Standing(ctx, b, "ann")
		assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: Standing %s", rule, when)
		_, err = rankindex.RankOf(ctx, ix, b, "ann")
		assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: rankindex.RankOf %s", rule, when)
		_, _, err = ix.RankOfScore(ctx, b, 1)
		assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: RankOfScore %s", rule, when)
		_, err = ix.Range(ctx, b, 0, 10)
		assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: Range %s", rule, when)
		_, err = ix.Neighbourhood(ctx, b, "ann", 1)
		assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: Neighbourhood %s", rule, when)
	}
	state := func() rankindex.State {
		t.Helper()
		s, err := ix.State(ctx, b)
		require.NoError(t, err)
		return s
	}
	assert.Equal(t, rankindex.Cold, state(), "%s: a new board is Cold", rule)
	queriesWarm("on a Cold board")
	apply(t, ix, b, set("ann", 10, 1, 1)) // a live update before the warm-up
	assert.Equal(t, rankindex.Cold, state(), "%s: Apply must not change the state", rule)
	queriesWarm("on a Cold board that has scores")

	ok, err := ix.BeginWarm(ctx, b)
	require.NoError(t, err)
	assert.True(t, ok, "%s: BeginWarm on a Cold board must claim the warm-up", rule)
	assert.Equal(t, rankindex.Warming, state(), "%s: a claimed board is Warming", rule)
	ok, err = ix.BeginWarm(ctx, b)
	require.NoError(t, err)
	assert.False(t, ok, "%s: BeginWarm on a Warming board must not claim it again", rule)
	queriesWarm("while Warming")

	require.NoError(t, ix.AbandonWarm(ctx, b))
	assert.Equal(t, rankindex.Cold, state(), "%s: AbandonWarm returns a Warming board to Cold", rule)
	queriesWarm("after AbandonWarm")
	ok, err = ix.BeginWarm(ctx, b)
	require.NoError(t, err)
	assert.True(t, ok, "%s: after AbandonWarm another caller can claim the warm-up", rule)

	apply(t, ix, b, set("ann", 3, 0, 1), set("bob", 7, 2, 1)) // the warmer's load: ann's version 1 again
	require.NoError(t, ix.FinishWarm(ctx, b))
	assert.Equal(t, rankindex.Ready, state(), "%s: FinishWarm makes the board Ready", rule)
	got := all(t, ix, b)
	assert.Equal(t, []string{"ann", "bob"}, members(got), "%s: scores applied before and during the warm-up must be held", rule)
	assert.Equal(t, int64(10), got[0].Score, "%s: a warm-up replaying an applied version must not change it", rule)

	ok, err = ix.BeginWarm(ctx, b)
	require.NoError(t, err)
	assert.False(t, ok, "%s: BeginWarm on a Ready board must not claim it", rule)
	require.NoError(t, ix.AbandonWarm(ctx, b))
	assert.Equal(t, rankindex.Ready, state(), "%s: AbandonWarm must leave a Ready board Ready", rule)
}

func testBeginWarmOnce(t *testing.T, ix rankindex.Index) {
	const rule = "BeginWarm must return true to exactly one of many concurrent callers"
	for range 5 {
		b := board(t, leaderboard.Competition)
		var wins atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 16 {
			wg.Go(func() {
				<-start
				ok, err := ix.BeginWarm(context.Background(), b)
				assert.NoError(t, err)
				if ok {
					wins.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load(), rule)
	}
}

func testIsolation(t *testing.T, ix rankindex.Index) {
	const rule = "boards are independent: an update, a warm-up or a Drop on one never shows on another"
	ctx := t.Context()
	b1 := readyBoard(t, ix, leaderboard.Competition)
	b2 := readyBoard(t, ix, leaderboard.FirstReached)
	b3 := board(t, leaderboard.Competition)
	apply(t, ix, b1, set("ann", 10, 0, 5), set("bob", 20, 0, 1))
	apply(t, ix, b2, set("ann", 30, 0, 1))
	assert.Equal(t, int64(30), standing(t, ix, b2, "ann").Score, "%s: the same member on two boards has two scores; versions are per board", rule)
	assert.Equal(t, 1, standing(t, ix, b2, "ann").Total, rule)
	assert.Equal(t, 2, standing(t, ix, b1, "ann").Rank, rule)
	s, err := ix.State(ctx, b3)
	require.NoError(t, err)
	assert.Equal(t, rankindex.Cold, s, "%s: warming other boards must leave a new one Cold", rule)
	require.NoError(t, ix.Drop(ctx, b1))
	assert.Equal(t, int64(30), standing(t, ix, b2, "ann").Score, "%s: Drop of one board must keep the others", rule)
}

func testDrop(t *testing.T, ix rankindex.Index) {
	const rule = "Drop forgets a board entirely, versions and tombstones included, and leaves it Cold"
	ctx := t.Context()
	b := readyBoard(t, ix, leaderboard.Competition)
	apply(t, ix, b, set("ann", 10, 0, 5), remove("bob", 9))
	require.NoError(t, ix.Drop(ctx, b))
	s, err := ix.State(ctx, b)
	require.NoError(t, err)
	assert.Equal(t, rankindex.Cold, s, rule)
	_, err = ix.Standing(ctx, b, "ann")
	assert.ErrorIs(t, err, rankindex.ErrWarming, "%s: a dropped board must answer ErrWarming", rule)
	ok, err := ix.BeginWarm(ctx, b)
	require.NoError(t, err)
	require.True(t, ok, "%s: a dropped board can be warmed again", rule)
	apply(t, ix, b, set("ann", 3, 0, 1), set("bob", 4, 0, 1))
	require.NoError(t, ix.FinishWarm(ctx, b))
	got := all(t, ix, b)
	assert.Equal(t, []string{"bob", "ann"}, members(got), "%s: versions and tombstones from before the Drop must not hold back new updates", rule)
	require.NoError(t, ix.Drop(ctx, b))
	require.NoError(t, ix.Drop(ctx, b), "%s: dropping a board twice must succeed", rule)
}

func testMemberBytes(t *testing.T, ix rankindex.Index) {
	const rule = "members are compared byte by byte: ties list in member order whatever bytes the ids hold"
	b := readyBoard(t, ix, leaderboard.FirstReached)
	ms := []string{"a", "a\x00", "a\x00\x00", "a\x00b", "a\x01", "ab", "a|", "b", "\x00", "\xff", "\xff\xff", "é", "Z", "z", "a b"}
	var us []rankindex.Update
	m := newModel(b.Ranking)
	for i, name := range ms {
		us = append(us, set(name, 7, 3, int64(i+1)))
	}
	// And some with other At values, including negative ones.
	us = append(us, set("early", 7, -5, 1), set("late", 7, 1<<62, 1), set("earliest", 7, -1<<63, 1), set("latest", 7, 1<<63-1, 1))
	apply(t, ix, b, us...)
	m.apply(us...)
	assert.Equal(t, m.listing(), all(t, ix, b), rule)
	for _, name := range ms {
		want, _ := m.standing(name)
		assert.Equal(t, want, standing(t, ix, b, name), "%s: standing of %q", rule, name)
	}
}

func testScoreLimits(t *testing.T, ix rankindex.Index) {
	const rule = "scores within ±MaxScore are held exactly; beyond it Apply fails with a validation error"
	b := readyBoard(t, ix, leaderboard.Competition)
	apply(t, ix, b,
		set("max", rankindex.MaxScore, 0, 1),
		set("below", rankindex.MaxScore-1, 0, 1),
		set("min", -rankindex.MaxScore, 0, 1),
		set("above", -rankindex.MaxScore+1, 0, 1),
		set("zero", 0, 0, 1),
	)
	got := all(t, ix, b)
	assert.Equal(t, []string{"max", "below", "zero", "above", "min"}, members(got), rule)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, ranks(got), "%s: neighbouring large scores must not tie", rule)
	assert.Equal(t, int64(rankindex.MaxScore-1), got[1].Score, rule)
	assert.Equal(t, int64(-rankindex.MaxScore), got[4].Score, rule)
	for _, s := range []int64{rankindex.MaxScore + 1, -rankindex.MaxScore - 1, 1<<63 - 1, -1 << 63} {
		err := ix.Apply(t.Context(), b, set("max", s, 0, 2))
		assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: score %d", rule, s)
	}
	assert.Equal(t, int64(rankindex.MaxScore), standing(t, ix, b, "max").Score, "%s: a rejected update must change nothing", rule)
}

func testValidation(t *testing.T, ix rankindex.Index) {
	const rule = "bad input gets a validation error naming the field and changes nothing"
	ctx := t.Context()
	b := readyBoard(t, ix, leaderboard.Competition)
	apply(t, ix, b, set("ann", 1, 0, 1))
	long := string(make([]byte, rankindex.MaxMemberLen+1))
	bad := []struct {
		name  string
		b     rankindex.Board
		u     rankindex.Update
		field string
	}{
		{"empty member", b, set("", 1, 0, 2), "updates[1].member"},
		{"long member", b, set(long, 1, 0, 2), "updates[1].member"},
		{"version 0", b, set("bob", 1, 0, 0), "updates[1].version"},
		{"negative version", b, remove("bob", -1), "updates[1].version"},
		{"version too large", b, set("bob", 1, 0, rankindex.MaxVersion+1), "updates[1].version"},
		{"score too large", b, set("bob", rankindex.MaxScore+1, 0, 2), "updates[1].score"},
		{"empty key", rankindex.Board{}, set("bob", 1, 0, 2), "board.key"},
		{"long key", rankindex.Board{Key: string(make([]byte, rankindex.MaxKeyLen+1))}, set("bob", 1, 0, 2), "board.key"},
		{"unknown ranking", rankindex.Board{Key: b.Key, Ranking: 7}, set("bob", 1, 0, 2), "board.ranking"},
	}
	for _, c := range bad {
		// The first update is valid: it must not be applied either.
		err := ix.Apply(ctx, c.b, set("ann", 50, 0, 9), c.u)
		require.Error(t, err, "%s: %s", rule, c.name)
		assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: %s", rule, c.name)
		var ve *challenge.ValidationError
		if assert.ErrorAs(t, err, &ve, "%s: %s", rule, c.name) {
			assert.Equal(t, c.field, ve.Field, "%s: %s", rule, c.name)
		}
	}
	got := all(t, ix, b)
	assert.Equal(t, []string{"ann"}, members(got), rule)
	assert.Equal(t, int64(1), got[0].Score, "%s: a batch with one bad update must apply none", rule)
	apply(t, ix, b, set("ann", 2, 0, 2))
	assert.Equal(t, int64(2), standing(t, ix, b, "ann").Score, "%s: rejected versions must not be recorded", rule)

	_, err := ix.Range(ctx, b, -1, 5)
	assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: Range from -1", rule)
	_, err = ix.Range(ctx, b, 0, -1)
	assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: Range n -1", rule)
	_, err = ix.Neighbourhood(ctx, b, "ann", -1)
	assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: Neighbourhood k -1", rule)
	_, err = ix.Standing(ctx, rankindex.Board{}, "ann")
	assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: Standing on an empty key", rule)
	_, err = ix.BeginWarm(ctx, rankindex.Board{})
	assert.ErrorIs(t, err, challenge.ErrInvalid, "%s: BeginWarm on an empty key", rule)
}

func testConcurrentApply(t *testing.T, ix rankindex.Index) {
	const rule = "concurrent Apply calls from many goroutines, with retries and late deliveries, end exactly as the highest versions say"
	b := readyBoard(t, ix, leaderboard.Competition)
	const (
		workers  = 16
		nMembers = 50
		versions = 40
	)
	// Every (member, version) update is delivered by two random workers
	// (a retry), in an order each worker shuffles.
	score := func(m, v int) int64 { return int64((m*7919 + v*104729) % 1000) }
	work := make([][]rankindex.Update, workers)
	rng := mrand.New(mrand.NewPCG(11, 12))
	for m := range nMembers {
		for v := 1; v <= versions; v++ {
			u := set(fmt.Sprintf("m%02d", m), score(m, v), int64(v), int64(v))
			if m%5 == 0 && v == versions {
				u = remove(u.Member, int64(v))
			}
			for range 2 {
				w := rng.IntN(workers)
				work[w] = append(work[w], u)
			}
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		rng := mrand.New(mrand.NewPCG(uint64(w), 99))
		us := work[w]
		rng.Shuffle(len(us), func(i, j int) { us[i], us[j] = us[j], us[i] })
		wg.Go(func() {
			for len(us) > 0 {
				n := min(1+rng.IntN(4), len(us))
				if err := ix.Apply(context.Background(), b, us[:n]...); err != nil {
					t.Errorf("%s: Apply: %v", rule, err)
					return
				}
				us = us[n:]
			}
		})
	}
	wg.Wait()
	m := newModel(b.Ranking)
	for mi := range nMembers {
		name := fmt.Sprintf("m%02d", mi)
		if mi%5 == 0 {
			m.apply(remove(name, versions))
		} else {
			m.apply(set(name, score(mi, versions), versions, versions))
		}
	}
	assert.Equal(t, m.listing(), all(t, ix, b), rule)
}

func testRandomModel(t *testing.T, ix rankindex.Index) {
	const rule = "every answer must match a sorted-slice model after any sequence of updates, removals and stale deliveries"
	ops := 3000
	if testing.Short() {
		ops = 500
	}
	for _, r := range []leaderboard.Ranking{leaderboard.Competition, leaderboard.FirstReached} {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("%v/seed%d", r, seed), func(t *testing.T) {
				randomModel(t, ix, r, seed, ops, rule)
			})
		}
	}
}

func randomModel(t *testing.T, ix rankindex.Index, r leaderboard.Ranking, seed uint64, ops int, rule string) {
	ctx := t.Context()
	b := readyBoard(t, ix, r)
	m := newModel(r)
	rng := mrand.New(mrand.NewPCG(seed, 1234))
	nMembers := 20 + rng.IntN(200)
	maxScore := int64(3 + rng.IntN(50)) // small ranges make many ties
	name := func() string { return fmt.Sprintf("p%03d", rng.IntN(nMembers)) }
	version := map[string]int64{}
	next := func(member string) int64 {
		version[member] += 1 + rng.Int64N(3)
		return version[member]
	}
	failed := func(op int, what string) bool {
		t.Helper()
		if t.Failed() {
			t.Fatalf("%s: seed %d, operation %d: %s", rule, seed, op, what)
		}
		return false
	}
	for op := range ops {
		switch k := rng.IntN(100); {
		case k < 40: // a batch of fresh updates
			var us []rankindex.Update
			for range 1 + rng.IntN(4) {
				mb := name()
				us = append(us, set(mb, rng.Int64N(maxScore)-maxScore/4, rng.Int64N(20), next(mb)))
			}
			apply(t, ix, b, us...)
			m.apply(us...)
		case k < 48: // a removal
			mb := name()
			u := remove(mb, next(mb))
			apply(t, ix, b, u)
			m.apply(u)
		case k < 56: // a stale or repeated delivery
			mb := name()
			if version[mb] == 0 {
				continue
			}
			u := set(mb, rng.Int64N(maxScore), rng.Int64N(20), 1+rng.Int64N(version[mb]))
			apply(t, ix, b, u)
			m.apply(u)
		case k < 72:
			mb := name()
			got, err := ix.Standing(ctx, b, mb)
			want, ok := m.standing(mb)
			if !ok {
				assert.ErrorIs(t, err, rankindex.ErrNotRanked)
			} else if assert.NoError(t, err) {
				assert.Equal(t, want, got)
			}
			failed(op, "Standing of "+mb)
		case k < 82:
			from, n := rng.IntN(len(m.entries)+3), rng.IntN(12)
			got, err := ix.Range(ctx, b, from, n)
			require.NoError(t, err)
			assert.Equal(t, norm(m.rangeOf(from, n)), norm(got))
			failed(op, fmt.Sprintf("Range(%d, %d)", from, n))
		case k < 92:
			mb, kk := name(), rng.IntN(6)
			got, err := ix.Neighbourhood(ctx, b, mb, kk)
			want, ok := m.neighbourhood(mb, kk)
			if !ok {
				assert.ErrorIs(t, err, rankindex.ErrNotRanked)
			} else if assert.NoError(t, err) {
				assert.Equal(t, want, got)
			}
			failed(op, fmt.Sprintf("Neighbourhood(%s, %d)", mb, kk))
		default:
			s := rng.Int64N(maxScore+4) - maxScore/4 - 2
			rank, total, err := ix.RankOfScore(ctx, b, s)
			require.NoError(t, err)
			assert.Equal(t, []int{m.countAbove(s) + 1, len(m.entries)}, []int{rank, total})
			failed(op, fmt.Sprintf("RankOfScore(%d)", s))
		}
	}
	assert.Equal(t, norm(m.listing()), norm(all(t, ix, b)), "%s: the final board (seed %d)", rule, seed)
}

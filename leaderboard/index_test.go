package leaderboard_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

// board builds an index from (member, score, at) triples.
func board(r leaderboard.Ranking, entries ...leaderboard.Entry) *leaderboard.Index {
	ix := leaderboard.New(r)
	for _, e := range entries {
		ix.Set(e.Member, e.Score, e.At)
	}
	return ix
}

func e(member string, score, at int64) leaderboard.Entry {
	return leaderboard.Entry{Member: member, Score: score, At: at}
}

// tiedBoard has two ties: ann and bob at 50, dan and eve at 30. bob reached
// 50 first; dan and eve reached 30 at the same moment, so ids decide.
var tiedBoard = []leaderboard.Entry{
	e("ann", 50, 20), e("bob", 50, 10), e("cat", 40, 5), e("eve", 30, 7), e("dan", 30, 7), e("fay", 10, 1),
}

func TestRankSemantics(t *testing.T) {
	tests := []struct {
		name    string
		ranking leaderboard.Ranking
		want    map[string]int
	}{
		{"competition 1224", leaderboard.Competition, map[string]int{"ann": 1, "bob": 1, "cat": 3, "dan": 4, "eve": 4, "fay": 6}},
		{"first reached then id", leaderboard.FirstReached, map[string]int{"bob": 1, "ann": 2, "cat": 3, "dan": 4, "eve": 5, "fay": 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := board(tt.ranking, tiedBoard...)
			for member, want := range tt.want {
				got, ok := ix.Rank(member)
				require.True(t, ok, member)
				assert.Equal(t, want, got, member)
			}
			// The listing order is the same under both rankings.
			assert.Equal(t, []leaderboard.Entry{
				e("bob", 50, 10), e("ann", 50, 20), e("cat", 40, 5), e("dan", 30, 7), e("eve", 30, 7), e("fay", 10, 1),
			}, ix.Range(0, 10))
			assert.Equal(t, 2, ix.Tied("dan"))
			assert.Equal(t, 1, ix.Tied("cat"))
			assert.Equal(t, 3, ix.CountAbove(30))
			assert.Equal(t, 0, ix.CountAbove(50))
			assert.Equal(t, 6, ix.CountAbove(-1))
		})
	}
}

func TestSetUpdatesAndRemove(t *testing.T) {
	ix := board(leaderboard.Competition, tiedBoard...)
	ix.Set("fay", 60, 30) // overtakes everyone
	r, ok := ix.Rank("fay")
	require.True(t, ok)
	assert.Equal(t, 1, r)
	r, _ = ix.Rank("bob")
	assert.Equal(t, 2, r)
	assert.Equal(t, 6, ix.Len(), "an update does not add a member")

	ix.Set("fay", 60, 30) // unchanged: a no-op
	got, ok := ix.Score("fay")
	require.True(t, ok)
	assert.Equal(t, e("fay", 60, 30), got)

	assert.True(t, ix.Remove("bob"))
	assert.False(t, ix.Remove("bob"), "second removal")
	assert.Equal(t, 1, ix.Tied("ann"))
	_, ok = ix.Score("bob")
	assert.False(t, ok)
	assert.Equal(t, 5, ix.Len())
}

func TestEmptyIndex(t *testing.T) {
	ix := leaderboard.New(leaderboard.FirstReached)
	assert.Equal(t, 0, ix.Len())
	_, ok := ix.Rank("x")
	assert.False(t, ok)
	_, ok = ix.Position("x")
	assert.False(t, ok)
	_, ok = ix.Score("x")
	assert.False(t, ok)
	_, ok = ix.At(0)
	assert.False(t, ok)
	assert.Zero(t, ix.Tied("x"))
	assert.Zero(t, ix.CountAbove(0))
	assert.Empty(t, ix.Range(0, 10))
	assert.Empty(t, ix.Neighbourhood("x", 5))
	assert.False(t, ix.Remove("x"))
}

func TestSingleMember(t *testing.T) {
	for _, r := range []leaderboard.Ranking{leaderboard.Competition, leaderboard.FirstReached} {
		t.Run(r.String(), func(t *testing.T) {
			ix := board(r, e("solo", 7, 1))
			rank, ok := ix.Rank("solo")
			require.True(t, ok)
			assert.Equal(t, 1, rank)
			p, ok := ix.Position("solo")
			require.True(t, ok)
			assert.Zero(t, p)
			at, ok := ix.At(0)
			require.True(t, ok)
			assert.Equal(t, e("solo", 7, 1), at)
			_, ok = ix.At(1)
			assert.False(t, ok)
			assert.Equal(t, 1, ix.Tied("solo"))
			assert.Equal(t, []leaderboard.Entry{e("solo", 7, 1)}, ix.Neighbourhood("solo", 3))
			require.True(t, ix.Remove("solo"))
			assert.Zero(t, ix.Len())
		})
	}
}

func TestNeighbourhood(t *testing.T) {
	ix := leaderboard.New(leaderboard.Competition)
	for i := range 10 {
		ix.Set(fmt.Sprintf("m%d", i), int64(100-i), 0) // m0 first ... m9 last
	}
	names := func(es []leaderboard.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Member)
		}
		return out
	}
	tests := []struct {
		name   string
		member string
		k      int
		want   []string
	}{
		{"middle", "m5", 2, []string{"m3", "m4", "m5", "m6", "m7"}},
		{"clipped at the top", "m1", 3, []string{"m0", "m1", "m2", "m3", "m4"}},
		{"first member", "m0", 2, []string{"m0", "m1", "m2"}},
		{"clipped at the bottom", "m8", 3, []string{"m5", "m6", "m7", "m8", "m9"}},
		{"last member", "m9", 2, []string{"m7", "m8", "m9"}},
		{"k larger than the board", "m4", 50, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"}},
		{"k zero", "m4", 0, []string{"m4"}},
		{"negative k counts as zero", "m4", -3, []string{"m4"}},
		{"absent member", "zz", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, names(ix.Neighbourhood(tt.member, tt.k)))
		})
	}
}

func TestRange(t *testing.T) {
	ix := leaderboard.New(leaderboard.Competition)
	for i := range 200 { // enough for several leaves
		ix.Set(fmt.Sprintf("m%03d", i), int64(1000-i), 0)
	}
	tests := []struct {
		name      string
		from, n   int
		wantLen   int
		wantFirst string
	}{
		{"first page", 0, 10, 10, "m000"},
		{"across leaves", 60, 80, 80, "m060"},
		{"runs past the end", 195, 10, 5, "m195"},
		{"starts at the end", 200, 10, 0, ""},
		{"starts beyond the end", 500, 10, 0, ""},
		{"negative start", -1, 10, 0, ""},
		{"zero count", 5, 0, 0, ""},
		{"negative count", 5, -2, 0, ""},
		{"whole board", 0, 1000, 200, "m000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Range(tt.from, tt.n)
			require.Len(t, got, tt.wantLen)
			if tt.wantLen > 0 {
				assert.Equal(t, tt.wantFirst, got[0].Member)
				for i, g := range got {
					at, ok := ix.At(tt.from + i)
					require.True(t, ok)
					assert.Equal(t, at, g)
				}
			}
		})
	}
}

func TestExtremeScores(t *testing.T) {
	ix := board(leaderboard.Competition, e("lo", -1<<63, 0), e("lo2", -1<<63, 1), e("hi", 1<<63-1, 0))
	assert.Equal(t, 2, ix.Tied("lo"))
	assert.Equal(t, 1, ix.Tied("hi"))
	r, _ := ix.Rank("lo2")
	assert.Equal(t, 2, r)
	assert.Equal(t, 0, ix.CountAbove(1<<63-1))
}

func TestRankingNames(t *testing.T) {
	tests := []struct {
		in      string
		want    leaderboard.Ranking
		wantErr bool
	}{
		{"competition", leaderboard.Competition, false},
		{"first-reached", leaderboard.FirstReached, false},
		{"", leaderboard.Competition, false},
		{"dense", leaderboard.Competition, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := leaderboard.ParseRanking(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				assert.True(t, errors.Is(err, challenge.ErrInvalid))
				var ve *challenge.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "ranking", ve.Field)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if tt.in != "" {
				assert.Equal(t, tt.in, got.String())
			}
		})
	}
	assert.Equal(t, "Ranking(9)", leaderboard.Ranking(9).String())
}

func TestVersioned(t *testing.T) {
	type op struct {
		remove  bool
		score   int64
		version int64
		applied bool
	}
	tests := []struct {
		name        string
		ops         []op
		wantScore   int64 // -1: not on the board
		wantVersion int64
		wantKnown   bool
	}{
		{"first set applies", []op{{score: 5, version: 1, applied: true}}, 5, 1, true},
		{"version 0 never applies", []op{{score: 5, version: 0}}, -1, 0, false},
		{"newer wins", []op{{score: 5, version: 1, applied: true}, {score: 7, version: 3, applied: true}}, 7, 3, true},
		{"repeat is ignored", []op{{score: 5, version: 2, applied: true}, {score: 9, version: 2}}, 5, 2, true},
		{"late is ignored", []op{{score: 5, version: 4, applied: true}, {score: 9, version: 3}}, 5, 4, true},
		{"removal leaves a tombstone", []op{{score: 5, version: 1, applied: true}, {remove: true, version: 2, applied: true}, {score: 9, version: 2}}, -1, 2, true},
		{"tombstone before any set", []op{{remove: true, version: 5, applied: true}, {score: 9, version: 4}}, -1, 5, true},
		{"newer set revives", []op{{remove: true, version: 5, applied: true}, {score: 9, version: 6, applied: true}}, 9, 6, true},
		{"late removal is ignored", []op{{score: 5, version: 3, applied: true}, {remove: true, version: 2}}, 5, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := board(leaderboard.Competition, e("other", 6, 0))
			for i, o := range tt.ops {
				var got bool
				if o.remove {
					got = ix.RemoveVersioned("m", o.version)
				} else {
					got = ix.SetVersioned("m", o.score, 0, o.version)
				}
				assert.Equal(t, o.applied, got, "op %d", i)
				require.NoError(t, leaderboard.CheckInvariants(ix))
			}
			got, ok := ix.Score("m")
			assert.Equal(t, tt.wantScore >= 0, ok)
			if ok {
				assert.Equal(t, tt.wantScore, got.Score)
			}
			v, known := ix.Version("m")
			assert.Equal(t, tt.wantVersion, v)
			assert.Equal(t, tt.wantKnown, known)
			assert.Equal(t, 1+btoi(ok), ix.Len(), "tombstones are not counted")
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRemoveForgets: Remove forgets a member's version and tombstone, and a
// plain Set keeps the version it finds.
func TestRemoveForgets(t *testing.T) {
	ix := leaderboard.New(leaderboard.Competition)
	require.True(t, ix.SetVersioned("m", 5, 0, 7))
	ix.Set("m", 6, 0)
	v, _ := ix.Version("m")
	assert.Equal(t, int64(7), v, "Set keeps the version")
	assert.True(t, ix.Remove("m"))
	_, known := ix.Version("m")
	assert.False(t, known)
	assert.True(t, ix.SetVersioned("m", 1, 0, 1), "a forgotten member takes any version")
	require.True(t, ix.RemoveVersioned("m", 2))
	assert.False(t, ix.Remove("m"), "a tombstone is not on the board")
	_, known = ix.Version("m")
	assert.False(t, known, "Remove forgets a tombstone too")
	require.NoError(t, leaderboard.CheckInvariants(ix))
}

// TestMemberChurn removes and adds members by the thousand, so that the
// member table frees records (shifting others back into their slots) and
// copies names to a fresh arena (moving every reference to them), and
// checks that every name and rank stays right and that the table does not
// grow without bound.
func TestMemberChurn(t *testing.T) {
	ix := leaderboard.New(leaderboard.Competition)
	const live = 3000
	name := func(i int) string { return fmt.Sprintf("member-%d-%s", i, string(rune('a'+i%26))) }
	for i := range live {
		ix.Set(name(i), int64(i%97), int64(i))
	}
	held := ix.Range(0, 1)[0].Member // shares the arena's bytes
	heldCopy := strings.Clone(held)
	for round := 1; round <= 20; round++ {
		for i := (round - 1) * live; i < round*live; i++ {
			require.True(t, ix.Remove(name(i)))
			j := i + live
			ix.Set(name(j), int64(j%97), int64(j))
		}
		require.NoError(t, leaderboard.CheckInvariants(ix), "round %d", round)
		require.Equal(t, live, ix.Len())
		assert.Less(t, leaderboard.Members(ix), 2*live, "round %d: forgotten members are freed", round)
		assert.LessOrEqual(t, leaderboard.NameChunks(ix), 4, "round %d: freed names are reclaimed", round)
		for _, i := range []int{round * live, round*live + 1234, (round+1)*live - 1} {
			got, ok := ix.Score(name(i))
			require.True(t, ok, name(i))
			assert.Equal(t, e(name(i), int64(i%97), int64(i)), got)
			_, ok = ix.Score(name(i - live))
			assert.False(t, ok)
		}
	}
	assert.Equal(t, heldCopy, held, "a returned name never changes")
	es := ix.Range(0, ix.Len())
	for k := 1; k < len(es); k++ {
		require.True(t, es[k-1].Score > es[k].Score || es[k-1].Score == es[k].Score && es[k-1].At < es[k].At)
	}
}

// TestMemberNames: names of any length, the empty name and names that
// differ only after a long common prefix are kept exactly and ordered.
func TestMemberNames(t *testing.T) {
	long := strings.Repeat("x", 5000)
	names := []string{"", "a", long, long + "y", strings.Repeat("é", 600), "b"}
	ix := leaderboard.New(leaderboard.FirstReached)
	for _, n := range names {
		ix.Set(n, 1, 1) // all tied: names decide the order
	}
	want := slices.Clone(names)
	slices.Sort(want)
	got := ix.Range(0, 10)
	require.Len(t, got, len(want))
	for i, w := range want {
		assert.Equal(t, w, got[i].Member)
		p, ok := ix.Position(w)
		assert.True(t, ok)
		assert.Equal(t, i, p)
	}
	assert.True(t, ix.Remove(long))
	assert.Equal(t, long+"y", ix.Range(0, 10)[3].Member)
	require.NoError(t, leaderboard.CheckInvariants(ix))
}

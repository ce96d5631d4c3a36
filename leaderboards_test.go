package habitkit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/rankindex/redisindex"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

// boardSettings are the boards the leaderboard tests publish.
func boardSettings(optOut leaderboard.OptOut) leaderboard.Settings {
	return leaderboard.Settings{OptOut: optOut, Boards: []leaderboard.Board{
		{ID: "people", Title: "Everyone", Subject: leaderboard.People},
		{ID: "first", Title: "Who got there first", Subject: leaderboard.People, Ranking: leaderboard.FirstReached},
		{ID: "weekly", Title: "This week", Subject: leaderboard.People, Period: leaderboard.Weekly, Metric: leaderboard.Completions},
		{ID: "weekly-full", Title: "This week, whole week only", Subject: leaderboard.People, Period: leaderboard.Weekly,
			Metric: leaderboard.Completions, LateJoiners: leaderboard.WholePeriodOnly},
		{ID: "teams", Title: "Teams", Subject: leaderboard.Teams, Aggregation: leaderboard.MeanPerMember},
		{ID: "teams-sum", Title: "Teams (sum)", Subject: leaderboard.Teams},
		{ID: "streaks", Title: "Streaks", Subject: leaderboard.People, Metric: leaderboard.CurrentStreak},
	}}
}

// newBoardFixture is newFixture with boardSettings published.
func newBoardFixture(t *testing.T, store storage.Store, optOut leaderboard.OptOut, index rankindex.Index) *fixture {
	t.Helper()
	f := newFixture(t, store, func(o *habitkit.Options) { o.RankIndex = index })
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Leaderboards: boardSettings(optOut)})
	require.NoError(t, err)
	return f
}

func (f *fixture) enrolIn(participant, team string, optOut bool) challenge.Enrolment {
	f.t.Helper()
	en, err := f.engine.Enrol(f.ctx, habitkit.EnrolRequest{
		ProgrammeID: "digital-confidence", ParticipantID: challenge.ParticipantID(participant),
		TeamID: challenge.TeamID(team), CohortID: "march", BoardsOptOut: optOut,
	})
	require.NoError(f.t, err)
	return en
}

func (f *fixture) board(id, period string, viewer string) habitkit.BoardPage {
	f.t.Helper()
	q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: id, Period: period, Viewer: challenge.ParticipantID(viewer)}
	require.NoError(f.t, f.engine.WarmBoard(f.ctx, q))
	page, err := f.engine.Leaderboard(f.ctx, q, "", storage.MaxLimit)
	require.NoError(f.t, err)
	return page
}

type rankLine struct {
	Who   string
	Rank  int
	Value float64
}

func lines(page habitkit.BoardPage) []rankLine {
	out := make([]rankLine, len(page.Rows))
	for i, r := range page.Rows {
		who := string(r.ParticipantID)
		if page.Board.Subject == leaderboard.Teams {
			who = string(r.TeamID)
		}
		if r.Anonymous {
			who = "anonymous"
		}
		out[i] = rankLine{Who: who, Rank: r.Rank, Value: r.Value}
	}
	return out
}

func TestLeaderboardRanksTiesAndTeams(t *testing.T) { testRanksTiesAndTeams(t, nil, nil) }

func testRanksTiesAndTeams(t *testing.T, store storage.Store, index rankindex.Index) {
	f := newBoardFixture(t, store, leaderboard.OptOutHidden, index)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)
	cat := f.enrolIn("cat", "south", false)
	f.enrolIn("dan", "south", false)
	f.enrolIn("eve", "", false)

	f.complete(ann, 1)
	f.clock.Set(at(2, 9, 0))
	f.complete(bob, 2)
	f.complete(cat, 2) // 5 points, like bob
	f.complete(ann, 2)
	f.clock.Set(at(3, 9, 0))
	f.complete(ann, 3)

	// ann: 10+5+10 and the 3-day bonus of 20 = 45; bob and cat 5; dan, eve 0.
	assert.Equal(t, []rankLine{
		{"ann", 1, 45}, {"bob", 2, 5}, {"cat", 2, 5}, {"dan", 4, 0}, {"eve", 4, 0},
	}, lines(f.board("people", "", "")), "competition ranking shares ranks and skips after ties (1224)")

	first := lines(f.board("first", "", ""))
	assert.Equal(t, []rankLine{{"ann", 1, 45}, {"bob", 2, 5}, {"cat", 3, 5}, {"dan", 4, 0}, {"eve", 5, 0}}, first,
		"first-reached ranking: bob reached 5 points before cat; dan and eve reached 0 together, so participant IDs decide")

	assert.Equal(t, []rankLine{{"north", 1, 25}, {"south", 2, 2.5}}, lines(f.board("teams", "", "")),
		"mean per member: north (45+5)/2, south (5+0)/2; eve has no team")
	assert.Equal(t, []rankLine{{"north", 1, 50}, {"south", 2, 5}}, lines(f.board("teams-sum", "", "")))

	st, err := f.engine.Standing(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people", Viewer: "cat"})
	require.NoError(t, err)
	assert.Equal(t, 2, st.Rank)
	assert.Equal(t, 2, st.Tied, "bob and cat share 5 points")
	assert.Equal(t, 5, st.Total)
	assert.EqualValues(t, 5, st.Score)

	hood, err := f.engine.Neighbourhood(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people", Viewer: "cat"}, 1)
	require.NoError(t, err)
	require.Len(t, hood, 3)
	assert.Equal(t, challenge.ParticipantID("bob"), hood[0].ParticipantID)
	assert.True(t, hood[1].You)
	assert.Equal(t, challenge.ParticipantID("dan"), hood[2].ParticipantID)

	members, err := f.engine.TeamMembers(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people"}, "north")
	require.NoError(t, err)
	assert.Equal(t, []rankLine{{"ann", 1, 45}, {"bob", 2, 5}}, lines(habitkit.BoardPage{Rows: members}))
}

func TestLeaderboardPeriodsStayQueryableAndRevocationsAreExact(t *testing.T) {
	testPeriodsAndRevocations(t, nil, nil)
}

func testPeriodsAndRevocations(t *testing.T, store storage.Store, index rankindex.Index) {
	f := newBoardFixture(t, store, leaderboard.OptOutHidden, index)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)

	f.clock.Set(at(7, 9, 0)) // day 7, Sunday of ISO week 2027-W09
	f.complete(ann, 6)       // late, inside the grace window: counts in W09
	f.complete(ann, 7)
	f.complete(bob, 7)
	assert.Equal(t, []rankLine{{"ann", 1, 2}, {"bob", 2, 1}}, lines(f.board("weekly", "", "")))

	// A late joiner on day 9 (Tuesday of 2027-W10) counts on "weekly" but
	// not on "weekly-full".
	f.clock.Set(at(9, 9, 0))
	cy, err := f.engine.Enrol(f.ctx, habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "cy", TeamID: "north", CohortID: "march"})
	require.NoError(t, err)
	f.complete(cy, 9)
	f.complete(bob, 8)
	assert.Equal(t, []rankLine{{"bob", 1, 1}, {"cy", 1, 1}}, lines(f.board("weekly", "", "")), "the current week is W10")
	assert.Equal(t, []rankLine{{"bob", 1, 1}}, lines(f.board("weekly-full", "", "")), "cy joined after the week started")
	assert.Equal(t, []rankLine{{"ann", 1, 2}, {"bob", 2, 1}}, lines(f.board("weekly", "2027-W09", "")), "last week stays queryable")

	// Revoking ann's day-6 completion takes it off W09, not off W10.
	_, err = f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: ann.ID, Day: 6, Actor: "admin", Reason: "test"})
	require.NoError(t, err)
	assert.Equal(t, []rankLine{{"bob", 1, 1}, {"ann", 1, 1}}, lines(f.board("weekly", "2027-W09", "")),
		"tied; bob has held his score longer")
	assert.Equal(t, []rankLine{{"bob", 1, 1}, {"cy", 1, 1}}, lines(f.board("weekly", "2027-W10", "")))

	for _, who := range []challenge.Enrolment{ann, bob, cy} {
		want := f.progress(who).Points
		st, err := f.engine.Standing(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people", Viewer: who.ParticipantID})
		require.NoError(t, err)
		assert.EqualValues(t, want, st.Score, "the points board equals progress for %s", who.ParticipantID)
	}

	_, err = f.engine.Leaderboard(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "weekly", Period: "2027-13"}, "", 10)
	assert.ErrorIs(t, err, habitkit.ErrInvalid)
	_, err = f.engine.Leaderboard(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "nope"}, "", 10)
	assert.ErrorIs(t, err, habitkit.ErrNotFound)
}

// TestLeaderboardExactAfterRandomHistory completes and revokes at random,
// late completions included, then checks every whole-programme board
// against figures recomputed from each participant's progress.
func TestLeaderboardExactAfterRandomHistory(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			f := newBoardFixture(t, nil, leaderboard.OptOutHidden, nil)
			var ens []challenge.Enrolment
			for i := range 12 {
				ens = append(ens, f.enrolIn(fmt.Sprintf("p%02d", i), []string{"north", "south", "west"}[i%3], false))
			}
			for day := 1; day <= 10; day++ {
				f.clock.Set(at(day, 9, 0))
				for _, en := range ens {
					d := day - rng.IntN(2) // sometimes yesterday's, late
					if d < 1 || rng.IntN(3) == 0 {
						continue
					}
					_, err := f.engine.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, Day: d})
					if err != nil && !assert.ErrorIs(t, err, habitkit.ErrRevoked) {
						return
					}
					if rng.IntN(8) == 0 {
						_, err := f.engine.Revoke(f.ctx, habitkit.RevokeRequest{EnrolmentID: en.ID, Day: d, Actor: "admin", Reason: "random"})
						require.NoError(t, err)
					}
				}
			}
			points := map[string]int{}
			teamSum := map[string]int{}
			teamN := map[string]int{}
			for i, en := range ens {
				p := f.progress(en)
				points[string(en.ParticipantID)] = p.Points
				team := []string{"north", "south", "west"}[i%3]
				teamSum[team] += p.Points
				teamN[team]++
			}
			for _, r := range f.board("people", "", "").Rows {
				assert.EqualValues(t, points[string(r.ParticipantID)], r.Score, "points of %s", r.ParticipantID)
				above := 0
				for _, v := range points {
					if int64(v) > r.Score {
						above++
					}
				}
				assert.Equal(t, above+1, r.Rank, "competition rank of %s", r.ParticipantID)
			}
			for _, r := range f.board("teams", "", "").Rows {
				assert.InDelta(t, float64(teamSum[string(r.TeamID)])/float64(teamN[string(r.TeamID)]), r.Value, 0.001, "mean of %s", r.TeamID)
				assert.Equal(t, teamN[string(r.TeamID)], r.Members)
			}
		})
	}
}

// TestLeaderboardOptOutNeverLeaks asks many random questions of a board
// with opted-out participants and checks that others never see them.
func TestLeaderboardOptOutNeverLeaks(t *testing.T) {
	testOptOutNeverLeaks(t, func(*testing.T) storage.Store { return nil }, noIndex, 200)
}

func testOptOutNeverLeaks(t *testing.T, newStore func(*testing.T) storage.Store, newIndex func(*testing.T) rankindex.Index, queries int) {
	for _, mode := range []leaderboard.OptOut{leaderboard.OptOutHidden, leaderboard.OptOutAnonymised} {
		t.Run(mode.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(mode), 11))
			f := newBoardFixture(t, newStore(t), mode, newIndex(t))
			var ens []challenge.Enrolment
			hidden := map[challenge.ParticipantID]bool{}
			for i := range 30 {
				out := rng.IntN(4) == 0
				en := f.enrolIn(fmt.Sprintf("p%02d", i), "north", out)
				hidden[en.ParticipantID] = out
				ens = append(ens, en)
			}
			for d := 1; d <= 5; d++ {
				f.clock.Set(at(d, 9, 0))
				for _, en := range ens {
					if rng.IntN(2) == 0 {
						f.complete(en, d)
					}
				}
			}
			// One participant changes their mind each way.
			_, err := f.engine.SetBoardsOptOut(f.ctx, ens[0].ID, !hidden[ens[0].ParticipantID])
			require.NoError(t, err)
			hidden[ens[0].ParticipantID] = !hidden[ens[0].ParticipantID]
			visible := 0
			for _, h := range hidden {
				if !h {
					visible++
				}
			}
			for range queries {
				viewer := ens[rng.IntN(len(ens))].ParticipantID
				q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people", Viewer: viewer}
				page := f.board("people", "", string(viewer))
				for _, r := range page.Rows {
					if r.ParticipantID != "" && r.ParticipantID != viewer {
						require.False(t, hidden[r.ParticipantID], "%s opted out but %s sees them", r.ParticipantID, viewer)
					}
					if r.Anonymous {
						require.Equal(t, leaderboard.OptOutAnonymised, mode, "anonymous rows only when the programme anonymises")
						require.Empty(t, r.Subject, "an anonymous row carries no key that names the person")
						require.Empty(t, r.TeamID)
					}
				}
				if mode == leaderboard.OptOutHidden {
					require.Equal(t, visible, page.Total, "counts exclude hidden participants")
					require.Len(t, page.Rows, visible)
				} else {
					require.Equal(t, len(ens), page.Total)
				}
				st, err := f.engine.Standing(f.ctx, q)
				require.NoError(t, err, "everyone sees their own standing")
				require.Equal(t, viewer, st.ParticipantID)
				require.Equal(t, hidden[viewer] && mode == leaderboard.OptOutHidden, st.Hidden)
				hood, err := f.engine.Neighbourhood(f.ctx, q, 1+rng.IntN(4))
				require.NoError(t, err)
				mine := 0
				for _, r := range hood {
					if r.You {
						mine++
						continue
					}
					if r.ParticipantID != "" {
						require.False(t, hidden[r.ParticipantID], "%s opted out but is in %s's neighbourhood", r.ParticipantID, viewer)
					}
				}
				require.Equal(t, 1, mine, "the viewer's own row is in their neighbourhood")
				require.True(t, sort.SliceIsSorted(hood, func(i, j int) bool { return hood[i].Rank < hood[j].Rank }))
			}
		})
	}
}

func TestLeaderboardPagesHaveNoDuplicatesOrGaps(t *testing.T) {
	f := newBoardFixture(t, nil, leaderboard.OptOutHidden, nil)
	rng := rand.New(rand.NewPCG(3, 3))
	var ens []challenge.Enrolment
	for i := range 57 {
		ens = append(ens, f.enrolIn(fmt.Sprintf("p%02d", i), "north", false))
	}
	for d := 1; d <= 4; d++ {
		f.clock.Set(at(d, 9, 0))
		for _, en := range ens {
			if rng.IntN(2) == 0 {
				f.complete(en, d)
			}
		}
	}
	all := f.board("people", "", "")
	require.Len(t, all.Rows, 57)
	var paged []habitkit.BoardRow
	var cursor storage.Cursor
	for {
		page, err := f.engine.Leaderboard(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people"}, cursor, 10)
		require.NoError(t, err)
		paged = append(paged, page.Rows...)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	assert.Equal(t, all.Rows, paged)
	assert.True(t, slices.IsSortedFunc(paged, func(a, b habitkit.BoardRow) int { return a.Rank - b.Rank }))
	_, err := f.engine.Leaderboard(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "teams"}, cursor, 10)
	assert.ErrorIs(t, err, storage.ErrBadCursor, "a cursor of another board is refused")
}

func TestLeaderboardWarmsFromStorage(t *testing.T) { testWarmsFromStorage(t, memory.New(nil), nil) }

func testWarmsFromStorage(t *testing.T, store storage.Store, index rankindex.Index) {
	f := newBoardFixture(t, store, leaderboard.OptOutHidden, index)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)
	f.complete(ann, 1)
	f.clock.Set(at(2, 9, 0))
	f.complete(ann, 2)
	f.complete(bob, 2)

	// A second engine over the same store starts with a cold index and
	// warms it from the stored scores.
	other, err := habitkit.New(store, &habitkit.Options{Clock: f.clock})
	require.NoError(t, err)
	q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people"}
	page, err := other.Leaderboard(context.Background(), q, "", 10)
	require.NoError(t, err, "the first query warms the board itself")
	assert.Equal(t, lines(f.board("people", "", "")), lines(page))
}

func TestSettleFinalPositionsAwardsPositionBadges(t *testing.T) {
	f := newFixture(t, nil)
	top := badge.Definition{ID: "podium", Name: "Podium", Criterion: badge.Criterion{Kind: badge.FinalPosition, Position: 2}}
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Leaderboards: boardSettings(leaderboard.OptOutHidden), Badges: []badge.Definition{top}})
	require.NoError(t, err)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)
	cat := f.enrolIn("cat", "south", false)
	for d := 1; d <= 10; d++ {
		f.clock.Set(at(d, 9, 0))
		f.complete(ann, d)
		if d%2 == 0 {
			f.complete(bob, d)
		}
		if d == 1 {
			f.complete(cat, d)
		}
	}
	n, err := f.engine.SettleFinalPositions(f.ctx, "digital-confidence")
	require.NoError(t, err)
	assert.Zero(t, n, "nobody's programme is over on its last day, nor inside the grace window")

	f.clock.Set(at(12, 9, 0)) // day 12: past day 10 and one day of grace
	f.events.take()
	n, err = f.engine.SettleFinalPositions(f.ctx, "digital-confidence")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	held := func(en challenge.Enrolment) bool {
		page, err := f.engine.Badges(f.ctx, en.ID)
		require.NoError(t, err)
		for _, b := range page {
			if b.ID == "podium" {
				return len(b.Earned) > 0
			}
		}
		return false
	}
	assert.True(t, held(ann))
	assert.True(t, held(bob))
	assert.False(t, held(cat), "third place is off the podium")
	awarded := 0
	for _, ev := range f.events.take() {
		if _, ok := ev.(habitkit.BadgeAwarded); ok {
			awarded++
		}
	}
	assert.Equal(t, 2, awarded)
	n, err = f.engine.SettleFinalPositions(f.ctx, "digital-confidence")
	require.NoError(t, err)
	assert.Zero(t, n, "settling again changes nothing")
}

func TestLeaderboardCountsReflectionBonuses(t *testing.T) {
	f := newFixture(t, nil)
	set := reflection.DefaultSettings()
	set.Points.Reflection = 7
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Leaderboards: boardSettings(leaderboard.OptOutHidden), Reflections: &set})
	require.NoError(t, err)
	ann := f.enrolIn("ann", "north", false)
	f.enrolIn("bob", "north", false)
	f.complete(ann, 1)
	_, err = f.engine.Reflect(f.ctx, habitkit.ReflectRequest{EnrolmentID: ann.ID, Answers: []reflection.Answer{{Prompt: "What did they say?", Text: "They liked it."}}})
	require.NoError(t, err)
	assert.Equal(t, 17, f.progress(ann).Points)
	assert.Equal(t, []rankLine{{"ann", 1, 17}, {"bob", 2, 0}}, lines(f.board("people", "", "")), "reflection bonuses count on points boards")
	assert.Equal(t, []rankLine{{"north", 1, 8.5}}, lines(f.board("teams", "", "")))
}

// TestLeaderboardsSQL runs the leaderboard cases on every SQL database.
func TestLeaderboardsSQL(t *testing.T) {
	for _, d := range sqlDatabases {
		t.Run(d.name, func(t *testing.T) {
			newStore := func(t *testing.T) storage.Store {
				db, _ := d.open(t)
				return openSQLStore(t, db)
			}
			t.Run("RanksTiesAndTeams", func(t *testing.T) { testRanksTiesAndTeams(t, newStore(t), nil) })
			t.Run("PeriodsAndRevocations", func(t *testing.T) { testPeriodsAndRevocations(t, newStore(t), nil) })
			t.Run("OptOutNeverLeaks", func(t *testing.T) { testOptOutNeverLeaks(t, newStore, noIndex, 20) })
			t.Run("WarmsFromStorage", func(t *testing.T) { testWarmsFromStorage(t, newStore(t), nil) })
			t.Run("TeamMoveCarriesPersonRows", func(t *testing.T) { testTeamMoveCarriesPersonRows(t, newStore(t), noIndex) })
		})
	}
}

// TestLeaderboardsRedis runs the leaderboard cases with ranks held in
// Redis, and shows two engines sharing one database and one Redis seeing
// each other's writes at once.
func TestLeaderboardsRedis(t *testing.T) {
	newIndex := func(t *testing.T) rankindex.Index {
		c, prefix := dbtest.Redis(t)
		return redisindex.New(c, prefix, &redisindex.Options{Coalesce: true})
	}
	t.Run("RanksTiesAndTeams", func(t *testing.T) { testRanksTiesAndTeams(t, nil, newIndex(t)) })
	t.Run("PeriodsAndRevocations", func(t *testing.T) { testPeriodsAndRevocations(t, nil, newIndex(t)) })
	t.Run("OptOutNeverLeaks", func(t *testing.T) {
		testOptOutNeverLeaks(t, func(*testing.T) storage.Store { return nil }, newIndex, 20)
	})
	t.Run("TeamMoveCarriesPersonRows", func(t *testing.T) { testTeamMoveCarriesPersonRows(t, nil, newIndex) })
	t.Run("TwoEnginesShareBoards", func(t *testing.T) {
		store, index := memory.New(nil), newIndex(t)
		f := newBoardFixture(t, store, leaderboard.OptOutHidden, index)
		other, err := habitkit.New(store, &habitkit.Options{Clock: f.clock, RankIndex: index})
		require.NoError(t, err)
		ann := f.enrolIn("ann", "north", false)
		bob := f.enrolIn("bob", "north", false)
		q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people"}
		require.NoError(t, other.WarmBoard(f.ctx, q))
		f.complete(ann, 1)
		_, err = other.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: bob.ID, Day: 1})
		require.NoError(t, err)
		_, err = other.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: bob.ID, Day: 1}) // a retry changes nothing
		require.NoError(t, err)
		f.clock.Set(at(2, 9, 0))
		_, err = other.Complete(f.ctx, habitkit.CompleteRequest{EnrolmentID: bob.ID, Day: 2})
		require.NoError(t, err)
		page, err := f.engine.Leaderboard(f.ctx, q, "", 10)
		require.NoError(t, err)
		assert.Equal(t, []rankLine{{"bob", 1, 15}, {"ann", 2, 10}}, lines(page), "engine A sees engine B's writes at once")
	})
}

// noIndex gives engines their default rank index.
func noIndex(*testing.T) rankindex.Index { return nil }

// busyIndex is a rank index on which another process is warming every
// board until release is called.
type busyIndex struct {
	rankindex.Index
	released atomic.Bool
}

func (b *busyIndex) State(ctx context.Context, board rankindex.Board) (rankindex.State, error) {
	if !b.released.Load() {
		return rankindex.Warming, nil
	}
	return b.Index.State(ctx, board)
}

func (b *busyIndex) BeginWarm(ctx context.Context, board rankindex.Board) (bool, error) {
	if !b.released.Load() {
		return false, nil
	}
	return b.Index.BeginWarm(ctx, board)
}

// TestLeaderboardSaysRankNotKnownWhileWarming: while another caller warms
// a board, queries answer ErrRankNotKnown instead of a rank that could be
// wrong, and answer normally once it is done.
func TestLeaderboardSaysRankNotKnownWhileWarming(t *testing.T) {
	index := &busyIndex{Index: rankindex.NewLocal()}
	f := newBoardFixture(t, nil, leaderboard.OptOutHidden, index)
	ann := f.enrolIn("ann", "north", false)
	f.complete(ann, 1)

	q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "people", Viewer: "ann"}
	_, err := f.engine.Leaderboard(f.ctx, q, "", 10)
	assert.ErrorIs(t, err, habitkit.ErrRankNotKnown)
	_, err = f.engine.Standing(f.ctx, q)
	assert.ErrorIs(t, err, habitkit.ErrRankNotKnown)
	_, err = f.engine.Neighbourhood(f.ctx, q, 2)
	assert.ErrorIs(t, err, habitkit.ErrRankNotKnown)

	index.released.Store(true) // the other warmer gave up
	st, err := f.engine.Standing(f.ctx, q)
	require.NoError(t, err, "the next query warms the board itself")
	assert.Equal(t, 1, st.Rank)
	assert.EqualValues(t, 10, st.Score)
}

// failingIndex fails every Apply while failing is set, as a Redis outage
// would.
type failingIndex struct {
	rankindex.Index
	failing atomic.Bool
}

func (f *failingIndex) Apply(ctx context.Context, b rankindex.Board, updates ...rankindex.Update) error {
	if f.failing.Load() {
		return errors.New("index unreachable")
	}
	return f.Index.Apply(ctx, b, updates...)
}

// TestLeaderboardRecoversFromAFailedIndexUpdate: a score that reached the
// database but not the index must not leave a wrong rank behind: the board
// is dropped and warmed again from storage.
func TestLeaderboardRecoversFromAFailedIndexUpdate(t *testing.T) {
	index := &failingIndex{Index: rankindex.NewLocal()}
	f := newBoardFixture(t, nil, leaderboard.OptOutHidden, index)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)
	f.complete(ann, 1)
	assert.Equal(t, []rankLine{{"ann", 1, 10}, {"bob", 2, 0}}, lines(f.board("people", "", "")))

	index.failing.Store(true)
	f.clock.Set(at(2, 9, 0))
	f.complete(bob, 1) // late, and the index misses it
	f.complete(bob, 2)
	index.failing.Store(false)

	assert.Equal(t, []rankLine{{"bob", 1, 15}, {"ann", 2, 10}}, lines(f.board("people", "", "")),
		"the board was warmed again from the stored scores")
}

// TestLeaderboardTeamMoveCarriesPersonRows moves a participant between
// teams and back: on boards of people split by team, they leave the old
// team's board and stand on the new team's with their whole score (for the
// programme and for the current period), past periods keep the team they
// were earned in, the member boards of a programme-wide board follow at
// once, and an engine that warms its index from storage sees the same.
func TestLeaderboardTeamMoveCarriesPersonRows(t *testing.T) {
	testTeamMoveCarriesPersonRows(t, nil, noIndex)
}

func testTeamMoveCarriesPersonRows(t *testing.T, store storage.Store, newIndex func(*testing.T) rankindex.Index) {
	f := newFixture(t, store, func(o *habitkit.Options) { o.RankIndex = newIndex(t) })
	_, err := f.engine.PublishDefinition(f.ctx, habitkit.Definition{Programme: testProgramme(), Leaderboards: leaderboard.Settings{
		OptOut: leaderboard.OptOutHidden,
		Boards: []leaderboard.Board{
			{ID: "people", Title: "Everyone", Subject: leaderboard.People},
			{ID: "weekly", Title: "This week", Subject: leaderboard.People, Period: leaderboard.Weekly, Metric: leaderboard.Completions},
			{ID: "team", Title: "My team", Subject: leaderboard.People, Scope: leaderboard.ScopeTeam},
			{ID: "team-weekly", Title: "My team this week", Subject: leaderboard.People, Scope: leaderboard.ScopeTeam,
				Period: leaderboard.Weekly, Metric: leaderboard.Completions},
		},
	}})
	require.NoError(t, err)
	ann := f.enrolIn("ann", "north", false)
	bob := f.enrolIn("bob", "north", false)
	f.enrolIn("cat", "south", false)
	board := func(e *habitkit.Engine, id, period, team string) []rankLine {
		t.Helper()
		q := habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: id, Period: period, Partition: team}
		require.NoError(t, e.WarmBoard(f.ctx, q))
		page, err := e.Leaderboard(f.ctx, q, "", storage.MaxLimit)
		require.NoError(t, err)
		return lines(page)
	}
	members := func(id, team string) []rankLine {
		t.Helper()
		rows, err := f.engine.TeamMembers(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: id}, challenge.TeamID(team))
		require.NoError(t, err)
		return lines(habitkit.BoardPage{Rows: rows})
	}
	const week1, week2 = "2027-W09", "2027-W10" // the cohort starts on Monday 1 March 2027

	f.complete(ann, 1) // 10 points
	f.clock.Set(at(2, 9, 0))
	f.complete(ann, 2) // 5
	f.complete(bob, 2) // 5
	_, err = f.engine.SetTeam(f.ctx, ann.ID, "south")
	require.NoError(t, err)
	assert.Equal(t, []rankLine{{"bob", 1, 5}}, board(f.engine, "team", "", "north"), "ann left north's board")
	assert.Equal(t, []rankLine{{"ann", 1, 15}, {"cat", 2, 0}}, board(f.engine, "team", "", "south"), "ann stands on south's board with her whole score")
	assert.Equal(t, []rankLine{{"bob", 1, 1}}, board(f.engine, "team-weekly", week1, "north"))
	assert.Equal(t, []rankLine{{"ann", 1, 2}}, board(f.engine, "team-weekly", week1, "south"), "this week's completions move with her")
	assert.Equal(t, []rankLine{{"bob", 1, 1}}, members("weekly", "north"), "the programme's weekly board lists her under her new team at once")
	assert.Equal(t, []rankLine{{"ann", 1, 2}}, members("weekly", "south"))
	_, err = f.engine.Standing(f.ctx, habitkit.BoardQuery{ProgrammeID: "digital-confidence", BoardID: "team", Partition: "north", Viewer: "ann"})
	assert.ErrorIs(t, err, habitkit.ErrNotRanked, "she has no standing on the board of a team she left")

	f.clock.Set(at(3, 9, 0))
	f.complete(ann, 3) // 10 and the 3-day bonus of 20: 45 in all
	f.clock.Set(at(8, 9, 0))
	f.complete(ann, 8) // 5 (the streak broke): 50
	_, err = f.engine.SetTeam(f.ctx, ann.ID, "north")
	require.NoError(t, err)
	assert.Equal(t, []rankLine{{"ann", 1, 50}, {"bob", 2, 5}}, board(f.engine, "team", "", "north"), "back in north with her whole score")
	assert.Equal(t, []rankLine{{"cat", 1, 0}}, board(f.engine, "team", "", "south"))
	assert.Equal(t, []rankLine{{"ann", 1, 1}}, board(f.engine, "team-weekly", week2, "north"))
	assert.Empty(t, board(f.engine, "team-weekly", week2, "south"))
	assert.Equal(t, []rankLine{{"ann", 1, 3}}, board(f.engine, "team-weekly", week1, "south"), "last week stays with the team she ended it in")
	assert.Equal(t, []rankLine{{"bob", 1, 1}}, board(f.engine, "team-weekly", week1, "north"))
	people := board(f.engine, "people", "", "")
	assert.Equal(t, rankLine{"ann", 1, 50}, people[0], "the programme's board is unchanged by moves")

	// An engine that warms its index from the stored rows agrees.
	other, err := habitkit.New(f.store, &habitkit.Options{Clock: f.clock, RankIndex: newIndex(t)})
	require.NoError(t, err)
	for _, c := range []struct{ id, period, team string }{
		{"team", "", "north"}, {"team", "", "south"}, {"team-weekly", week1, "north"}, {"team-weekly", week1, "south"},
		{"team-weekly", week2, "north"}, {"team-weekly", week2, "south"},
	} {
		assert.Equal(t, board(f.engine, c.id, c.period, c.team), board(other, c.id, c.period, c.team), "%s %s %s warmed from storage", c.id, c.period, c.team)
	}
}

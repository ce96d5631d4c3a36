package rankindextest

import (
	"slices"

	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

// model is the reference the suite compares an index with: a map of
// members and their versions (tombstones included), answered by sorting
// and counting, so that it is obviously right and shares no code with any
// index.
type model struct {
	ranking  leaderboard.Ranking
	entries  map[string]rankindex.Update // present members
	versions map[string]int64            // last applied version, removals included
}

func newModel(r leaderboard.Ranking) *model {
	return &model{ranking: r, entries: map[string]rankindex.Update{}, versions: map[string]int64{}}
}

func (m *model) apply(us ...rankindex.Update) {
	for _, u := range us {
		if u.Version <= m.versions[u.Member] {
			continue
		}
		m.versions[u.Member] = u.Version
		if u.Remove {
			delete(m.entries, u.Member)
		} else {
			m.entries[u.Member] = u
		}
	}
}

// listing returns every member in listing order with its rank.
func (m *model) listing() []rankindex.Ranked {
	out := make([]rankindex.Ranked, 0, len(m.entries))
	for _, u := range m.entries {
		out = append(out, rankindex.Ranked{Member: u.Member, Score: u.Score, At: u.At})
	}
	slices.SortFunc(out, func(a, b rankindex.Ranked) int {
		return leaderboard.Compare(leaderboard.Entry{Member: a.Member, Score: a.Score, At: a.At},
			leaderboard.Entry{Member: b.Member, Score: b.Score, At: b.At})
	})
	for i := range out {
		out[i].Position = i
		if m.ranking == leaderboard.FirstReached {
			out[i].Rank = i + 1
		} else {
			out[i].Rank = m.countAbove(out[i].Score) + 1
		}
	}
	return out
}

func (m *model) countAbove(score int64) int {
	c := 0
	for _, u := range m.entries {
		if u.Score > score {
			c++
		}
	}
	return c
}

func (m *model) standing(member string) (rankindex.Standing, bool) {
	u, ok := m.entries[member]
	if !ok {
		return rankindex.Standing{}, false
	}
	l := m.listing()
	i := slices.IndexFunc(l, func(r rankindex.Ranked) bool { return r.Member == member })
	tied := 0
	for _, v := range m.entries {
		if v.Score == u.Score {
			tied++
		}
	}
	return rankindex.Standing{Ranked: l[i], Tied: tied, Total: len(l)}, true
}

func (m *model) rangeOf(from, n int) []rankindex.Ranked {
	l := m.listing()
	if from >= len(l) {
		return nil
	}
	return l[from:min(from+n, len(l))]
}

func (m *model) neighbourhood(member string, k int) ([]rankindex.Ranked, bool) {
	l := m.listing()
	i := slices.IndexFunc(l, func(r rankindex.Ranked) bool { return r.Member == member })
	if i < 0 {
		return nil, false
	}
	return l[max(i-k, 0):min(i+k+1, len(l))], true
}

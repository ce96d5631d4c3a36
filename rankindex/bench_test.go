package rankindex_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

// The benchmarks compare, in one run, the order-statistic tree used
// directly, the Local index over it (locks, versions, validation), and a
// sort-on-query baseline. Boards are built once per process, with scores
// drawn from 0..5000 so that ties are realistic (about 200 members a score
// at a million). They are not run by go test without -bench.
//
//	go test ./rankindex -run '^$' -bench . -benchmem
//	go test ./rankindex -run '^$' -bench . -members 100000
var (
	benchMembers = flag.Int("members", 1_000_000, "members on the benchmark boards")
	benchSortMax = flag.Int("sortmembers", 100_000, "members on the sort-on-query baseline's board (at most -members)")
)

const benchMaxScore = 5000

var (
	namesOnce sync.Once
	names     []string
)

func benchNames() []string {
	namesOnce.Do(func() {
		names = make([]string, *benchMembers)
		queries = make([]string, *benchMembers)
		for i := range names {
			names[i] = fmt.Sprintf("u%07d", i)
			queries[i] = fmt.Sprintf("u%07d", i)
		}
	})
	return names
}

// queries holds the same ids as names in strings of their own: the
// benchmarks ask with these, as a host asks with ids it has just read, so
// that no structure can find a member by the pointer of a string it
// stored (string comparison skips the bytes when the pointers are equal).
var queries []string

// queryNames returns the ids to ask with.
func queryNames() []string {
	benchNames()
	return queries
}

func buildTree() *leaderboard.Index {
	return buildTreeNamed(func(i int) string { return benchNames()[i] })
}

// buildTreeNamed builds the tree board with name(i) as member i.
func buildTreeNamed(name func(int) string) *leaderboard.Index {
	rng := rand.New(rand.NewPCG(42, 42))
	ix := leaderboard.New(leaderboard.Competition)
	for i := range *benchMembers {
		ix.Set(name(i), rng.Int64N(benchMaxScore+1), int64(i))
	}
	return ix
}

// freshName makes member i's id anew, as a host reading rows would: a
// structure that keeps names then holds its own strings, and they count
// in its bytes per entry, as the members of a Redis sorted set do.
func freshName(i int) string { return fmt.Sprintf("u%07d", i) }

var benchBoard = rankindex.Board{Key: "bench", Ranking: leaderboard.Competition}

func buildLocal() *rankindex.Local {
	return buildLocalNamed(func(i int) string { return benchNames()[i] })
}

// buildLocalNamed builds the Local board with name(i) as member i.
func buildLocalNamed(name func(int) string) *rankindex.Local {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(42, 42))
	ix := rankindex.NewLocal()
	_, _ = ix.BeginWarm(ctx, benchBoard)
	n := *benchMembers
	page := make([]rankindex.Update, 0, 1000)
	for i := range n {
		page = append(page, rankindex.Update{Member: name(i), Score: rng.Int64N(benchMaxScore + 1), At: int64(i), Version: 1})
		if len(page) == cap(page) || i == n-1 {
			if err := ix.Apply(ctx, benchBoard, page...); err != nil {
				panic(err)
			}
			page = page[:0]
		}
	}
	_ = ix.FinishWarm(ctx, benchBoard)
	return ix
}

// sortBoard is the sort-on-query baseline: the scores in a slice, with a
// map to find a member's slot on update; every ranked query copies and
// sorts the slice into the listing order.
type sortBoard struct {
	entries []leaderboard.Entry
	slot    map[string]int
	work    []leaderboard.Entry
}

func buildSort() *sortBoard {
	return buildSortNamed(func(i int) string { return benchNames()[i] })
}

// buildSortNamed builds the baseline with name(i) as member i.
func buildSortNamed(name func(int) string) *sortBoard {
	rng := rand.New(rand.NewPCG(42, 42))
	n := min(*benchSortMax, *benchMembers)
	s := &sortBoard{entries: make([]leaderboard.Entry, n), slot: make(map[string]int, n), work: make([]leaderboard.Entry, n)}
	for i := range n {
		name := name(i)
		s.entries[i] = leaderboard.Entry{Member: name, Score: rng.Int64N(benchMaxScore + 1), At: int64(i)}
		s.slot[name] = i
	}
	return s
}

func (s *sortBoard) set(member string, score, at int64) {
	s.entries[s.slot[member]] = leaderboard.Entry{Member: member, Score: score, At: at}
}

// sorted returns the entries in listing order (in a reused buffer).
func (s *sortBoard) sorted() []leaderboard.Entry {
	copy(s.work, s.entries)
	slices.SortFunc(s.work, leaderboard.Compare)
	return s.work
}

func (s *sortBoard) rank(member string) int {
	l := s.sorted()
	i := slices.IndexFunc(l, func(e leaderboard.Entry) bool { return e.Member == member })
	for i > 0 && l[i-1].Score == l[i].Score {
		i--
	}
	return i + 1
}

func (s *sortBoard) neighbourhood(member string, k int) []leaderboard.Entry {
	l := s.sorted()
	i := slices.IndexFunc(l, func(e leaderboard.Entry) bool { return e.Member == member })
	return slices.Clone(l[max(i-k, 0):min(i+k+1, len(l))])
}

var (
	treeOnce, localOnce, sortOnce sync.Once
	tree                          *leaderboard.Index
	local                         *rankindex.Local
	sortB                         *sortBoard
)

func sharedTree() *leaderboard.Index {
	treeOnce.Do(func() { tree = buildTree() })
	return tree
}

func sharedLocal() *rankindex.Local {
	localOnce.Do(func() { local = buildLocal() })
	return local
}

func sharedSort() *sortBoard {
	sortOnce.Do(func() { sortB = buildSort() })
	return sortB
}

// measureCPU starts counting the CPU time of the benchmark's thread; the
// function it returns reports it per operation as "cpu-ns/op". Unlike
// ns/op, which is wall time, it leaves out the time the benchmark waits
// for a processor that other programs hold, so runs on a busy machine can
// still be compared. It counts work the collector makes this thread do
// (assists) but not the collector's own workers. Call it after the setup
// and the returned function after the loop.
func measureCPU(b *testing.B) func() {
	runtime.LockOSThread()
	start, ok := threadCPU()
	return func() {
		end, ok2 := threadCPU()
		runtime.UnlockOSThread()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// version is the next version for Local updates: above every version
// applied so far, whatever the member.
var version int64 = 1

func BenchmarkUpdate(b *testing.B) {
	ns := queryNames()
	b.Run("tree", func(b *testing.B) {
		ix := sharedTree()
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			ix.Set(ns[rng.IntN(len(ns))], rng.Int64N(benchMaxScore+1), int64(len(ns))+rng.Int64N(1000))
		}
	})
	b.Run("local", func(b *testing.B) {
		ix, ctx := sharedLocal(), context.Background()
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			version++
			u := rankindex.Update{Member: ns[rng.IntN(len(ns))], Score: rng.Int64N(benchMaxScore + 1), At: int64(len(ns)) + rng.Int64N(1000), Version: version}
			if err := ix.Apply(ctx, benchBoard, u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		s := sharedSort()
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		for b.Loop() {
			s.set(s.entries[rng.IntN(len(s.entries))].Member, rng.Int64N(benchMaxScore+1), rng.Int64N(1000))
		}
	})
}

func BenchmarkRank(b *testing.B) {
	ns := queryNames()
	b.Run("tree", func(b *testing.B) {
		ix := sharedTree()
		rng := rand.New(rand.NewPCG(3, 4))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if _, ok := ix.Rank(ns[rng.IntN(len(ns))]); !ok {
				b.Fatal("missing")
			}
		}
	})
	// local: Standing gives rank, position, Tied and Total at once.
	b.Run("local", func(b *testing.B) {
		ix, ctx := sharedLocal(), context.Background()
		rng := rand.New(rand.NewPCG(3, 4))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if _, err := ix.Standing(ctx, benchBoard, ns[rng.IntN(len(ns))]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// local-rankof: rankindex.RankOf, what the engine needs (no position).
	b.Run("local-rankof", func(b *testing.B) {
		ix, ctx := sharedLocal(), context.Background()
		rng := rand.New(rand.NewPCG(3, 4))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if _, err := rankindex.RankOf(ctx, ix, benchBoard, ns[rng.IntN(len(ns))]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		s := sharedSort()
		rng := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			if s.rank(s.entries[rng.IntN(len(s.entries))].Member) < 1 {
				b.Fatal("impossible")
			}
		}
	})
}

func BenchmarkTop10(b *testing.B) {
	b.Run("tree", func(b *testing.B) {
		ix := sharedTree()
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			es := ix.Range(0, 10)
			for _, e := range es { // ranks, as a page shows them
				_ = ix.CountAbove(e.Score)
				break
			}
			if len(es) != 10 {
				b.Fatal("short page")
			}
		}
	})
	b.Run("local", func(b *testing.B) {
		ix, ctx := sharedLocal(), context.Background()
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if rs, err := ix.Range(ctx, benchBoard, 0, 10); err != nil || len(rs) != 10 {
				b.Fatal(err)
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		s := sharedSort()
		for b.Loop() {
			if len(slices.Clone(s.sorted()[:10])) != 10 {
				b.Fatal("short page")
			}
		}
	})
}

func BenchmarkNeighbourhood5(b *testing.B) {
	ns := queryNames()
	b.Run("tree", func(b *testing.B) {
		ix := sharedTree()
		rng := rand.New(rand.NewPCG(5, 6))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if len(ix.Neighbourhood(ns[rng.IntN(len(ns))], 5)) == 0 {
				b.Fatal("missing")
			}
		}
	})
	b.Run("local", func(b *testing.B) {
		ix, ctx := sharedLocal(), context.Background()
		rng := rand.New(rand.NewPCG(5, 6))
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if _, err := ix.Neighbourhood(ctx, benchBoard, ns[rng.IntN(len(ns))], 5); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		s := sharedSort()
		rng := rand.New(rand.NewPCG(5, 6))
		for b.Loop() {
			if len(s.neighbourhood(s.entries[rng.IntN(len(s.entries))].Member, 5)) == 0 {
				b.Fatal("missing")
			}
		}
	})
}

// BenchmarkBytesPerEntry reports the heap each structure holds per member
// ("B/entry"), the collector forced before and after building it. Member
// ids are made afresh during the build (freshName), so the bytes of the
// names a structure keeps count, whether it keeps the caller's strings or
// copies of them; Redis's figure counts its members' bytes too.
func BenchmarkBytesPerEntry(b *testing.B) {
	// One build per benchmark, whatever b.N: the figure is a size, not a
	// time, and a build of a million members takes a second.
	measure := func(b *testing.B, build func() (any, int)) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v, n := build()
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(v)
		for b.Loop() {
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "B/entry")
	}
	b.Run("tree", func(b *testing.B) {
		measure(b, func() (any, int) { ix := buildTreeNamed(freshName); return ix, ix.Len() })
	})
	b.Run("local", func(b *testing.B) {
		measure(b, func() (any, int) { return buildLocalNamed(freshName), *benchMembers })
	})
	b.Run("sort", func(b *testing.B) {
		measure(b, func() (any, int) { s := buildSortNamed(freshName); return s, len(s.entries) })
	})
}

package redisindex

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

// The benchmarks compare, in one run, Redis sorted sets used directly
// through go-redis (ZINCRBY, ZREVRANK, ZREVRANGE; one command per call and
// pipelined in batches of benchBatch) with this package's Index, on boards
// of -members members loaded once per process, and measure throughput with
// 50 concurrent clients: raw ZADD, the Index, and the Index with
// Options.Coalesce. Bytes per entry come from INFO
// memory (used_memory) before and after loading, so other clients of the
// same Redis add noise. Every key is deleted when the benchmarks end.
//
//	HABITKIT_REDIS_ADDR=127.0.0.1:6379 go test ./rankindex/redisindex -run '^$' -bench . -benchmem
var benchMembers = flag.Int("members", 1_000_000, "members on the benchmark boards")

const (
	benchMaxScore = 5000
	benchBatch    = 100
	benchClients  = 50
)

var (
	benchOnce   sync.Once
	benchC      *redis.Client
	benchPrefix string
	benchNames  []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if coalesceC != nil {
		_ = coalesceC.Close()
	}
	if benchC != nil {
		if err := deletePrefix(benchC, benchPrefix); err != nil {
			fmt.Fprintf(os.Stderr, "redis cleanup of %s*: %v\n", benchPrefix, err)
			code = 1
		}
		_ = benchC.Close()
	}
	os.Exit(code)
}

// benchClient returns the shared client and member names, made once.
func benchClient(b *testing.B) *redis.Client {
	b.Helper()
	addr := os.Getenv(redisEnv)
	if addr == "" {
		b.Skipf("%s not set: skipping Redis benchmarks", redisEnv)
	}
	benchOnce.Do(func() {
		benchC = redis.NewClient(&redis.Options{Addr: addr, PoolSize: 2 * benchClients})
		benchPrefix = fmt.Sprintf("hkbench:%d:", time.Now().UnixNano())
		benchNames = make([]string, *benchMembers)
		for i := range benchNames {
			benchNames[i] = fmt.Sprintf("u%07d", i)
		}
	})
	return benchC
}

func usedMemory(b *testing.B, c *redis.Client) int64 {
	b.Helper()
	info, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no used_memory in INFO")
	return 0
}

var (
	rawOnce, ixOnce   sync.Once
	rawKey            string
	rawBytes, ixBytes float64
	benchIx           *Index
	benchBoard        = rankindex.Board{Key: "bench", Ranking: leaderboard.Competition}
)

// rawBoard loads the members into one sorted set with pipelined ZADDs.
func rawBoard(b *testing.B) (*redis.Client, string) {
	c := benchClient(b)
	rawOnce.Do(func() {
		ctx := context.Background()
		rawKey = benchPrefix + "raw"
		before := usedMemory(b, c)
		rng := rand.New(rand.NewPCG(42, 42))
		for i := 0; i < len(benchNames); i += 1000 {
			p := c.Pipeline()
			for _, name := range benchNames[i:min(i+1000, len(benchNames))] {
				p.ZAdd(ctx, rawKey, redis.Z{Score: float64(rng.Int64N(benchMaxScore + 1)), Member: name})
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
		rawBytes = float64(usedMemory(b, c)-before) / float64(len(benchNames))
	})
	return c, rawKey
}

// indexBoard loads the members into an Index board, 1,000 updates an Apply.
func indexBoard(b *testing.B) *Index {
	c := benchClient(b)
	ixOnce.Do(func() {
		ctx := context.Background()
		benchIx = New(c, benchPrefix+"ix:", nil)
		before := usedMemory(b, c)
		rng := rand.New(rand.NewPCG(42, 42))
		_, _ = benchIx.BeginWarm(ctx, benchBoard)
		page := make([]rankindex.Update, 0, 1000)
		for i, name := range benchNames {
			page = append(page, rankindex.Update{Member: name, Score: rng.Int64N(benchMaxScore + 1), At: int64(i), Version: 1})
			if len(page) == cap(page) || i == len(benchNames)-1 {
				if err := benchIx.Apply(ctx, benchBoard, page...); err != nil {
					b.Fatal(err)
				}
				page = page[:0]
			}
		}
		if err := benchIx.FinishWarm(ctx, benchBoard); err != nil {
			b.Fatal(err)
		}
		ixBytes = float64(usedMemory(b, c)-before) / float64(len(benchNames))
	})
	return benchIx
}

// benchVersion is above every version applied so far, whatever the member.
var benchVersion atomic.Int64

func init() { benchVersion.Store(1) }

func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c, key := rawBoard(b)
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if err := c.ZIncrBy(ctx, key, 1, benchNames[rng.IntN(len(benchNames))]).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-pipelined", func(b *testing.B) {
		c, key := rawBoard(b)
		rng := rand.New(rand.NewPCG(1, 2))
		pipelined(b, c, func(p redis.Pipeliner) {
			p.ZIncrBy(ctx, key, 1, benchNames[rng.IntN(len(benchNames))])
		})
	})
	b.Run("index", func(b *testing.B) {
		ix := indexBoard(b)
		rng := rand.New(rand.NewPCG(benchSeed.Add(1), 2))
		for b.Loop() {
			if err := ix.Apply(ctx, benchBoard, randomUpdate(rng)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUpdate50Clients runs 50 goroutines, each applying one member's
// update at a time as an application would (an Apply of one update each),
// and reports updates per second: through raw ZADD commands (one round
// trip each), through the Index, and through an Index with
// Options.Coalesce sharing the same board, with the default InFlight and
// with InFlight 1 (one script call to a board in flight at a time), which
// also report the updates their script calls carried on average
// ("updates/call"). Each also reports the time Redis spent per update
// ("srv-µs/update", see serverTime).
func BenchmarkUpdate50Clients(b *testing.B) {
	ctx := context.Background()
	b.Run("raw-zadd", func(b *testing.B) {
		c, key := rawBoard(b)
		defer serverTime(b, c, "zadd")()
		parallel50(b, func(rng *rand.Rand) error {
			return c.ZAdd(ctx, key, redis.Z{Score: float64(rng.Int64N(benchMaxScore + 1)), Member: benchNames[rng.IntN(len(benchNames))]}).Err()
		})
	})
	b.Run("index", func(b *testing.B) {
		ix := indexBoard(b)
		defer serverTime(b, benchC, "evalsha")()
		parallel50(b, func(rng *rand.Rand) error {
			return ix.Apply(ctx, benchBoard, randomUpdate(rng))
		})
	})
	for _, inFlight := range []int{0, 1} {
		name := "index-coalesce"
		if inFlight > 0 {
			name += fmt.Sprintf("-inflight%d", inFlight)
		}
		b.Run(name, func(b *testing.B) {
			indexBoard(b)
			c := coalesceClient(b)
			ix := New(c, benchPrefix+"ix:", &Options{Coalesce: true, InFlight: inFlight})
			before := benchCalls.Load()
			defer serverTime(b, c, "evalsha")()
			parallel50(b, func(rng *rand.Rand) error {
				return ix.Apply(ctx, benchBoard, randomUpdate(rng))
			})
			if calls := benchCalls.Load() - before; calls > 0 {
				b.ReportMetric(float64(b.N)/float64(calls), "updates/call")
			}
		})
	}
}

// serverTime reads Redis's INFO commandstats total for cmd, and returns a
// function that reports the time Redis spent in cmd since then per
// operation of b ("srv-µs/update"): Redis's own CPU cost of an update
// (for evalsha, the whole script, the commands it runs included), which
// the client's throughput hides when the machine is shared. Other clients
// of the same Redis running cmd meanwhile add to it.
func serverTime(b *testing.B, c *redis.Client, cmd string) func() {
	b.Helper()
	before := commandUsec(b, c, cmd)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(commandUsec(b, c, cmd)-before)/float64(b.N), "srv-µs/update")
		}
	}
}

// commandUsec returns the microseconds Redis has spent in cmd
// (usec in INFO commandstats).
func commandUsec(b *testing.B, c *redis.Client, cmd string) int64 {
	b.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		rest, ok := strings.CutPrefix(line, "cmdstat_"+cmd+":")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(field, "usec="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
	}
	return 0
}

// benchSeed seeds every random stream of the update benchmarks, so that
// no round repeats another's (member, At) pairs: a repeated pair would
// leave the sorted-set name unchanged and spare the script its ZREM.
var benchSeed atomic.Uint64

// randomUpdate returns an update of a random member to a random score,
// reached at a random time after the board was loaded, with a version
// above every other.
func randomUpdate(rng *rand.Rand) rankindex.Update {
	return rankindex.Update{
		Member:  benchNames[rng.IntN(len(benchNames))],
		Score:   rng.Int64N(benchMaxScore + 1),
		At:      int64(len(benchNames)) + rng.Int64N(1_000_000),
		Version: benchVersion.Add(1),
	}
}

// parallel50 runs op b.N times from benchClients goroutines and reports
// operations per second as "updates/s".
func parallel50(b *testing.B, op func(rng *rand.Rand) error) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((benchClients + procs - 1) / procs) // goroutines = parallelism × GOMAXPROCS
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(benchSeed.Add(1), 7))
		for pb.Next() {
			if err := op(rng); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "updates/s")
}

var (
	coalesceOnce sync.Once
	coalesceC    *redis.Client
	benchCalls   atomic.Int64
)

// coalesceClient returns a second client on the benchmark Redis that
// counts the commands it sends in benchCalls.
func coalesceClient(b *testing.B) *redis.Client {
	coalesceOnce.Do(func() {
		coalesceC = redis.NewClient(&redis.Options{Addr: os.Getenv(redisEnv), PoolSize: 2 * benchClients})
		coalesceC.AddHook(atomicCountHook{&benchCalls})
	})
	return coalesceC
}

type atomicCountHook struct{ n *atomic.Int64 }

func (h atomicCountHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h atomicCountHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h atomicCountHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

func BenchmarkRank(b *testing.B) {
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c, key := rawBoard(b)
		rng := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			if err := c.ZRevRank(ctx, key, benchNames[rng.IntN(len(benchNames))]).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-pipelined", func(b *testing.B) {
		c, key := rawBoard(b)
		rng := rand.New(rand.NewPCG(3, 4))
		pipelined(b, c, func(p redis.Pipeliner) {
			p.ZRevRank(ctx, key, benchNames[rng.IntN(len(benchNames))])
		})
	})
	// index: Standing, the competition rank with Tied, Total and Position.
	b.Run("index", func(b *testing.B) {
		ix := indexBoard(b)
		rng := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			if _, err := ix.Standing(ctx, benchBoard, benchNames[rng.IntN(len(benchNames))]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTop10(b *testing.B) {
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c, key := rawBoard(b)
		for b.Loop() {
			if err := c.ZRevRangeWithScores(ctx, key, 0, 9).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-pipelined", func(b *testing.B) {
		c, key := rawBoard(b)
		pipelined(b, c, func(p redis.Pipeliner) { p.ZRevRangeWithScores(ctx, key, 0, 9) })
	})
	b.Run("index", func(b *testing.B) {
		ix := indexBoard(b)
		for b.Loop() {
			if rs, err := ix.Range(ctx, benchBoard, 0, 10); err != nil || len(rs) != 10 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNeighbourhood5: raw is ZREVRANK then ZREVRANGE (two round
// trips; the second needs the first's answer, so it cannot be pipelined).
func BenchmarkNeighbourhood5(b *testing.B) {
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c, key := rawBoard(b)
		rng := rand.New(rand.NewPCG(5, 6))
		for b.Loop() {
			r, err := c.ZRevRank(ctx, key, benchNames[rng.IntN(len(benchNames))]).Result()
			if err != nil {
				b.Fatal(err)
			}
			if err := c.ZRevRangeWithScores(ctx, key, max(r-5, 0), r+5).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("index", func(b *testing.B) {
		ix := indexBoard(b)
		rng := rand.New(rand.NewPCG(5, 6))
		for b.Loop() {
			if _, err := ix.Neighbourhood(ctx, benchBoard, benchNames[rng.IntN(len(benchNames))], 5); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBytesPerEntry reports used_memory growth per member while each
// board was loaded ("B/entry").
func BenchmarkBytesPerEntry(b *testing.B) {
	b.Run("raw", func(b *testing.B) {
		rawBoard(b)
		for b.Loop() {
		}
		b.ReportMetric(rawBytes, "B/entry")
	})
	b.Run("index", func(b *testing.B) {
		indexBoard(b)
		for b.Loop() {
		}
		b.ReportMetric(ixBytes, "B/entry")
	})
}

// pipelined runs queue b.N times, sending benchBatch commands a round trip.
func pipelined(b *testing.B, c *redis.Client, queue func(p redis.Pipeliner)) {
	ctx := context.Background()
	p := c.Pipeline()
	n := 0
	flush := func() {
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		n = 0
	}
	for b.Loop() {
		queue(p)
		if n++; n == benchBatch {
			flush()
		}
	}
	if n > 0 {
		flush()
	}
}

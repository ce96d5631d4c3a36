package redisindex

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
	"github.com/habitkit/habitkit/rankindex/rankindextest"
)

// redisEnv names the Redis server the tests use.
const redisEnv = "HABITKIT_REDIS_ADDR"

// testClient returns a client on HABITKIT_REDIS_ADDR, or skips t when it is
// unset (fails it when CI=true).
func testClient(t testing.TB) *redis.Client {
	t.Helper()
	addr := os.Getenv(redisEnv)
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not set: Redis tests are required when CI=true", redisEnv)
		}
		t.Skipf("%s not set: skipping Redis tests", redisEnv)
	}
	c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 64})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	return c
}

// testPrefix returns a random key prefix and deletes every key under it
// when the test ends.
func testPrefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "hktest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		if err := deletePrefix(c, prefix); err != nil {
			t.Errorf("redis cleanup of %s*: %v", prefix, err)
		}
	})
	return prefix
}

// deletePrefix deletes every key that begins with prefix.
func deletePrefix(c *redis.Client, prefix string) error {
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			c.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		c.Unlink(ctx, keys...)
	}
	return iter.Err()
}

func TestConformance(t *testing.T) {
	c := testClient(t)
	for _, mode := range []struct {
		name string
		opts *Options
	}{
		{"plain", nil},
		{"coalesce", &Options{Coalesce: true}},
		{"coalesce-inflight1", &Options{Coalesce: true, InFlight: 1}},
		{"coalesce-inflight4", &Options{Coalesce: true, InFlight: 4}},
		// Batches of 3 updates split most coalesced groups.
		{"coalesce-max3", &Options{Coalesce: true, MaxBatch: 3}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			rankindextest.Run(t, func(t *testing.T) rankindex.Index {
				return New(c, testPrefix(t, c), mode.opts)
			})
		})
	}
}

func TestWarmClaimExpires(t *testing.T) {
	c := testClient(t)
	ix := New(c, testPrefix(t, c), nil)
	b := rankindex.Board{Key: "b"}
	ok, err := ix.BeginWarm(t.Context(), b)
	require.NoError(t, err)
	require.True(t, ok)
	ttl, err := c.PTTL(t.Context(), ix.keys(b.Key)[2]).Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, WarmTimeout/2, "a warm claim must expire, so that a crashed warmer does not block the board")
	assert.LessOrEqual(t, ttl, WarmTimeout, "a warm claim must expire after WarmTimeout")
	require.NoError(t, ix.FinishWarm(t.Context(), b))
	ttl, err = c.PTTL(t.Context(), ix.keys(b.Key)[2]).Result()
	require.NoError(t, err)
	assert.Less(t, ttl, time.Duration(0), "a Ready state must not expire")
}

func TestBoardKeysShareASlot(t *testing.T) {
	ix := New(nil, "p{x}:", nil)
	for _, key := range []string{"plain", "with}brace", "{open", "a}:z"} {
		k := ix.keys(key)
		assert.Len(t, k, 3)
		for _, other := range k[1:] {
			assert.Equal(t, hashTag(k[0]), hashTag(other), "the keys of board %q must share a hash slot", key)
		}
	}
}

// hashTag returns the part of key Redis Cluster hashes.
func hashTag(key string) string {
	if i := bytes.IndexByte([]byte(key), '{'); i >= 0 {
		if j := bytes.IndexByte([]byte(key[i+1:]), '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func TestEncodeOrder(t *testing.T) {
	// Names must sort in reverse (At, member) order and decode back.
	rng := mrand.New(mrand.NewPCG(1, 2))
	alphabet := []byte{0, 1, 'a', 'b', 0xfe, 0xff}
	type key struct {
		at int64
		m  string
	}
	rand := func() key {
		b := make([]byte, rng.IntN(5))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		ats := []int64{-1 << 63, -1, 0, 1, 1<<63 - 1}
		return key{ats[rng.IntN(len(ats))], string(b)}
	}
	for range 20000 {
		x, y := rand(), rand()
		ex, ey := encode(x.at, x.m), encode(y.at, y.m)
		at, m, err := decode(ex)
		require.NoError(t, err)
		require.Equal(t, x, key{at, m}, "decode(encode(x)) must give x back")
		want := 0
		switch {
		case x.at != y.at:
			want = map[bool]int{true: -1, false: 1}[x.at < y.at]
		default:
			want = bytes.Compare([]byte(x.m), []byte(y.m))
		}
		require.Equal(t, -want, bytes.Compare([]byte(ex), []byte(ey)), "names of %q and %q must sort in reverse listing order", x, y)
	}
	for _, bad := range []string{"", "short", encode(1, "a")[:9], encode(1, "a") + "x"} {
		_, _, err := decode(bad)
		assert.Error(t, err, "decode(%q)", bad)
	}
}

func TestApplyIsOneRoundTrip(t *testing.T) {
	c := testClient(t)
	ix := New(c, testPrefix(t, c), nil)
	b := rankindex.Board{Key: "b", Ranking: leaderboard.Competition}
	// Load the script, then count commands through a hook.
	require.NoError(t, ix.Apply(t.Context(), b, rankindex.Update{Member: "a", Score: 1, Version: 1}))
	var cmds int
	c.AddHook(countHook{&cmds})
	us := make([]rankindex.Update, 100)
	for i := range us {
		us[i] = rankindex.Update{Member: string(rune('a'+i%26)) + hex.EncodeToString([]byte{byte(i)}), Score: int64(i), Version: 2}
	}
	require.NoError(t, ix.Apply(t.Context(), b, us...))
	assert.Equal(t, 1, cmds, "Apply of 100 updates must be one round trip")
}

type countHook struct{ n *int }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		*h.n++
		return next(ctx, cmd)
	}
}
func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		*h.n += len(cmds)
		return next(ctx, cmds)
	}
}

// gateHook holds the first hold commands it sees until release is closed
// (entered is closed once they all wait), and counts the commands and the
// updates (applyScript arguments) sent. It sees only EVALSHA commands.
type gateHook struct {
	mu      sync.Mutex
	hold    int
	entered chan struct{}
	release chan struct{}
	cmds    int
	batches []int // updates per script call
}

func newGateHook(hold int) *gateHook {
	return &gateHook{hold: hold, entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *gateHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *gateHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "evalsha" {
			// Connection set-up (HELLO), queries and clean-up pass freely.
			return next(ctx, cmd)
		}
		h.mu.Lock()
		h.cmds++
		// EVALSHA sha numkeys key key args...
		h.batches = append(h.batches, (len(cmd.Args())-5)/4)
		wait := h.hold > 0
		if wait {
			if h.hold--; h.hold == 0 {
				close(h.entered)
			}
		}
		h.mu.Unlock()
		if wait {
			<-h.release
		}
		return next(ctx, cmd)
	}
}
func (h *gateHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (h *gateHook) counts() (int, []int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cmds, slices.Clone(h.batches)
}

// waiting reports how many Apply calls wait in board key's batch.
func (ix *Index) waiting(key string) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if bt := ix.batches[key]; bt != nil {
		return len(bt.waiting)
	}
	return 0
}

// coalesceSetup returns an Index with Coalesce, MaxBatch and InFlight on a
// client whose first hold commands are held by the returned hook, after
// loading the apply script.
func coalesceSetup(t *testing.T, maxBatch, inFlight, hold int) (*Index, *gateHook, rankindex.Board) {
	t.Helper()
	c := testClient(t)
	b := rankindex.Board{Key: "b", Ranking: leaderboard.Competition}
	require.NoError(t, applyScript.Load(t.Context(), c).Err())
	h := newGateHook(hold)
	c.AddHook(h)
	return New(c, testPrefix(t, c), &Options{Coalesce: true, MaxBatch: maxBatch, InFlight: inFlight}), h, b
}

func TestCoalesceSharesRoundTrips(t *testing.T) {
	const rule = "with Coalesce, Apply calls that arrive while a call to their board is in flight must share the next round trip, and each must be applied"
	ix, h, b := coalesceSetup(t, 0, 1, 1)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make([]error, 21)
	wg.Go(func() { errs[0] = ix.Apply(ctx, b, rankindex.Update{Member: "m00", Score: 0, Version: 1}) })
	<-h.entered
	for i := 1; i <= 20; i++ {
		wg.Go(func() {
			errs[i] = ix.Apply(ctx, b, rankindex.Update{Member: fmt.Sprintf("m%02d", i), Score: int64(i), Version: 1})
		})
	}
	require.Eventually(t, func() bool { return ix.waiting(b.Key) == 20 }, 10*time.Second, time.Millisecond)
	close(h.release)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "%s: Apply %d", rule, i)
	}
	cmds, batches := h.counts()
	assert.Equal(t, 2, cmds, rule)
	assert.Equal(t, []int{1, 20}, batches, rule)
	require.NoError(t, ix.FinishWarm(ctx, b))
	rs, err := ix.Range(ctx, b, 0, 100)
	require.NoError(t, err)
	require.Len(t, rs, 21, rule)
	for i, r := range rs {
		assert.Equal(t, fmt.Sprintf("m%02d", 20-i), r.Member, rule)
		assert.Equal(t, int64(20-i), r.Score, rule)
	}
	assert.Zero(t, ix.waiting(b.Key))
}

func TestCoalesceInFlight(t *testing.T) {
	const rule = "with Coalesce, at most InFlight script calls to a board may be in flight at once, and the calls that arrive meanwhile must share the next one"
	ix, h, b := coalesceSetup(t, 0, 2, 2)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make([]error, 22)
	// The first two calls are sent at once, each alone, and held in flight.
	for i := range 2 {
		wg.Go(func() {
			errs[i] = ix.Apply(ctx, b, rankindex.Update{Member: fmt.Sprintf("m%02d", i), Score: int64(i), Version: 1})
		})
		require.Eventually(t, func() bool { cmds, _ := h.counts(); return cmds == i+1 }, 10*time.Second, time.Millisecond, rule)
	}
	<-h.entered
	for i := 2; i < 22; i++ {
		wg.Go(func() {
			errs[i] = ix.Apply(ctx, b, rankindex.Update{Member: fmt.Sprintf("m%02d", i), Score: int64(i), Version: 1})
		})
	}
	require.Eventually(t, func() bool { return ix.waiting(b.Key) == 20 }, 10*time.Second, time.Millisecond, rule)
	cmds, _ := h.counts()
	assert.Equal(t, 2, cmds, "%s: no third call may start while two are in flight", rule)
	close(h.release)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "%s: Apply %d", rule, i)
	}
	cmds, batches := h.counts()
	assert.Equal(t, 3, cmds, rule)
	assert.Equal(t, []int{1, 1, 20}, batches, rule)
	require.NoError(t, ix.FinishWarm(ctx, b))
	_, total, err := ix.RankOfScore(ctx, b, 0)
	require.NoError(t, err)
	assert.Equal(t, 22, total, "%s: every call must be applied", rule)
	assert.Zero(t, ix.waiting(b.Key))
	// A sender wakes its callers before it looks for more work and, finding
	// none, leaves: the batch goes soon after the last Apply returns, not
	// necessarily before.
	assert.Eventually(t, func() bool {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		return len(ix.batches) == 0
	}, 10*time.Second, time.Millisecond, "%s: the last sender to finish must remove the board's batch", rule)
}

func TestCoalesceMaxBatch(t *testing.T) {
	const rule = "a coalesced script call must carry at most MaxBatch updates, unless one Apply alone has more, and must never split an Apply"
	ix, h, b := coalesceSetup(t, 3, 1, 1)
	ctx := t.Context()
	var wg sync.WaitGroup
	wg.Go(func() { assert.NoError(t, ix.Apply(ctx, b, rankindex.Update{Member: "first", Version: 1})) })
	<-h.entered
	// Queued in this order: 1, 1, 5, 2, 1 updates (one goroutine at a time).
	for i, n := range []int{1, 1, 5, 2, 1} {
		us := make([]rankindex.Update, n)
		for j := range us {
			us[j] = rankindex.Update{Member: fmt.Sprintf("c%d-%d", i, j), Score: int64(j), Version: 1}
		}
		wg.Go(func() { assert.NoError(t, ix.Apply(ctx, b, us...)) })
		require.Eventually(t, func() bool { return ix.waiting(b.Key) == i+1 }, 10*time.Second, time.Millisecond)
	}
	close(h.release)
	wg.Wait()
	_, batches := h.counts()
	assert.Equal(t, []int{1, 2, 5, 3}, batches, rule)
	require.NoError(t, ix.FinishWarm(ctx, b))
	_, total, err := ix.RankOfScore(ctx, b, 0)
	require.NoError(t, err)
	assert.Equal(t, 11, total, rule)
}

func TestCoalesceCancelWhileWaiting(t *testing.T) {
	const rule = "a coalesced Apply whose context ends while it waits must return the context's error and apply nothing"
	ix, h, b := coalesceSetup(t, 0, 1, 1)
	ctx := t.Context()
	done := make(chan error)
	go func() { done <- ix.Apply(ctx, b, rankindex.Update{Member: "kept", Score: 1, Version: 1}) }()
	<-h.entered
	cctx, cancel := context.WithCancel(ctx)
	gone := make(chan error)
	go func() { gone <- ix.Apply(cctx, b, rankindex.Update{Member: "gone", Score: 2, Version: 1}) }()
	require.Eventually(t, func() bool { return ix.waiting(b.Key) == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	err := <-gone
	assert.ErrorIs(t, err, context.Canceled, rule)
	assert.Zero(t, ix.waiting(b.Key), rule)
	close(h.release)
	require.NoError(t, <-done)
	require.NoError(t, ix.FinishWarm(ctx, b))
	_, err = ix.Standing(ctx, b, "gone")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, rule)
	s, err := ix.Standing(ctx, b, "kept")
	require.NoError(t, err)
	assert.Equal(t, int64(1), s.Score)
	// An already cancelled context queues nothing.
	err = ix.Apply(cctx, b, rankindex.Update{Member: "gone", Score: 2, Version: 1})
	assert.ErrorIs(t, err, context.Canceled, rule)
	_, err = ix.Standing(ctx, b, "gone")
	assert.ErrorIs(t, err, rankindex.ErrNotRanked, rule)
}

func TestCoalesceErrorsStayOnTheirBoard(t *testing.T) {
	const rule = "with Coalesce, a failed script call must fail the Apply calls it carried, every one of them, and no call to another board"
	c := testClient(t)
	ix := New(c, testPrefix(t, c), &Options{Coalesce: true})
	ctx := t.Context()
	good := rankindex.Board{Key: "good"}
	bad := rankindex.Board{Key: "bad"}
	// A string where the sorted set should be: every ZADD fails.
	require.NoError(t, c.Set(ctx, ix.keys(bad.Key)[0], "x", 0).Err())
	const n = 40
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[2*i] = ix.Apply(ctx, good, rankindex.Update{Member: fmt.Sprintf("m%02d", i), Score: int64(i), Version: 1})
		})
		wg.Go(func() {
			errs[2*i+1] = ix.Apply(ctx, bad, rankindex.Update{Member: fmt.Sprintf("m%02d", i), Score: int64(i), Version: 1})
		})
	}
	wg.Wait()
	for i := range n {
		assert.NoError(t, errs[2*i], rule)
		assert.Error(t, errs[2*i+1], rule)
		assert.NotErrorIs(t, errs[2*i+1], challenge.ErrInvalid, rule)
	}
	require.NoError(t, ix.FinishWarm(ctx, good))
	_, total, err := ix.RankOfScore(ctx, good, 0)
	require.NoError(t, err)
	assert.Equal(t, n, total, rule)
}

package redisindex

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	rankindextest.Run(t, func(t *testing.T) rankindex.Index {
		return New(c, testPrefix(t, c))
	})
}

func TestWarmClaimExpires(t *testing.T) {
	c := testClient(t)
	ix := New(c, testPrefix(t, c))
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
	ix := New(nil, "p{x}:")
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
	ix := New(c, testPrefix(t, c))
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

package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// RedisEnv names the variable that holds the test Redis server's address.
const RedisEnv = "HABITKIT_REDIS_ADDR"

// Redis returns a client on the server HABITKIT_REDIS_ADDR names and a
// random key prefix of its own; every key under the prefix is deleted when
// t ends. It skips t when the variable is unset, and fails it then when
// CI=true.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	addr := os.Getenv(RedisEnv)
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: the Redis tests are required when CI=true", RedisEnv)
		}
		t.Skipf("%s is not set: skipping the Redis tests", RedisEnv)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	if err := c.Ping(context.Background()).Err(); err != nil {
		_ = c.Close()
		t.Fatalf("redis at %s: %v", addr, err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	prefix := "hktest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("redis cleanup of %s*: %v", prefix, err)
		}
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				t.Errorf("redis cleanup of %s*: %v", prefix, err)
			}
		}
		_ = c.Close()
	})
	return c, prefix
}

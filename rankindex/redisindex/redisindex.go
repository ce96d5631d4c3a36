package redisindex

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/rankindex"
)

// WarmTimeout is how long a BeginWarm claim lasts: a warmer that has not
// called FinishWarm or AbandonWarm by then loses its claim, and the board
// is Cold again.
const WarmTimeout = 10 * time.Minute

// Index is a rankindex.Index over Redis sorted sets. It is safe for
// concurrent use, and any number of Index values in any number of
// processes may share boards through one Redis.
type Index struct {
	client      redis.UniversalClient
	prefix      string
	warmTimeout time.Duration
	coalesce    bool
	maxBatch    int
	inFlight    int

	mu      sync.Mutex
	batches map[string]*batch // board key → calls waiting to be coalesced
}

var _ rankindex.Index = (*Index)(nil)

// Options configures an Index. A nil *Options, like the zero value, means
// the defaults.
type Options struct {
	// Coalesce combines concurrent Apply calls on one board into one
	// script call: while InFlight calls to a board are in flight, later
	// Apply calls to that board wait, and the next script call carries all
	// of them (in arrival order, each call's updates kept together and in
	// order). A call to a board with fewer calls in flight is sent at once,
	// with no timer. An Apply is
	// still at most one round trip, and under concurrency many updates
	// share one (see "Coalescing" in the package documentation). Every
	// update is still subject to the Version rule, and each call's updates
	// are still applied by one script, so the contract is unchanged. What
	// changes: an error of the shared call (a lost connection, a script
	// error) is returned to every Apply it carried, each of which may or
	// may not have been applied and may be retried, as with any failed
	// Apply; and an Apply whose context ends while it waits returns the
	// context's error having applied nothing, but once its call is in
	// flight it returns the context's error without waiting, and its
	// updates may still be applied. Default: false (each Apply is its own
	// script call).
	Coalesce bool
	// MaxBatch bounds the updates one coalesced script call carries, so
	// that a script holds Redis for a bounded time; a single Apply with
	// more updates is sent alone. Values below 1 mean the default, 256.
	// Ignored unless Coalesce is set.
	MaxBatch int
	// InFlight bounds the coalesced script calls to one board that may be
	// in flight at once from this Index. With 1, Redis idles while each
	// reply travels back and the next batch is formed; with 2, the next
	// batch is already queued when Redis finishes one (smaller batches, but
	// Redis stays busy: 1.3× the updates per second of 1 with 50 clients
	// when Redis had a core to itself on this repository's benchmark
	// machine, no difference when the machine was saturated). Calls in
	// flight together carry updates of concurrent Apply calls, whose order
	// is unspecified anyway: the Version rule makes the final board the
	// same in any order. Values below 1 mean the default, 2. Ignored unless
	// Coalesce is set.
	InFlight int
}

const (
	defaultMaxBatch = 256
	defaultInFlight = 2
)

// New returns an Index that keeps its boards in client under keys that
// begin with prefix (see the package documentation for the layout).
// Several indexes with different prefixes can share one Redis. opts may be
// nil.
func New(client redis.UniversalClient, prefix string, opts *Options) *Index {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxBatch < 1 {
		o.MaxBatch = defaultMaxBatch
	}
	if o.InFlight < 1 {
		o.InFlight = defaultInFlight
	}
	return &Index{
		client:      client,
		prefix:      prefix,
		warmTimeout: WarmTimeout,
		coalesce:    o.Coalesce,
		maxBatch:    o.MaxBatch,
		inFlight:    o.InFlight,
		batches:     make(map[string]*batch),
	}
}

// keys returns the sorted set, version hash and state keys of board key.
func (ix *Index) keys(key string) []string {
	base := ix.prefix + "{" + key + "}"
	return []string{base + ":z", base + ":v", base + ":s"}
}

// applyKeys returns the keys applyScript takes: the sorted set and the
// version hash of board key.
func (ix *Index) applyKeys(key string) []string {
	base := ix.prefix + "{" + key + "}"
	return []string{base + ":z", base + ":v"}
}

const (
	stateWarming = "w"
	stateReady   = "r"
)

// applyScript applies groups of four arguments (member, version, score,
// sorted-set name; an empty name removes) under the version rule. Four
// commands at most per update: HGET, ZREM, ZADD, HSET.
var applyScript = redis.NewScript(`
local z, h = KEYS[1], KEYS[2]
local applied = 0
for i = 1, #ARGV, 4 do
  local m, v, enc = ARGV[i], tonumber(ARGV[i+1]), ARGV[i+3]
  local cur = redis.call('HGET', h, m)
  local curv, old = 0, nil
  if cur then
    local p = string.find(cur, '|', 1, true)
    if p then
      curv, old = tonumber(string.sub(cur, 1, p - 1)), string.sub(cur, p + 1)
    else
      curv = tonumber(cur)
    end
  end
  if v > curv then
    if old and old ~= enc then
      redis.call('ZREM', z, old)
    end
    if enc == '' then
      redis.call('HSET', h, m, ARGV[i+1])
    else
      redis.call('ZADD', z, ARGV[i+2], enc)
      redis.call('HSET', h, m, ARGV[i+1] .. '|' .. enc)
    end
    applied = applied + 1
  end
end
return applied
`)

// The query scripts return {0} when the board is not Ready, {1} when the
// member is not on it, and {2, ...} with the answer.
var (
	standingScript = redis.NewScript(`
if redis.call('GET', KEYS[3]) ~= 'r' then return {0} end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return {1} end
local p = string.find(cur, '|', 1, true)
if not p then return {1} end
local enc = string.sub(cur, p + 1)
local score = redis.call('ZSCORE', KEYS[1], enc)
return {2, enc, score,
  redis.call('ZREVRANK', KEYS[1], enc),
  redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf'),
  redis.call('ZCOUNT', KEYS[1], score, score),
  redis.call('ZCARD', KEYS[1])}
`)
	rankOfScoreScript = redis.NewScript(`
if redis.call('GET', KEYS[3]) ~= 'r' then return {0} end
return {2, redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf'), redis.call('ZCARD', KEYS[1])}
`)
	rangeScript = redis.NewScript(`
if redis.call('GET', KEYS[3]) ~= 'r' then return {0} end
local page = redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'WITHSCORES')
local above = 0
if #page > 0 then above = redis.call('ZCOUNT', KEYS[1], '(' .. page[2], '+inf') end
return {2, tonumber(ARGV[1]), above, page}
`)
	neighbourhoodScript = redis.NewScript(`
if redis.call('GET', KEYS[3]) ~= 'r' then return {0} end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return {1} end
local p = string.find(cur, '|', 1, true)
if not p then return {1} end
local pos = redis.call('ZREVRANK', KEYS[1], string.sub(cur, p + 1))
local k = tonumber(ARGV[2])
local from = pos - k
if from < 0 then from = 0 end
local page = redis.call('ZREVRANGE', KEYS[1], from, pos + k, 'WITHSCORES')
return {2, from, redis.call('ZCOUNT', KEYS[1], '(' .. page[2], '+inf'), page}
`)
	abandonScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == 'w' then return redis.call('DEL', KEYS[1]) end
return 0
`)
)

// Apply implements rankindex.Index in one round trip, shared with other
// calls to the same board when Options.Coalesce is set.
func (ix *Index) Apply(ctx context.Context, b rankindex.Board, updates ...rankindex.Update) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("redisindex: apply: %w", err)
	}
	if err := rankindex.ValidateUpdates(updates); err != nil {
		return fmt.Errorf("redisindex: apply to board %q: %w", b.Key, err)
	}
	if len(updates) == 0 {
		return ctx.Err()
	}
	args := make([]any, 0, 4*len(updates))
	for i := range updates {
		u := &updates[i]
		if u.Remove {
			args = append(args, u.Member, u.Version, 0, "")
		} else {
			args = append(args, u.Member, u.Version, u.Score, encode(u.At, u.Member))
		}
	}
	if ix.coalesce {
		return ix.applyCoalesced(ctx, b.Key, args)
	}
	if err := applyScript.Run(ctx, ix.client, ix.applyKeys(b.Key), args...).Err(); err != nil {
		return fmt.Errorf("redisindex: apply to board %q: %w", b.Key, err)
	}
	return nil
}

// batch holds the Apply calls waiting for the next script call to one
// board. While a batch exists, senders goroutines (flush, 1 to
// Options.InFlight) are sending its calls.
type batch struct {
	waiting []*call
	senders int
}

// call is one coalesced Apply: its script arguments, and its result once
// done is closed.
type call struct {
	args []any
	done chan struct{}
	err  error
}

// applyCoalesced queues args for board key and waits for the script call
// that carries them (Options.Coalesce).
func (ix *Index) applyCoalesced(ctx context.Context, key string, args []any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisindex: apply to board %q: %w", key, err)
	}
	c := &call{args: args, done: make(chan struct{})}
	ix.mu.Lock()
	bt := ix.batches[key]
	if bt == nil {
		bt = &batch{}
		ix.batches[key] = bt
	}
	bt.waiting = append(bt.waiting, c)
	start := bt.senders < ix.inFlight
	if start {
		bt.senders++
	}
	ix.mu.Unlock()
	if start {
		go ix.flush(key, bt)
	}
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
	}
	ix.mu.Lock()
	i := slices.Index(bt.waiting, c)
	if i >= 0 {
		bt.waiting = slices.Delete(bt.waiting, i, i+1)
	}
	ix.mu.Unlock()
	if i < 0 {
		// Taken by a script call: its result may be in already.
		select {
		case <-c.done:
			return c.err
		default:
		}
	}
	return fmt.Errorf("redisindex: apply to board %q: %w", key, ctx.Err())
}

// flush sends the calls waiting in bt, board key's batch, one script call
// at a time, until none are left; then it leaves, and the last sender to
// leave removes the batch, so that the next Apply to the board starts a new
// one. Up to Options.InFlight flush goroutines serve one batch, each taking
// what waits when its previous call is done. The script calls run under a
// context of their own: a caller that gives up must not fail the others
// (the client's read and write timeouts still bound them).
func (ix *Index) flush(key string, bt *batch) {
	keys := ix.applyKeys(key)
	var args []any
	for {
		ix.mu.Lock()
		n, size := 0, 0
		for n < len(bt.waiting) {
			k := len(bt.waiting[n].args) / 4
			if n > 0 && size+k > ix.maxBatch {
				break
			}
			size += k
			n++
		}
		if n == 0 {
			if bt.senders--; bt.senders == 0 {
				delete(ix.batches, key)
			}
			ix.mu.Unlock()
			return
		}
		calls := slices.Clone(bt.waiting[:n])
		bt.waiting = slices.Delete(bt.waiting, 0, n)
		ix.mu.Unlock()

		args = args[:0]
		for _, c := range calls {
			args = append(args, c.args...)
		}
		err := applyScript.Run(context.Background(), ix.client, keys, args...).Err()
		if err != nil {
			err = fmt.Errorf("redisindex: apply to board %q: %w", key, err)
		}
		for _, c := range calls {
			c.err = err
			close(c.done)
		}
	}
}

// State implements rankindex.Index.
func (ix *Index) State(ctx context.Context, b rankindex.Board) (rankindex.State, error) {
	if err := b.Validate(); err != nil {
		return rankindex.Cold, fmt.Errorf("redisindex: state: %w", err)
	}
	s, err := ix.client.Get(ctx, ix.keys(b.Key)[2]).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return rankindex.Cold, nil
	case err != nil:
		return rankindex.Cold, fmt.Errorf("redisindex: state of board %q: %w", b.Key, err)
	case s == stateReady:
		return rankindex.Ready, nil
	case s == stateWarming:
		return rankindex.Warming, nil
	}
	return rankindex.Cold, fmt.Errorf("redisindex: state of board %q: unknown value %q", b.Key, s)
}

// BeginWarm implements rankindex.Index with SET NX and an expiry of
// WarmTimeout.
func (ix *Index) BeginWarm(ctx context.Context, b rankindex.Board) (bool, error) {
	if err := b.Validate(); err != nil {
		return false, fmt.Errorf("redisindex: begin warm: %w", err)
	}
	ok, err := ix.client.SetNX(ctx, ix.keys(b.Key)[2], stateWarming, ix.warmTimeout).Result()
	if err != nil {
		return false, fmt.Errorf("redisindex: begin warm of board %q: %w", b.Key, err)
	}
	return ok, nil
}

// FinishWarm implements rankindex.Index.
func (ix *Index) FinishWarm(ctx context.Context, b rankindex.Board) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("redisindex: finish warm: %w", err)
	}
	if err := ix.client.Set(ctx, ix.keys(b.Key)[2], stateReady, 0).Err(); err != nil {
		return fmt.Errorf("redisindex: finish warm of board %q: %w", b.Key, err)
	}
	return nil
}

// AbandonWarm implements rankindex.Index.
func (ix *Index) AbandonWarm(ctx context.Context, b rankindex.Board) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("redisindex: abandon warm: %w", err)
	}
	if err := abandonScript.Run(ctx, ix.client, ix.keys(b.Key)[2:]).Err(); err != nil {
		return fmt.Errorf("redisindex: abandon warm of board %q: %w", b.Key, err)
	}
	return nil
}

// Drop implements rankindex.Index.
func (ix *Index) Drop(ctx context.Context, b rankindex.Board) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("redisindex: drop: %w", err)
	}
	if err := ix.client.Del(ctx, ix.keys(b.Key)...).Err(); err != nil {
		return fmt.Errorf("redisindex: drop board %q: %w", b.Key, err)
	}
	return nil
}

// query runs a query script and returns its answer after the status.
func (ix *Index) query(ctx context.Context, op string, s *redis.Script, b rankindex.Board, member string, args ...any) ([]any, error) {
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("redisindex: %s: %w", op, err)
	}
	res, err := s.Run(ctx, ix.client, ix.keys(b.Key), args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("redisindex: %s on board %q: %w", op, b.Key, err)
	}
	status, _ := res[0].(int64)
	switch status {
	case 0:
		return nil, fmt.Errorf("redisindex: %s on board %q: %w", op, b.Key, rankindex.ErrWarming)
	case 1:
		return nil, fmt.Errorf("redisindex: %s of %q on board %q: %w", op, member, b.Key, rankindex.ErrNotRanked)
	}
	return res[1:], nil
}

// Standing implements rankindex.Index in one round trip.
func (ix *Index) Standing(ctx context.Context, b rankindex.Board, member string) (rankindex.Standing, error) {
	res, err := ix.query(ctx, "standing", standingScript, b, member, member)
	if err != nil {
		return rankindex.Standing{}, err
	}
	// enc, score, position, above, tied, total
	enc, _ := res[0].(string)
	at, m, err := decode(enc)
	if err != nil {
		return rankindex.Standing{}, fmt.Errorf("redisindex: standing on board %q: %w", b.Key, err)
	}
	score, err := parseScore(res[1])
	if err != nil {
		return rankindex.Standing{}, fmt.Errorf("redisindex: standing on board %q: %w", b.Key, err)
	}
	pos, above, tied, total := asInt(res[2]), asInt(res[3]), asInt(res[4]), asInt(res[5])
	rank := above + 1
	if b.Ranking == leaderboard.FirstReached {
		rank = pos + 1
	}
	return rankindex.Standing{
		Ranked: rankindex.Ranked{Member: m, Score: score, At: at, Rank: rank, Position: pos},
		Tied:   tied,
		Total:  total,
	}, nil
}

// RankOfScore implements rankindex.Index in one round trip.
func (ix *Index) RankOfScore(ctx context.Context, b rankindex.Board, score int64) (rank, total int, err error) {
	res, err := ix.query(ctx, "rank of score", rankOfScoreScript, b, "", score)
	if err != nil {
		return 0, 0, err
	}
	return asInt(res[0]) + 1, asInt(res[1]), nil
}

// Range implements rankindex.Index in one round trip.
func (ix *Index) Range(ctx context.Context, b rankindex.Board, from, n int) ([]rankindex.Ranked, error) {
	if err := rankindex.ValidateCount("from", from); err != nil {
		return nil, fmt.Errorf("redisindex: range: %w", err)
	}
	if err := rankindex.ValidateCount("n", n); err != nil {
		return nil, fmt.Errorf("redisindex: range: %w", err)
	}
	if n == 0 {
		// ZREVRANGE cannot express an empty range; still report the state.
		if _, err := ix.query(ctx, "range", rankOfScoreScript, b, "", 0); err != nil {
			return nil, err
		}
		return nil, nil
	}
	res, err := ix.query(ctx, "range", rangeScript, b, "", from, from+n-1)
	if err != nil {
		return nil, err
	}
	return ix.page(b, res)
}

// Neighbourhood implements rankindex.Index in one round trip.
func (ix *Index) Neighbourhood(ctx context.Context, b rankindex.Board, member string, k int) ([]rankindex.Ranked, error) {
	if err := rankindex.ValidateCount("k", k); err != nil {
		return nil, fmt.Errorf("redisindex: neighbourhood: %w", err)
	}
	res, err := ix.query(ctx, "neighbourhood", neighbourhoodScript, b, member, member, k)
	if err != nil {
		return nil, err
	}
	return ix.page(b, res)
}

// page decodes {from, above, [name, score, ...]}: the listing from
// position from, where above members have a higher score than the first.
// Under Competition a later entry shares the previous rank when its score
// is equal, and otherwise every entry before it scores higher, so its rank
// is its position + 1.
func (ix *Index) page(b rankindex.Board, res []any) ([]rankindex.Ranked, error) {
	from, above := asInt(res[0]), asInt(res[1])
	raw, _ := res[2].([]any)
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]rankindex.Ranked, len(raw)/2)
	for i := range out {
		enc, _ := raw[2*i].(string)
		at, m, err := decode(enc)
		if err != nil {
			return nil, fmt.Errorf("redisindex: board %q: %w", b.Key, err)
		}
		score, err := parseScore(raw[2*i+1])
		if err != nil {
			return nil, fmt.Errorf("redisindex: board %q: %w", b.Key, err)
		}
		r := rankindex.Ranked{Member: m, Score: score, At: at, Position: from + i, Rank: from + i + 1}
		if b.Ranking == leaderboard.Competition {
			switch {
			case i == 0:
				r.Rank = above + 1
			case score == out[i-1].Score:
				r.Rank = out[i-1].Rank
			}
		}
		out[i] = r
	}
	return out, nil
}

func asInt(v any) int {
	n, _ := v.(int64)
	return int(n)
}

// parseScore reads a score as Redis prints it ("42", or in exponent form
// for some large values); every score held is an integer within ±2^53.
func parseScore(v any) (int64, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("unexpected score %v", v)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("bad score %q: %w", s, err)
	}
	return int64(f), nil
}

// encode returns the sorted-set name of member reached at at (see the
// package documentation): names of equal scores sort in reverse listing
// order, so ZREVRANGE lists At ascending, then member ascending.
func encode(at int64, member string) string {
	b := make([]byte, 8, 8+len(member)+2)
	binary.BigEndian.PutUint64(b, uint64(at)^(1<<63))
	for i := 0; i < len(member); i++ {
		if c := member[i]; c == 0 {
			b = append(b, 0, 0xff)
		} else {
			b = append(b, c)
		}
	}
	b = append(b, 0, 0)
	for i := range b {
		b[i] = ^b[i]
	}
	return string(b)
}

// errBadName reports a sorted-set name that encode did not make.
var errBadName = errors.New("redisindex: malformed sorted-set member name")

// decode returns the At and member that encode encoded in name.
func decode(name string) (at int64, member string, err error) {
	if len(name) < 10 {
		return 0, "", errBadName
	}
	var head [8]byte
	for i := range head {
		head[i] = ^name[i]
	}
	at = int64(binary.BigEndian.Uint64(head[:]) ^ (1 << 63))
	m := make([]byte, 0, len(name)-10)
	for i := 8; i < len(name); i++ {
		c := ^name[i]
		if c != 0 {
			m = append(m, c)
			continue
		}
		if i+1 >= len(name) {
			return 0, "", errBadName
		}
		switch ^name[i+1] {
		case 0xff:
			m = append(m, 0)
			i++
		case 0:
			if i+2 != len(name) {
				return 0, "", errBadName
			}
			return at, string(m), nil
		default:
			return 0, "", errBadName
		}
	}
	return 0, "", errBadName
}

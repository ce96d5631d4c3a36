package rankindex

import (
	"context"
	"fmt"
	"sync"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
)

// Local is an Index held in this process: per board a leaderboard.Index
// (a B+ tree with counts, so every query is O(log n)), which also keeps the
// last applied version of every member, tombstones of removed members
// included (see leaderboard.Index.SetVersioned). It is
// exact when every write to its boards goes through this process; several
// processes sharing boards need the Redis index instead.
//
// Each board has its own read-write lock, so queries on one board run in
// parallel and writers of different boards do not wait for each other; the
// lock over the map of boards is held only to find or create a board.
//
// A board's Ranking is fixed by the first call that names its Key; a later
// call with another Ranking is a *challenge.ValidationError for
// "board.ranking". The zero value is not usable; call NewLocal.
type Local struct {
	mu     sync.RWMutex
	boards map[string]*localBoard
}

// localBoard is one board of a Local.
type localBoard struct {
	mu      sync.RWMutex
	ranking leaderboard.Ranking
	state   State
	ix      *leaderboard.Index
}

var (
	_ Index  = (*Local)(nil)
	_ Ranker = (*Local)(nil)
)

// NewLocal returns an empty Local index.
func NewLocal() *Local {
	return &Local{boards: map[string]*localBoard{}}
}

// board returns b's board, or nil when it does not exist and create is
// false. It validates b and checks its Ranking against the board's.
func (l *Local) board(ctx context.Context, b Board, create bool) (*localBoard, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	l.mu.RLock()
	lb := l.boards[b.Key]
	l.mu.RUnlock()
	if lb == nil && create {
		l.mu.Lock()
		if lb = l.boards[b.Key]; lb == nil {
			lb = &localBoard{ranking: b.Ranking, ix: leaderboard.New(b.Ranking)}
			l.boards[b.Key] = lb
		}
		l.mu.Unlock()
	}
	if lb != nil && lb.ranking != b.Ranking {
		return nil, challenge.Invalid("board.ranking", "board %q ranks by %v, not %v", b.Key, lb.ranking, b.Ranking)
	}
	return lb, nil
}

// Apply implements Index.
func (l *Local) Apply(ctx context.Context, b Board, updates ...Update) error {
	if err := ValidateUpdates(updates); err != nil {
		return fmt.Errorf("rankindex: apply to board %q: %w", b.Key, err)
	}
	lb, err := l.board(ctx, b, true)
	if err != nil {
		return fmt.Errorf("rankindex: apply: %w", err)
	}
	lb.mu.Lock()
	defer lb.mu.Unlock()
	for i := range updates {
		u := &updates[i]
		if u.Remove {
			lb.ix.RemoveVersioned(u.Member, u.Version)
		} else {
			lb.ix.SetVersioned(u.Member, u.Score, u.At, u.Version)
		}
	}
	return nil
}

// State implements Index.
func (l *Local) State(ctx context.Context, b Board) (State, error) {
	lb, err := l.board(ctx, b, false)
	if err != nil {
		return Cold, fmt.Errorf("rankindex: state: %w", err)
	}
	if lb == nil {
		return Cold, nil
	}
	lb.mu.RLock()
	defer lb.mu.RUnlock()
	return lb.state, nil
}

// BeginWarm implements Index. A claim never expires: a caller that fails
// must call AbandonWarm.
func (l *Local) BeginWarm(ctx context.Context, b Board) (bool, error) {
	lb, err := l.board(ctx, b, true)
	if err != nil {
		return false, fmt.Errorf("rankindex: begin warm: %w", err)
	}
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if lb.state != Cold {
		return false, nil
	}
	lb.state = Warming
	return true, nil
}

// FinishWarm implements Index.
func (l *Local) FinishWarm(ctx context.Context, b Board) error {
	lb, err := l.board(ctx, b, true)
	if err != nil {
		return fmt.Errorf("rankindex: finish warm: %w", err)
	}
	lb.mu.Lock()
	lb.state = Ready
	lb.mu.Unlock()
	return nil
}

// AbandonWarm implements Index.
func (l *Local) AbandonWarm(ctx context.Context, b Board) error {
	lb, err := l.board(ctx, b, false)
	if err != nil {
		return fmt.Errorf("rankindex: abandon warm: %w", err)
	}
	if lb == nil {
		return nil
	}
	lb.mu.Lock()
	if lb.state == Warming {
		lb.state = Cold
	}
	lb.mu.Unlock()
	return nil
}

// Drop implements Index.
func (l *Local) Drop(ctx context.Context, b Board) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rankindex: drop: %w", err)
	}
	if err := b.Validate(); err != nil {
		return fmt.Errorf("rankindex: drop: %w", err)
	}
	l.mu.Lock()
	delete(l.boards, b.Key)
	l.mu.Unlock()
	return nil
}

// ready returns b's board read-locked, or ErrWarming when it is not Ready.
// The caller must unlock it.
func (l *Local) ready(ctx context.Context, b Board, op string) (*localBoard, error) {
	lb, err := l.board(ctx, b, false)
	if err != nil {
		return nil, fmt.Errorf("rankindex: %s: %w", op, err)
	}
	if lb == nil {
		return nil, fmt.Errorf("rankindex: %s: board %q: %w", op, b.Key, ErrWarming)
	}
	lb.mu.RLock()
	if lb.state != Ready {
		lb.mu.RUnlock()
		return nil, fmt.Errorf("rankindex: %s: board %q: %w", op, b.Key, ErrWarming)
	}
	return lb, nil
}

// Standing implements Index.
func (l *Local) Standing(ctx context.Context, b Board, member string) (Standing, error) {
	lb, err := l.ready(ctx, b, "standing")
	if err != nil {
		return Standing{}, err
	}
	defer lb.mu.RUnlock()
	s, ok := lb.ix.Standing(member)
	if !ok {
		return Standing{}, fmt.Errorf("rankindex: standing of %q on board %q: %w", member, b.Key, ErrNotRanked)
	}
	return Standing{
		Ranked: Ranked{Member: s.Member, Score: s.Score, At: s.At, Rank: s.Rank, Position: s.Position},
		Tied:   s.Tied,
		Total:  lb.ix.Len(),
	}, nil
}

// RankOf implements Ranker: Standing without the Position (-1), which
// spares the descent of the tree to the member under Competition.
func (l *Local) RankOf(ctx context.Context, b Board, member string) (Standing, error) {
	lb, err := l.ready(ctx, b, "rank")
	if err != nil {
		return Standing{}, err
	}
	defer lb.mu.RUnlock()
	e, rank, tied, ok := lb.ix.RankTied(member)
	if !ok {
		return Standing{}, fmt.Errorf("rankindex: rank of %q on board %q: %w", member, b.Key, ErrNotRanked)
	}
	return Standing{
		Ranked: Ranked{Member: e.Member, Score: e.Score, At: e.At, Rank: rank, Position: -1},
		Tied:   tied,
		Total:  lb.ix.Len(),
	}, nil
}

// RankOfScore implements Index.
func (l *Local) RankOfScore(ctx context.Context, b Board, score int64) (rank, total int, err error) {
	lb, err := l.ready(ctx, b, "rank of score")
	if err != nil {
		return 0, 0, err
	}
	defer lb.mu.RUnlock()
	return lb.ix.CountAbove(score) + 1, lb.ix.Len(), nil
}

// Range implements Index.
func (l *Local) Range(ctx context.Context, b Board, from, n int) ([]Ranked, error) {
	if err := ValidateCount("from", from); err != nil {
		return nil, fmt.Errorf("rankindex: range: %w", err)
	}
	if err := ValidateCount("n", n); err != nil {
		return nil, fmt.Errorf("rankindex: range: %w", err)
	}
	lb, err := l.ready(ctx, b, "range")
	if err != nil {
		return nil, err
	}
	defer lb.mu.RUnlock()
	n = min(n, max(lb.ix.Len()-from, 0))
	if n == 0 {
		return []Ranked{}, nil
	}
	// Entries rather than Range: the entries go straight into the result,
	// with no intermediate slice.
	out := make([]Ranked, 0, n)
	for e := range lb.ix.Entries(from) {
		if out = lb.appendRanked(out, e, from); len(out) == n {
			break
		}
	}
	return out, nil
}

// Neighbourhood implements Index.
func (l *Local) Neighbourhood(ctx context.Context, b Board, member string, k int) ([]Ranked, error) {
	if err := ValidateCount("k", k); err != nil {
		return nil, fmt.Errorf("rankindex: neighbourhood: %w", err)
	}
	lb, err := l.ready(ctx, b, "neighbourhood")
	if err != nil {
		return nil, err
	}
	defer lb.mu.RUnlock()
	// One lookup and one descent find the entries and where they start.
	var buf [11]leaderboard.Entry // k = 5, the usual size, needs no allocation
	es, from := lb.ix.AppendNeighbourhood(buf[:0], member, k)
	if from < 0 {
		return nil, fmt.Errorf("rankindex: neighbourhood of %q on board %q: %w", member, b.Key, ErrNotRanked)
	}
	out := make([]Ranked, 0, len(es))
	for _, e := range es {
		out = lb.appendRanked(out, e, from)
	}
	return out, nil
}

// appendRanked appends e, the entry at position from + len(out) of a run
// of consecutive entries that starts at from, as a Ranked value. Under
// Competition only the first entry needs a descent: a later entry shares
// the previous one's rank when its score is equal, and otherwise every
// entry before it has a higher score, so its rank is its position + 1.
func (lb *localBoard) appendRanked(out []Ranked, e leaderboard.Entry, from int) []Ranked {
	p := from + len(out)
	r := Ranked{Member: e.Member, Score: e.Score, At: e.At, Position: p, Rank: p + 1}
	if lb.ranking == leaderboard.Competition {
		switch {
		case len(out) == 0:
			r.Rank = lb.ix.CountAbove(e.Score) + 1
		case e.Score == out[len(out)-1].Score:
			r.Rank = out[len(out)-1].Rank
		}
	}
	return append(out, r)
}

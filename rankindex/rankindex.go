package rankindex

import (
	"context"
	"errors"

	"github.com/habitkit/habitkit/leaderboard"
)

// Board names one ranking held by an index and the rule that ranks it.
// Key is opaque to the index (the engine builds it from the programme,
// board, period and partition); one index holds any number of boards.
type Board struct {
	// Key identifies the board: 1 to MaxKeyLen bytes.
	Key string
	// Ranking is the board's tie rule. Every call for one Key must pass
	// the same Ranking.
	Ranking leaderboard.Ranking
}

// Update sets or removes one member's score on a board.
type Update struct {
	// Member is the ranked subject: 1 to MaxMemberLen bytes, any bytes
	// (ids compare byte by byte).
	Member string
	// Score is the ranked value; higher ranks better. It must lie within
	// ±MaxScore (ignored when Remove is set).
	Score int64
	// At is when Score was reached (Unix nanoseconds): the FirstReached
	// tie-break and the listing order among ties.
	At int64
	// Version orders the updates of one member: an index applies an update
	// only when its Version is greater than the last one it applied for
	// that member on that board (removals included), so a repeated or late
	// delivery never rolls a board back. Versions start at 1 and must not
	// exceed MaxVersion.
	Version int64
	// Remove takes the member off the board instead of setting a score.
	// The index keeps the removal's Version (a tombstone) so that a late
	// update with a smaller Version cannot bring the member back.
	Remove bool
}

// Limits every Index enforces, so that implementations agree on what they
// accept. Redis keeps sorted-set scores as float64, which holds every
// integer of magnitude up to 2^53 exactly and no more; the same bound on
// versions lets a Lua script compare them as numbers.
const (
	// MaxScore bounds Update.Score: |Score| <= MaxScore.
	MaxScore = 1 << 53
	// MaxVersion bounds Update.Version: 1 <= Version <= MaxVersion.
	MaxVersion = 1 << 53
	// MaxKeyLen bounds len(Board.Key) in bytes.
	MaxKeyLen = 512
	// MaxMemberLen bounds len(Update.Member) in bytes.
	MaxMemberLen = 128
)

// Ranked is one member's place on a board.
type Ranked struct {
	// Member, Score and At are as last applied.
	Member string
	Score  int64
	At     int64
	// Rank is the member's rank under the board's Ranking (1 is best).
	Rank int
	// Position is the member's 0-based place in the listing order (score
	// descending, At ascending, Member ascending).
	Position int
}

// Standing is a member's rank with the context a participant is shown.
type Standing struct {
	Ranked
	// Tied is how many members (the member included) share the score.
	Tied int
	// Total is how many members the board holds.
	Total int
}

// State is how far an index is in loading a board.
type State int

const (
	// Cold: nothing loaded; the board must be warmed before it answers.
	Cold State = iota
	// Warming: a warm-up is under way; queries return ErrWarming.
	Warming
	// Ready: the board answers queries.
	Ready
)

// Errors an Index returns, wrapped with context; test with errors.Is. Bad
// input (an empty or too long key or member, a score or version out of
// range, an unknown Ranking, a negative position or count) is a
// *challenge.ValidationError naming the field, matching challenge.ErrInvalid,
// and changes nothing: Apply checks every update before it applies any.
var (
	// ErrNotRanked reports a member the board does not hold.
	ErrNotRanked = errors.New("rankindex: member not on the board")
	// ErrWarming reports a board that is not loaded yet: its ranks are not
	// known, and answering would risk a wrong one.
	ErrWarming = errors.New("rankindex: board is warming; rank not yet known")
)

// Index holds ranked boards. Implementations: Local (in this process) and
// the Redis index in package rankindex/redisindex. It must be safe for
// concurrent use.
//
// Warming: a board starts Cold. The engine calls BeginWarm; the caller that
// gets true loads every stored score with Apply (in pages, in any order,
// interleaved with live updates: versions make the result exact) and then
// calls FinishWarm. Queries on a board that is not Ready (Standing,
// RankOfScore, Range, Neighbourhood) return ErrWarming; Apply is accepted in
// every state, so live updates made during the warm-up are not lost.
type Index interface {
	// Apply applies updates to board b in order, each subject to the
	// Version rule. It may be called on a board in any state.
	Apply(ctx context.Context, b Board, updates ...Update) error
	// State reports how far board b is loaded.
	State(ctx context.Context, b Board) (State, error)
	// BeginWarm claims the warm-up of a Cold board: true means the caller
	// must load it and call FinishWarm (or AbandonWarm on failure).
	BeginWarm(ctx context.Context, b Board) (bool, error)
	// FinishWarm marks board b Ready, whatever its state.
	FinishWarm(ctx context.Context, b Board) error
	// AbandonWarm returns a Warming board to Cold so that a later caller
	// can try again; it leaves a Cold or Ready board as it is. The scores
	// applied so far stay: the next warm-up applies every score again, and
	// versions keep the result exact.
	AbandonWarm(ctx context.Context, b Board) error
	// Standing returns member's standing, ErrNotRanked if the board does
	// not hold it.
	Standing(ctx context.Context, b Board, member string) (Standing, error)
	// RankOfScore returns the rank a member with score would have (1 + the
	// number of members with a strictly higher score) and the board's
	// size: how a participant kept off the board sees where they stand.
	RankOfScore(ctx context.Context, b Board, score int64) (rank, total int, err error)
	// Range returns up to n members from 0-based position from, in listing
	// order: fewer at the end of the board, none when from is past it.
	Range(ctx context.Context, b Board, from, n int) ([]Ranked, error)
	// Neighbourhood returns up to k members above member, member, and up to
	// k below, in listing order (fewer at either end of the board);
	// ErrNotRanked if the board does not hold member.
	Neighbourhood(ctx context.Context, b Board, member string, k int) ([]Ranked, error)
	// Drop forgets board b entirely, versions and tombstones included (it
	// becomes Cold).
	Drop(ctx context.Context, b Board) error
}

// Ranker is implemented by an Index that answers a member's rank, ties and
// the board's size more cheaply when it need not find the member's
// Position. Local implements it: under Competition its answer costs the
// member's lookup and no descent of the tree. Call it through RankOf,
// which falls back to Standing for an Index that does not implement it.
type Ranker interface {
	// RankOf is Standing without the Position, which it leaves at -1.
	RankOf(ctx context.Context, b Board, member string) (Standing, error)
}

// RankOf returns member's standing on board b with its Position left at
// -1: what a caller that shows a rank, a tie count and a total needs. It
// asks ix.RankOf when ix implements Ranker (cheaper), and ix.Standing
// otherwise; its errors are those of Standing.
func RankOf(ctx context.Context, ix Index, b Board, member string) (Standing, error) {
	if r, ok := ix.(Ranker); ok {
		return r.RankOf(ctx, b, member)
	}
	s, err := ix.Standing(ctx, b, member)
	if err != nil {
		return Standing{}, err
	}
	s.Position = -1
	return s, nil
}

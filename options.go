package habitkit

import (
	"io"
	"log/slog"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/rankindex"
)

// Options configures an Engine. The zero value (or a nil *Options) gives the
// defaults documented on each field. New copies the struct; changing it
// afterwards has no effect.
type Options struct {
	// Clock tells the time. Default: SystemClock.
	Clock Clock
	// Logger receives diagnostic records (retries, handler panics).
	// Default: nothing is logged. The engine never prints.
	Logger *slog.Logger
	// OnEvent, when set, receives every event after its transaction
	// commits, before handlers added with Engine.Subscribe. It runs on the
	// caller's goroutine, so it must be quick: hand slow work off.
	OnEvent func(Event)
	// Badges adds badges built in Go (typically with a Custom criterion,
	// which a definition file cannot express) to programmes, by programme
	// ID. Every Engine sharing a database must be given the same ones.
	Badges map[string][]badge.Definition
	// MaxConflictRetries is how many times a use case is re-run after a
	// concurrent writer changed the same records (storage.ErrConflict).
	// Default: 20. Negative values are invalid.
	MaxConflictRetries int
	// RankIndex holds leaderboard ranks. Default: a rankindex.Local in this
	// process, exact when every write to the programme's boards goes
	// through this Engine. Engines in several processes sharing boards
	// should share one index, such as rankindex/redisindex.
	RankIndex rankindex.Index
	// EnrolmentCache is how many enrolments the Engine keeps in memory
	// from its own writes, so that a completion need not read its
	// enrolment from storage first: one round trip fewer per completion on
	// a SQL store (four instead of five on PostgreSQL). An enrolment
	// changed elsewhere since (by another Engine sharing the database)
	// costs that completion one wasted attempt, re-run from storage: the
	// write is a compare-and-swap on the enrolment's version, so it is
	// never wrong. Worth it when each participant's completions mostly go
	// through one Engine (one instance, or sticky routing); a memory store
	// gains nothing. About 1 KiB per enrolment. Default 0: no cache.
	// Negative values are invalid.
	EnrolmentCache int
}

const defaultMaxConflictRetries = 20

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.MaxConflictRetries == 0 {
		o.MaxConflictRetries = defaultMaxConflictRetries
	}
	return o
}

func (o Options) validate() error {
	if o.MaxConflictRetries < 0 {
		return &ValidationError{Field: "Options.MaxConflictRetries", Reason: "must not be negative"}
	}
	if o.EnrolmentCache < 0 {
		return &ValidationError{Field: "Options.EnrolmentCache", Reason: "must not be negative"}
	}
	return nil
}

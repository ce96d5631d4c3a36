// Package storagetest is the conformance suite for storage adapters. An
// adapter is correct when it passes [Run]: every guarantee the engine relies
// on from storage (round-tripping, uniqueness, idempotency keys, version
// checks, ordering, cursor paging, atomic transactions, snapshot reads,
// copies, cancellation, concurrent writers) is pinned by a case here, not
// only by engine tests.
//
// # Running it
//
// Call [Run] from a test in the adapter's package, with a function that
// returns a fresh, empty store and registers its cleanup:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			s, err := mystore.Open(t.Context(), freshDatabase(t))
//			require.NoError(t, err)
//			t.Cleanup(func() { _ = s.Close() })
//			return s
//		})
//	}
//
// The cleanup must ignore the error of closing a store twice: one case
// closes its store itself. The suite calls the function a handful of times
// (most cases share one store; a few need one of their own, such as the
// ListProgrammes cases, since that listing has no filter). An adapter on a
// shared database server gives each store its own schema or database.
//
// To declare optional capabilities, use [Suite] with [Features] instead:
// Features.Reopen (a second handle on the same data) runs the concurrency
// cases with writers split across two handles, as several app instances
// share one database; Features.WriteDuringView checks snapshot reads
// against a write that commits while a View is open. Cases that need an
// undeclared capability are skipped with a message naming it.
//
// [Bench] runs benchmarks of the engine's hot paths against the adapter.
//
// # Reading failures
//
// Cases are grouped by noun (Programmes, Enrolments, Completions, Audit,
// Awards, Scores), then Tx, Copies, Paging and Concurrency, so a failure reads like
// "Run/Completions/InsertTwiceConflicts". Every failure message begins with
// the contract sentence that was broken, such as "inserting a completion
// whose key exists must return ErrConflict"; the storage package
// documentation states each one in full. Errors are compared by class with
// errors.Is, never by text.
//
// Cases run in parallel on a shared store, each with its own programme and
// UUIDv7 IDs, so they never see each other's records. They pass explicit
// times with microsecond precision in a zone other than UTC: an adapter
// must keep at least microseconds and return times in UTC. Nil and empty
// slices are treated as equal.
//
// # Dependencies
//
// The suite is written with github.com/stretchr/testify (require and
// assert), like the rest of habitkit; importing it makes testify a
// dependency of the adapter's tests.
package storagetest

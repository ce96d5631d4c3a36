package storagetest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

const (
	// benchEnrolments is the number of enrolments the benchmarks spread
	// their work over.
	benchEnrolments = 1000
	// benchDays is the length of the benchmark's programme.
	benchDays = 30
)

// Bench runs the suite's benchmarks against the stores that newStore makes
// (a fresh, empty store per benchmark, as for [Run]):
//
//   - Complete: one Update doing what the engine does to record a
//     completion: get the enrolment, look for the completion (not found),
//     insert it, update the enrolment.
//   - GetEnrolment: one View getting one enrolment.
//
// Both report allocations. Call it from a benchmark in the adapter's
// package:
//
//	func BenchmarkConformance(b *testing.B) { storagetest.Bench(b, newStore) }
func Bench(b *testing.B, newStore func(b *testing.B) storage.Store) {
	b.Run("Complete", func(b *testing.B) {
		s := newStore(b)
		sc := newScope(b, s)
		ids := enrolmentIDs(sc.mustEnrol(b, benchEnrolments, sc.minimalEnrolment))
		// Completion IDs are made ahead, so the benchmark measures the
		// store, not the UUID generator.
		cids := sequentialIDs(b.N)
		var i, day int
		c := challenge.Completion{Points: 10, CompletedAt: at(0, 0)}
		fn := func(ctx context.Context, tx storage.Tx) error {
			e, err := tx.GetEnrolment(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			key := challenge.CompletionKey{EnrolmentID: e.ID, Day: day, ActivityID: "walk"}
			if _, err := tx.GetCompletion(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("completion %+v: want ErrNotFound, got %v", key, err)
			}
			e.Progress.Done.Add(key.Day)
			e.Progress.Points += c.Points
			c.ID, c.CompletionKey, c.ProgrammeID = cids[i], key, e.ProgrammeID
			c.Outcome = e.Progress.Snapshot()
			if err := tx.InsertCompletion(ctx, c); err != nil {
				return err
			}
			return tx.UpdateEnrolment(ctx, e)
		}
		ctx := b.Context()
		b.ReportAllocs()
		b.ResetTimer()
		for i = 0; i < b.N; i++ {
			// Every enrolment completes day 1, then day 2, and so on. After
			// the last day, new participants enrol (off the clock), so each
			// enrolment holds at most benchDays completions, as in a real
			// programme.
			day = i/len(ids)%benchDays + 1
			if i > 0 && i%(len(ids)*benchDays) == 0 {
				b.StopTimer()
				ids = enrolmentIDs(sc.mustEnrol(b, benchEnrolments, sc.minimalEnrolment))
				b.StartTimer()
			}
			if err := s.Update(ctx, fn); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("GetEnrolment", func(b *testing.B) {
		s := newStore(b)
		ids := benchEnrolmentIDs(b, s)
		var i int
		fn := func(ctx context.Context, tx storage.ReadTx) error {
			_, err := tx.GetEnrolment(ctx, ids[i%len(ids)])
			return err
		}
		ctx := b.Context()
		b.ReportAllocs()
		b.ResetTimer()
		for i = 0; i < b.N; i++ {
			if err := s.View(ctx, fn); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchEnrolmentIDs stores benchEnrolments enrolments and returns their IDs.
func benchEnrolmentIDs(b *testing.B, s storage.Store) []uuid.UUID {
	sc := newScope(b, s)
	es := sc.mustEnrol(b, benchEnrolments, sc.minimalEnrolment)
	return enrolmentIDs(es)
}

// sequentialIDs returns n distinct UUIDs in ascending order, cheaply: one
// UUIDv7 with a counter in its random bits.
func sequentialIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	base := newID()
	for i := range ids {
		id := base
		binary.BigEndian.PutUint32(id[12:], uint32(i))
		id[11] = byte(i >> 32)
		ids[i] = id
	}
	return ids
}

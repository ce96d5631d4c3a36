package memory_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

// The benchmarks share one store of benchEnrolments() enrolments (1M by
// default; set HABITKIT_BENCH_ENROLMENTS to change it), built once, since
// building it takes longer than a benchmark run.
var (
	benchOnce  sync.Once
	benchStore *memory.Store
	benchIDs   []uuid.UUID
	// benchSeq numbers completions across runs, so keys never repeat.
	benchSeq int
)

func benchEnrolments() int {
	if n, err := strconv.Atoi(os.Getenv("HABITKIT_BENCH_ENROLMENTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// idBase is the UUIDv7 that seqID numbers from.
var idBase = uuid.Must(uuid.NewV7())

// seqID returns the n-th ID of a kind (enrolments 0, completions 1): a
// UUIDv7 with the kind and n in its random bits, so IDs ascend as the
// engine's would, and cost nothing to make.
func seqID(n int, kind byte) uuid.UUID {
	id := idBase
	binary.BigEndian.PutUint64(id[8:], uint64(n)|uint64(0x80|kind)<<56)
	return id
}

func benchSetup(b *testing.B) (*memory.Store, []uuid.UUID) {
	b.Helper()
	benchOnce.Do(func() {
		s := memory.New(nil)
		ctx := context.Background()
		now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
		err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertProgramme(ctx, storage.Programme{ID: "bench", Version: 1, Definition: []byte(`{}`), PublishedAt: now})
		})
		if err != nil {
			b.Fatal(err)
		}
		n := benchEnrolments()
		ids := make([]uuid.UUID, n)
		const batch = 10_000
		for lo := 0; lo < n; lo += batch {
			err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
				for i := lo; i < min(lo+batch, n); i++ {
					ids[i] = seqID(i, 0)
					err := tx.InsertEnrolment(ctx, challenge.Enrolment{
						ID:               ids[i],
						ProgrammeID:      "bench",
						ProgrammeVersion: 1,
						ParticipantID:    challenge.ParticipantID("p" + strconv.Itoa(i)),
						TeamID:           challenge.TeamID("t" + strconv.Itoa(i%500)),
						Start:            challenge.NewDate(2025, 3, 3),
						FirstDay:         1,
						Zones:            []challenge.ZoneChange{{From: now, Zone: "Europe/London"}},
						EnrolledAt:       now,
						Version:          1,
						Progress:         challenge.Progress{Done: make(challenge.Days, 1)},
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		benchStore, benchIDs = s, ids
	})
	return benchStore, benchIDs
}

// BenchmarkUpdate_Complete is the storage side of recording one completion,
// as the engine does it: in one Update, get the enrolment, find no
// completion with the key, insert the completion and update the enrolment.
func BenchmarkUpdate_Complete(b *testing.B) {
	s, ids := benchSetup(b)
	ctx := context.Background()
	var c challenge.Completion
	fn := func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.GetEnrolment(ctx, ids[benchSeq%len(ids)])
		if err != nil {
			return err
		}
		key := challenge.CompletionKey{EnrolmentID: e.ID, Day: benchSeq/len(ids) + 1, ActivityID: "walk"}
		if _, err := tx.GetCompletion(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			return errors.New("completion exists")
		}
		e.Progress.Done.Add(key.Day)
		e.Progress.Points += 10
		c = challenge.Completion{
			ID:            seqID(benchSeq, 1),
			CompletionKey: key,
			ProgrammeID:   e.ProgrammeID,
			CompletedAt:   e.EnrolledAt,
			Points:        10,
			Outcome:       e.Progress.Snapshot(),
		}
		if err := tx.InsertCompletion(ctx, c); err != nil {
			return err
		}
		return tx.UpdateEnrolment(ctx, e)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
		benchSeq++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "completions/s")
}

// BenchmarkUpdate_InsertCompletion is one InsertCompletion per Update.
func BenchmarkUpdate_InsertCompletion(b *testing.B) {
	s, ids := benchSetup(b)
	ctx := context.Background()
	fn := func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertCompletion(ctx, challenge.Completion{
			ID:            seqID(benchSeq, 1),
			CompletionKey: challenge.CompletionKey{EnrolmentID: ids[benchSeq%len(ids)], Day: benchSeq/len(ids) + 1, ActivityID: "walk"},
			ProgrammeID:   "bench",
			Points:        10,
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
		benchSeq++
	}
}

// BenchmarkUpdate_InsertAward is one daily badge award per Update, each to
// the next enrolment in turn (as completions arrive), with the evidence a
// daily badge carries.
func BenchmarkUpdate_InsertAward(b *testing.B) {
	s, ids := benchSetup(b)
	ctx := context.Background()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	evidence := []byte(`{"completions":[{"day":3,"activity":"walk"}],"days":[3]}`)
	fn := func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertAward(ctx, storage.Award{
			AwardKey:    storage.AwardKey{EnrolmentID: ids[benchSeq%len(ids)], BadgeID: "daily", Day: benchSeq/len(ids) + 1},
			ProgrammeID: "bench",
			AwardedAt:   at,
			Evidence:    evidence,
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
		benchSeq++
	}
}

// BenchmarkUpdate_UpdateEnrolment is one read-modify-write of an enrolment
// per Update.
func BenchmarkUpdate_UpdateEnrolment(b *testing.B) {
	s, ids := benchSetup(b)
	ctx := context.Background()
	i := 0
	fn := func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.GetEnrolment(ctx, ids[i%len(ids)])
		if err != nil {
			return err
		}
		e.Progress.Points++
		return tx.UpdateEnrolment(ctx, e)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i = 0; i < b.N; i++ {
		if err := s.Update(ctx, fn); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkView_GetEnrolment is one GetEnrolment per View.
func BenchmarkView_GetEnrolment(b *testing.B) {
	s, ids := benchSetup(b)
	ctx := context.Background()
	i := 0
	fn := func(ctx context.Context, tx storage.ReadTx) error {
		_, err := tx.GetEnrolment(ctx, ids[i%len(ids)])
		return err
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i = 0; i < b.N; i++ {
		if err := s.View(ctx, fn); err != nil {
			b.Fatal(err)
		}
	}
}

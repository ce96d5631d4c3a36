package sqlstore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/internal/dbtest"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/storagetest"
)

// BenchmarkBareInsert is the floor of a write: one transaction inserting one
// row with database/sql directly, begun as the adapter begins writes. The
// engine's Complete benchmark compares against it.
func BenchmarkBareInsert(b *testing.B) {
	for _, be := range backends {
		b.Run(string(be.dialect), func(b *testing.B) {
			db, _ := be.create(b)
			dbtest.BareInsert(b, db, be.dialect)
		})
	}
}

// BenchmarkStoreInsert is the same single-row write through Store.Update:
// the difference to BenchmarkBareInsert is the adapter's overhead.
func BenchmarkStoreInsert(b *testing.B) {
	for _, be := range backends {
		b.Run(string(be.dialect), func(b *testing.B) {
			s, _ := newStore(b, be)
			ctx := context.Background()
			for b.Loop() {
				err := s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
					return tx.InsertAudit(ctx, storage.AuditEntry{ID: uuid.Must(uuid.NewV7()), ProgrammeID: "bench", At: t0})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConformance runs the suite's benchmarks (the engine's Complete
// write and a GetEnrolment read) on each database.
func BenchmarkConformance(b *testing.B) {
	for _, be := range backends {
		b.Run(string(be.dialect), func(b *testing.B) {
			storagetest.Bench(b, func(b *testing.B) storage.Store {
				s, _ := newStore(b, be)
				return s
			})
		})
	}
}

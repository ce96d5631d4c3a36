package memory_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

func ExampleNew() {
	ctx := context.Background()
	store := memory.New(nil)
	defer store.Close()

	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	enrolment := challenge.Enrolment{
		ID:               uuid.MustParse("0195b1f2-0000-7000-8000-000000000001"),
		ProgrammeID:      "thirty-days",
		ProgrammeVersion: 1,
		ParticipantID:    "pc-1234",
		Start:            challenge.NewDate(2025, 3, 3),
		FirstDay:         1,
		Zones:            []challenge.ZoneChange{{From: now, Zone: "Europe/London"}},
		EnrolledAt:       now,
		Version:          1,
	}
	err := store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		err := tx.InsertProgramme(ctx, storage.Programme{
			ID: "thirty-days", Version: 1, Definition: []byte(`{"id":"thirty-days"}`), PublishedAt: now,
		})
		if err != nil {
			return err
		}
		return tx.InsertEnrolment(ctx, enrolment)
	})
	if err != nil {
		log.Fatal(err)
	}

	// Enrolling the same participant again conflicts, and writes nothing.
	again := enrolment
	again.ID = uuid.MustParse("0195b1f2-0000-7000-8000-000000000002")
	err = store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertEnrolment(ctx, again)
	})
	fmt.Println("second enrolment conflicts:", errors.Is(err, storage.ErrConflict))

	err = store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		e, err := tx.GetEnrolmentByParticipant(ctx, "thirty-days", "pc-1234")
		if err != nil {
			return err
		}
		fmt.Println("enrolled:", e.ParticipantID, "from", e.Start, "in", e.Zone())
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// second enrolment conflicts: true
	// enrolled: pc-1234 from 2025-03-03 in Europe/London
}

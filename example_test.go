package habitkit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/memory"
)

const exampleDefinition = `
id: online-reporting
title: Online reporting habits
length: 5
dayStartHour: 4
timeZone: Europe/London
activities:
  - id: show-form
    title: Show a member of the public the online form
    points: 10
    prompts: ["What did they say?"]
schedule:
  - {day: 1, activity: show-form}
  - {day: 2, activity: show-form}
  - {day: 3, activity: show-form}
cohorts:
  - {id: spring, start: 2027-03-01}
`

// Example walks one participant through three days of a programme.
func Example() {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	engine, err := habitkit.New(memory.New(nil), &habitkit.Options{
		Clock: habitkit.ClockFunc(func() time.Time { return now }),
	})
	if err != nil {
		log.Fatal(err)
	}
	prog, err := challenge.ParseDefinition([]byte(exampleDefinition))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := engine.Publish(ctx, prog); err != nil {
		log.Fatal(err)
	}
	en, err := engine.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: prog.ID, ParticipantID: "pc-4127", CohortID: "spring"})
	if err != nil {
		log.Fatal(err)
	}
	for day := 0; day < 3; day++ {
		now = time.Date(2027, 3, 1+day, 11, 0, 0, 0, time.UTC)
		today, err := engine.Today(ctx, en.ID)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID}); err != nil {
			log.Fatal(err)
		}
		p, err := engine.Progress(ctx, en.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("day %d: %s — streak %d, %d points\n", today.Day, today.Activity.Title, p.Streak, p.Points)
	}
	// Output:
	// day 1: Show a member of the public the online form — streak 1, 10 points
	// day 2: Show a member of the public the online form — streak 2, 20 points
	// day 3: Show a member of the public the online form — streak 3, 30 points
}

// ExampleEngine_Complete shows that completing twice counts once, and that a
// future day is refused.
func ExampleEngine_Complete() {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	engine, err := habitkit.New(memory.New(nil), &habitkit.Options{
		Clock: habitkit.ClockFunc(func() time.Time { return now }),
		OnEvent: func(e habitkit.Event) {
			if c, ok := e.(habitkit.Completed); ok {
				fmt.Printf("event: day %d completed, %d points\n", c.Day, c.Points)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	prog, err := challenge.ParseDefinition([]byte(exampleDefinition))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := engine.Publish(ctx, prog); err != nil {
		log.Fatal(err)
	}
	en, err := engine.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: prog.ID, ParticipantID: "pc-4127", CohortID: "spring"})
	if err != nil {
		log.Fatal(err)
	}
	first, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "tap-1"})
	if err != nil {
		log.Fatal(err)
	}
	again, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, IdempotencyKey: "tap-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("replayed:", again.Replayed, "same completion:", again.Completion.ID == first.Completion.ID)
	_, err = engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID, Day: 2})
	fmt.Println("tomorrow:", errors.Is(err, habitkit.ErrNotYetOpen))
	// Output:
	// event: day 1 completed, 10 points
	// replayed: true same completion: true
	// tomorrow: true
}

// ExampleEngine_Revoke revokes a completion: points and streak are
// recomputed, and the revocation stays in the audit trail.
func ExampleEngine_Revoke() {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	engine, err := habitkit.New(memory.New(nil), &habitkit.Options{Clock: habitkit.ClockFunc(func() time.Time { return now })})
	if err != nil {
		log.Fatal(err)
	}
	prog, err := challenge.ParseDefinition([]byte(exampleDefinition))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := engine.Publish(ctx, prog); err != nil {
		log.Fatal(err)
	}
	en, err := engine.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: prog.ID, ParticipantID: "pc-4127", CohortID: "spring"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID}); err != nil {
		log.Fatal(err)
	}
	snap, err := engine.Revoke(ctx, habitkit.RevokeRequest{EnrolmentID: en.ID, Day: 1, Actor: "sgt-admin", Reason: "completed on a colleague's behalf"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("points:", snap.Points, "streak:", snap.Streak)
	trail, err := engine.AuditTrail(ctx, storage.AuditFilter{ProgrammeID: prog.ID}, "", 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range trail.Items {
		fmt.Printf("%s by %s: %s (%s)\n", e.Action, e.Actor, e.Reason, e.Subject)
	}
	_, err = engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID})
	fmt.Println("complete again:", errors.Is(err, habitkit.ErrRevoked))
	// Output:
	// points: 0 streak: 0
	// completion.revoked by sgt-admin: completed on a colleague's behalf (day 1 activity show-form)
	// complete again: true
}

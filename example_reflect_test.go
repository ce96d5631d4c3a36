package habitkit_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage/memory"
)

// ExampleEngine_Reflect has a participant reflect on the day's challenge,
// a colleague respond and react, and a third read the programme's feed.
func ExampleEngine_Reflect() {
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 17, 0, 0, 0, time.UTC)
	engine, err := habitkit.New(memory.New(nil), &habitkit.Options{
		Clock: habitkit.ClockFunc(func() time.Time { return now }),
	})
	if err != nil {
		log.Fatal(err)
	}
	def, err := habitkit.ParseDefinition([]byte(exampleDefinition + `
reflections:
  defaultVisibility: programme
  points: {reflection: 5, response: 2}
`))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := engine.PublishDefinition(ctx, def); err != nil {
		log.Fatal(err)
	}
	enrol := func(who challenge.ParticipantID, team challenge.TeamID) challenge.Enrolment {
		en, err := engine.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: "online-reporting", ParticipantID: who, TeamID: team, CohortID: "spring"})
		if err != nil {
			log.Fatal(err)
		}
		return en
	}
	ann := enrol("pc-4127", "north")
	enrol("pc-2290", "south")
	enrol("pcso-88", "south")

	prompts, err := engine.Prompts(ctx, ann.ID, 0)
	if err != nil {
		log.Fatal(err)
	}
	out, err := engine.Reflect(ctx, habitkit.ReflectRequest{EnrolmentID: ann.ID,
		Answers: []reflection.Answer{{Prompt: prompts[0], Text: "She said it was quicker than waiting at the counter."}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("reflected on day %d for %d points\n", out.Reflection.Day, out.Points)

	bob := habitkit.Viewer{Participant: "pc-2290"}
	resp, err := engine.Respond(ctx, bob, out.Reflection.ID, "Same on my beat: people like the form.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("response earned %d points\n", resp.Points)
	if err := engine.React(ctx, bob, out.Reflection.ID, reflection.Helpful); err != nil {
		log.Fatal(err)
	}

	feed, err := engine.Feed(ctx, habitkit.Viewer{Participant: "pcso-88"}, habitkit.FeedRequest{
		ProgrammeID: "online-reporting", Order: habitkit.FeedMostReacted})
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range feed.Items {
		fmt.Printf("%s, day %d: %q (%d reaction, %d response)\n", it.Author, it.Day, it.Answers[0].Text, it.Reactions, it.Responses)
	}
	// Output:
	// reflected on day 1 for 5 points
	// response earned 2 points
	// pc-4127, day 1: "She said it was quicker than waiting at the counter." (1 reaction, 1 response)
}

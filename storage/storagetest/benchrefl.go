package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// BenchReflectionsEnv names the environment variable that sets how many
// reflections the feed benchmarks load (for example 1000000).
const BenchReflectionsEnv = "HABITKIT_BENCH_REFLECTIONS"

// defaultBenchReflections is the size used when BenchReflectionsEnv is not
// set: small, so that `go test -bench .` stays quick.
const defaultBenchReflections = 10_000

// Shape of the benchmark programme.
const (
	benchTeams      = 50
	benchPerTeam    = 20
	benchFeedDays   = 30
	benchWordsEach  = 12
	benchVocabulary = 2000
	// BenchSearchWord appears in about one reflection in a hundred.
	benchRareWord = "serendipity"
	// benchCommonWord appears in about one reflection in ten.
	benchCommonWord = "breathing"
)

// BenchReflectionCount returns the number of reflections to load: the
// value of BenchReflectionsEnv, or a small default.
func BenchReflectionCount(b *testing.B) int {
	b.Helper()
	v := os.Getenv(BenchReflectionsEnv)
	if v == "" {
		return defaultBenchReflections
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", BenchReflectionsEnv, v)
	}
	return n
}

// BenchProgramme is the programme ID of the benchmark reflections.
const BenchProgramme = "bench-reflections"

// BenchReflections makes n reflections of BenchProgramme, newest last,
// deterministically: 1,000 authors in 50 teams, visibilities 60%
// programme, 30% team and 10% private, 2% hidden, 1% deleted, 12 words
// each from a 2,000-word vocabulary, Reactions 0 to 20 (adapters that load
// directly store them; InsertReflection stores 0). emit receives them in
// batches of at most batch.
func BenchReflections(n, batch int, emit func(rs []reflection.Reflection) error) error {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, benchVocabulary)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("word%d", i)
	}
	created := time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)
	enrolments := make([]uuid.UUID, benchTeams*benchPerTeam)
	for i := range enrolments {
		enrolments[i] = uuid.Must(uuid.NewV7())
	}
	buf := make([]reflection.Reflection, 0, batch)
	var words []string
	for i := range n {
		author := i % len(enrolments)
		team := author / benchPerTeam
		vis := reflection.Programme
		switch p := rng.IntN(10); {
		case p == 0:
			vis = reflection.Private
		case p <= 3:
			vis = reflection.Team
		}
		words = words[:0]
		for range benchWordsEach {
			words = append(words, vocab[rng.IntN(len(vocab))])
		}
		if rng.IntN(100) == 0 {
			words[0] = benchRareWord
		}
		if rng.IntN(10) == 0 {
			words[1] = benchCommonWord
		}
		// The key (enrolment, day, activity) must be unique: a slot number
		// per author makes it so for any n.
		slot := i / len(enrolments)
		r := reflection.Reflection{
			ID:          uuid.Must(uuid.NewV7()),
			ProgrammeID: BenchProgramme,
			EnrolmentID: enrolments[author],
			Author:      challenge.ParticipantID("p" + strconv.Itoa(author)),
			AuthorTeam:  challenge.TeamID("team-" + strconv.Itoa(team)),
			Day:         1 + slot%benchFeedDays,
			ActivityID:  "activity-" + strconv.Itoa(slot),
			Answers:     []reflection.Answer{{Prompt: "What happened?", Text: strings.Join(words, " ")}},
			Visibility:  vis,
			CreatedAt:   created.Add(time.Duration(i) * time.Second),
			Moderated:   reflection.Moderated{Hidden: rng.IntN(50) == 0},
			Deleted:     rng.IntN(100) == 0,
			Reactions:   rng.IntN(21),
			Version:     1,
		}
		buf = append(buf, r)
		if len(buf) == batch {
			if err := emit(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		return emit(buf)
	}
	return nil
}

// LoadBenchReflections inserts n benchmark reflections into s through the
// adapter, in transactions of 10,000.
func LoadBenchReflections(ctx context.Context, s storage.Store, n int) error {
	return BenchReflections(n, 10_000, func(rs []reflection.Reflection) error {
		return s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
			for _, r := range rs {
				if err := tx.InsertReflection(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// benchViewer is a member of team-7, neither manager nor moderator: the
// common reader, whose feed mixes programme reflections with the team's.
var benchViewer = reflection.Viewer{Participant: "bench-viewer", Team: "team-7"}

// BenchFeedPage measures one View reading the first page of 20 of the
// benchmark programme's feed, newest first, as a team member (the store
// must hold reflections loaded by [BenchReflections]).
func BenchFeedPage(b *testing.B, s storage.Store) {
	benchFeed(b, s, storage.FeedQuery{ProgrammeID: BenchProgramme, Viewer: benchViewer})
}

// BenchFeedPageMostReacted is BenchFeedPage ordered by MostReacted.
func BenchFeedPageMostReacted(b *testing.B, s storage.Store) {
	benchFeed(b, s, storage.FeedQuery{ProgrammeID: BenchProgramme, Viewer: benchViewer, Order: storage.MostReacted})
}

// BenchSearchRare measures the first page of 20 of a search for a word in
// about one reflection in a hundred, newest first, as a team member.
func BenchSearchRare(b *testing.B, s storage.Store) {
	benchFeed(b, s, storage.FeedQuery{ProgrammeID: BenchProgramme, Viewer: benchViewer, Search: benchRareWord})
}

// BenchSearchTwoWords measures a search for a word in one reflection in
// ten together with one in a hundred (both must match).
func BenchSearchTwoWords(b *testing.B, s storage.Store) {
	benchFeed(b, s, storage.FeedQuery{ProgrammeID: BenchProgramme, Viewer: benchViewer, Search: benchCommonWord + " " + benchRareWord})
}

func benchFeed(b *testing.B, s storage.Store, q storage.FeedQuery) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		err := s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
			page, err := tx.ListReflections(ctx, q, "", 20)
			if err == nil && len(page.Items) == 0 {
				err = fmt.Errorf("query %+v: empty page", q)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

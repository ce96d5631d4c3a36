package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/sqlstore"
)

// TestSearchLongWords searches for words longer than a PostgreSQL lexeme
// (2,047 bytes), alone and with short words, in both orders and with every
// search plan: each adapter must find exactly the reflections holding
// every word, as storage.SearchWords splits them.
func TestSearchLongWords(t *testing.T) {
	long, long2 := strings.Repeat("x", 2500), strings.Repeat("y", 2100)+"z"
	texts := []string{long + " apple", "apple banana", long2 + ", apple"}
	forEach(t, func(t *testing.T, b backend) {
		for _, plan := range []string{"chosen", "fts", "walk"} {
			t.Run(plan, func(t *testing.T) {
				s, _ := newStore(t, b)
				if plan != "chosen" {
					sqlstore.SetSearchFrom(s, plan == "fts")
				}
				ctx := t.Context()
				var ids []uuid.UUID
				require.NoError(t, s.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
					for i, text := range texts {
						r := reflection.Reflection{
							ID: uuid.Must(uuid.NewV7()), ProgrammeID: "p", EnrolmentID: uuid.Must(uuid.NewV7()),
							Author: challenge.ParticipantID(fmt.Sprint("a", i)), AuthorTeam: "t", Day: 1, ActivityID: "walk",
							Answers:    []reflection.Answer{{Prompt: "P", Text: text}},
							Visibility: reflection.Programme, CreatedAt: t0, Version: 1,
						}
						ids = append(ids, r.ID)
						if err := tx.InsertReflection(ctx, r); err != nil {
							return err
						}
					}
					return nil
				}))
				cases := []struct {
					search string
					want   []uuid.UUID // newest first
				}{
					{long, []uuid.UUID{ids[0]}},
					{"APPLE " + long, []uuid.UUID{ids[0]}},
					{"apple", []uuid.UUID{ids[2], ids[1], ids[0]}},
					{long2, []uuid.UUID{ids[2]}},
					{long + " " + long2, nil},
					{long[1:], nil}, // whole words only
				}
				for _, c := range cases {
					for _, order := range []storage.FeedOrder{storage.Newest, storage.MostReacted} {
						q := storage.FeedQuery{ProgrammeID: "p", Viewer: reflection.Viewer{Participant: "v"}, Search: c.search, Order: order}
						var got []uuid.UUID
						var cursor storage.Cursor
						for {
							var page storage.Page[reflection.Reflection]
							require.NoError(t, s.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
								var err error
								page, err = tx.ListReflections(ctx, q, cursor, 1)
								return err
							}))
							for _, r := range page.Items {
								got = append(got, r.ID)
							}
							if cursor = page.Next; cursor == "" {
								break
							}
						}
						assert.Equal(t, c.want, got, "search %.20q… (%d bytes), order %d", c.search, len(c.search), order)
					}
				}
			})
		}
	})
}

package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// scribble mutates everything an enrolment shares through slices, in place
// and by appending, as a careless caller would.
func scribble(e *challenge.Enrolment) {
	if len(e.Zones) > 0 {
		e.Zones[0].Zone = "Mars/Olympus_Mons"
		e.Zones[0].From = e.Zones[0].From.AddDate(1, 0, 0)
	}
	if len(e.Absences) > 0 {
		e.Absences[0].Reason = "scribbled"
	}
	if len(e.Progress.Done) > 0 {
		e.Progress.Done[0] = ^e.Progress.Done[0]
	}
	for i := range e.Badges {
		e.Badges[i] = ^e.Badges[i]
	}
	e.Zones = append(e.Zones[:len(e.Zones):len(e.Zones)], challenge.ZoneChange{Zone: "Etc/UTC"})
	e.Progress.Points = -1
}

func scribbleCompletion(c *challenge.Completion) {
	if c.Revocation != nil {
		c.Revocation.Reason = "scribbled"
		c.Revocation.Actor = "nobody"
	}
	c.Points = -1
}

const (
	copyOutSentence = "every value a reader returns must be a copy: mutating it must never change the store"
	copyInSentence  = "a writer must copy what it is given: mutating the argument afterwards must never change the store"
)

func (h *harness) testCopies(t *testing.T) {
	t.Run("ReturnedEnrolment", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		reads := []struct {
			name string
			get  func(ctx context.Context, tx storage.ReadTx) (challenge.Enrolment, error)
		}{
			{"GetEnrolment", func(ctx context.Context, tx storage.ReadTx) (challenge.Enrolment, error) {
				return tx.GetEnrolment(ctx, e.ID)
			}},
			{"GetEnrolmentByParticipant", func(ctx context.Context, tx storage.ReadTx) (challenge.Enrolment, error) {
				return tx.GetEnrolmentByParticipant(ctx, sc.programme, e.ParticipantID)
			}},
			{"ListEnrolments", func(ctx context.Context, tx storage.ReadTx) (challenge.Enrolment, error) {
				page, err := tx.ListEnrolments(ctx, storage.EnrolmentFilter{ProgrammeID: sc.programme}, "", 0)
				if err != nil || len(page.Items) == 0 {
					return challenge.Enrolment{}, err
				}
				return page.Items[0], nil
			}},
		}
		for _, r := range reads {
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				got, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored enrolment must succeed (%s)", r.name)
				scribble(&got)
				again, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored enrolment must succeed (%s)", r.name)
				assertEnrolment(t, copyOutSentence+" ("+r.name+", same transaction)", e, again)
				return nil
			})
			// In a read-write transaction too: an adapter that applies
			// writes in place must still hand out copies.
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				got, err := r.get(ctx, tx)
				require.NoError(t, err, "reading a stored enrolment must succeed (%s)", r.name)
				scribble(&got)
				return nil
			})
			got, err := getEnrolment(t, h.store, e.ID)
			require.NoError(t, err, "getting a stored enrolment must succeed")
			assertEnrolment(t, copyOutSentence+" ("+r.name+")", e, got)
		}
	})

	t.Run("EnrolmentArguments", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		in := sc.enrolment()
		want := in.Clone()
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.InsertEnrolment(ctx, in); err != nil {
				return err
			}
			scribble(&in)
			got, err := tx.GetEnrolment(ctx, want.ID)
			require.NoError(t, err, "reads inside a transaction must see its own writes")
			assertEnrolment(t, copyInSentence+" (InsertEnrolment, same transaction)", want, got)
			return nil
		})
		scribble(&in)
		got, err := getEnrolment(t, h.store, want.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assertEnrolment(t, copyInSentence+" (InsertEnrolment)", want, got)

		upd := changeEnrolment(got)
		wantUpd := upd.Clone()
		wantUpd.Version++
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.UpdateEnrolment(ctx, upd); err != nil {
				return err
			}
			scribble(&upd)
			return nil
		})
		scribble(&upd)
		got, err = getEnrolment(t, h.store, want.ID)
		require.NoError(t, err, "getting a stored enrolment must succeed")
		assertEnrolment(t, copyInSentence+" (UpdateEnrolment)", wantUpd, got)
	})

	t.Run("ReturnedCompletion", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 2, "walk")
		r := revocation("admin")
		c.Revocation = &r
		want := c.Clone()
		mustInsertCompletions(t, h.store, c)
		reads := []struct {
			name string
			get  func(ctx context.Context, tx storage.ReadTx) (challenge.Completion, error)
		}{
			{"GetCompletion", func(ctx context.Context, tx storage.ReadTx) (challenge.Completion, error) {
				return tx.GetCompletion(ctx, c.CompletionKey)
			}},
			{"GetCompletionByIdempotencyKey", func(ctx context.Context, tx storage.ReadTx) (challenge.Completion, error) {
				return tx.GetCompletionByIdempotencyKey(ctx, c.IdempotencyKey)
			}},
			{"ListCompletions", func(ctx context.Context, tx storage.ReadTx) (challenge.Completion, error) {
				page, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID, IncludeRevoked: true}, "", 0)
				if err != nil || len(page.Items) == 0 {
					return challenge.Completion{}, err
				}
				return page.Items[0], nil
			}},
		}
		for _, rd := range reads {
			mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
				got, err := rd.get(ctx, tx)
				require.NoError(t, err, "reading a stored completion must succeed (%s)", rd.name)
				scribbleCompletion(&got)
				again, err := rd.get(ctx, tx)
				require.NoError(t, err, "reading a stored completion must succeed (%s)", rd.name)
				assertCompletion(t, copyOutSentence+" ("+rd.name+", same transaction)", want, again)
				return nil
			})
			got, err := getCompletion(t, h.store, c.CompletionKey)
			require.NoError(t, err, "getting a stored completion must succeed")
			assertCompletion(t, copyOutSentence+" ("+rd.name+")", want, got)
		}
	})

	t.Run("CompletionArguments", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, nil)[0]
		c := completion(e, 2, "walk")
		r := revocation("admin")
		c.Revocation = &r
		want := c.Clone()
		mustInsertCompletions(t, h.store, c)
		scribbleCompletion(&c)
		got, err := getCompletion(t, h.store, want.CompletionKey)
		require.NoError(t, err, "getting a stored completion must succeed")
		assertCompletion(t, copyInSentence+" (InsertCompletion)", want, got)
	})

	t.Run("ProgrammeDefinition", func(t *testing.T) {
		t.Parallel()
		p := programmeVersion(uniq("prog"), 1)
		want := p
		want.Definition = append([]byte(nil), p.Definition...)
		mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
			return tx.InsertProgramme(ctx, p)
		})
		p.Definition[0] = 'X'
		got, err := getProgramme(t, h.store, p.ID, 1)
		require.NoError(t, err, "getting a stored programme version must succeed")
		assertProgramme(t, copyInSentence+" (InsertProgramme's Definition)", want, got)
		got.Definition[0] = 'Y'
		got, err = getProgramme(t, h.store, p.ID, 0)
		require.NoError(t, err, "getting a stored programme version must succeed")
		assert.Equal(t, string(want.Definition), string(got.Definition), copyOutSentence+" (GetProgramme's Definition)")
	})
}

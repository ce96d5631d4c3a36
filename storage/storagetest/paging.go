package storagetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// keySpace is the number of positions a paging fixture can fill. Positions
// are numbered in the listing's documented order, so a walk is correct when
// the positions it returns ascend.
const keySpace = 64

// pagingFixture is one listing under test.
type pagingFixture[T any] struct {
	store storage.Store
	// insert stores the items at the given positions in one transaction,
	// together with noise: records that sort between them but that the
	// listing's filter must leave out.
	insert func(t testing.TB, positions ...int)
	list   lister[T]
	// position returns the position of a listed item, or -1 when the item
	// is not one of the fixture's.
	position func(T) int
}

// Sentences of the paging contract.
const (
	walkSentence   = "walking a listing by its cursors must return every item exactly once, in the documented order"
	sizeSentence   = "a page must hold limit items (DefaultLimit when limit <= 0) while that many remain, and Next must be \"\" exactly when no item follows"
	stableSentence = "a walk must return every item that existed throughout it exactly once, in order, even when items are inserted between pages (keyset paging, not offsets)"
	filterSentence = "a listing must return only the records its filter selects"
)

func (h *harness) testPaging(t *testing.T) {
	testListing(t, "Programmes", func(t *testing.T) pagingFixture[storage.Programme] {
		// ListProgrammes has no filter, so it gets a store of its own.
		s := h.fresh(t)
		return pagingFixture[storage.Programme]{
			store: s,
			insert: func(t testing.TB, positions ...int) {
				mustUpdate(t, s, func(ctx context.Context, tx storage.Tx) error {
					for _, i := range positions {
						if err := tx.InsertProgramme(ctx, programmeVersion(fmt.Sprintf("prog-%02d", i), 1)); err != nil {
							return err
						}
					}
					return nil
				})
			},
			list: listProgrammes,
			position: func(p storage.Programme) int {
				i, err := strconv.Atoi(strings.TrimPrefix(p.ID, "prog-"))
				if err != nil || !strings.HasPrefix(p.ID, "prog-") {
					return -1
				}
				return i
			},
		}
	})

	enrolments := func(filter func(sc *scope) storage.EnrolmentFilter, set func(e *challenge.Enrolment, noise bool)) func(t *testing.T) pagingFixture[challenge.Enrolment] {
		return func(t *testing.T) pagingFixture[challenge.Enrolment] {
			sc := newScope(t, h.store)
			ids := sortedIDs(2 * keySpace)
			pos := make(map[uuid.UUID]int)
			for i := range keySpace {
				pos[ids[2*i]] = i
			}
			return pagingFixture[challenge.Enrolment]{
				store: h.store,
				insert: func(t testing.TB, positions ...int) {
					var es []challenge.Enrolment
					for _, i := range positions {
						e := sc.minimalEnrolment()
						e.ID = ids[2*i]
						if set != nil {
							set(&e, false)
						}
						es = append(es, e)
						if set != nil {
							noise := sc.minimalEnrolment()
							noise.ID = ids[2*i+1]
							set(&noise, true)
							es = append(es, noise)
						}
					}
					sc.mustEnrol(t, len(es), func() challenge.Enrolment { e := es[0]; es = es[1:]; return e })
				},
				list: listEnrolments(filter(sc)),
				position: func(e challenge.Enrolment) int {
					if i, ok := pos[e.ID]; ok {
						return i
					}
					return -1
				},
			}
		}
	}
	testListing(t, "EnrolmentsByProgramme", enrolments(
		func(sc *scope) storage.EnrolmentFilter { return storage.EnrolmentFilter{ProgrammeID: sc.programme} },
		nil))
	testListing(t, "EnrolmentsByTeam", enrolments(
		func(sc *scope) storage.EnrolmentFilter {
			return storage.EnrolmentFilter{ProgrammeID: sc.programme, TeamID: "team-red"}
		},
		func(e *challenge.Enrolment, noise bool) {
			e.TeamID = "team-red"
			if noise {
				e.TeamID = "team-blue"
			}
		}))
	testListing(t, "EnrolmentsByCohort", enrolments(
		func(sc *scope) storage.EnrolmentFilter {
			return storage.EnrolmentFilter{ProgrammeID: sc.programme, CohortID: "cohort-a"}
		},
		func(e *challenge.Enrolment, noise bool) {
			e.CohortID = "cohort-a"
			if noise {
				e.CohortID = "cohort-b"
			}
		}))

	completions := func(includeRevoked bool) func(t *testing.T) pagingFixture[challenge.Completion] {
		return func(t *testing.T) pagingFixture[challenge.Completion] {
			sc := newScope(t, h.store)
			es := sc.mustEnrol(t, 2, sc.minimalEnrolment)
			e := es[0]
			return pagingFixture[challenge.Completion]{
				store: h.store,
				insert: func(t testing.TB, positions ...int) {
					mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
						for _, i := range positions {
							// Position i is day i+1, activity "b"; noise is a
							// revoked "c" the same day (left out unless
							// IncludeRevoked) and the other enrolment's "b".
							c := completion(e, i+1, "b")
							if includeRevoked && i%3 == 0 {
								r := revocation("admin")
								c.Revocation = &r
							}
							cs := []challenge.Completion{c, completion(es[1], i+1, "b")}
							if !includeRevoked {
								cs = append(cs, completion(e, i+1, "c"))
							}
							for _, c := range cs {
								if err := tx.InsertCompletion(ctx, c); err != nil {
									return err
								}
							}
							if !includeRevoked {
								if err := tx.RevokeCompletion(ctx, cs[2].CompletionKey, revocation("admin")); err != nil {
									return err
								}
							}
						}
						return nil
					})
				},
				list: listCompletions(storage.CompletionFilter{EnrolmentID: e.ID, IncludeRevoked: includeRevoked}),
				position: func(c challenge.Completion) int {
					if c.EnrolmentID != e.ID || c.ActivityID != "b" {
						return -1
					}
					return c.Day - 1
				},
			}
		}
	}
	testListing(t, "Completions", completions(false))
	testListing(t, "CompletionsIncludeRevoked", completions(true))

	audit := func(byEnrolment bool) func(t *testing.T) pagingFixture[storage.AuditEntry] {
		return func(t *testing.T) pagingFixture[storage.AuditEntry] {
			sc := newScope(t, h.store)
			other := newScope(t, h.store)
			es := sc.mustEnrol(t, 2, sc.minimalEnrolment)
			ids := sortedIDs(2 * keySpace)
			pos := make(map[uuid.UUID]int)
			for i := range keySpace {
				pos[ids[2*i]] = i
			}
			f := storage.AuditFilter{ProgrammeID: sc.programme}
			if byEnrolment {
				f.EnrolmentID = es[0].ID
			}
			return pagingFixture[storage.AuditEntry]{
				store: h.store,
				insert: func(t testing.TB, positions ...int) {
					mustUpdate(t, h.store, func(ctx context.Context, tx storage.Tx) error {
						for _, i := range positions {
							// Noise sorts between the items: another
							// programme's entry, or another enrolment's.
							noise := auditEntry(ids[2*i+1], other.programme, uuid.Nil)
							if byEnrolment {
								noise = auditEntry(ids[2*i+1], sc.programme, es[1].ID)
							}
							for _, a := range []storage.AuditEntry{auditEntry(ids[2*i], sc.programme, es[0].ID), noise} {
								if err := tx.InsertAudit(ctx, a); err != nil {
									return err
								}
							}
						}
						return nil
					})
				},
				list: listAudit(f),
				position: func(a storage.AuditEntry) int {
					if i, ok := pos[a.ID]; ok {
						return i
					}
					return -1
				},
			}
		}
	}
	testListing(t, "AuditByProgramme", audit(false))
	testListing(t, "AuditByEnrolment", audit(true))

	t.Run("DefaultLimit", func(t *testing.T) {
		t.Parallel()
		sc := newScope(t, h.store)
		e := sc.mustEnrol(t, 1, sc.minimalEnrolment)[0]
		var cs []challenge.Completion
		for day := 1; day <= storage.DefaultLimit+5; day++ {
			c := completion(e, day, "walk")
			c.IdempotencyKey = ""
			cs = append(cs, c)
		}
		mustInsertCompletions(t, h.store, cs...)
		for _, limit := range []int{0, -1} {
			mustView(t, h.store, func(ctx context.Context, tx storage.ReadTx) error {
				page, err := tx.ListCompletions(ctx, storage.CompletionFilter{EnrolmentID: e.ID}, "", limit)
				require.NoError(t, err, "listing completions must succeed")
				assert.Len(t, page.Items, storage.DefaultLimit, "a listing asked for limit %d must return a page of DefaultLimit items", limit)
				assert.NotEmpty(t, page.Next, sizeSentence)
				return nil
			})
		}
	})
}

// testListing runs the paging cases against one listing. prepare makes a
// fixture with nothing inserted yet.
func testListing[T any](t *testing.T, name string, prepare func(t *testing.T) pagingFixture[T]) {
	t.Run(name, func(t *testing.T) {
		t.Run("Walk", func(t *testing.T) {
			t.Parallel()
			f := prepare(t)
			pages := walk(t, f, 7, nil)
			assert.Equal(t, [][]int{{}}, pages, "an empty listing must return one empty page whose Next is \"\"")

			var positions []int
			for i := range 21 {
				positions = append(positions, 2*i)
			}
			f.insert(t, positions...)
			for _, c := range []struct {
				limit int
				sizes []int
			}{
				{7, []int{7, 7, 7}}, // the full last page must end the walk
				{5, []int{5, 5, 5, 5, 1}},
				{8, []int{8, 8, 5}},
				{21, []int{21}},
				{1, repeat(21, func() int { return 1 })},
				{0, []int{21}},
				{-3, []int{21}},
				{storage.MaxLimit, []int{21}},
			} {
				pages := walk(t, f, c.limit, nil)
				assert.Equal(t, c.sizes, mapSlice(pages, func(p []int) int { return len(p) }), "%s (limit %d)", sizeSentence, c.limit)
				assert.Equal(t, positions, flatten(pages), "%s (limit %d)", walkSentence, c.limit)
			}
		})

		t.Run("StableUnderInserts", func(t *testing.T) {
			t.Parallel()
			f := prepare(t)
			// Odd positions exist from the start; between pages the even
			// positions just behind and just ahead of the cursor appear.
			var initial []int
			for i := range 25 {
				initial = append(initial, 2*i+1)
			}
			f.insert(t, initial...)
			inserted := make(map[int]bool)
			pages := walk(t, f, 7, func(last int) {
				var fresh []int
				for _, p := range []int{last - 1, last + 1} {
					if p >= 0 && p < keySpace && !inserted[p] {
						inserted[p] = true
						fresh = append(fresh, p)
					}
				}
				f.insert(t, fresh...)
			})
			got := flatten(pages)
			seen := make(map[int]int)
			for i, p := range got {
				seen[p]++
				if i > 0 {
					assert.Less(t, got[i-1], p, stableSentence)
				}
			}
			for _, p := range initial {
				assert.Equal(t, 1, seen[p], "%s (position %d)", stableSentence, p)
			}
			for p, n := range seen {
				assert.LessOrEqual(t, n, 1, "%s (position %d returned %d times)", stableSentence, p, n)
			}
		})

		t.Run("BadCursor", func(t *testing.T) {
			t.Parallel()
			f := prepare(t)
			f.insert(t, 0, 1, 2)
			mustView(t, f.store, func(ctx context.Context, tx storage.ReadTx) error {
				_, err := f.list(ctx, tx, "!!not a cursor!!", 2)
				assert.ErrorIs(t, err, storage.ErrBadCursor, "a listing given a cursor it did not make must return ErrBadCursor")
				return nil
			})
		})
	})
}

// walk lists f page by page, each page in its own View, and returns the
// positions of each page's items. between, when set, runs after every page
// but the last with the position of the page's last item.
func walk[T any](t testing.TB, f pagingFixture[T], limit int, between func(last int)) [][]int {
	t.Helper()
	pages := [][]int{}
	var cursor storage.Cursor
	for range 1000 {
		var page storage.Page[T]
		mustView(t, f.store, func(ctx context.Context, tx storage.ReadTx) error {
			var err error
			page, err = f.list(ctx, tx, cursor, limit)
			return err
		})
		positions := []int{}
		for _, item := range page.Items {
			p := f.position(item)
			require.GreaterOrEqual(t, p, 0, "%s: got %+v", filterSentence, item)
			positions = append(positions, p)
		}
		pages = append(pages, positions)
		if page.Next == "" {
			return pages
		}
		require.NotEmpty(t, positions, "a page whose Next is not \"\" must hold items")
		if between != nil {
			between(positions[len(positions)-1])
		}
		cursor = page.Next
	}
	require.FailNow(t, "a listing walked by its cursors must end")
	return nil
}

func flatten(pages [][]int) []int {
	var out []int
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}

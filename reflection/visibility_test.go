package reflection_test

import (
	"fmt"
	"testing"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cast. The reflection's author P and the responder R are both in
// team A, so a response is realistic under every visibility but private.
const (
	authorID    = challenge.ParticipantID("p-author")
	responderID = challenge.ParticipantID("r-responder")
	teamA       = challenge.TeamID("team-a")
	teamB       = challenge.TeamID("team-b")
	teamC       = challenge.TeamID("team-c")
)

var viewers = map[string]reflection.Viewer{
	// roles relative to the reflection's author
	"author":               {Participant: authorID, Team: teamA},
	"same team":            {Participant: "s-colleague", Team: teamA},
	"other team":           {Participant: "o-stranger", Team: teamB},
	"manager of A":         {Participant: "m-manager-a", Team: teamC, ManagerOf: []challenge.TeamID{teamA}},
	"manager of B":         {Participant: "n-manager-b", Team: teamC, ManagerOf: []challenge.TeamID{teamB}},
	"moderator":            {Participant: "d-moderator", Team: teamB, Moderator: true},
	"moderator and author": {Participant: authorID, Team: teamA, Moderator: true},
	// roles relative to a response's author
	"responder":               {Participant: responderID, Team: teamA},
	"moderator and responder": {Participant: responderID, Team: teamA, Moderator: true},
}

var (
	reflectionRoles = []string{"author", "same team", "other team", "manager of A", "manager of B", "moderator", "moderator and author"}
	responseRoles   = []string{"responder", "moderator and responder", "author", "same team", "other team", "manager of A", "manager of B", "moderator"}
)

// who lists the readers for one combination, written out by hand from the
// rules in doc.go rather than derived from CanRead.
type key struct{ kind, vis, state string }

func who(roles ...string) map[string]bool {
	m := map[string]bool{}
	for _, r := range roles {
		m[r] = true
	}
	return m
}

var expected = map[key]map[string]bool{
	// Reflections.
	{"reflection", "private", "normal"}:        who("author", "moderator and author"),
	{"reflection", "private", "hidden"}:        who("author", "moderator and author"),
	{"reflection", "private", "deleted"}:       who(),
	{"reflection", "private", "author erased"}: who(),

	{"reflection", "team", "normal"}:        who("author", "same team", "manager of A", "moderator", "moderator and author"),
	{"reflection", "team", "hidden"}:        who("author", "moderator", "moderator and author"),
	{"reflection", "team", "deleted"}:       who(),
	{"reflection", "team", "author erased"}: who(),

	{"reflection", "programme", "normal"}:        who("author", "same team", "other team", "manager of A", "manager of B", "moderator", "moderator and author"),
	{"reflection", "programme", "hidden"}:        who("author", "moderator", "moderator and author"),
	{"reflection", "programme", "deleted"}:       who(),
	{"reflection", "programme", "author erased"}: who(),

	// Responses (by R of team A) to a normal reflection of the given
	// visibility; the state is the response's own.
	// Private parent: only P reads the parent; R cannot even see it.
	{"response", "private", "normal"}:        who("author"),
	{"response", "private", "hidden"}:        who(),
	{"response", "private", "deleted"}:       who(),
	{"response", "private", "author erased"}: who(),

	{"response", "team", "normal"}:        who("responder", "moderator and responder", "author", "same team", "manager of A", "moderator"),
	{"response", "team", "hidden"}:        who("responder", "moderator and responder", "moderator"),
	{"response", "team", "deleted"}:       who(),
	{"response", "team", "author erased"}: who(),

	{"response", "programme", "normal"}:        who("responder", "moderator and responder", "author", "same team", "other team", "manager of A", "manager of B", "moderator"),
	{"response", "programme", "hidden"}:        who("responder", "moderator and responder", "moderator"),
	{"response", "programme", "deleted"}:       who(),
	{"response", "programme", "author erased"}: who(),
}

func withState(m *reflection.Moderated, deleted, erased *bool, state string) {
	switch state {
	case "hidden":
		m.Hidden = true
	case "deleted":
		*deleted = true
	case "author erased":
		*erased = true
	}
}

func TestCanReadEveryCombination(t *testing.T) {
	visibilities := map[string]reflection.Visibility{"private": reflection.Private, "team": reflection.Team, "programme": reflection.Programme}
	states := []string{"normal", "hidden", "deleted", "author erased"}
	checked := 0
	for _, kind := range []string{"reflection", "response"} {
		for _, visName := range []string{"private", "team", "programme"} {
			for _, state := range states {
				want, ok := expected[key{kind, visName, state}]
				require.True(t, ok, "expected table lacks %s/%s/%s", kind, visName, state)
				parent := reflection.Reflection{Author: authorID, AuthorTeam: teamA, Visibility: visibilities[visName]}
				var item reflection.Item
				roles := reflectionRoles
				if kind == "reflection" {
					withState(&parent.Moderated, &parent.Deleted, &parent.AuthorErased, state)
					item = parent.Item()
				} else {
					resp := reflection.Response{Author: responderID, AuthorTeam: teamA}
					withState(&resp.Moderated, &resp.Deleted, &resp.AuthorErased, state)
					item = resp.Item(parent)
					roles = responseRoles
				}
				for _, role := range roles {
					t.Run(fmt.Sprintf("%s/%s/%s/%s", kind, visName, state, role), func(t *testing.T) {
						assert.Equal(t, want[role], reflection.CanRead(viewers[role], item))
					})
					checked++
				}
			}
		}
	}
	// 3 visibilities × 4 states × (7 reflection roles + 8 response roles).
	assert.Equal(t, 3*4*(7+8), checked)
}

// A response never outlives its parent's audience: when the parent is
// hidden, deleted or erased, its responses follow.
func TestCanReadResponseFollowsParentState(t *testing.T) {
	resp := reflection.Response{Author: responderID, AuthorTeam: teamA}
	tests := []struct {
		name   string
		parent func(*reflection.Reflection)
		want   map[string]bool
	}{
		{"parent hidden", func(r *reflection.Reflection) { r.Hidden = true },
			who("author", "moderator", "moderator and author", "moderator and responder")},
		{"parent deleted", func(r *reflection.Reflection) { r.Deleted = true }, who()},
		{"parent erased", func(r *reflection.Reflection) { r.Erase() }, who()},
	}
	for _, tt := range tests {
		parent := reflection.Reflection{Author: authorID, AuthorTeam: teamA, Visibility: reflection.Programme, Answers: []reflection.Answer{{Prompt: "p", Text: "t"}}}
		tt.parent(&parent)
		for role, v := range viewers {
			t.Run(tt.name+"/"+role, func(t *testing.T) {
				assert.Equal(t, tt.want[role], reflection.CanRead(v, resp.Item(parent)))
			})
		}
	}
}

func TestCanReadFailsClosed(t *testing.T) {
	stranger := viewers["other team"]
	tests := []struct {
		name   string
		viewer reflection.Viewer
		item   reflection.Item
		want   bool
	}{
		{"anonymous viewer reads nothing, even programme",
			reflection.Viewer{}, reflection.Item{Author: authorID, Visibility: reflection.Programme}, false},
		{"anonymous moderator reads nothing",
			reflection.Viewer{Moderator: true}, reflection.Item{Author: authorID, Visibility: reflection.Programme}, false},
		{"empty author is nobody's item",
			reflection.Viewer{}, reflection.Item{Visibility: reflection.Private}, false},
		{"unset visibility is private",
			stranger, reflection.Item{Author: authorID, AuthorTeam: teamB}, false},
		{"unknown visibility is private",
			viewers["moderator"], reflection.Item{Author: authorID, Visibility: 99}, false},
		{"unset visibility still lets the author read",
			viewers["author"], reflection.Item{Author: authorID}, true},
		{"team item of an author without team: teamless viewer is not a team-mate",
			reflection.Viewer{Participant: "x"}, reflection.Item{Author: authorID, Visibility: reflection.Team}, false},
		{"team item of an author without team: moderator reads",
			viewers["moderator"], reflection.Item{Author: authorID, Visibility: reflection.Team}, true},
		{"team item: a manager of no team is not a manager",
			reflection.Viewer{Participant: "x", ManagerOf: []challenge.TeamID{""}}, reflection.Item{Author: authorID, Visibility: reflection.Team}, false},
		{"response to a response is readable by nobody",
			viewers["author"], reflection.Item{Author: authorID, Visibility: reflection.Programme,
				Parent: &reflection.Item{Author: authorID, Visibility: reflection.Programme, Parent: &reflection.Item{Author: authorID, Visibility: reflection.Programme}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, reflection.CanRead(tt.viewer, tt.item))
		})
	}
}

package reflection_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/habitkit/habitkit/reflection"
	"github.com/stretchr/testify/assert"
)

func TestReflectionErase(t *testing.T) {
	r := reflection.Reflection{
		ID: uuid.Must(uuid.NewV7()), EnrolmentID: uuid.Must(uuid.NewV7()),
		Author: authorID, AuthorTeam: teamA, Visibility: reflection.Programme,
		Answers:   []reflection.Answer{{Prompt: "What did you do?", Text: "secret words"}},
		Moderated: reflection.Moderated{Hidden: true, HiddenBy: "mod", HiddenReason: "quotes: secret words"},
	}
	id := r.ID
	r.Erase()
	assert.Empty(t, r.Author)
	assert.Empty(t, r.AuthorTeam)
	assert.Equal(t, uuid.Nil, r.EnrolmentID)
	assert.Nil(t, r.Answers)
	assert.Empty(t, r.HiddenReason)
	assert.True(t, r.AuthorErased)
	assert.Equal(t, id, r.ID, "the tombstone keeps its identity for responses")
	for role, v := range viewers {
		assert.False(t, reflection.CanRead(v, r.Item()), role)
	}
}

func TestResponseErase(t *testing.T) {
	parent := reflection.Reflection{Author: authorID, AuthorTeam: teamA, Visibility: reflection.Programme}
	resp := reflection.Response{Author: responderID, AuthorTeam: teamA, Text: "secret words"}
	resp.Erase()
	assert.Empty(t, resp.Author)
	assert.Empty(t, resp.AuthorTeam)
	assert.Empty(t, resp.Text)
	assert.True(t, resp.AuthorErased)
	for role, v := range viewers {
		assert.False(t, reflection.CanRead(v, resp.Item(parent)), role)
	}
}

func TestResponseItemInheritsParent(t *testing.T) {
	parent := reflection.Reflection{Author: authorID, AuthorTeam: teamA, Visibility: reflection.Team}
	resp := reflection.Response{Author: responderID, AuthorTeam: teamB, Moderated: reflection.Moderated{Hidden: true}}
	item := resp.Item(parent)
	assert.Equal(t, reflection.Team, item.Visibility)
	assert.Equal(t, responderID, item.Author)
	assert.True(t, item.Hidden)
	if assert.NotNil(t, item.Parent) {
		assert.Equal(t, parent.Item(), *item.Parent)
	}
}

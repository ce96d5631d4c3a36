package reflection_test

import (
	"encoding/json"
	"testing"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVisibilityStringAndParse(t *testing.T) {
	tests := []struct {
		in      string
		want    reflection.Visibility
		wantErr bool
	}{
		{"private", reflection.Private, false},
		{"team", reflection.Team, false},
		{"programme", reflection.Programme, false},
		{" Programme ", reflection.Programme, false},
		{"program", 0, true},
		{"", 0, true},
		{"public", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := reflection.ParseVisibility(tt.in)
			if tt.wantErr {
				var ve *challenge.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "visibility", ve.Field)
				assert.ErrorIs(t, err, challenge.ErrInvalid)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.True(t, got.Valid())
		})
	}
	for _, v := range []reflection.Visibility{reflection.Private, reflection.Team, reflection.Programme} {
		back, err := reflection.ParseVisibility(v.String())
		require.NoError(t, err)
		assert.Equal(t, v, back, "round trip of %s", v)
	}
	assert.Equal(t, "Visibility(0)", reflection.Visibility(0).String())
	assert.False(t, reflection.Visibility(0).Valid())
	assert.Equal(t, "Visibility(4)", reflection.Visibility(4).String())
}

func TestReactionKindStringAndParse(t *testing.T) {
	names := map[reflection.ReactionKind]string{reflection.Helpful: "helpful", reflection.Inspiring: "inspiring", reflection.Agree: "agree"}
	require.Len(t, reflection.ReactionKinds(), len(names))
	for _, k := range reflection.ReactionKinds() {
		assert.Equal(t, names[k], k.String())
		back, err := reflection.ParseReactionKind(" " + names[k] + " ")
		require.NoError(t, err)
		assert.Equal(t, k, back)
	}
	_, err := reflection.ParseReactionKind("like")
	var ve *challenge.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "kind", ve.Field)
	assert.Equal(t, "ReactionKind(0)", reflection.ReactionKind(0).String())
	assert.False(t, reflection.ReactionKind(4).Valid())
}

func TestEnumsJSON(t *testing.T) {
	type doc struct {
		V reflection.Visibility   `json:"v"`
		K reflection.ReactionKind `json:"k"`
	}
	b, err := json.Marshal(doc{V: reflection.Team, K: reflection.Inspiring})
	require.NoError(t, err)
	assert.JSONEq(t, `{"v":"team","k":"inspiring"}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"v":"programme","k":"agree"}`), &got))
	assert.Equal(t, doc{V: reflection.Programme, K: reflection.Agree}, got)

	assert.ErrorIs(t, json.Unmarshal([]byte(`{"v":"everyone"}`), &got), challenge.ErrInvalid)
	_, err = json.Marshal(doc{})
	assert.ErrorIs(t, err, challenge.ErrInvalid, "an unset visibility is not written out")
}

package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// fastBadgeRefs are badge references as json.Marshal writes them (and the
// older one-per-day form), which the fast path reads.
var fastBadgeRefs = []string{
	`null`,
	`[]`,
	`[{"badge":"first"}]`,
	`[{"badge":"both"},{"badge":"daily","days":[510]},{"badge":"days-0"},{"badge":"done","tier":1},{"badge":"done","tier":2},{"badge":"x","tier":3,"days":[0,64]}]`,
	`[{"badge":"today","day":3},{"badge":"today","tier":2,"day":70}]`,
	`[{"days":[1],"tier":-4,"badge":"é ☃"}]`,
	`[{"badge":"a","days":[]}]`,
	`[{"badge":"a","tier":0}]`,
	`[{"badge":"a","tier":-0}]`,
	`[{"badge":"a","tier":999999999999999999}]`,
	`[{"badge":"a<b"}]`,
}

// slowBadgeRefs are inputs the fast path leaves to encoding/json: escapes,
// spaces, other spellings, nulls, numbers it does not check or that do not
// fit, and what is no JSON at all.
var slowBadgeRefs = []string{
	`[{"badge":"a","tier":9999999999999999999}]`,
	`[{"badge":"a","days":[18446744073709551615]}]`,
	`[{"badge":"a","days":[99999999999999999999]}]`,
	`[{"badge":"a","days":[-1]}]`,
	`[{"badge":"a","tier":1.0}]`,
	`[{"badge":"a","tier":1e2}]`,
	`[{"badge":"a","tier":01}]`,
	`[{"badge":"a","tier":"1"}]`,
	`[{"badge":"\u0061\"b"}]`,
	"[{\"badge\":\"\xff\"}]",
	"[{\"badge\":\"a\tb\"}]",
	`[{"Badge":"a"}]`,
	`[{"badge":"a","badge":"b"}]`,
	`[{"badge":"a","other":1}]`,
	`[{"badge":null}]`,
	`[{"badge":"a","days":null}]`,
	`[{"tier":1}]`,
	`[{}]`,
	`[null]`,
	` [{"badge":"a"}]`,
	`[{"badge":"a"} ]`,
	`[{"badge":"a"}]x`,
	`[{"badge":"a"},]`,
	`[{"badge":"a"}`,
	`[{"badge":"a"`,
	`[{"badge":"a","tier":}]`,
	`{"badge":"a"}`,
	`nul`,
	``,
}

// TestBadgeRefsMatchEncodingJSON checks that badgeRefsData decodes every
// input as encoding/json decodes a []badgeRefData, and which inputs take
// the fast path.
func TestBadgeRefsMatchEncodingJSON(t *testing.T) {
	for _, in := range fastBadgeRefs {
		checkBadgeRefs(t, []byte(in))
		_, ok := parseBadgeRefs([]byte(in))
		assert.True(t, ok, "the fast path reads %s", in)
	}
	for _, in := range slowBadgeRefs {
		checkBadgeRefs(t, []byte(in))
		_, ok := parseBadgeRefs([]byte(in))
		assert.False(t, ok, "encoding/json decides %s", in)
	}
}

// FuzzBadgeRefs checks that badgeRefsData decodes anything as
// encoding/json decodes a []badgeRefData.
func FuzzBadgeRefs(f *testing.F) {
	for _, in := range append(fastBadgeRefs, slowBadgeRefs...) {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkBadgeRefs(t, b) })
}

func checkBadgeRefs(t *testing.T, b []byte) {
	t.Helper()
	var want []badgeRefData
	wantErr := json.Unmarshal(b, &want)
	var got badgeRefsData
	gotErr := got.UnmarshalJSON(b)
	if wantErr != nil {
		assert.Error(t, gotErr, "%q: encoding/json fails", b)
		return
	}
	require.NoError(t, gotErr, "%q", b)
	if !reflect.DeepEqual([]badgeRefData(got), want) {
		t.Errorf("%q: got %#v, encoding/json %#v", b, []badgeRefData(got), want)
	}
}

// TestBadgeRefsInEnrolmentData checks that the data column's badges go
// through badgeRefsData: an escaped badge ID and the stored form both come
// back as written.
func TestBadgeRefsInEnrolmentData(t *testing.T) {
	e := challenge.Enrolment{Badges: []challenge.BadgeRef{
		{Badge: "<b>"}, {Badge: "daily", Days: challenge.Days{6}}, {Badge: "streak", Tier: 2},
	}}
	data, err := encodeEnrolmentData(e)
	require.NoError(t, err)
	var got challenge.Enrolment
	require.NoError(t, decodeEnrolmentData([]byte(data), &got))
	assert.Equal(t, e.Badges, got.Badges)
}

func BenchmarkDecodeBadgeRefs(b *testing.B) {
	in := []byte(fastBadgeRefs[3])
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var rs badgeRefsData
			if err := rs.UnmarshalJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var rs []badgeRefData
			if err := json.Unmarshal(in, &rs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// TestDecodeBadgeReferences reads the data of an enrolment written when
// held badges were kept as references by ID: they are left out, and the
// enrolment has no badge layout, so that the engine rebuilds its held
// bits from its awards before it evaluates a badge.
func TestDecodeBadgeReferences(t *testing.T) {
	old := `{"start":"2026-03-02","firstDay":1,"zones":null,"rota":{"start":"0001-01-01","on":0,"off":0},"absences":null,` +
		`"enrolledAt":"2026-03-01T09:00:00Z","progress":{"done":[14]},"badges":[{"badge":"first"},{"badge":"today","days":[14]},` +
		`{"badge":"week","tier":1}]}`
	var e challenge.Enrolment
	require.NoError(t, decodeEnrolmentData([]byte(old), &e))
	assert.Nil(t, e.Badges)
	assert.Zero(t, e.BadgeLayout)
	assert.Equal(t, challenge.Days{14}, e.Progress.Done, "the rest reads as before")
}

// TestEnrolmentDataHeldBadges round-trips held bits: nil, empty and set
// come back as they went in, with their layout.
func TestEnrolmentDataHeldBadges(t *testing.T) {
	for _, held := range []challenge.HeldBadges{nil, {}, {1<<63 | 1, 0, 5}} {
		e := challenge.Enrolment{Badges: held, BadgeLayout: 0xffff_fffe}
		data, err := encodeEnrolmentData(e)
		require.NoError(t, err)
		var got challenge.Enrolment
		require.NoError(t, decodeEnrolmentData([]byte(data), &got))
		assert.Equal(t, held, got.Badges, "%s", data)
		assert.Equal(t, e.BadgeLayout, got.BadgeLayout)
	}
}

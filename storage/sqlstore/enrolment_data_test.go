package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/challenge"
)

// TestDecodeOneRefPerDay reads the data of an enrolment written when a
// daily badge kept one reference per day: the days fold into one
// reference, and writing it back keeps that form.
func TestDecodeOneRefPerDay(t *testing.T) {
	old := `{"start":"2026-03-02","firstDay":1,"zones":null,"rota":{"start":"0001-01-01","on":0,"off":0},"absences":null,` +
		`"enrolledAt":"2026-03-01T09:00:00Z","progress":{},"badges":[{"badge":"first"},{"badge":"today","day":3},` +
		`{"badge":"today","day":12},{"badge":"today","tier":2,"day":70},{"badge":"week","tier":1}]}`
	var e challenge.Enrolment
	require.NoError(t, decodeEnrolmentData([]byte(old), &e))
	want := []challenge.BadgeRef{
		{Badge: "first"},
		{Badge: "today", Days: challenge.Days{1<<3 | 1<<12}},
		{Badge: "today", Tier: 2, Days: challenge.Days{0, 1 << (70 - 64)}},
		{Badge: "week", Tier: 1},
	}
	assert.Equal(t, want, e.Badges)

	data, err := encodeEnrolmentData(e)
	require.NoError(t, err)
	assert.NotContains(t, data, `"day":`, "written references keep days in Days")
	var again challenge.Enrolment
	require.NoError(t, decodeEnrolmentData([]byte(data), &again))
	assert.Equal(t, want, again.Badges)
}

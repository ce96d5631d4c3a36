package reflection_test

import (
	"testing"
	"time"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/reflection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func flagged(by ...challenge.ParticipantID) reflection.Moderated {
	var m reflection.Moderated
	for i, p := range by {
		m.Flags = append(m.Flags, reflection.Flag{By: p, Reason: "rude", At: t0.Add(time.Duration(i) * time.Minute)})
	}
	return m
}

func TestFlag(t *testing.T) {
	hiddenByMod := reflection.Moderated{Hidden: true, HiddenBy: "mod", HiddenReason: "off topic", HiddenAt: t0}
	reviewed := flagged("a", "b")
	reviewed.Reviewed = 2
	tests := []struct {
		name          string
		before        reflection.Moderated
		by            challenge.ParticipantID
		reason        string
		autoHideAfter int
		wantErr       error // sentinel, or challenge.ErrInvalid
		wantHiddenNow bool
		want          reflection.Moderated // state afterwards
	}{
		{name: "ok first flag, no auto-hide", by: "a", reason: " rude ", autoHideAfter: 0,
			want: reflection.Moderated{Flags: []reflection.Flag{{By: "a", Reason: "rude", At: t0}}}},
		{name: "ok below threshold", before: flagged("a"), by: "b", reason: "rude", autoHideAfter: 3,
			want: flagged("a", "b")},
		{name: "ok threshold reached hides", before: flagged("a", "b"), by: "c", reason: "rude", autoHideAfter: 3, wantHiddenNow: true,
			want: func() reflection.Moderated {
				m := flagged("a", "b", "c")
				m.Hidden, m.HiddenReason, m.HiddenAt = true, "hidden automatically after 3 flags", t0
				return m
			}()},
		{name: "ok threshold one", by: "a", reason: "rude", autoHideAfter: 1, wantHiddenNow: true,
			want: reflection.Moderated{Hidden: true, HiddenReason: "hidden automatically after 1 flag", HiddenAt: t0,
				Flags: []reflection.Flag{{By: "a", Reason: "rude", At: t0}}}},
		{name: "ok already hidden: recorded, nothing hidden now", before: hiddenByMod, by: "a", reason: "rude", autoHideAfter: 1,
			want: reflection.Moderated{Hidden: true, HiddenBy: "mod", HiddenReason: "off topic", HiddenAt: t0,
				Flags: []reflection.Flag{{By: "a", Reason: "rude", At: t0}}}},
		{name: "ok reviewed flags do not count", before: reviewed, by: "c", reason: "rude", autoHideAfter: 2,
			want: func() reflection.Moderated { m := flagged("a", "b", "c"); m.Reviewed = 2; return m }()},
		{name: "ErrAlreadyFlagged", before: flagged("a", "b"), by: "b", reason: "again", autoHideAfter: 3,
			wantErr: reflection.ErrAlreadyFlagged, want: flagged("a", "b")},
		{name: "ErrAlreadyFlagged across a review", before: reviewed, by: "a", reason: "again", autoHideAfter: 1,
			wantErr: reflection.ErrAlreadyFlagged, want: reviewed},
		{name: "reason required", by: "a", reason: "  ", wantErr: challenge.ErrInvalid},
		{name: "reason with control character", by: "a", reason: "x\x00", wantErr: challenge.ErrInvalid},
		{name: "flagger required", by: "", reason: "rude", wantErr: challenge.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.before
			m.Flags = append([]reflection.Flag(nil), tt.before.Flags...) // keep the fixture intact
			at := t0.Add(time.Duration(len(m.Flags)) * time.Minute)
			hiddenNow, err := m.Flag(tt.by, tt.reason, tt.autoHideAfter, at)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.False(t, hiddenNow)
				assert.Equal(t, tt.before, m, "a refused flag changes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantHiddenNow, hiddenNow)
			if tt.wantHiddenNow {
				tt.want.HiddenAt = at
			}
			assert.Equal(t, tt.want, m)
		})
	}
}

func TestFlagReasonError(t *testing.T) {
	var m reflection.Moderated
	_, err := m.Flag("a", "", 0, t0)
	var ve *challenge.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "reason", ve.Field)
}

func TestHide(t *testing.T) {
	hidden := reflection.Moderated{Hidden: true, HiddenBy: "mod", HiddenReason: "x", HiddenAt: t0}
	tests := []struct {
		name      string
		before    reflection.Moderated
		by        challenge.ParticipantID
		moderator bool
		reason    string
		wantErr   error
		want      reflection.Moderated
	}{
		{name: "ok", before: flagged("a"), by: "mod", moderator: true, reason: " insulting ",
			want: func() reflection.Moderated {
				m := flagged("a")
				m.Hidden, m.HiddenBy, m.HiddenReason, m.HiddenAt = true, "mod", "insulting", t0.Add(time.Hour)
				return m
			}()},
		{name: "ErrNotModerator", by: "a", moderator: false, reason: "x", wantErr: reflection.ErrNotModerator},
		{name: "ErrNotModerator without identity", by: "", moderator: true, reason: "x", wantErr: reflection.ErrNotModerator},
		{name: "ErrNotModerator checked before state", before: hidden, by: "a", reason: "x", wantErr: reflection.ErrNotModerator},
		{name: "ErrAlreadyHidden", before: hidden, by: "mod2", moderator: true, reason: "y", wantErr: reflection.ErrAlreadyHidden},
		{name: "reason required", by: "mod", moderator: true, reason: "", wantErr: challenge.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.before
			err := m.Hide(tt.by, tt.moderator, tt.reason, t0.Add(time.Hour))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, tt.before, m, "a refused hide changes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m)
		})
	}
}

func TestRestore(t *testing.T) {
	autoHidden := flagged("a", "b")
	autoHidden.Hidden, autoHidden.HiddenReason, autoHidden.HiddenAt = true, "hidden automatically after 2 flags", t0
	tests := []struct {
		name      string
		before    reflection.Moderated
		by        challenge.ParticipantID
		moderator bool
		wantErr   error
		want      reflection.Moderated
	}{
		{name: "ok marks flags reviewed and keeps them", before: autoHidden, by: "mod", moderator: true,
			want: func() reflection.Moderated {
				m := flagged("a", "b")
				m.Reviewed, m.ReviewedBy, m.ReviewedAt = 2, "mod", t0.Add(2*time.Hour)
				return m
			}()},
		{name: "ErrNotModerator", before: autoHidden, by: "a", wantErr: reflection.ErrNotModerator},
		{name: "ErrNotHidden", before: flagged("a"), by: "mod", moderator: true, wantErr: reflection.ErrNotHidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.before
			err := m.Restore(tt.by, tt.moderator, t0.Add(2*time.Hour))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, tt.before, m, "a refused restore changes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m)
		})
	}
}

// After a restore, auto-hiding needs a fresh set of flags from people who
// have not flagged before.
func TestFlagHideRestoreCycle(t *testing.T) {
	r := reflection.Reflection{Author: authorID, AuthorTeam: teamA, Visibility: reflection.Programme}
	for i, p := range []challenge.ParticipantID{"a", "b"} {
		hiddenNow, err := r.Flag(p, "rude", 2, t0)
		require.NoError(t, err)
		assert.Equal(t, i == 1, hiddenNow)
	}
	assert.False(t, reflection.CanRead(viewers["other team"], r.Item()), "auto-hidden")
	require.NoError(t, r.Restore("mod", true, t0))
	assert.True(t, reflection.CanRead(viewers["other team"], r.Item()), "restored")
	assert.Equal(t, 0, r.OpenFlags())

	hiddenNow, err := r.Flag("c", "rude", 2, t0)
	require.NoError(t, err)
	assert.False(t, hiddenNow, "one new flag is not enough after review")
	hiddenNow, err = r.Flag("d", "rude", 2, t0)
	require.NoError(t, err)
	assert.True(t, hiddenNow)
	assert.Len(t, r.Flags, 4)
}

func TestCanEdit(t *testing.T) {
	tests := []struct {
		name    string
		author  challenge.ParticipantID
		editor  challenge.ParticipantID
		now     time.Time
		window  time.Duration
		wantErr error
	}{
		{name: "ok at once", author: "a", editor: "a", now: t0},
		{name: "ok just inside default window", author: "a", editor: "a", now: t0.Add(24*time.Hour - time.Nanosecond)},
		{name: "ok clock skew before created", author: "a", editor: "a", now: t0.Add(-time.Second)},
		{name: "ok custom window", author: "a", editor: "a", now: t0.Add(47 * time.Hour), window: 48 * time.Hour},
		{name: "ErrEditWindowClosed at exactly the default window", author: "a", editor: "a", now: t0.Add(24 * time.Hour), wantErr: reflection.ErrEditWindowClosed},
		{name: "ErrEditWindowClosed custom window", author: "a", editor: "a", now: t0.Add(time.Hour), window: time.Hour, wantErr: reflection.ErrEditWindowClosed},
		{name: "ErrEditWindowClosed negative window means never", author: "a", editor: "a", now: t0, window: -1, wantErr: reflection.ErrEditWindowClosed},
		{name: "ErrNotAuthor", author: "a", editor: "b", now: t0, wantErr: reflection.ErrNotAuthor},
		{name: "ErrNotAuthor before the window check", author: "a", editor: "b", now: t0.Add(72 * time.Hour), wantErr: reflection.ErrNotAuthor},
		{name: "ErrNotAuthor erased author", author: "", editor: "", now: t0, wantErr: reflection.ErrNotAuthor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := reflection.CanEdit(tt.author, tt.editor, t0, tt.now, tt.window)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestCanDelete(t *testing.T) {
	tests := []struct {
		name       string
		author, by challenge.ParticipantID
		wantErr    error
	}{
		{"ok own", "a", "a", nil},
		{"ErrNotAuthor other", "a", "b", reflection.ErrNotAuthor},
		{"ErrNotAuthor erased", "", "", reflection.ErrNotAuthor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := reflection.CanDelete(tt.author, tt.by)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

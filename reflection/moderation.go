package reflection

import (
	"strconv"
	"time"

	"github.com/habitkit/habitkit/challenge"
)

// DefaultEditWindow is how long after posting an author may edit, when
// the programme does not say otherwise.
const DefaultEditWindow = 24 * time.Hour

// maxReasonRunes bounds flag and hide reasons: a sentence, not an essay.
const maxReasonRunes = 500

// Moderated is the moderation state of a reflection or a response; both
// embed it. Its methods are pure state transitions: they change the value
// only when they return a nil error.
type Moderated struct {
	// Hidden is set when a moderator hid the item or flags hid it
	// automatically. Hidden items are read only by moderators and the
	// author (see [CanRead]).
	Hidden bool `json:"hidden,omitempty"`
	// HiddenBy is the moderator who hid the item; empty when it was hidden
	// automatically by flags.
	HiddenBy challenge.ParticipantID `json:"hiddenBy,omitempty"`
	// HiddenReason says why the item was hidden; shown to the author.
	HiddenReason string `json:"hiddenReason,omitempty"`
	// HiddenAt is when the item was hidden.
	HiddenAt time.Time `json:"hiddenAt,omitzero"`
	// Flags lists every flag raised, oldest first. Each participant
	// appears at most once.
	Flags []Flag `json:"flags,omitempty"`
	// Reviewed counts the leading Flags a moderator has already dealt with
	// by restoring the item. Only later flags count toward auto-hiding, so
	// a restored item is not hidden again by the next single flag.
	Reviewed int `json:"reviewed,omitempty"`
	// ReviewedBy and ReviewedAt record the moderator who last restored the
	// item, and when.
	ReviewedBy challenge.ParticipantID `json:"reviewedBy,omitempty"`
	ReviewedAt time.Time               `json:"reviewedAt,omitzero"`
}

// FlaggedBy reports whether p has flagged the item.
func (m *Moderated) FlaggedBy(p challenge.ParticipantID) bool {
	for _, f := range m.Flags {
		if f.By == p {
			return true
		}
	}
	return false
}

// OpenFlags is the number of flags raised since the last review.
func (m *Moderated) OpenFlags() int { return len(m.Flags) - m.Reviewed }

// Flag records that participant by reports the item, for reason, at at.
// Anyone who can read an item may flag it (the engine checks [CanRead]);
// each person flags an item once, even across reviews
// (ErrAlreadyFlagged). The reason is required and cleaned like any text
// (field "reason", at most 500 characters).
//
// When autoHideAfter is positive and the flags since the last review
// reach it, the item is hidden at once with an empty HiddenBy, and
// hiddenNow is true. Flagging an item that is already hidden is recorded
// but hides nothing.
func (m *Moderated) Flag(by challenge.ParticipantID, reason string, autoHideAfter int, at time.Time) (hiddenNow bool, err error) {
	if by == "" {
		return false, challenge.Invalid("by", "must name the participant who flags")
	}
	if m.FlaggedBy(by) {
		return false, ErrAlreadyFlagged
	}
	reason, err = TextRules{MaxRunes: maxReasonRunes}.CleanAnswer("reason", reason)
	if err != nil {
		return false, err
	}
	m.Flags = append(m.Flags, Flag{By: by, Reason: reason, At: at})
	if m.Hidden || autoHideAfter <= 0 || m.OpenFlags() < autoHideAfter {
		return false, nil
	}
	m.Hidden = true
	m.HiddenBy = ""
	m.HiddenReason = "hidden automatically after " + pluralFlags(m.OpenFlags())
	m.HiddenAt = at
	return true, nil
}

func pluralFlags(n int) string {
	if n == 1 {
		return "1 flag"
	}
	return strconv.Itoa(n) + " flags"
}

// Hide hides the item. Only moderators may (ErrNotModerator); an item
// already hidden stays as it was (ErrAlreadyHidden); the reason, shown to
// the author, is required (field "reason").
func (m *Moderated) Hide(by challenge.ParticipantID, isModerator bool, reason string, at time.Time) error {
	if !isModerator || by == "" {
		return ErrNotModerator
	}
	if m.Hidden {
		return ErrAlreadyHidden
	}
	reason, err := TextRules{MaxRunes: maxReasonRunes}.CleanAnswer("reason", reason)
	if err != nil {
		return err
	}
	m.Hidden = true
	m.HiddenBy = by
	m.HiddenReason = reason
	m.HiddenAt = at
	return nil
}

// Restore makes a hidden item visible again. Only moderators may
// (ErrNotModerator); the item must be hidden (ErrNotHidden). Restoring
// marks every flag so far as reviewed (by whom and when), and keeps them
// for the record.
func (m *Moderated) Restore(by challenge.ParticipantID, isModerator bool, at time.Time) error {
	if !isModerator || by == "" {
		return ErrNotModerator
	}
	if !m.Hidden {
		return ErrNotHidden
	}
	m.Hidden = false
	m.HiddenBy = ""
	m.HiddenReason = ""
	m.HiddenAt = time.Time{}
	m.Reviewed = len(m.Flags)
	m.ReviewedBy = by
	m.ReviewedAt = at
	return nil
}

// CanEdit reports whether editor may edit an item author posted at
// created, at time now: only the author (ErrNotAuthor), and only while
// now is before created+window (ErrEditWindowClosed). A window of zero
// means DefaultEditWindow; a negative window means edits are never
// allowed. A now before created (clock skew between app servers) is
// inside the window.
func CanEdit(author, editor challenge.ParticipantID, created, now time.Time, window time.Duration) error {
	if author == "" || editor != author {
		return ErrNotAuthor
	}
	if window == 0 {
		window = DefaultEditWindow
	}
	if window < 0 || !now.Before(created.Add(window)) {
		return ErrEditWindowClosed
	}
	return nil
}

// CanDelete reports whether by may delete an item written by author: only
// the author may, at any time (ErrNotAuthor). Moderators hide; they do not
// delete, so a wrong decision can be undone by [Moderated.Restore].
func CanDelete(author, by challenge.ParticipantID) error {
	if author == "" || by != author {
		return ErrNotAuthor
	}
	return nil
}

package reflection

import "errors"

// Sentinel errors for the moves this package refuses. Each is a refusal of
// a rule, not a validation problem: validation problems are
// *challenge.ValidationError values that match challenge.ErrInvalid.
var (
	// ErrAlreadyFlagged means the participant has already flagged this
	// item; each person flags an item at most once.
	ErrAlreadyFlagged = errors.New("item already flagged by this participant")
	// ErrNotModerator means only a moderator may make this move (hide or
	// restore).
	ErrNotModerator = errors.New("only a moderator may do this")
	// ErrAlreadyHidden means a moderator tried to hide an item that is
	// already hidden.
	ErrAlreadyHidden = errors.New("item is already hidden")
	// ErrNotHidden means a moderator tried to restore an item that is not
	// hidden.
	ErrNotHidden = errors.New("item is not hidden")
	// ErrNotAuthor means only the author of the item may edit or delete it.
	ErrNotAuthor = errors.New("only the author may do this")
	// ErrEditWindowClosed means the author's edit window has passed.
	ErrEditWindowClosed = errors.New("the edit window has closed")
)

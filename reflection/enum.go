package reflection

import (
	"strconv"
	"strings"

	"github.com/habitkit/habitkit/challenge"
)

// Visibility says who besides the author may read a reflection (and the
// responses to it). The zero value is not a valid visibility; [CanRead]
// treats it like [Private], so a forgotten field never widens an audience.
type Visibility int

// The visibilities, narrowest first.
const (
	// Private: the author only.
	Private Visibility = iota + 1
	// Team: the author's team, that team's managers and the moderators.
	Team
	// Programme: everyone enrolled in the programme.
	Programme
)

var visibilityNames = [...]string{Private: "private", Team: "team", Programme: "programme"}

// String returns "private", "team" or "programme", or "Visibility(n)" for
// an invalid value.
func (v Visibility) String() string {
	if v.Valid() {
		return visibilityNames[v]
	}
	return "Visibility(" + strconv.Itoa(int(v)) + ")"
}

// Valid reports whether v is one of the defined visibilities.
func (v Visibility) Valid() bool { return v >= Private && v <= Programme }

// ParseVisibility parses the names String returns, ignoring case and
// surrounding spaces. Anything else is a *challenge.ValidationError for the
// field "visibility".
func ParseVisibility(s string) (Visibility, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for v := Private; v <= Programme; v++ {
		if visibilityNames[v] == t {
			return v, nil
		}
	}
	return 0, challenge.Invalid("visibility", "must be private, team or programme, not %q", s)
}

// MarshalText implements encoding.TextMarshaler, so JSON and definition
// files carry the name rather than a number. An invalid value is an error.
func (v Visibility) MarshalText() ([]byte, error) {
	if !v.Valid() {
		return nil, challenge.Invalid("visibility", "is not set")
	}
	return []byte(v.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with [ParseVisibility].
func (v *Visibility) UnmarshalText(b []byte) error {
	p, err := ParseVisibility(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// ReactionKind is one of the small fixed set of reactions a reader can
// leave on a reflection. The set is fixed on purpose: free-form reactions
// would need the same moderation as text. The zero value is not valid.
type ReactionKind int

// The reaction kinds.
const (
	// Helpful: "this helps me do it".
	Helpful ReactionKind = iota + 1
	// Inspiring: "this makes me want to do it".
	Inspiring
	// Agree: "same here".
	Agree
)

var reactionNames = [...]string{Helpful: "helpful", Inspiring: "inspiring", Agree: "agree"}

// ReactionKinds lists every reaction kind in display order.
func ReactionKinds() []ReactionKind { return []ReactionKind{Helpful, Inspiring, Agree} }

// String returns "helpful", "inspiring" or "agree", or "ReactionKind(n)"
// for an invalid value.
func (k ReactionKind) String() string {
	if k.Valid() {
		return reactionNames[k]
	}
	return "ReactionKind(" + strconv.Itoa(int(k)) + ")"
}

// Valid reports whether k is one of the defined reaction kinds.
func (k ReactionKind) Valid() bool { return k >= Helpful && k <= Agree }

// ParseReactionKind parses the names String returns, ignoring case and
// surrounding spaces. Anything else is a *challenge.ValidationError for the
// field "kind".
func ParseReactionKind(s string) (ReactionKind, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for k := Helpful; k <= Agree; k++ {
		if reactionNames[k] == t {
			return k, nil
		}
	}
	return 0, challenge.Invalid("kind", "must be helpful, inspiring or agree, not %q", s)
}

// MarshalText implements encoding.TextMarshaler. An invalid value is an
// error.
func (k ReactionKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, challenge.Invalid("kind", "is not set")
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with
// [ParseReactionKind].
func (k *ReactionKind) UnmarshalText(b []byte) error {
	p, err := ParseReactionKind(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

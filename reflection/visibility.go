package reflection

import (
	"slices"

	"github.com/habitkit/habitkit/challenge"
)

// Viewer is the person asking to read, as the engine knows them in one
// programme. The engine builds it from the viewer's enrolment and the
// host's word on roles; it must only build one for a participant enrolled
// in the programme of the item, because [CanRead] cannot check enrolment.
type Viewer struct {
	// Participant is the viewer; empty means anonymous, who reads nothing.
	Participant challenge.ParticipantID
	// Team is the viewer's own team, or empty.
	Team challenge.TeamID
	// ManagerOf lists the teams the viewer manages.
	ManagerOf []challenge.TeamID
	// Moderator reports whether the viewer moderates the programme.
	Moderator bool
}

// Item is what [CanRead] needs to know about a reflection or a response.
// Build it with [Reflection.Item] or [Response.Item] rather than by hand.
type Item struct {
	// Author wrote the item.
	Author challenge.ParticipantID
	// AuthorTeam is the author's team when the item was written.
	AuthorTeam challenge.TeamID
	// Visibility is the item's audience; a response carries its parent's.
	Visibility Visibility
	// Hidden, Deleted and AuthorErased are the item's own state.
	Hidden, Deleted, AuthorErased bool
	// Parent is the reflection a response answers, or nil for a
	// reflection. A response is readable only if its parent is, so its
	// audience is always the parent's audience (parent author, parent
	// team, parent visibility). Responses to responses do not exist:
	// an item whose parent has a parent is readable by nobody.
	Parent *Item
}

// CanRead reports whether v may read item. It is the only authority for
// reading: every lookup and feed filters through it, so no path can leak
// what this function refuses. The rules are tabled in the package
// documentation under "Visibility"; in short:
//
//   - deleted items and items whose author was erased: nobody;
//   - the author reads their own item, hidden or not, at any visibility;
//   - private: nobody else, moderators included;
//   - hidden: moderators only (besides the author);
//   - team: members and managers of the author's team, and moderators;
//   - programme: every viewer (the engine passes only enrolled viewers);
//   - a response: only those who may read its parent, then the rules
//     above for the response's own author and state.
//
// Unknown visibilities and anonymous viewers read nothing but, for the
// former, the author's own item: the function fails closed.
func CanRead(v Viewer, item Item) bool {
	if v.Participant == "" {
		return false
	}
	if item.Parent == nil {
		return canReadReflection(v, item)
	}
	if item.Parent.Parent != nil || !canReadReflection(v, *item.Parent) {
		return false
	}
	switch {
	case item.Deleted || item.AuthorErased:
		return false
	case item.Author == v.Participant:
		return true
	case item.Hidden:
		return v.Moderator
	default:
		return true
	}
}

func canReadReflection(v Viewer, item Item) bool {
	if item.Deleted || item.AuthorErased {
		return false
	}
	if item.Author == v.Participant {
		return true
	}
	var audience bool
	switch item.Visibility {
	case Team:
		audience = v.Moderator ||
			(item.AuthorTeam != "" && (v.Team == item.AuthorTeam || slices.Contains(v.ManagerOf, item.AuthorTeam)))
	case Programme:
		audience = true
	default: // Private, and any value that is not a visibility
		audience = false
	}
	if item.Hidden {
		return audience && v.Moderator
	}
	return audience
}

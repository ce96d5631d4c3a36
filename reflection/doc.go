// Package reflection holds the pure domain rules of reflections: what a
// participant writes after a day's challenge, the responses and reactions
// of colleagues, who may read what, and moderation.
//
// The package does no I/O, reads no clock and keeps no global state;
// every time is an argument. The engine in package habitkit loads and
// stores the values defined here and asks this package every question of
// rule: may this viewer read this item, is this text acceptable, may this
// moderator hide this item, may this author still edit.
//
// # Reflections, responses and reactions
//
// After each day's challenge a participant writes a [Reflection]: one
// [Answer] for each of one or more prompts of the day's activity (or of
// its variation, whose prompts replace the activity's). The author chooses
// a [Visibility]; the programme definition supplies the default.
//
// Colleagues reply with a [Response]. Responses sit exactly one level under
// a reflection: there are no responses to responses, which keeps threads
// readable on a phone and moderation simple. A response has no visibility
// of its own; it inherits its parent's audience.
//
// Readers may leave a [Reaction] of a small fixed set of kinds
// ([Helpful], [Inspiring], [Agree]): one per person per reflection,
// replaceable by another kind and withdrawable. The set is fixed because
// free-form reactions would be text, and text needs moderation.
//
// Authors edit their own items within an edit window ([DefaultEditWindow],
// 24 hours, unless the programme says otherwise; see [CanEdit]) and delete
// them at any time ([CanDelete]). A deleted item stays as a tombstone that
// nobody can read, so responses and counts do not dangle. Privacy erasure
// ([Reflection.Erase], [Response.Erase]) removes the author's identity and
// words and leaves a tombstone marked AuthorErased that nobody can read.
//
// # Visibility
//
// [CanRead] is the only authority for reading; every lookup and feed in
// the engine filters through it. A [Viewer] is a participant enrolled in
// the programme (the engine never builds one for anyone else), with their
// team, the teams they manage and whether they moderate the programme.
// The rules, first match wins:
//
//	state / visibility   author   same team   other team   manager of     manager of    moderator
//	                                                        author's team  another team
//	deleted              no       no          no           no             no            no
//	author erased        no       no          no           no             no            no
//	private              yes      no          no           no             no            no
//	private, hidden      yes      no          no           no             no            no
//	team                 yes      yes         no           yes            no            yes
//	team, hidden         yes      no          no           no             no            yes
//	programme            yes      yes         yes          yes            yes           yes
//	programme, hidden    yes      no          no           no             no            yes
//
// A moderator who is the author reads as the author. An author without a
// team writes team reflections for themselves and the moderators only.
//
// Private means the author only, moderators included. Nobody else can read
// a private reflection, so nobody else can flag it, and a rule letting
// moderators read private reflections "when flagged" would protect nothing
// while making private a weaker promise than its name.
//
// Authors still read their own hidden items, which the engine shows marked
// as hidden together with HiddenReason. Hiding decides what others see;
// hiding an item from its own author as well would look like data loss,
// invite reposting, and leave the author unable to see what to edit or
// whether to delete. It leaks nothing: they wrote it.
//
// A response is readable only by those who may read its parent reflection.
// Among them the table applies again to the response's own state: nobody
// reads a deleted or erased response, and a hidden response is read only
// by its author and moderators. Visibility values that are not one of the
// three, and anonymous viewers (empty Participant), read nothing beyond
// the author's own item: the rules fail closed.
//
// # Text rules
//
// Text is checked, lightly cleaned and then stored exactly as written, by
// [TextRules.CleanAnswer] for one text and [TextRules.ValidateAnswers] for
// a reflection's answers. The text must be valid UTF-8; "\r\n" becomes
// "\n"; leading and trailing Unicode white space is trimmed; between 1
// and MaxRunes characters (default 4000, counted as runes, not bytes) must
// remain; control characters other than "\n" and "\t" are refused.
// Nothing is HTML-escaped, normalised or re-cased: "<b>&amp;" is stored
// byte for byte and escaped only when a page renders it, so escaping
// happens exactly once and in the right context. Every problem is a
// *challenge.ValidationError naming the field ("answers[2].text") with a
// reason fit to show the writer; ValidateAnswers reports all of them at
// once as challenge.ValidationErrors.
//
// # Moderation
//
// Both reflections and responses embed [Moderated]. Anyone who can read an
// item may flag it once, giving a reason ([Moderated.Flag],
// [ErrAlreadyFlagged]). Moderators hide an item with a reason shown to the
// author ([Moderated.Hide]) and restore it ([Moderated.Restore]); others
// get [ErrNotModerator]. A programme may hide items automatically once
// they collect N flags since the last review; restoring marks the flags
// so far as reviewed, so a restored item is not hidden again by the next
// single flag, and keeps them for the record. Moderators hide rather than
// delete, so every moderation decision can be undone.
//
// The transitions are pure: they change the value only when they return a
// nil error, and the engine stores the result in the same transaction.
package reflection

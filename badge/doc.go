// Package badge defines badges, the criteria that earn them, and their
// evaluation: which awards an event earns or takes back, and how far a
// participant is toward each badge. It is pure: no I/O, no clock, no
// storage. The engine supplies the facts and persists the awards.
//
// # Badges and criteria
//
// A [Definition] has an id, a name, a description, an image, and a
// [Criterion] saying what earns it. Criteria are data: completions
// (optionally only of activities with a tag), the longest streak, given
// days, a whole programme week, the whole programme, the first completion,
// the day of a daily badge, reflections written, responses given,
// reactions received, the final leaderboard position, and all or any of
// other criteria. A host can add its own in Go with a Custom criterion: a
// function that declares the facts ([Source]s) it reads.
//
// A badge with [Tier]s (bronze, silver, gold) is awarded once per tier, each
// tier's threshold taking the place of the criterion's count. A [Daily]
// badge ("today's challenge done") is awarded once per programme day. Each
// award is an [Occurrence] of its badge: its tier, or its day.
//
// # Evaluation
//
// [Evaluate] runs in the transaction of the event that may earn a badge. It
// reads [Facts]: the enrolment's calendar, its completed days and longest
// streak, and counters the engine keeps (reflections, responses,
// reactions, final position), so it never scans a participant's history.
// The engine says which sources the event changed, and only criteria that
// depend on them are checked again. The result is the list of awards to
// make and of held awards to revoke (after a completion is revoked, awards
// that no longer hold go with it), each with the [Measure] that decided it
// and, for an award, its [Evidence]: the completed days or the counts that
// earned it. Awarding exactly once per occurrence under concurrent writers
// is left to the engine and storage (a unique key on enrolment, badge,
// tier and day): this package only decides.
//
// A [Plan] prepares a programme's badges once per published version: what
// each criterion reads, which days' completions can change it, and the
// days of each tag. After a single new completion ([Facts].Added), it checks
// only the badges that can count that day, and it asks the calendar about
// rest days only until a week or the programme is known to be incomplete.
// Its answers are [Evaluate]'s. A plan also numbers every occurrence its
// badges can have ([Plan.Slot]), so that an enrolment keeps what it holds
// as bits ([challenge.HeldBadges], read through [HeldBits]) under a
// layout whose fingerprint ([Plan.Layout]) says when the slots moved.
//
// [Progress] gives the badge page: per badge the occurrences held and the
// measure toward the next one, written for people by [Measure.String]
// ("4 of 7 days", "streak 3 of 5"). Hidden badges stay off the page until
// earned.
//
// # Definition files
//
// Badges are declared in the programme's definition file, under a
// top-level "badges" key ([challenge.ParseDefinition] ignores that key and
// [ParseDefinitions] reads only it). As elsewhere in the file, keys are
// forgiving of case, spaces, '-' and '_', and every problem is reported at
// once with its line.
//
//	badges:
//	  - id: first-step                 # letters, digits, - _ .
//	    name: First step               # shown to participants
//	    description: Your first challenge done.
//	    image: https://intranet.example/badges/first.png
//	    criterion: first-completion
//
//	  - id: streak
//	    name: On a roll
//	    tiers:                         # one award per tier, "at" ascending
//	      - {name: bronze, at: 3}
//	      - {name: silver, at: 7}
//	      - {name: gold, at: 14}
//	    criterion: streak              # the tiers give the numbers
//
//	  - id: daily
//	    name: Today's challenge done
//	    repeat: daily                  # once (the default) or daily
//	    criterion: day-completed
//
//	  - id: secret
//	    name: Night owl
//	    hidden: yes                    # not shown until earned
//	    criterion: {days: [7, 14, 21, 28]}
//
// The criterion is one word, or a set of "key: value" lines naming one
// kind:
//
//	first-completion          any completed day ({first: completion} too)
//	completions: 5            5 completed days
//	completions: 5, tag: app  5 completed days whose activity has the tag "app"
//	streak: 7                 a streak of 7 scheduled days
//	days: [1, 8, 15]          each of these days completed (ranges: 1-7)
//	week: 1                   every scheduled day of week 1 (days 1-7) completed
//	programme-complete        every scheduled day completed ({programme: complete})
//	day-completed             the day of a daily badge completed
//	reflections: 10           10 reflections written
//	responses: 5              5 responses to colleagues' reflections
//	reactions: 20             20 reactions received on one's reflections
//	top: 10                   finished in the top 10 of the programme's leaderboard
//	allOf: [ ... ]            every one of the criteria listed
//	anyOf: [ ... ]            at least one of them
//
// In a set, separate the pairs with commas inside braces
// ({completions: 5, tag: app}) or write one per line. With tiers, leave the
// number out: "criterion: streak", "criterion: reflections", or
// "criterion: {tag: app}" for tagged completions. Rest days (the
// programme's and the participant's own) are not required by week and
// programme-complete. Weeks are 7-day blocks from day 1, the same for every
// cohort.
//
// [ParseDefinitions] checks what the badges alone can show; [Validate] with
// the programme also checks that tags exist and that days and weeks lie
// inside the programme.
package badge

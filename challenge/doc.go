// Package challenge is the pure domain core of habitkit: programmes and
// their days, enrolments, completions, streaks, habit strength, points and
// levels, and the definition files in which programme owners write their
// programmes.
//
// The package does no I/O, reads no clock and keeps no global state. Every
// function that depends on the time takes it as an argument, so the same
// inputs always give the same answers and tests never sleep. Storage,
// events and the clock belong to the engine in package habitkit, which
// calls in here once per use case.
//
// # Programmes, activities and variations
//
// A [Programme] is a habit programme as its owners define it, typically 30
// days long: what happens on each day, and the rules for rest, streaks,
// points and levels. An [Activity] is one challenge ("show a member of the
// public the online reporting form"), with instructions, tags, points per
// completion and prompts for the short written reflection that follows it.
//
// Habits form through structured repetition, so an activity comes back
// several times in different settings. Each setting is a [Variation]: the
// same habit at the front counter, on patrol or in the control room, with
// its own context text and, optionally, its own prompts.
//
// # The schedule
//
// The schedule maps programme days (1..Length) to one activity and,
// optionally, one of its variations: at most one [Slot] per day. A day
// without a slot has nothing to do and counts as a rest day. After
// [Programme.Validate] the schedule is sorted by day, and
// [Programme.SlotOn] and [Programme.Activity] answer in constant time.
//
// A published programme is immutable: republishing creates a new version,
// and enrolments keep the version they joined.
//
// # Local days and the day-start hour
//
// Each participant lives in an IANA time zone (the programme's TimeZone
// unless their enrolment says otherwise). Their programme day is the
// difference in civil dates between now and their day 1, plus one. Dates
// are computed on the wall clock, never by dividing durations, so days of
// 23 or 25 hours around a clock change neither skip nor repeat a day (see
// [Date], [LocalDate] and [Enrolment.DayAt]).
//
// A programme's day need not start at midnight. With DayStartHour 4, which
// suits shift workers, a day runs from 04:00 to 04:00, and a night shift's
// completion at 02:30 belongs to the day the shift began.
//
// # Enrolments, cohorts and self-paced participants
//
// An [Enrolment] is one participant's place in one programme. Members of a
// [Cohort] share a start date: day 1 is the cohort's start date for all of
// them, and someone who joins a cohort late starts at a later FirstDay (the
// days they missed are not held against them). An enrolment without a
// cohort is self-paced: its day 1 is the day of enrolment.
//
// # Rest days
//
// A rest day is a day on which nothing is expected. It neither extends nor
// breaks a streak. There are three kinds, and a [Calendar] says which, if
// any, applies to a participant's day:
//
//   - programme rest days, the same for everyone: weekdays that repeat every
//     week and single dates such as bank holidays ([RestDays]);
//   - a personal rota: a repeating pattern of working and rest days, such as
//     four on and four off ([Rota]);
//   - absences: leave, sickness or training courses, from one date to
//     another ([Absence]).
//
// Days with no slot, and a late joiner's days before their FirstDay, are
// rest days too. Rest days are judged on the day's nominal date: day 1's
// date plus the day number minus one.
//
// # Completions
//
// A [Completion] records that a participant completed the activity of one
// programme day. It is identified by its [CompletionKey] (enrolment, day,
// activity), so recording it again is a no-op that returns the original
// outcome: a retry never counts points, streak or badges twice. Future days
// are refused ([ErrNotYetOpen]); past days are accepted only inside the
// programme's grace window of GraceDays ([ErrTooLate]); days outside the
// programme or before the enrolment are refused ([ErrOutsideProgramme],
// [ErrBeforeEnrolment]). An administrator can revoke a completion, and
// everything derived from it is then recomputed.
//
// # Streaks and freezes
//
// A streak counts consecutive scheduled days completed; rest days are
// skipped over. Today's activity, not yet done, puts the streak at risk, but
// the streak breaks only once the day (and its grace window) has ended, so a
// late completion inside the window still counts and out-of-order
// completions give the same streak as in-order ones. The current and the
// longest streak are kept, and both stay exact after revocations.
//
// A freeze protects a streak from one missed day: it is spent
// automatically, and the streak survives without growing. The programme's
// [FreezeRule] says how many freezes each participant starts with, how
// they are earned (one each time the streak reaches a multiple of
// EarnEvery days) and how many may be held at once.
//
// # Habit strength
//
// Besides the streak, [Progress] keeps a habit strength between 0 and 1: an
// exponentially smoothed average of completed and missed scheduled days.
// A single lapse after weeks of practice dents it but does not erase it,
// which tells a fairer story than a streak falling back to zero.
//
// # Points and levels
//
// Each completion earns its activity's points. A [StreakBonus] adds points
// once, when the longest streak first reaches its length. A [Level] is a
// named points threshold; levels ascend, and the participant's level is the
// highest threshold reached ([Programme.LevelFor]). Badges and leaderboards
// are built on these figures in their own packages.
//
// # Errors
//
// Domain rules have sentinel errors ([ErrNotYetOpen], [ErrTooLate] and so
// on), testable with errors.Is. Bad input is reported as a
// [*ValidationError] naming the field with a dotted path such as
// "activities[2].points", and a [ValidationErrors] list when there are
// several. Both match [ErrInvalid], and their Reason is written to be shown
// to the person who made the mistake.
//
// # Definition files
//
// Programmes are co-designed with staff in workshops, so they are written
// as definition files, not Go code. [ParseDefinition] reads a file and
// [LoadDefinition] reads one from an [io/fs.FS]; [MarshalDefinition] writes
// one. A file is YAML or JSON (JSON is valid YAML). This short programme is
// complete:
//
//	id: reporting-habits
//	title: Online reporting habits
//	length: 10
//	dayStartHour: "04:00"     # or 4; days run 04:00 to 04:00
//	timeZone: Europe/London
//	graceDays: 1              # yesterday may still be completed today
//	restDays:
//	  weekdays: [sunday]
//	  dates: [2027-05-03]     # a bank holiday
//	activities:
//	  - id: show-the-form
//	    title: Show someone the online reporting form
//	    instructions: Help a member of the public start a report on their phone.
//	    tags: [public, reporting]
//	    points: 15
//	    prompts:
//	      - Who did you show, and how did they react?
//	    variations:
//	      - id: front-counter
//	        title: At the front counter
//	        context: Someone comes in to report something that isn't urgent.
//	      - id: on-patrol
//	        context: A member of the public stops you in the street.
//	  - id: check-website
//	    title: Check the Report page on our website
//	    points: 10
//	schedule:
//	  - day: 1
//	    activity: check-website
//	  - activity: show-the-form
//	    days: [2, 5]
//	    variations: [front-counter, on-patrol]
//	  - activity: check-website
//	    days: 6-10
//	cohorts:
//	  - id: spring
//	    start: 2027-04-12
//	points:
//	  streakBonuses:
//	    - {streak: 3, points: 10}
//	    - {streak: 7, points: 25}
//	  levels:
//	    - {name: Getting started, points: 0}
//	    - {name: Signposter, points: 50}
//	freezes: {earnEvery: 7, max: 2, initial: 0}
//
// The keys of the programme are:
//
//   - id (required): letters, digits, '-', '_' and '.'.
//   - title (required) and description: shown to participants.
//   - length (required): the number of days, 1 to 3660.
//   - dayStartHour: the hour at which a day begins, 0 to 23, written 4 or
//     "04:00"; default 0 (midnight). "04:30" is an error: days start on
//     the hour.
//   - timeZone (required): an IANA name such as Europe/London, used for
//     participants whose enrolment names no zone.
//   - graceDays: how many days after it ends a day may still be completed;
//     default 0, and less than length.
//   - restDays: weekdays (names such as sunday or Sat, in any case) and
//     dates (YYYY-MM-DD). A plain list mixing both is accepted too:
//     "restDays: [sunday, 2027-12-25]".
//   - activities: a list of activities with id (required, unique), title
//     (required), instructions, tags, points (a whole number, 0 or more),
//     prompts and variations. A variation has an id (required, unique in
//     its activity), title, context and prompts; a bare name is a variation
//     with only an id.
//   - schedule: a list of entries, described below.
//   - cohorts: a list with id (required, unique), title and start (a date).
//   - points: a section with streakBonuses (streak, at least 1 and each
//     length once; points) and levels (name; points, strictly ascending).
//   - freezes: earnEvery, max and initial, each 0 or more, with initial no
//     more than max. Freezes are off while max is 0.
//
// A schedule entry names an activity and the day or days it is on:
//
//	schedule:
//	  - {day: 1, activity: check-website}
//	  - {day: 2, activity: show-the-form, variation: front-counter}
//	  - {days: [3, 10, 17], activity: show-the-form, variations: [a, b, c]}
//	  - {days: 20-24, activity: check-website}        # a range of days
//	  - {days: [25, 27-29], activity: show-the-form, variation: b}
//
// With several days, variations pair with the days in order; a single
// variation applies to all of them, and none means the activity itself.
// "day" and "days" mean the same, as do "variation" and "variations". Each
// day may be scheduled once; days without an entry are rest days.
//
// The format forgives what cannot be misread and is strict where a mistake
// would change the programme:
//
//   - Keys ignore case, spaces, '-' and '_': timeZone, timezone and
//     "time zone" are one key. An unknown key is an error, with a
//     suggestion for typos (poinst: "did you mean points?"), and so is a
//     key given twice.
//   - A single value may stand for a list of one (tags: reporting), and
//     tags, weekdays and dates may be written on one line separated by
//     commas. Leading and trailing spaces of texts are ignored.
//   - Whole numbers may be quoted ("10"), but "lots" or 2.5 are errors.
//   - Dates must be YYYY-MM-DD: 03/05/2027 means different days in
//     different countries. Weekdays must be names, because whether 0 or 7
//     is Sunday is exactly what is easy to get wrong.
//   - Anchors and aliases (&name, *name) work; merge keys (<<) do not.
//
// Every problem in a file is reported at once, in line order, as
// [ValidationErrors] whose Line says where it is and whose Field gives the
// path as written in the file, for example:
//
//	line 12: activities[0].poinst: unknown field "poinst" in an activity (did you mean "points"?)
//	line 31: schedule[day 9].variation: activity "show-the-form" has no variation "in-custody"
//	line 40: points.levels[1].points: must be more than the previous level's 50 points, not 40
//
// List indexes in paths count from 0, and schedule problems name the day.
package challenge

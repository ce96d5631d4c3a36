// Package habitkit is an embeddable engine for gamified habit programmes,
// such as a 30-day challenge run on an organisation's intranet: every day
// each participant gets a challenge, completes it, keeps a streak, earns
// points and climbs levels.
//
// The host application owns users, login and pages; habitkit owns
// programmes, days, completions, streaks, points and levels, behind a
// storage interface ([storage.Store]) with an in-memory adapter
// (storage/memory) and a database/sql adapter for SQLite, PostgreSQL and
// MySQL/MariaDB (storage/sqlstore). Hosts can write their own adapter and
// prove it with the conformance suite (storage/storagetest).
//
// # Quick start
//
//	store := memory.New(nil)
//	engine, err := habitkit.New(store, nil)
//	def, err := habitkit.LoadDefinition(os.DirFS("."), "programme.yaml")
//	_, err = engine.PublishDefinition(ctx, def)
//	en, err := engine.Enrol(ctx, habitkit.EnrolRequest{ProgrammeID: def.Programme.ID, ParticipantID: "pc-4127", TeamID: "response-north"})
//	today, err := engine.Today(ctx, en.ID)
//	out, err := engine.Complete(ctx, habitkit.CompleteRequest{EnrolmentID: en.ID})
//	progress, err := engine.Progress(ctx, en.ID)
//
// # Concepts
//
// A programme (challenge.Programme) is data written by its owners in a
// definition file: activities with variations, a schedule mapping each day
// to an activity and variation, rest days, points, streak bonuses, levels
// and freeze rules. [Engine.Publish] stores it as an immutable version.
//
// An enrolment places a participant in a programme, in a cohort (a common
// start date) or self-paced (starting on the day of enrolment), with a time
// zone, a team, and personal rest days (a shift rota, absences).
//
// A participant's programme day is the civil-date difference in their own
// time zone after shifting by the programme's day-start hour, plus one: a
// night shift's 02:30 completion with a 04:00 day start belongs to the
// previous day, and days of 23 or 25 hours never skip or repeat a day.
//
// A completion records that the day's activity was done. It is idempotent:
// recording it again returns the original outcome and changes nothing.
//
// # Badges
//
// Badges are declared with the programme (see package badge) and
// evaluated inside the transaction of the completion or revocation that
// changes them: only badges whose fact sources changed are re-checked,
// each occurrence is awarded exactly once (a storage key enforces it
// across engines), awards carry their evidence, and revocations take back
// what no longer holds. [Engine.Badges] and [Engine.BadgeCatalogue] read
// them.
//
// # Time
//
// The engine reads its [Clock] (Options.Clock) once per call. Tests pass a
// fake clock; nothing in habitkit sleeps or reads the wall clock elsewhere.
//
// # Errors
//
// Errors are testable with errors.Is: [ErrNotFound], [ErrConflict],
// [ErrNotYetOpen], [ErrTooLate], [ErrOutsideProgramme], [ErrBeforeEnrolment],
// [ErrNotScheduled], [ErrRevoked], [ErrIdempotencyKeyReused], and
// [ErrInvalid] for every [ValidationError], which names the field at fault.
// A call that returns an error has changed nothing.
//
// # Events
//
// Calls collect events ([Completed], [StreakExtended], [StreakBroken],
// [FreezeEarned], [FreezeUsed], [StreakBonusEarned], [LevelReached],
// [BadgeAwarded], [BadgeRevoked], [CompletionRevoked]) and deliver them after the transaction commits, in
// order, to Options.OnEvent and to handlers added with [Engine.Subscribe].
// A failed call, or a transaction attempt rolled back and retried, delivers
// nothing. Streak breaks and freeze use are noticed when the engine next
// writes that enrolment.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Several Engines, in several
// processes, may share one database: correctness comes from the database's
// unique constraints and version checks, and a call that loses a race is
// re-run (Options.MaxConflictRetries), normally becoming a replay.
package habitkit

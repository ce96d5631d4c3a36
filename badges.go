package habitkit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// ActionBadgeRevoked is the audit action recorded when a badge occurrence
// is taken back because its criterion no longer holds.
const ActionBadgeRevoked = "badge.revoked"

// completionSources are the facts a completion or a revocation changes.
var completionSources = []badge.Source{badge.SourceCompletions, badge.SourceStreak}

// completionOnlySources is what a completion changes when the longest
// streak stayed as it was.
var completionOnlySources = []badge.Source{badge.SourceCompletions}

// EarnedBadge is one badge occurrence a call awarded.
type EarnedBadge struct {
	// Badge is the badge's ID and Name its name.
	Badge, Name string
	// Tier is the 1-based tier (0 untiered) and TierName its name.
	Tier     int
	TierName string
	// Day is the programme day of a daily badge, else 0.
	Day int
	// Evidence is what earned it.
	Evidence badge.Evidence
}

// BadgeAwarded is delivered when a participant earns a badge occurrence.
type BadgeAwarded struct {
	EventHeader
	EarnedBadge
}

// BadgeRevoked is delivered when a badge occurrence is taken back because
// its criterion no longer holds (a completion was revoked).
type BadgeRevoked struct {
	EventHeader
	// Badge is the badge's ID and Name its name.
	Badge, Name string
	// Tier and Day identify the occurrence, as in EarnedBadge.
	Tier, Day int
}

// reflectionSources are the facts reflection activity changes, one per
// counter of challenge.ReflectionCounts.
var (
	reflectionSources = []badge.Source{badge.SourceReflections}
	responseSources   = []badge.Source{badge.SourceResponses}
	reactionSources   = []badge.Source{badge.SourceReactions}
)

// badgeFacts gathers what badge evaluation reads, from the enrolment alone.
func badgeFacts(ed *edition, en *challenge.Enrolment, cal challenge.Calendar, today, day int) badge.Facts {
	f := badge.Facts{
		Calendar: cal,
		Done:     en.Progress.Done,
		Longest:  en.Progress.Longest,
		Today:    today,
		Day:      day,
		Over:     today > ed.p.Length,
		Position: en.FinalPosition,
	}
	// A missing entry reads as 0, so the common case allocates no map.
	if rc := en.Reflections; rc != (challenge.ReflectionCounts{}) {
		f.Counts = map[badge.Source]int{
			badge.SourceReflections: rc.Written,
			badge.SourceResponses:   rc.Responded,
			badge.SourceReactions:   rc.ReactionsReceived,
		}
	}
	return f
}

// evaluateBadges re-checks the badges that the changed sources can affect
// and applies the result inside tx: awards are inserted (the storage key
// makes each occurrence exactly-once), revoked occurrences deleted and
// audited, and en.Badges kept in step. The caller writes en afterwards.
//
// gained says the event only added facts (a completion), which lets the
// evaluation skip held occurrences that cannot be lost.
func (e *Engine) evaluateBadges(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, today, day int,
	changed []badge.Source, gained bool, now time.Time, listen bool, events []Event) ([]EarnedBadge, []Event, error) {
	ev := badgeEvent{today: today, day: day, changed: changed, gained: gained, now: now, listen: listen}
	return e.applyBadges(ctx, tx, ed, en, &ev, events, nil)
}

// badgeEvent describes the event a badge evaluation follows.
type badgeEvent struct {
	// today is the participant's day and day the day the event concerns
	// (0 for none).
	today, day int
	// added is the one day a completion added (badge.Facts.Added), else 0.
	added int
	// changed are the sources the event changed; gained says it only
	// added facts.
	changed []badge.Source
	gained  bool
	now     time.Time
	listen  bool
	// cal, when set, is the enrolment's calendar, made already by the
	// caller.
	cal challenge.Calendar
}

// badgeScratch holds the buffers of one evaluation, kept by a pooled
// caller between calls so that the hot path does not allocate them.
// Storage copies what it keeps, so handing it these buffers is safe.
type badgeScratch struct {
	changes  []badge.Change
	held     badge.HeldBits
	evidence []byte
	// earned is a slab that outcomes' earned badges are cut from (see
	// earnedSlice).
	earned []EarnedBadge
}

// earnedSlab is how many earned badges a slab holds: a completion earns
// about two, so one allocation serves some thirty calls.
const earnedSlab = 64

// earnedSlice returns an empty slice with room for n earned badges, cut
// from sc's slab. Each call's slice is its own part of the slab, capped at
// n, so that a caller appending to its outcome's badges gets a new array
// rather than writing over another outcome's. A slab stays in memory while
// any outcome cut from it does (at most 64 earned badges, about 6 KiB): one
// allocation instead of one per call.
func (sc *badgeScratch) earnedSlice(n int) []EarnedBadge {
	if n > earnedSlab/4 {
		return make([]EarnedBadge, 0, n)
	}
	if cap(sc.earned)-len(sc.earned) < n {
		sc.earned = make([]EarnedBadge, 0, earnedSlab)
	}
	start := len(sc.earned)
	sc.earned = sc.earned[:start+n]
	return sc.earned[start : start : start+n]
}

// applyBadges is evaluateBadges for ev, using sc's buffers when sc is not
// nil.
func (e *Engine) applyBadges(ctx context.Context, tx storage.Tx, ed *edition, en *challenge.Enrolment, ev *badgeEvent,
	events []Event, sc *badgeScratch) ([]EarnedBadge, []Event, error) {
	if len(ed.badges) == 0 {
		return nil, events, nil
	}
	// The facts' calendar points to en. A Custom criterion's Func may keep
	// the facts it is given, so en is on the heap; Complete's is there
	// anyway (its pooled op keeps it from call to call).
	cal := ev.cal
	if cal.Programme() != ed.p || cal.Enrolment() != en {
		cal = challenge.NewCalendar(ed.p, en)
	}
	facts := badgeFacts(ed, en, cal, ev.today, ev.day)
	facts.Gained = ev.gained
	if ev.gained {
		facts.Added = ev.added
	}
	if en.BadgeLayout != ed.plan.Layout() {
		if err := rebuildHeld(ctx, tx, ed, en); err != nil {
			return nil, events, err
		}
	}
	var changes []badge.Change
	if sc != nil {
		// Held through sc, which is on the heap already: a value put in
		// an interface would be copied to the heap on every call.
		sc.held = badge.HeldBits{Plan: ed.plan, Bits: en.Badges}
		changes = ed.plan.AppendChanges(sc.changes[:0], facts, ev.changed, &sc.held)
		// The next call reuses the array. Its entries are not cleared
		// (clearing pointers costs write barriers): they point to the
		// plan's strings and to evidence that the outcome hands out or,
		// for a revocation, that the next evaluation overwrites.
		sc.changes, sc.held = changes[:0], badge.HeldBits{}
	} else {
		changes = ed.plan.Evaluate(facts, ev.changed, badge.HeldBits{Plan: ed.plan, Bits: en.Badges})
	}
	var earned []EarnedBadge
	for i := range changes {
		if changes[i].Kind == badge.Award {
			if sc != nil {
				earned = sc.earnedSlice(len(changes) - i)
			} else {
				earned = make([]EarnedBadge, 0, len(changes)-i)
			}
			break
		}
	}
	now := ev.now
	for i := range changes {
		c := &changes[i]
		def := &ed.badges[c.Index]
		key := storage.AwardKey{EnrolmentID: en.ID, BadgeID: c.Badge, Tier: c.Tier, Day: c.Day}
		switch c.Kind {
		case badge.Award:
			var evidence []byte
			if sc != nil {
				sc.evidence = c.Measure.Evidence.AppendJSON(sc.evidence[:0])
				evidence = sc.evidence
			} else {
				evidence = c.Measure.Evidence.AppendJSON(nil)
			}
			err := tx.InsertAward(ctx, storage.Award{AwardKey: key, ProgrammeID: en.ProgrammeID, AwardedAt: now, Evidence: evidence})
			if err != nil {
				return nil, events, fmt.Errorf("award %s: %w", c.Badge, err)
			}
			slot, _ := ed.plan.Slot(c.Index, c.Occurrence) // every change the plan makes has one
			en.Badges.Set(slot)
			eb := EarnedBadge{Badge: c.Badge, Name: def.Name, Tier: c.Tier, TierName: tierName(def, c.Tier), Day: c.Day, Evidence: c.Measure.Evidence}
			earned = append(earned, eb)
			if ev.listen {
				events = append(events, BadgeAwarded{EventHeader: header(en, now), EarnedBadge: eb})
			}
		case badge.Revoke:
			if err := tx.DeleteAward(ctx, key); err != nil {
				return nil, events, fmt.Errorf("revoke badge %s: %w", c.Badge, err)
			}
			slot, _ := ed.plan.Slot(c.Index, c.Occurrence)
			en.Badges.Clear(slot)
			auditID, err := e.ids.next()
			if err != nil {
				return nil, events, err
			}
			err = tx.InsertAudit(ctx, storage.AuditEntry{
				ID: auditID, ProgrammeID: en.ProgrammeID, EnrolmentID: en.ID, Action: ActionBadgeRevoked, Actor: "habitkit",
				Reason: "criterion no longer holds: " + c.Measure.String(), Subject: fmt.Sprintf("badge %s tier %d day %d", c.Badge, c.Tier, c.Day), At: now,
			})
			if err != nil {
				return nil, events, err
			}
			if ev.listen {
				events = append(events, BadgeRevoked{EventHeader: header(en, now), Badge: c.Badge, Name: def.Name, Tier: c.Tier, Day: c.Day})
			}
		}
	}
	return earned, events, nil
}

// eachAward calls fn with every award of the enrolment, page by page.
func eachAward(ctx context.Context, tx storage.ReadTx, enrolmentID uuid.UUID, fn func(*storage.Award)) error {
	for cursor := storage.Cursor(""); ; {
		page, err := tx.ListAwards(ctx, enrolmentID, cursor, storage.MaxLimit)
		if err != nil {
			return err
		}
		for i := range page.Items {
			fn(&page.Items[i])
		}
		if cursor = page.Next; cursor == "" {
			return nil
		}
	}
}

// rebuildHeld sets en's held bits from its stored awards, under the
// layout of ed's plan: the bits were written under another layout (the
// host changed its Go-built badges) or none. Awards of badges the plan
// does not define are left out of the bits, and are back in them when a
// later layout defines them again. The caller writes en.
func rebuildHeld(ctx context.Context, tx storage.ReadTx, ed *edition, en *challenge.Enrolment) error {
	var held challenge.HeldBadges
	err := eachAward(ctx, tx, en.ID, func(a *storage.Award) {
		if i, ok := ed.plan.Index(a.BadgeID); ok {
			if slot, ok := ed.plan.Slot(i, badge.Occurrence{Tier: a.Tier, Day: a.Day}); ok {
				held.Set(slot)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("rebuilding held badges: %w", err)
	}
	en.Badges, en.BadgeLayout = held, ed.plan.Layout()
	return nil
}

func tierName(def *badge.Definition, tier int) string {
	if tier >= 1 && tier <= len(def.Tiers) {
		return def.Tiers[tier-1].Name
	}
	return ""
}

// BadgeStatus is one badge on a participant's badge page.
type BadgeStatus struct {
	// ID, Name, Description and ImageURL describe the badge.
	ID, Name, Description, ImageURL string
	// Repeat says whether it is earned once or daily; Tiers names its tiers.
	Repeat badge.Repeat
	Tiers  []badge.Tier
	// Earned are the occurrences held, with when and why.
	Earned []BadgeAward
	// Progress is the measure toward the next occurrence ("4 of 7 days").
	Progress badge.Measure
	// Complete reports that nothing more can be earned.
	Complete bool
}

// BadgeAward is a held badge occurrence with its date and evidence.
type BadgeAward struct {
	// Tier (1-based, 0 untiered) and TierName; Day for daily badges.
	Tier     int
	TierName string
	Day      int
	// AwardedAt is when it was earned.
	AwardedAt time.Time
	// Evidence is what earned it.
	Evidence badge.Evidence
}

// Badges returns the participant's badge page: every badge of their
// programme in definition order with what they hold (dates and evidence)
// and their progress toward the next occurrence. Hidden badges appear only
// once earned.
func (e *Engine) Badges(ctx context.Context, enrolmentID uuid.UUID) ([]BadgeStatus, error) {
	now := e.clock.Now().UTC()
	var out []BadgeStatus
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		out = nil
		en, err := tx.GetEnrolment(ctx, enrolmentID)
		if err != nil {
			return err
		}
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		today, err := en.DayAt(now, ed.p.DayStartHour, e.locate)
		if err != nil {
			return err
		}
		en.Progress.Advance(challenge.NewCalendar(ed.p, &en), today, nil)
		// The page reads every award for its date and evidence, so what
		// is held is read from them too, whatever the enrolment's bits.
		awards := map[storage.AwardKey]storage.Award{}
		held := badge.HeldSet{}
		err = eachAward(ctx, tx, en.ID, func(a *storage.Award) {
			awards[a.AwardKey] = *a
			held[badge.HeldKey{Badge: a.BadgeID, Occurrence: badge.Occurrence{Tier: a.Tier, Day: a.Day}}] = true
		})
		if err != nil {
			return err
		}
		for _, st := range badge.Progress(ed.badges, badgeFacts(ed, &en, challenge.NewCalendar(ed.p, &en), today, 0), held) {
			d := st.Definition
			bs := BadgeStatus{ID: d.ID, Name: d.Name, Description: d.Description, ImageURL: d.ImageURL, Repeat: d.Repeat,
				Tiers: slices.Clone(d.Tiers), Progress: st.Measure, Complete: st.Complete}
			for _, o := range st.Earned {
				ba := BadgeAward{Tier: o.Tier, TierName: tierName(&d, o.Tier), Day: o.Day}
				if a, ok := awards[storage.AwardKey{EnrolmentID: en.ID, BadgeID: d.ID, Tier: o.Tier, Day: o.Day}]; ok {
					ba.AwardedAt = a.AwardedAt
					if len(a.Evidence) > 0 {
						if err := json.Unmarshal(a.Evidence, &ba.Evidence); err != nil {
							return fmt.Errorf("award %s evidence: %w", d.ID, err)
						}
					}
				}
				bs.Earned = append(bs.Earned, ba)
			}
			out = append(out, bs)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("habitkit: badges: enrolment %s: %w", enrolmentID, err)
	}
	return out, nil
}

// CatalogueEntry is one badge of a programme with how many participants
// hold it.
type CatalogueEntry struct {
	// ID, Name, Description and ImageURL describe the badge.
	ID, Name, Description, ImageURL string
	// Hidden, Repeat and Tiers are as defined.
	Hidden bool
	Repeat badge.Repeat
	Tiers  []badge.Tier
	// Holders counts participants holding at least one occurrence.
	Holders int
}

// BadgeCatalogue lists the badges of the programme's latest version, in
// definition order, each with how many participants hold it: the view of
// the programme's owners.
func (e *Engine) BadgeCatalogue(ctx context.Context, programmeID string) ([]CatalogueEntry, error) {
	var out []CatalogueEntry
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		out = nil
		ed, err := e.edition(ctx, tx, programmeID, 0)
		if err != nil {
			return err
		}
		holders, err := tx.CountHolders(ctx, programmeID)
		if err != nil {
			return err
		}
		for _, d := range ed.badges {
			out = append(out, CatalogueEntry{ID: d.ID, Name: d.Name, Description: d.Description, ImageURL: d.ImageURL,
				Hidden: d.Hidden, Repeat: d.Repeat, Tiers: slices.Clone(d.Tiers), Holders: holders[d.ID]})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("habitkit: badge catalogue of %s: %w", programmeID, err)
	}
	return out, nil
}

package habitkit

import (
	"context"
	"fmt"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// Leaks reports how many items a store returned to a reader who may not
// read them; the engine dropped them, and tests treat any as a bug.
func (e *Engine) Leaks() int64 { return e.leaks.Load() }

// HeldBadge reports whether en's held bits hold occurrence o of badge id
// under the slot layout of en's programme version, and fails when the
// bits were written under another layout.
func (e *Engine) HeldBadge(ctx context.Context, en challenge.Enrolment, id string, o badge.Occurrence) (bool, error) {
	var held bool
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		ed, err := e.edition(ctx, tx, en.ProgrammeID, en.ProgrammeVersion)
		if err != nil {
			return err
		}
		if en.BadgeLayout != ed.plan.Layout() {
			return fmt.Errorf("held bits of layout %x, not the plan's %x", en.BadgeLayout, ed.plan.Layout())
		}
		held = badge.HeldBits{Plan: ed.plan, Bits: en.Badges}.Has(id, o)
		return nil
	})
	return held, err
}

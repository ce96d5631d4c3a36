package habitkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

// Publish validates p and stores it as the programme's next version (1 for a
// new programme), returning that version. p itself is not modified. New
// enrolments join the latest version; existing ones keep theirs, so a
// participant's days never change under them.
//
// An invalid programme returns ValidationErrors listing every problem, and
// nothing is stored.
func (e *Engine) Publish(ctx context.Context, p *challenge.Programme) (int, error) {
	if p == nil {
		return 0, fmt.Errorf("habitkit: publish: %w", &ValidationError{Field: "programme", Reason: "must not be nil"})
	}
	// Work on a copy, so validation's normalisation (sorting the schedule)
	// never touches the caller's value.
	raw, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	cp := new(challenge.Programme)
	if err := json.Unmarshal(raw, cp); err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	if err := cp.Validate(); err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	def, err := json.Marshal(cp)
	if err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	now := e.clock.Now().UTC()
	var version int
	err = e.update(ctx, func(ctx context.Context, tx storage.Tx) error {
		version = 1
		latest, err := tx.GetProgramme(ctx, cp.ID, 0)
		switch {
		case err == nil:
			version = latest.Version + 1
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return tx.InsertProgramme(ctx, storage.Programme{ID: cp.ID, Version: version, Definition: def, PublishedAt: now})
	})
	if err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	return version, nil
}

// Programme returns a copy of the latest version of the programme with id,
// or ErrNotFound.
func (e *Engine) Programme(ctx context.Context, id string) (*challenge.Programme, error) {
	var p *challenge.Programme
	err := e.store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		var err error
		p, _, err = e.programme(ctx, tx, id, 0)
		return err
	})
	if err == nil {
		p, err = cloneProgramme(p)
	}
	if err != nil {
		return nil, fmt.Errorf("habitkit: programme %s: %w", id, err)
	}
	return p, nil
}

// cloneProgramme deep-copies a validated programme.
func cloneProgramme(p *challenge.Programme) (*challenge.Programme, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	cp := new(challenge.Programme)
	if err := json.Unmarshal(raw, cp); err != nil {
		return nil, err
	}
	return cp, cp.Validate()
}

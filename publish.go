package habitkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/habitkit/habitkit/badge"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/leaderboard"
	"github.com/habitkit/habitkit/reflection"
	"github.com/habitkit/habitkit/storage"
)

// Definition is a programme with the badges and reflection settings
// declared with it, as a definition file holds them.
type Definition struct {
	// Programme is the programme.
	Programme *challenge.Programme
	// Badges are the programme's badges (may be empty).
	Badges []badge.Definition
	// Leaderboards are the programme's boards and opt-out rule (may be
	// empty).
	Leaderboards leaderboard.Settings
	// Reflections are the programme's rules for reflections; nil means
	// reflection.DefaultSettings().
	Reflections *reflection.Settings
}

// ParseDefinition reads a programme definition file (YAML or JSON): the
// programme, its badges section and its reflections section. It reports
// every problem of all three at once, each naming its field and, where the
// file tells, its line.
func ParseDefinition(data []byte) (Definition, error) {
	p, perr := challenge.ParseDefinition(data)
	b, berr := badge.ParseDefinitions(data)
	r, rerr := reflection.ParseSettings(data)
	l, lerr := leaderboard.ParseSettings(data)
	if perr != nil || berr != nil || rerr != nil || lerr != nil {
		return Definition{}, joinProblems(perr, berr, rerr, lerr)
	}
	if err := joinProblems(badge.Validate(b, p), leaderboard.Validate(l, p)); err != nil {
		return Definition{}, err
	}
	return Definition{Programme: p, Badges: b, Reflections: &r, Leaderboards: l}, nil
}

// LoadDefinition reads and parses the definition file name in fsys; errors
// name the file.
func LoadDefinition(fsys fs.FS, name string) (Definition, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Definition{}, fmt.Errorf("habitkit: load definition: %w", err)
	}
	d, err := ParseDefinition(data)
	if err != nil {
		return Definition{}, fmt.Errorf("habitkit: %s: %w", name, err)
	}
	return d, nil
}

// joinProblems merges the problems of two parsers into one list sorted by
// line, so a file's author sees everything at once in file order.
func joinProblems(errs ...error) error {
	var all ValidationErrors
	var other []error
	unreadable := map[int]bool{} // lines with a syntax error already reported
	for _, err := range errs {
		var ve ValidationErrors
		switch {
		case err == nil:
		case errors.As(err, &ve):
			for _, pr := range ve {
				// Every parser reads the whole file, so each reports the
				// same syntax error; the first (the programme's) says it.
				syntax := pr.Field == "" && strings.HasPrefix(pr.Reason, "the file cannot be read")
				if syntax && unreadable[pr.Line] {
					continue
				}
				if syntax {
					unreadable[pr.Line] = true
				}
				all = append(all, pr)
			}
		default:
			other = append(other, err)
		}
	}
	if len(other) > 0 {
		return errors.Join(append(other, all.Err())...)
	}
	slices.SortStableFunc(all, func(a, b *ValidationError) int { return a.Line - b.Line })
	return all.Err()
}

// Publish validates p and stores it as the programme's next version (1 for a
// new programme), returning that version; it is PublishDefinition without
// badges.
func (e *Engine) Publish(ctx context.Context, p *challenge.Programme) (int, error) {
	return e.PublishDefinition(ctx, Definition{Programme: p})
}

// PublishDefinition validates d (the programme, its badges against it, and
// its reflection settings)
// and stores it as the programme's next version (1 for a new programme),
// returning that version. d is not modified. New enrolments join the latest
// version; existing ones keep theirs, so a participant's days and badges
// never change under them.
//
// An invalid definition returns ValidationErrors listing every problem,
// and nothing is stored.
func (e *Engine) PublishDefinition(ctx context.Context, d Definition) (int, error) {
	p := d.Programme
	if p == nil {
		return 0, fmt.Errorf("habitkit: publish: %w", &ValidationError{Field: "programme", Reason: "must not be nil"})
	}
	// Work on a copy, so validation's normalisation (sorting the schedule)
	// never touches the caller's value.
	cp, err := cloneProgramme(p)
	if err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	if err := joinProblems(badge.Validate(d.Badges, cp), leaderboard.Validate(d.Leaderboards, cp)); err != nil {
		return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
	}
	for _, b := range d.Badges {
		if b.Criterion.Kind == badge.Custom || hasCustom(b.Criterion) {
			return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, &ValidationError{Field: "badges." + b.ID,
				Reason: "a Custom criterion cannot be stored; pass Go-built badges in Options.Badges"})
		}
	}
	if d.Reflections != nil {
		if err := d.Reflections.Validate(); err != nil {
			return 0, fmt.Errorf("habitkit: publish %s: %w", p.ID, err)
		}
	}
	def, err := json.Marshal(storedDefinition{Programme: cp, Badges: d.Badges, Reflections: d.Reflections, Leaderboards: d.Leaderboards})
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

// hasCustom reports whether c or one of its parts is Custom.
func hasCustom(c badge.Criterion) bool {
	if c.Kind == badge.Custom {
		return true
	}
	for _, part := range append(slices.Clip(c.All), c.Any...) {
		if hasCustom(part) {
			return true
		}
	}
	return false
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

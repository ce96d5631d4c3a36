package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/habitkit/habitkit/storage"
)

const programmeColumns = "id, version, definition, published_at"

// programmeCursor is the key after which a programme listing resumes.
type programmeCursor struct {
	L  string `json:"l"`
	ID string `json:"id"`
}

const programmeListing = "programmes"

// InsertProgramme implements [storage.ProgrammeWriter.InsertProgramme].
func (t *tx) InsertProgramme(ctx context.Context, p storage.Programme) error {
	def := p.Definition
	if def == nil {
		def = []byte{}
	}
	return t.insert(ctx, fmt.Sprintf("insert programme %q version %d", p.ID, p.Version),
		"INSERT INTO habitkit_programmes ("+programmeColumns+") VALUES (?, ?, ?, ?)",
		p.ID, p.Version, def, t.timeArg(p.PublishedAt))
}

// GetProgramme implements [storage.ProgrammeReader.GetProgramme].
func (t *tx) GetProgramme(ctx context.Context, id string, version int) (storage.Programme, error) {
	op := fmt.Sprintf("get programme %q version %d", id, version)
	q := "SELECT " + programmeColumns + " FROM habitkit_programmes WHERE id = ? AND version = ?"
	args := []any{id, version}
	if version == 0 {
		q = "SELECT " + programmeColumns + " FROM habitkit_programmes WHERE id = ? ORDER BY version DESC LIMIT 1"
		args = []any{id}
	}
	var (
		p  storage.Programme
		at timeScan
	)
	at.d = t.s.d
	err := t.queryRow(ctx, op, q, args, &p.ID, &p.Version, &p.Definition, &at)
	if errors.Is(err, sqlNoRows) {
		return storage.Programme{}, notFound(op)
	}
	if err != nil {
		return storage.Programme{}, err
	}
	p.PublishedAt = at.t
	if len(p.Definition) == 0 {
		p.Definition = nil
	}
	return p, nil
}

// ListProgrammes implements [storage.ProgrammeReader.ListProgrammes].
func (t *tx) ListProgrammes(ctx context.Context, cursor storage.Cursor, limit int) (storage.Page[storage.Programme], error) {
	const op = "list programmes"
	limit = storage.ClampLimit(limit)
	q := "SELECT " + programmeColumns + " FROM habitkit_programmes p WHERE version = (SELECT MAX(version) FROM habitkit_programmes m WHERE m.id = p.id)"
	var args []any
	if cursor != "" {
		var c programmeCursor
		if err := decodeCursor(cursor, programmeListing, &c, &c.L); err != nil {
			return storage.Page[storage.Programme]{}, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		q += " AND id > ?"
		args = append(args, c.ID)
	}
	return listPage(ctx, t, op, q+" ORDER BY id", args, limit,
		func(scan func(...any) error) (storage.Programme, error) {
			p := storage.Programme{}
			at := timeScan{d: t.s.d}
			err := scan(&p.ID, &p.Version, &p.Definition, &at)
			p.PublishedAt = at.t
			if len(p.Definition) == 0 {
				p.Definition = nil
			}
			return p, err
		},
		func(last storage.Programme) storage.Cursor {
			return storage.EncodeCursor(programmeCursor{L: programmeListing, ID: last.ID})
		})
}

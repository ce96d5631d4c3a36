package memory

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/habitkit/habitkit/storage"
)

// programmeRec holds the versions of one programme, oldest first.
type programmeRec struct {
	versions []storage.Programme
}

func (p *programmeRec) find(version int) (int, bool) {
	return slices.BinarySearchFunc(p.versions, version, func(v storage.Programme, version int) int {
		return v.Version - version
	})
}

// copyProgramme returns p with its own Definition bytes.
func copyProgramme(p storage.Programme) storage.Programme {
	p.Definition = bytes.Clone(p.Definition)
	return p
}

// GetProgramme implements [storage.ProgrammeReader.GetProgramme].
func (r *reader) GetProgramme(ctx context.Context, id string, version int) (storage.Programme, error) {
	if err := ctxErr(ctx); err != nil {
		return storage.Programme{}, err
	}
	rec := r.s.programmes[id]
	if rec == nil {
		return storage.Programme{}, errProgrammeNotFound
	}
	if version == 0 {
		return copyProgramme(rec.versions[len(rec.versions)-1]), nil
	}
	i, ok := rec.find(version)
	if !ok {
		return storage.Programme{}, errProgrammeNotFound
	}
	return copyProgramme(rec.versions[i]), nil
}

// ListProgrammes implements [storage.ProgrammeReader.ListProgrammes].
func (r *reader) ListProgrammes(ctx context.Context, cursor storage.Cursor, limit int) (storage.Page[storage.Programme], error) {
	var page storage.Page[storage.Programme]
	if err := ctxErr(ctx); err != nil {
		return page, err
	}
	var after string
	if cursor != "" {
		if err := storage.DecodeCursor(cursor, &after); err != nil {
			return page, fmt.Errorf("memory: list programmes: %w", err)
		}
	}
	limit = storage.ClampLimit(limit)
	s := r.s
	s.programmeIDs.ascend(after, cursor == "", func(id string) bool {
		if len(page.Items) == limit {
			page.Next = storage.EncodeCursor(page.Items[limit-1].ID)
			return false
		}
		vs := s.programmes[id].versions
		page.Items = append(page.Items, copyProgramme(vs[len(vs)-1]))
		return true
	})
	return page, nil
}

// InsertProgramme implements [storage.ProgrammeWriter.InsertProgramme].
func (w *writer) InsertProgramme(ctx context.Context, p storage.Programme) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s := w.s
	rec := s.programmes[p.ID]
	if rec == nil {
		rec = &programmeRec{}
		s.programmes[p.ID] = rec
		s.programmeIDs.insert(p.ID)
	}
	i, found := rec.find(p.Version)
	if found {
		return errProgrammeExists
	}
	p = copyProgramme(p)
	p.PublishedAt = p.PublishedAt.UTC()
	rec.versions = slices.Insert(rec.versions, i, p)
	w.log(undoRec{op: undoInsertProgramme, programme: p.ID, version: p.Version})
	return nil
}

// unInsertProgramme undoes an InsertProgramme.
func (s *Store) unInsertProgramme(id string, version int) {
	rec := s.programmes[id]
	i, _ := rec.find(version)
	rec.versions = slices.Delete(rec.versions, i, i+1)
	if len(rec.versions) == 0 {
		delete(s.programmes, id)
		s.programmeIDs.remove(id)
	}
}

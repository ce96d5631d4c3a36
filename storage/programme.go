package storage

import (
	"context"
	"time"
)

// Programme is a stored version of a programme definition. Versions are
// immutable: publishing a change inserts the next version.
type Programme struct {
	// ID is the programme's ID (challenge.Programme.ID).
	ID string
	// Version starts at 1 and increases by one per publication.
	Version int
	// Definition is the programme as JSON (challenge.Programme marshalled
	// by the engine). Adapters store the bytes as they are.
	Definition []byte
	// PublishedAt is when the version was published.
	PublishedAt time.Time
}

// ProgrammeReader reads programme versions.
type ProgrammeReader interface {
	// GetProgramme returns version of programme id, or its latest version
	// when version is 0. It returns ErrNotFound if there is no such
	// programme or version.
	GetProgramme(ctx context.Context, id string, version int) (Programme, error)
	// ListProgrammes returns the latest version of every programme,
	// ordered by ID, paged by cursor.
	ListProgrammes(ctx context.Context, cursor Cursor, limit int) (Page[Programme], error)
}

// ProgrammeWriter publishes programme versions.
type ProgrammeWriter interface {
	// InsertProgramme stores a new version. It returns ErrConflict if
	// (ID, Version) already exists. The engine chooses Version as the
	// latest plus one, so two concurrent publishers conflict rather than
	// overwrite each other.
	InsertProgramme(ctx context.Context, p Programme) error
}

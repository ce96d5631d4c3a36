package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/habitkit/habitkit/storage"
)

// sqlNoRows is database/sql's "no row" error, as returned by tx.queryRow.
var sqlNoRows = sql.ErrNoRows

// normTime is the one representation of an instant in storage: UTC,
// truncated to microseconds (the precision of every supported database).
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timeArg converts t into a query argument of the dialect. The last
// conversion is kept: a completion's time is its awards' too.
func (t *tx) timeArg(v time.Time) any {
	v = normTime(v)
	if t.lastTimeArg == nil || !v.Equal(t.lastTime) {
		t.lastTime, t.lastTimeArg = v, t.s.d.timeValue(v)
	}
	return t.lastTimeArg
}

// timeScan scans a time column of the dialect; valid is false for NULL.
type timeScan struct {
	d     dialect
	t     time.Time
	valid bool
}

// Scan implements sql.Scanner.
func (s *timeScan) Scan(src any) error {
	if src == nil {
		s.t, s.valid = time.Time{}, false
		return nil
	}
	t, err := s.d.parseTime(src)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	s.t, s.valid = t, true
	return nil
}

// decodeCursor decodes c into key, whose tag field must name listing: a
// cursor of another listing is storage.ErrBadCursor.
func decodeCursor(c storage.Cursor, listing string, key any, tag *string) error {
	if err := storage.DecodeCursor(c, key); err != nil {
		return err
	}
	if *tag != listing {
		return fmt.Errorf("%w: not a cursor of %s", storage.ErrBadCursor, listing)
	}
	return nil
}

// nullString returns s, or NULL when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

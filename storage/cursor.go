package storage

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Cursor marks a position in a listing. It is opaque to callers: the empty
// Cursor asks for the first page, and Page.Next is passed back unchanged to
// get the next one. Adapters page by key (never by offset), so a listing
// walked to its end returns every record that existed throughout the walk
// exactly once, even when other records are inserted meanwhile.
type Cursor string

// Page is one page of a listing.
type Page[T any] struct {
	// Items are the records, in the listing's documented order.
	Items []T
	// Next is the cursor of the following page, or "" when no item follows
	// this one (a full page can be the last).
	Next Cursor
}

// DefaultLimit is the page size used when a listing is asked for limit <= 0.
const DefaultLimit = 100

// MaxLimit is the largest page size an adapter must honour; larger limits
// are reduced to it.
const MaxLimit = 1000

// ClampLimit returns limit bounded to 1..MaxLimit, DefaultLimit when <= 0.
func ClampLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultLimit
	case limit > MaxLimit:
		return MaxLimit
	}
	return limit
}

// EncodeCursor turns the key of the last item of a page into a Cursor.
// Adapters may use it; any opaque encoding is allowed.
func EncodeCursor(key any) Cursor {
	b, err := json.Marshal(key)
	if err != nil {
		// Keys are plain values chosen by adapters; failure is a bug.
		panic(fmt.Sprintf("storage: encode cursor: %v", err))
	}
	return Cursor(base64.RawURLEncoding.EncodeToString(b))
}

// DecodeCursor reverses EncodeCursor into key (a pointer). It returns an
// error wrapping ErrBadCursor for a cursor it did not make.
func DecodeCursor(c Cursor, key any) error {
	b, err := base64.RawURLEncoding.DecodeString(string(c))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if err := json.Unmarshal(b, key); err != nil {
		return fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	return nil
}

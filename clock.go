package habitkit

import "time"

// Clock tells the engine the time. The engine reads it once per call and
// passes that instant down, so every rule in one call sees the same "now".
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
}

// ClockFunc adapts a function to Clock, as http.HandlerFunc adapts one to
// http.Handler.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock (time.Now); it is the default.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

//go:build !race

package habitkit_test

// raceEnabled reports whether the race detector is on; heavy tests use a
// smaller load under it, and CI runs them at full size without it.
const raceEnabled = false

//go:build race

package leaderboard_test

// raceEnabled reports whether the race detector is on; the property test
// runs fewer operations under it to stay fast.
const raceEnabled = true

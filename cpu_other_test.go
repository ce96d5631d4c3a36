//go:build !linux

package habitkit_test

import "time"

// processCPU reports false: only Linux measures the process's CPU time here.
func processCPU() (time.Duration, bool) { return 0, false }

//go:build !linux

package rankindex_test

import "time"

// threadCPU reports false: only Linux measures one thread's CPU time here.
func threadCPU() (time.Duration, bool) { return 0, false }

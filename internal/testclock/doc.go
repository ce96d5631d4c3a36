// Package testclock is a fake clock for habitkit's own tests: time moves only
// when the test says so, and it is safe for concurrent use.
package testclock

package sqlstore

// SetRetryHook makes s call f with the error before each retry of a
// transaction, so tests can see retries happen without timing.
func SetRetryHook(s *Store, f func(err error)) { s.onRetry = f }

// Classify tells how the dialect d classifies err: "conflict", "retry" or
// "other".
func Classify(d Dialect, err error) string {
	dl, derr := dialectFor(d, nil)
	if derr != nil {
		panic(derr)
	}
	switch dl.classify(err) {
	case classConflict:
		return "conflict"
	case classRetry:
		return "retry"
	}
	return "other"
}

package habitkit

// Leaks reports how many items a store returned to a reader who may not
// read them; the engine dropped them, and tests treat any as a bug.
func (e *Engine) Leaks() int64 { return e.leaks.Load() }

// Package storefault wraps a storage.Store so that a chosen call fails: the
// Nth storage call made inside transactions, or the commit itself. Tests use
// it to prove that an error anywhere in a use case changes nothing and
// delivers no event.
package storefault

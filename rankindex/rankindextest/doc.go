// Package rankindextest is the conformance suite for implementations of
// rankindex.Index: Run(t, newIndex) checks the version rule (stale and
// repeated updates ignored, tombstones), both rankings with ties, Tied and
// Total, paging, neighbourhoods, RankOfScore, the warming states, board
// isolation, concurrent writers, validation, and a random model test that
// compares thousands of operations with a sorted-slice model.
//
// Each failure message begins with the sentence of the contract it
// checks, so a failing implementation learns which promise it broke.
package rankindextest

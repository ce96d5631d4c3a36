package habitkit_test

import "testing"

// TestReflectionsSQL runs the engine's visibility and concurrency proofs
// for reflections on every SQL database (the server ones skip without
// their DSN variable, and fail with CI=true).
func TestReflectionsSQL(t *testing.T) {
	for _, d := range sqlDatabases {
		t.Run(d.name, func(t *testing.T) {
			t.Run("Visibility", func(t *testing.T) {
				db, _ := d.open(t)
				runVisibility(t, newReflFixture(t, openSQLStore(t, db)), 12, 12)
			})
			t.Run("ConcurrentReactionsAndFlags", func(t *testing.T) {
				db, _ := d.open(t)
				runConcurrentReflections(t, newReflFixture(t, openSQLStore(t, db)))
			})
		})
	}
}

package habitkit_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/habitkit/habitkit"

// TestDependencyRules keeps the layering of docs/design.md from drifting:
// domain packages import nothing of ours but lower domain packages,
// storage imports only the domain, adapters never import the engine, and
// library code never links a database driver.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", "./...").Output()
	require.NoError(t, err, "go list")
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, list, _ := strings.Cut(line, ":")
		deps[pkg] = strings.Fields(list)
	}
	ours := func(pkg string) []string {
		var out []string
		for _, d := range deps[pkg] {
			if d == module || strings.HasPrefix(d, module+"/") {
				out = append(out, strings.TrimPrefix(strings.TrimPrefix(d, module), "/"))
			}
		}
		return out
	}
	drivers := []string{"modernc.org/sqlite", "github.com/jackc/pgx", "github.com/go-sql-driver/mysql"}
	rules := []struct {
		pkg     string
		allowed []string // our packages it may depend on ("" is the root)
	}{
		{"challenge", nil},
		{"badge", []string{"challenge"}},
		{"leaderboard", []string{"challenge"}},
		{"reflection", []string{"challenge"}},
		{"storage", []string{"challenge", "reflection"}},
		{"storage/memory", []string{"challenge", "reflection", "storage"}},
		{"storage/sqlstore", []string{"challenge", "reflection", "storage"}},
		{"storage/storagetest", []string{"challenge", "reflection", "storage"}},
		{"", []string{"challenge", "badge", "reflection", "storage"}},
	}
	for _, r := range rules {
		full := module
		if r.pkg != "" {
			full += "/" + r.pkg
		}
		require.Contains(t, deps, full, "go list must list %s", full)
		for _, d := range ours(full) {
			assert.Contains(t, r.allowed, d, "%s must not depend on %s/%s", full, module, d)
		}
		if r.pkg == "storage/storagetest" {
			continue // the suite is test code by nature
		}
		for _, d := range deps[full] {
			for _, drv := range drivers {
				assert.False(t, strings.HasPrefix(d, drv), "library package %s must not link the driver %s", full, d)
			}
		}
	}
}

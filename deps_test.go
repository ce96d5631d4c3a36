package habitkit_test

import (
	"os/exec"
	"slices"
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
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}:{{join .Imports \" \"}}", "./...").Output()
	require.NoError(t, err, "go list")
	deps := map[string][]string{}    // all dependencies, direct or not
	imports := map[string][]string{} // direct imports only
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, rest, _ := strings.Cut(line, ":")
		list, direct, _ := strings.Cut(rest, ":")
		deps[pkg] = strings.Fields(list)
		imports[pkg] = strings.Fields(direct)
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
		{"internal/defyaml", nil},
		{"challenge", []string{"internal/defyaml"}},
		{"badge", []string{"challenge", "internal/defyaml"}},
		{"leaderboard", []string{"challenge", "internal/defyaml"}},
		{"reflection", []string{"challenge", "internal/defyaml"}},
		// The rest reach internal/defyaml only through the domain packages:
		// see the direct-import check below.
		{"storage", []string{"challenge", "reflection", "internal/defyaml"}},
		{"storage/memory", []string{"challenge", "reflection", "storage", "internal/defyaml"}},
		{"storage/sqlstore", []string{"challenge", "reflection", "storage", "internal/defyaml"}},
		{"storage/storagetest", []string{"challenge", "reflection", "storage", "internal/defyaml"}},
		{"rankindex", []string{"challenge", "leaderboard", "internal/defyaml"}},
		{"", []string{"challenge", "badge", "leaderboard", "reflection", "rankindex", "storage", "internal/defyaml"}},
	}
	// internal/defyaml is the domain packages' definition-file reader: only
	// they may import it.
	defyamlUsers := []string{module + "/challenge", module + "/badge", module + "/leaderboard", module + "/reflection"}
	for pkg, list := range imports {
		if slices.Contains(list, module+"/internal/defyaml") {
			assert.Contains(t, defyamlUsers, pkg, "%s must not import %s/internal/defyaml", pkg, module)
		}
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

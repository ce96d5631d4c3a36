package main

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit/internal/dbtest"
)

func runExample(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), args, &out))
	return out.String()
}

func checkOutput(t *testing.T, out string, participants string) {
	t.Helper()
	assert.Contains(t, out, participants+" participants in")
	assert.Contains(t, out, "day  1 ")
	assert.Contains(t, out, "day 30 ")
	assert.Contains(t, out, "Final progress by behaviour")
	assert.Contains(t, out, "Teams (mean points per member)")
	assert.Contains(t, out, "Levels reached")
	assert.Contains(t, out, "was off sick on days 10-16")
	assert.Contains(t, out, "Top scorer:")
	assert.Contains(t, out, "Badges (participants holding each")
	assert.Contains(t, out, "Badge page of officer-0001 (sick leave)")
	assert.Regexp(t, `First step\s+\d+`, out)
	assert.Regexp(t, `Reflective practitioner\s+\d+`, out)
	assert.Contains(t, out, "Most-reacted insights\n")
	assert.Regexp(t, `(?m)^  officer-\d{4}, day +\d+: ".+"  \d+ reactions, \d+ responses$`, out)
	insights := out[strings.Index(out, "Most-reacted insights"):]
	assert.Equal(t, 5, strings.Count(insights, " reactions, "), "the top five insights")
	assert.Regexp(t, `Reflections written: [1-9]\d*, responses: [1-9]\d*, reactions: [1-9]\d*`, out)
	assert.Equal(t, 30, strings.Count(out, "\nday "), "one participation line per day")
}

func TestRunMemoryIsDeterministic(t *testing.T) {
	first := runExample(t, "-store", "memory", "-participants", "120", "-seed", "7")
	checkOutput(t, first, "120")
	second := runExample(t, "-store", "memory", "-participants", "120", "-seed", "7")
	assert.Equal(t, first, second, "the same seed must give the same run")
	other := runExample(t, "-store", "memory", "-participants", "120", "-seed", "8")
	assert.NotEqual(t, first, other, "another seed gives another run")
}

func TestRunDefaultSQLite(t *testing.T) {
	// The default store is a SQLite file in a temporary folder; it must
	// give the same figures as memory for the same seed.
	sqlite := runExample(t, "-participants", "40", "-seed", "3")
	checkOutput(t, sqlite, "40")
	memory := runExample(t, "-store", "memory", "-participants", "40", "-seed", "3")
	assert.Equal(t, strings.Replace(memory, "(memory store)", "(sqlite store)", 1), sqlite)
}

// TestRunServers runs the example on PostgreSQL and MariaDB, each in a
// fresh schema or database (skipped without the DSN variables, failed with
// CI=true).
func TestRunServers(t *testing.T) {
	for _, tt := range []struct {
		store string
		open  func(testing.TB) (*sql.DB, string)
	}{{"postgres", dbtest.Postgres}, {"mysql", dbtest.MySQL}} {
		t.Run(tt.store, func(t *testing.T) {
			_, dsn := tt.open(t)
			out := runExample(t, "-store", tt.store, "-dsn", dsn, "-participants", "20", "-seed", "5")
			checkOutput(t, out, "20")
			memory := runExample(t, "-store", "memory", "-participants", "20", "-seed", "5")
			assert.Equal(t, strings.Replace(memory, "(memory store)", "("+tt.store+" store)", 1), out)
		})
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(context.Background(), []string{"-store", "floppy"}, &out))
	assert.Error(t, run(context.Background(), []string{"-participants", "0"}, &out))
	assert.Error(t, run(context.Background(), []string{"-store", "postgres"}, &out), "postgres needs -dsn")
}

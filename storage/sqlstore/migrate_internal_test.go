package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []statement
		wantErr string
	}{
		{"plain", "-- comment\nCREATE TABLE a (x int);\nCREATE INDEX i\n  ON a (x);\n",
			[]statement{{sql: "CREATE TABLE a (x int)"}, {sql: "CREATE INDEX i\n  ON a (x)"}}, ""},
		{"last statement without semicolon", "DROP TABLE a", []statement{{sql: "DROP TABLE a"}}, ""},
		{"if column", "CREATE TABLE a (x int);\n-- if column exists: a.y\nALTER TABLE a DROP COLUMN y;\nSELECT 1;\n",
			[]statement{{sql: "CREATE TABLE a (x int)"}, {sql: "ALTER TABLE a DROP COLUMN y", ifColumn: "a.y"}, {sql: "SELECT 1"}}, ""},
		{"if column without a column", "-- if column exists: a\nSELECT 1;\n", nil, "want"},
		{"if column inside a statement", "ALTER TABLE a\n-- if column exists: a.y\nDROP COLUMN y;\n", nil, "between statements"},
		{"if column at the end", "SELECT 1;\n-- if column exists: a.y\n", nil, "followed by no statement"},
		{"trigger", "CREATE TABLE a (x int);\ncreate trigger t after insert on a\nbegin\n  update b set n = n + 1;\n  delete from c;\nend;\nSELECT 1;\n",
			[]statement{{sql: "CREATE TABLE a (x int)"}, {sql: "create trigger t after insert on a\nbegin\n  update b set n = n + 1;\n  delete from c;\nend"}, {sql: "SELECT 1"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitStatements(tt.src)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

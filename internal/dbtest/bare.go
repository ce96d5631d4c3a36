package dbtest

import (
	"context"
	"database/sql"

	"github.com/habitkit/habitkit/storage/sqlstore"
)

// BareInsertTx runs one transaction that executes insert (a one-row INSERT
// with two placeholders) with id and n, begun as sqlstore begins its writes.
// Benchmarks that run several workers call it from each.
func BareInsertTx(ctx context.Context, db *sql.DB, dialect sqlstore.Dialect, insert, id string, n int) error {
	return bareInsertTx(ctx, db, dialect, insert, id, n)
}

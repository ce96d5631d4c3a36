package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the host picks and imports the driver

	"github.com/habitkit/habitkit/storage"
	"github.com/habitkit/habitkit/storage/sqlstore"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "habitkit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The host opens the database with the driver of its choice...
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(dir, "habitkit.db")))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	// ...and the adapter migrates the schema and runs transactions on it.
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, db, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	published := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	err = store.Update(ctx, func(ctx context.Context, tx storage.Tx) error {
		return tx.InsertProgramme(ctx, storage.Programme{ID: "thirty-day", Version: 1, Definition: []byte(`{"id":"thirty-day"}`), PublishedAt: published})
	})
	if err != nil {
		log.Fatal(err)
	}
	err = store.View(ctx, func(ctx context.Context, tx storage.ReadTx) error {
		p, err := tx.GetProgramme(ctx, "thirty-day", 0)
		if err != nil {
			return err
		}
		fmt.Println(store.Dialect(), p.ID, p.Version, p.PublishedAt.Format(time.RFC3339))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// sqlite thirty-day 1 2025-03-01T09:00:00Z
}

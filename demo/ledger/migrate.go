package ledger

import (
	"context"
	"database/sql"
)

// MigrateUp applies this release's migrations to the database in dataDir
// (creating it if missing) until the schema is at target, which must be at
// or above the current version. It returns the steps that ran.
func MigrateUp(ctx context.Context, dataDir string, target int) ([]Step, error) {
	return migrate(ctx, dataDir, target, true)
}

// MigrateDown reverts migrations of the database in dataDir until the
// schema is at target, which must be at or below the current version.
func MigrateDown(ctx context.Context, dataDir string, target int) ([]Step, error) {
	return migrate(ctx, dataDir, target, false)
}

// Status reports the schema of the database in dataDir; it fails with
// ErrNoDatabase when there is none.
func Status(ctx context.Context, dataDir string) (SchemaStatus, error) {
	var st SchemaStatus
	err := withSchema(ctx, dataDir, false, func(s *schema) (err error) {
		st, err = s.status(ctx)
		return err
	})
	return st, err
}

func migrate(ctx context.Context, dataDir string, target int, up bool) ([]Step, error) {
	var steps []Step
	err := withSchema(ctx, dataDir, up, func(s *schema) (err error) {
		steps, err = s.migrateTo(ctx, target, up)
		return err
	})
	return steps, err
}

// withSchema opens the database of dataDir for the length of f.
func withSchema(ctx context.Context, dataDir string, create bool, f func(*schema) error) (err error) {
	var db *sql.DB
	if db, err = openDB(ctx, dataDir, create); err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	s, err := newSchema(ctx, db, Migrations())
	if err != nil {
		return err
	}
	return f(s)
}

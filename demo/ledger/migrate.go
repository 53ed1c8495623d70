package ledger

import (
	"context"
	"database/sql"
	"fmt"
)

// Migrator runs the store's migrations offline, as `ledger migrate` does.
// Up applies the migrations of the release its Defects describe (the clean
// schema, plus the rewrite under MigrationRewrite). Down can revert every
// migration this program knows, the rewrite included, as the newer
// release's tool would; under NonIdempotentDown it also re-runs the
// rewrite's data step whenever the target is below the rewrite, even when
// the schema is already there.
type Migrator struct {
	// DataDir holds ledger.db; Up creates it if missing.
	DataDir string
	// Defects of the migrate tier: MigrationRewrite, NonIdempotentDown.
	Defects Defects
}

// Latest returns the highest migration Up can apply.
func (m Migrator) Latest() int { return len(ReleaseMigrations(m.Defects)) }

// Known returns the highest migration Down can revert.
func (m Migrator) Known() int { return len(knownMigrations(m.Defects)) }

// Up applies migrations until the schema is at target, which must be at
// or above the current version. It returns the steps that ran.
func (m Migrator) Up(ctx context.Context, target int) ([]Step, error) {
	var steps []Step
	err := m.withSchema(ctx, true, func(s *schema) (err error) {
		steps, err = s.migrateTo(ctx, target, true)
		return err
	})
	return steps, err
}

// Down reverts migrations until the schema is at target, which must be at
// or below the current version. It returns the steps that ran; under
// NonIdempotentDown that includes a rewrite step that changed data
// without changing the schema.
func (m Migrator) Down(ctx context.Context, target int) ([]Step, error) {
	var steps []Step
	err := m.withSchema(ctx, false, func(s *schema) error {
		if m.Defects.NonIdempotentDown {
			step, ran, err := m.undoRewriteAgain(ctx, s, target)
			if err != nil {
				return err
			}
			if ran {
				steps = append(steps, step)
			}
		}
		more, err := s.migrateTo(ctx, target, false)
		steps = append(steps, more...)
		return err
	})
	return steps, err
}

// Status reports the schema of the database; it fails with ErrNoDatabase
// when there is none.
func (m Migrator) Status(ctx context.Context) (SchemaStatus, error) {
	var st SchemaStatus
	err := m.withSchema(ctx, false, func(s *schema) (err error) {
		st, err = s.status(ctx)
		return err
	})
	return st, err
}

// undoRewriteAgain is the non-idempotent-down defect: when the target lies
// below the rewrite but the schema is already below it too (so the normal
// down will not run the rewrite's down), it runs the rewrite's data step
// anyway, dividing every amount by 100 once more.
func (m Migrator) undoRewriteAgain(ctx context.Context, s *schema, target int) (Step, bool, error) {
	rw := rewriteMigration()
	cur, err := s.version(ctx, s.db)
	if err != nil {
		return Step{}, false, err
	}
	if target >= rw.Version || cur >= rw.Version || cur < 1 || target > cur {
		return Step{}, false, nil
	}
	if _, err := s.db.ExecContext(ctx, rewriteUndo); err != nil {
		return Step{}, false, fmt.Errorf("ledger: migration %d %s (down): %w", rw.Version, rw.Name, err)
	}
	return Step{Version: rw.Version, Name: rw.Name, Down: true}, true, nil
}

// withSchema opens the database for the length of f, creating it when
// create is set.
func (m Migrator) withSchema(ctx context.Context, create bool, f func(*schema) error) (err error) {
	if err := m.Defects.only(TierMigrate); err != nil {
		return err
	}
	var db *sql.DB
	if db, err = openDB(ctx, m.DataDir, create); err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("ledger: close: %w", cerr)
		}
	}()
	s, err := newSchema(ctx, db, ReleaseMigrations(m.Defects), knownMigrations(m.Defects))
	if err != nil {
		return err
	}
	return f(s)
}

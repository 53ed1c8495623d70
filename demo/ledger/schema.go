package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MigrationStatus is one migration of this release and whether the
// database has it.
type MigrationStatus struct {
	Migration
	Applied   bool
	AppliedAt time.Time
}

// SchemaStatus is the schema of one database as seen by this release.
type SchemaStatus struct {
	// Version is the highest applied migration, 0 for an empty database.
	Version int
	// Latest is the highest migration this release knows; a Version above
	// it means a newer release (or a defect) migrated the database.
	Latest int
	// Migrations lists the release's migrations, then any migration of
	// another release that is applied (its Defect names the defect).
	Migrations []MigrationStatus
}

// Step is one migration that ran, and in which direction.
type Step struct {
	Version int
	Name    string
	Down    bool
}

// schemaTable records applied migrations; it is not itself a migration.
const schemaTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

// schema runs one release's migrations against one database.
type schema struct {
	db *sql.DB
	// release is what up applies; known is what down can revert: release
	// plus, for the migrate command, the migrations other releases add.
	release []Migration
	known   []Migration
}

// newSchema checks that migrations are numbered 1..n, that release is a
// prefix of known, and creates the schema_migrations table if it is
// missing.
func newSchema(ctx context.Context, db *sql.DB, release, known []Migration) (*schema, error) {
	if len(known) < len(release) {
		known = release
	}
	for i, m := range known {
		if m.Version != i+1 {
			return nil, fmt.Errorf("ledger: migration %q has number %d, want %d", m.Name, m.Version, i+1)
		}
		if i < len(release) && release[i].Name != m.Name {
			return nil, fmt.Errorf("ledger: migration %d is %q in the release but %q in the catalog", m.Version, release[i].Name, m.Name)
		}
	}
	if _, err := db.ExecContext(ctx, schemaTable); err != nil {
		return nil, fmt.Errorf("ledger: schema_migrations: %w", err)
	}
	return &schema{db: db, release: release, known: known}, nil
}

func (s *schema) latest() int { return len(s.release) }

// limit is the highest version a migration in direction up can start
// from: up knows only the release, down every known migration.
func (s *schema) limit(up bool) int {
	if up {
		return len(s.release)
	}
	return len(s.known)
}

// version returns the highest applied migration.
func (s *schema) version(ctx context.Context, q querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("ledger: schema version: %w", err)
	}
	return v, nil
}

// status lists the release's migrations, and any other known one that is
// applied, with their applied times.
func (s *schema) status(ctx context.Context) (SchemaStatus, error) {
	v, err := s.version(ctx, s.db)
	if err != nil {
		return SchemaStatus{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("ledger: schema status: %w", err)
	}
	defer rows.Close()
	applied := map[int]time.Time{}
	for rows.Next() {
		var n int
		var at string
		if err := rows.Scan(&n, &at); err != nil {
			return SchemaStatus{}, fmt.Errorf("ledger: schema status: %w", err)
		}
		applied[n], _ = time.Parse(time.RFC3339Nano, at) // a zero time reads as "unknown"
	}
	if err := rows.Err(); err != nil {
		return SchemaStatus{}, fmt.Errorf("ledger: schema status: %w", err)
	}
	st := SchemaStatus{Version: v, Latest: s.latest()}
	for i, m := range s.known {
		at, ok := applied[m.Version]
		if i >= len(s.release) && !ok {
			continue
		}
		st.Migrations = append(st.Migrations, MigrationStatus{Migration: m, Applied: ok, AppliedAt: at})
	}
	return st, nil
}

// migrateTo runs migrations, one transaction each, until the schema is at
// target. up says which direction the caller asked for: a target on the
// other side of the current version is an ErrMigrationTarget.
func (s *schema) migrateTo(ctx context.Context, target int, up bool) ([]Step, error) {
	cur, err := s.version(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if cur > s.limit(up) { // checked again, inside each step's transaction
		return nil, tooNew(cur, s.limit(up))
	}
	if target < 0 || target > s.limit(up) {
		return nil, fmt.Errorf("ledger: %w: %d is outside 0..%d", ErrMigrationTarget, target, s.limit(up))
	}
	var steps []Step
	for range s.limit(up) + 1 {
		step, done, err := s.stepToward(ctx, target, up)
		if err != nil || done {
			return steps, err
		}
		steps = append(steps, step)
	}
	return steps, fmt.Errorf("ledger: migrations did not converge on %d", target)
}

// stepToward applies or reverts the one migration next to the current
// version, reading that version inside the same transaction so that two
// processes migrating at once cannot apply a step twice.
func (s *schema) stepToward(ctx context.Context, target int, up bool) (Step, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Step{}, false, fmt.Errorf("ledger: migrate: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	cur, err := s.version(ctx, tx)
	if err != nil {
		return Step{}, false, err
	}
	switch {
	case cur > s.limit(up):
		return Step{}, false, tooNew(cur, s.limit(up))
	case cur == target:
		return Step{}, true, nil
	case up != (target > cur):
		return Step{}, false, fmt.Errorf("ledger: %w: the schema is at %d, so reaching %d needs migrate %s", ErrMigrationTarget, cur, target, direction(!up))
	}
	var step Step
	if up {
		m := s.release[cur]
		step = Step{Version: m.Version, Name: m.Name}
		_, err = tx.ExecContext(ctx, m.Up)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339Nano))
		}
	} else {
		m := s.known[cur-1]
		step = Step{Version: m.Version, Name: m.Name, Down: true}
		_, err = tx.ExecContext(ctx, m.Down)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = ?`, m.Version)
		}
	}
	if err != nil {
		return Step{}, false, fmt.Errorf("ledger: migration %d %s (%s): %w", step.Version, step.Name, direction(up), err)
	}
	if err := tx.Commit(); err != nil {
		return Step{}, false, fmt.Errorf("ledger: migration %d %s (%s): commit: %w", step.Version, step.Name, direction(up), err)
	}
	return step, false, nil
}

func tooNew(cur, limit int) error {
	return fmt.Errorf("ledger: %w: database is at %d, this release knows up to %d", ErrSchemaTooNew, cur, limit)
}

func direction(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// querier is what *sql.DB and *sql.Tx share for reads.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

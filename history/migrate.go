package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// migration is one versioned change of the schema, with its way back.
// Statements are plain SQL both SQLite and PostgreSQL accept.
type migration struct {
	version int
	what    string
	up      []string
	down    []string
}

// migrations are the schema's versions, in order. Never edit one that has
// shipped: add the next.
var migrations = []migration{
	{
		version: 1, what: "runs: one row per drill, durations in nanoseconds",
		up: []string{`CREATE TABLE runs (
			id TEXT PRIMARY KEY,
			scenario TEXT NOT NULL,
			started BIGINT NOT NULL,
			status TEXT NOT NULL,
			class TEXT NOT NULL,
			passed INTEGER NOT NULL,
			duration_ns BIGINT NOT NULL,
			detection_ns BIGINT,
			rollback_ns BIGINT,
			rto_ns BIGINT,
			mttr_ns BIGINT,
			lost_writes BIGINT,
			inconsistent INTEGER,
			score INTEGER,
			ops BIGINT NOT NULL,
			dir TEXT NOT NULL,
			recorded BIGINT NOT NULL)`},
		down: []string{`DROP TABLE runs`},
	},
	{
		version: 2, what: "run_services: the services each drill ran; index by scenario and time",
		up: []string{
			`CREATE TABLE run_services (
				run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
				service TEXT NOT NULL,
				PRIMARY KEY (run_id, service))`,
			`CREATE INDEX runs_scenario_started ON runs (scenario, started)`,
			`CREATE INDEX runs_started ON runs (started)`,
			`CREATE INDEX run_services_service ON run_services (service)`,
		},
		down: []string{
			`DROP INDEX run_services_service`,
			`DROP INDEX runs_started`,
			`DROP INDEX runs_scenario_started`,
			`DROP TABLE run_services`,
		},
	},
	{
		version: 3, what: "action_items: the follow-ups of game-day reviews",
		up: []string{`CREATE TABLE action_items (
				review TEXT NOT NULL,
				id TEXT NOT NULL,
				drill_id TEXT NOT NULL,
				what TEXT NOT NULL,
				owner TEXT NOT NULL,
				opened BIGINT NOT NULL,
				closed BIGINT,
				note TEXT,
				PRIMARY KEY (review, id))`,
			`CREATE INDEX action_items_owner ON action_items (owner)`,
		},
		down: []string{`DROP INDEX action_items_owner`, `DROP TABLE action_items`},
	},
}

// Latest is the newest schema version this faultdrill knows.
func Latest() int { return migrations[len(migrations)-1].version }

// ErrNewerSchema means the store was migrated by a newer faultdrill.
var ErrNewerSchema = errors.New("history: the store's schema is newer than this faultdrill knows")

// Version returns the store's schema version: 0 when empty.
func (s *Store) Version(ctx context.Context) (int, error) {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("history: %s: schema version: %w", s.where, err)
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("history: %s: schema version: %w", s.where, err)
	}
	return int(v.Int64), nil
}

// Migrate moves the schema up or down to version target (0 removes every
// table but the version table), one migration per transaction.
func (s *Store) Migrate(ctx context.Context, target int) error {
	if target < 0 || target > Latest() {
		return fmt.Errorf("history: no schema version %d (0 to %d)", target, Latest())
	}
	cur, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if cur > Latest() {
		return fmt.Errorf("%w: %s is at version %d, this faultdrill knows %d", ErrNewerSchema, s.where, cur, Latest())
	}
	for _, m := range migrations {
		if m.version > cur && m.version <= target {
			if err := s.apply(ctx, m.version, m.up, true); err != nil {
				return fmt.Errorf("history: %s: migrate up to %d (%s): %w", s.where, m.version, m.what, err)
			}
		}
	}
	for i := len(migrations) - 1; i >= 0; i-- {
		m := migrations[i]
		if m.version <= cur && m.version > target {
			if err := s.apply(ctx, m.version, m.down, false); err != nil {
				return fmt.Errorf("history: %s: migrate down from %d (%s): %w", s.where, m.version, m.what, err)
			}
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, version int, stmts []string, up bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if up {
		_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), version, time.Now().UnixNano())
	} else {
		_, err = tx.ExecContext(ctx, s.d.rebind(`DELETE FROM schema_migrations WHERE version = ?`), version)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

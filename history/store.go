// Package history keeps every drill's outcome in a store that lasts across
// runs: an SQLite file by default, or a PostgreSQL database a team shares.
// The drill folder stays the record of a drill; the history holds the
// figures trends and regression checks are computed from.
package history

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// DefaultPath is where the history lives when no --history is given,
// relative to the working folder.
var DefaultPath = filepath.Join(".faultdrill", "history.db")

// Store is an open history store.
type Store struct {
	db *sql.DB
	d  dialect
	// where names the store in messages, without a password.
	where string
}

// IsPostgres reports whether target names a PostgreSQL database
// (postgres:// or postgresql://) rather than an SQLite file.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// Open opens the history at target (an SQLite file path, created with its
// folder when missing, or a postgres:// URL) and migrates it to the latest
// schema version.
func Open(ctx context.Context, target string) (*Store, error) {
	s, err := OpenUnmigrated(ctx, target)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx, Latest()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenUnmigrated opens the history at target and leaves its schema as it
// is (see Migrate).
func OpenUnmigrated(ctx context.Context, target string) (*Store, error) {
	if target == "" {
		target = DefaultPath
	}
	var (
		db    *sql.DB
		d     dialect
		err   error
		where = target
	)
	if IsPostgres(target) {
		d = postgres
		where = redactURL(target)
		db, err = sql.Open("pgx", target)
	} else {
		d = sqlite
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, fmt.Errorf("history: %s: %w", target, err)
		}
		db, err = sql.Open("sqlite", "file:"+target+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
		if err == nil {
			// One writer at a time; the busy timeout covers other processes.
			db.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("history: open %s: %w", where, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("history: open %s: %w", where, err)
	}
	return &Store{db: db, d: d, where: where}, nil
}

// Where names the store, as a path or a URL without its password.
func (s *Store) Where() string { return s.where }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// redactURL hides the password of a database URL.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return u
	}
	userinfo := rest[:at]
	if name, _, has := strings.Cut(userinfo, ":"); has {
		userinfo = name + ":***"
	}
	return scheme + "://" + userinfo + rest[at:]
}

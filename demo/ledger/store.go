package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// DefaultVersion is the release label used when none is given.
const DefaultVersion = "v1"

// StoreConfig configures the store tier.
type StoreConfig struct {
	// DataDir holds ledger.db; it is created if missing.
	DataDir string
	// Version is the release label echoed in X-Version and /healthz
	// (default DefaultVersion).
	Version string
	// Defects planted in this release; only store-tier defects are allowed.
	Defects Defects
	// Logger receives errors a client cannot see; nil discards them.
	Logger *slog.Logger
}

// Store is the store tier: the entries of the ledger in SQLite, with
// writes made idempotent by request id. It is safe for concurrent use.
type Store struct {
	cfg    StoreConfig
	db     *sql.DB
	schema *schema
}

// OpenStore opens the database of cfg.DataDir and applies every up
// migration of this release (under MigrationRewrite, the rewrite too). It
// fails with ErrSchemaTooNew when a newer release has migrated the
// database further.
func OpenStore(ctx context.Context, cfg StoreConfig) (*Store, error) {
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := cfg.Defects.only(TierStore); err != nil {
		return nil, err
	}
	db, err := openDB(ctx, cfg.DataDir, true)
	if err != nil {
		return nil, err
	}
	s, err := newSchema(ctx, db, ReleaseMigrations(cfg.Defects), nil)
	if err == nil {
		_, err = s.migrateTo(ctx, s.latest(), true)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{cfg: cfg, db: db, schema: s}, nil
}

// Close closes the database; call it once no request is in flight.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("ledger: close store: %w", err)
	}
	return nil
}

// SchemaVersion returns the highest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return s.schema.version(ctx, s.db)
}

// Put writes the entry of request id, once: when id is already applied it
// returns the stored entry and created false, whatever p says. Under the
// double-apply defect it inserts a second posting instead, and the entry
// it returns counts both in Applied.
func (s *Store) Put(ctx context.Context, id string, p Posting) (e Entry, created bool, err error) {
	if err := checkID(id); err != nil {
		return Entry{}, false, err
	}
	if err := p.validate(); err != nil {
		return Entry{}, false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, false, fmt.Errorf("ledger: put %s: %w", id, err)
	}
	defer tx.Rollback() // a no-op after Commit
	if !s.cfg.Defects.DoubleApply {
		e, err := getEntry(ctx, tx, id)
		switch {
		case err == nil:
			return e, false, nil
		case !errors.Is(err, ErrNotFound):
			return Entry{}, false, err
		}
	}
	e = Entry{ID: id, Account: p.Account, Amount: p.Amount, CreatedAt: time.Now().UTC()}
	if err := insertEntry(ctx, tx, e); err != nil {
		return Entry{}, false, err
	}
	if e, err = getEntry(ctx, tx, id); err != nil {
		return Entry{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, false, fmt.Errorf("ledger: put %s: commit: %w", id, err)
	}
	return e, true, nil
}

// Get returns the entry of request id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Entry, error) {
	if err := checkID(id); err != nil {
		return Entry{}, err
	}
	return getEntry(ctx, s.db, id)
}

// Account returns the balance and entry count of an account; an account
// never written to has both at zero.
func (s *Store) Account(ctx context.Context, account string) (Account, error) {
	if err := checkName("account", account, MaxAccountLen); err != nil {
		return Account{}, err
	}
	a := Account{Account: account}
	err := s.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM entries WHERE account = ?`, account).
		Scan(&a.Balance, &a.Entries)
	if err != nil {
		return Account{}, fmt.Errorf("ledger: account %s: %w", account, err)
	}
	return a, nil
}

// getEntry reads the entry that request id produced, through the applied
// journal, so that a double-applied id still reads as its first posting;
// Applied counts every posting of the id.
func getEntry(ctx context.Context, q querier, id string) (Entry, error) {
	var e Entry
	var at string
	err := q.QueryRowContext(ctx, `SELECT e.request_id, e.account, e.amount, e.created_at,
			(SELECT COUNT(*) FROM entries WHERE request_id = a.request_id)
		FROM applied a JOIN entries e ON e.seq = a.seq WHERE a.request_id = ?`, id).
		Scan(&e.ID, &e.Account, &e.Amount, &at, &e.Applied)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("ledger: entry %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("ledger: entry %s: %w", id, err)
	}
	if e.CreatedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return Entry{}, fmt.Errorf("ledger: entry %s: created_at: %w", id, err)
	}
	return e, nil
}

// insertEntry appends a posting and records it in the applied journal. The
// journal keeps the first posting of an id: a second one (double-apply)
// lands in entries only.
func insertEntry(ctx context.Context, tx *sql.Tx, e Entry) error {
	res, err := tx.ExecContext(ctx,
		`INSERT INTO entries (request_id, account, amount, created_at) VALUES (?, ?, ?, ?)`,
		e.ID, e.Account, e.Amount, e.CreatedAt.Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("ledger: put %s: %w", e.ID, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("ledger: put %s: %w", e.ID, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO applied (request_id, seq) VALUES (?, ?) ON CONFLICT (request_id) DO NOTHING`, e.ID, seq); err != nil {
		return fmt.Errorf("ledger: put %s: applied: %w", e.ID, err)
	}
	return nil
}

package ledger

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// dbFileName is the database file inside a data directory.
const dbFileName = "ledger.db"

// DatabasePath returns the path of the ledger database in a data directory.
func DatabasePath(dataDir string) string { return filepath.Join(dataDir, dbFileName) }

// openDB opens (creating if create is set) the ledger database of a data
// directory in WAL mode. Every transaction begins IMMEDIATE, so two writers
// queue on busy_timeout instead of failing on a lock upgrade; synchronous
// FULL makes an acknowledged commit survive a crash of the machine, not
// only of the process.
func openDB(ctx context.Context, dataDir string, create bool) (*sql.DB, error) {
	path := DatabasePath(dataDir)
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("ledger: data dir %q: must not contain '?'", dataDir)
	}
	if create {
		if err := os.MkdirAll(dataDir, perm.Dir); err != nil {
			return nil, fmt.Errorf("ledger: data dir: %w", err)
		}
	} else if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("ledger: %w at %s", ErrNoDatabase, path)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", path, err)
	}
	return db, nil
}

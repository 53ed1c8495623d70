package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"time"
)

// StateDigest identifies the state of a ledger database: its schema
// version and a digest of its data. Two databases with the same rows in
// the same tables have the same digest, whatever their file bytes.
type StateDigest struct {
	Schema int
	// Data is "sha256:" and the hex digest of every row of the ledger's
	// tables.
	Data string
}

// String renders the digest as `ledger migrate digest` prints it.
func (d StateDigest) String() string {
	return fmt.Sprintf("schema=%d data=%s", d.Schema, d.Data)
}

// digestTables are the ledger's tables in digest order, each with the
// order its rows are read in.
var digestTables = []struct{ name, order string }{
	{"entries", "seq"},
	{"applied", "request_id"},
	{"kv", "key"},
	{"flags", "name"},
}

// Digest reads the database in dataDir, without changing it, and returns
// its StateDigest: what an idempotency check compares after one and two
// runs of a rollback. It fails with ErrNoDatabase when there is none.
func Digest(ctx context.Context, dataDir string) (d StateDigest, err error) {
	db, err := openDB(ctx, dataDir, false)
	if err != nil {
		return StateDigest{}, err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("ledger: digest: close: %w", cerr)
		}
	}()
	if d.Schema, err = readSchemaVersion(ctx, db); err != nil {
		return StateDigest{}, err
	}
	h := sha256.New()
	for _, t := range digestTables {
		if err := hashTable(ctx, db, h, t.name, t.order); err != nil {
			return StateDigest{}, err
		}
	}
	d.Data = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// readSchemaVersion reads the highest applied migration, 0 when the
// database has never been migrated.
func readSchemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	if ok, err := tableExists(ctx, db, "schema_migrations"); err != nil || !ok {
		return 0, err
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("ledger: digest: schema version: %w", err)
	}
	return v, nil
}

func tableExists(ctx context.Context, db *sql.DB, name string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("ledger: digest: %w", err)
	}
	return n > 0, nil
}

// hashTable feeds the table's name, columns and rows into h, every value
// tagged with its type and length so that no two tables hash alike. A
// missing table hashes as its name alone.
func hashTable(ctx context.Context, db *sql.DB, h hash.Hash, name, order string) error {
	writeField(h, 't', []byte(name))
	if ok, err := tableExists(ctx, db, name); err != nil || !ok {
		return err
	}
	// name and order come from digestTables, never from input.
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+name+` ORDER BY `+order)
	if err != nil {
		return fmt.Errorf("ledger: digest %s: %w", name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("ledger: digest %s: %w", name, err)
	}
	for _, c := range cols {
		writeField(h, 'c', []byte(c))
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("ledger: digest %s: %w", name, err)
		}
		writeField(h, 'r', nil)
		for _, v := range vals {
			if err := hashValue(h, v); err != nil {
				return fmt.Errorf("ledger: digest %s: %w", name, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: digest %s: %w", name, err)
	}
	return nil
}

// hashValue feeds one SQLite value into h.
func hashValue(h hash.Hash, v any) error {
	var b [8]byte
	switch v := v.(type) {
	case nil:
		writeField(h, 'n', nil)
	case int64:
		binary.BigEndian.PutUint64(b[:], uint64(v))
		writeField(h, 'i', b[:])
	case float64:
		binary.BigEndian.PutUint64(b[:], math.Float64bits(v))
		writeField(h, 'f', b[:])
	case string:
		writeField(h, 's', []byte(v))
	case []byte:
		writeField(h, 'b', v)
	case bool:
		writeField(h, 'o', []byte(fmt.Sprint(v)))
	case time.Time:
		writeField(h, 'd', []byte(v.UTC().Format(time.RFC3339Nano)))
	default:
		return fmt.Errorf("unexpected value type %T", v)
	}
	return nil
}

// writeField feeds a tag, a length and bytes into h; a hash never fails
// to write.
func writeField(h hash.Hash, tag byte, p []byte) {
	var n [9]byte
	n[0] = tag
	binary.BigEndian.PutUint64(n[1:], uint64(len(p)))
	h.Write(n[:])
	h.Write(p)
}

package snapshot_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/faultdrill/faultdrill/snapshot"
)

// benchDataDir returns a data directory holding a SQLite database of
// rows rows (about 100 bytes each).
func benchDataDir(b *testing.B, rows int) string {
	b.Helper()
	dir := b.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range rows {
		if _, err := tx.Exec(`INSERT INTO t (v) VALUES (?)`, fmt.Sprintf("%0100d", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkTakeVerifyRestore is one snapshot round trip of a data
// directory with a ~1.3 MB database: what a drill's snapshot step and a
// restore-snapshot action cost, service stop and start aside.
func BenchmarkTakeVerifyRestore(b *testing.B) {
	dir := benchDataDir(b, 10000)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		snap := filepath.Join(b.TempDir(), fmt.Sprint(i))
		if _, err := snapshot.Take(ctx, dir, snap); err != nil {
			b.Fatal(err)
		}
		if err := snapshot.Verify(snap); err != nil {
			b.Fatal(err)
		}
		if err := snapshot.Restore(ctx, snap, dir); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(snap)
	}
}

// BenchmarkStateDigest digests the same directory: what each run of
// ExecuteTwice costs on top of the plan.
func BenchmarkStateDigest(b *testing.B) {
	dir := benchDataDir(b, 10000)
	for b.Loop() {
		if _, err := snapshot.StateDigest(dir); err != nil {
			b.Fatal(err)
		}
	}
}

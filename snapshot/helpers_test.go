package snapshot_test

import (
	"database/sql"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	_ "modernc.org/sqlite"
)

// openDB opens (creating) a SQLite database in WAL mode with automatic
// checkpoints off, so committed rows stay in the -wal file until a
// checkpoint; it is closed when the spec ends.
func openDB(path string) *sql.DB {
	GinkgoHelper()
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "wal_autocheckpoint(0)")
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+q.Encode())
	Expect(err).NotTo(HaveOccurred())
	db.SetMaxOpenConns(1)
	DeferCleanup(db.Close)
	return db
}

// exec runs statements or fails the spec.
func exec(db *sql.DB, stmts ...string) {
	GinkgoHelper()
	for _, s := range stmts {
		_, err := db.Exec(s)
		Expect(err).NotTo(HaveOccurred(), s)
	}
}

// ledgerDB creates dir/app.db with an accounts table, an index and a few
// rows, and closes it (checkpointing its WAL).
func ledgerDB(dir string) string {
	GinkgoHelper()
	path := filepath.Join(dir, "app.db")
	db := openDB(path)
	exec(db,
		`CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, note BLOB)`,
		`CREATE INDEX accounts_balance ON accounts (balance)`,
		`CREATE TABLE events (at INTEGER, what TEXT)`, // no primary key
		`PRAGMA user_version = 3`,
		`INSERT INTO accounts VALUES ('alice', 100, x'00ff'), ('bob', 50, NULL), ('carol', 7, 'n')`,
		`INSERT INTO events VALUES (1, 'open'), (2, 'deposit'), (2, 'deposit')`,
	)
	Expect(db.Close()).To(Succeed())
	return path
}

// writeFile writes a file under dir, creating its parents.
func writeFile(dir, rel, content string, perm fs.FileMode) {
	GinkgoHelper()
	p := filepath.Join(dir, rel)
	Expect(os.MkdirAll(filepath.Dir(p), 0o755)).To(Succeed())
	Expect(os.WriteFile(p, []byte(content), perm)).To(Succeed())
	Expect(os.Chmod(p, perm)).To(Succeed())
}

// tree returns every regular file under dir with its content and mode,
// keyed by relative path.
func tree(dir string) map[string]string {
	GinkgoHelper()
	out := map[string]string{}
	Expect(filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		out[rel] = info.Mode().String() + " " + string(b)
		return nil
	})).To(Succeed())
	return out
}

// contents returns every regular file under dir with its content, keyed
// by relative path.
func contents(dir string) map[string]string {
	GinkgoHelper()
	out := map[string]string{}
	for rel, s := range tree(dir) {
		_, body, _ := strings.Cut(s, " ")
		out[rel] = body
	}
	return out
}

// modes returns the mode of every file and folder under dir (dir itself
// left out), keyed by relative path.
func modes(dir string) map[string]fs.FileMode {
	GinkgoHelper()
	out := map[string]fs.FileMode{}
	Expect(filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = info.Mode().Perm()
		return nil
	})).To(Succeed())
	return out
}

// flipByte inverts one byte of a file in place.
func flipByte(path string, at int64) {
	GinkgoHelper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	b := make([]byte, 1)
	_, err = f.ReadAt(b, at)
	Expect(err).NotTo(HaveOccurred())
	b[0] ^= 0xff
	_, err = f.WriteAt(b, at)
	Expect(err).NotTo(HaveOccurred())
}

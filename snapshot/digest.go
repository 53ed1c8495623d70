package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// sqliteSidecars are the suffixes of the files SQLite keeps next to a
// database; their content is read through the database itself.
var sqliteSidecars = []string{"-wal", "-shm", "-journal"}

// StateDigest returns a SHA-256, in hex, of the state held in dir. For
// every SQLite database (found by its header) it hashes the user_version,
// the schema (sqlite_master's SQL) and every table's rows in primary-key
// order, read through SQLite from a private copy of the database and its
// WAL, so dir is never changed; for every other file, its path and
// content. The digest does not change when SQLite rewrites its pages
// (VACUUM, a WAL checkpoint) and changes with any row, schema or file
// change. The -wal, -shm and -journal files of a database are not hashed
// by content, since reading the database includes them. dir must be
// quiescent: the service that writes it stopped or idle.
func StateDigest(dir string) (string, error) {
	sum, err := stateDigest(context.Background(), dir)
	if err != nil {
		return "", fmt.Errorf("snapshot: state digest of %s: %w", dir, err)
	}
	return sum, nil
}

func stateDigest(ctx context.Context, dir string) (string, error) {
	paths, err := regularFiles(dir)
	if err != nil {
		return "", err
	}
	databases := map[string]bool{}
	for _, p := range paths {
		ok, err := IsSQLite(filepath.Join(dir, p))
		if err != nil {
			return "", err
		}
		databases[p] = ok
	}
	h := sha256.New()
	for _, p := range paths {
		full := filepath.Join(dir, p)
		switch {
		case isSidecar(p, databases):
			continue
		case databases[p]:
			writeField(h, "sqlite", filepath.ToSlash(p))
			if err := digestSQLite(ctx, full, h); err != nil {
				return "", fmt.Errorf("%s: %w", p, err)
			}
		default:
			_, sum, err := hashFile(ctx, full)
			if err != nil {
				return "", err
			}
			writeField(h, "file", filepath.ToSlash(p), sum)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// regularFiles returns the paths, relative to dir and sorted, of the
// regular files under dir.
func regularFiles(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		paths = append(paths, rel)
		return nil
	})
	slices.Sort(paths)
	return paths, err
}

// isSidecar reports whether p is the -wal, -shm or -journal file of one of
// the databases.
func isSidecar(p string, databases map[string]bool) bool {
	for _, suffix := range sqliteSidecars {
		if db, ok := strings.CutSuffix(p, suffix); ok && databases[db] {
			return true
		}
	}
	return false
}

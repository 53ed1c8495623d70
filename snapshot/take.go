package snapshot

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotRegular means the data directory holds something a snapshot cannot
// copy faithfully: a symbolic link, a socket, a device or a named pipe.
var ErrNotRegular = errors.New("not a regular file or directory")

// ErrDestinationExists means the snapshot's destination is a file or a
// directory that is not empty; a snapshot never overwrites anything.
var ErrDestinationExists = errors.New("destination exists and is not empty")

// Take copies every regular file under srcDir into destDir/data and writes
// destDir/manifest.json with each file's path, size, permissions and
// SHA-256. SQLite's -wal and -shm files are ordinary files here and are
// copied with the database; the caller stops the service first so that
// the files form one consistent state. destDir must not exist or be an
// empty directory; on error it is left empty, so no half snapshot remains
// (and a snapshot without its manifest would fail Verify anyway).
func Take(ctx context.Context, srcDir, destDir string) (Manifest, error) {
	m, err := take(ctx, srcDir, destDir)
	if err != nil {
		return Manifest{}, fmt.Errorf("snapshot: take %s: %w", srcDir, err)
	}
	return m, nil
}

func take(ctx context.Context, srcDir, destDir string) (m Manifest, err error) {
	info, err := os.Stat(srcDir)
	if err != nil {
		return m, err
	}
	if !info.IsDir() {
		return m, fmt.Errorf("%w: not a directory", fs.ErrInvalid)
	}
	if err := prepareDest(destDir); err != nil {
		return m, err
	}
	defer func() {
		if err != nil {
			removeContents(destDir)
		}
	}()
	data := filepath.Join(destDir, DataDir)
	if err := os.Mkdir(data, perm.Dir); err != nil {
		return m, err
	}
	files, err := copyTree(ctx, srcDir, data)
	if err != nil {
		return m, err
	}
	if err := syncDir(data); err != nil {
		return m, err
	}
	abs, err := filepath.Abs(srcDir)
	if err != nil {
		abs = srcDir
	}
	m = Manifest{Format: Format, Source: abs, Files: files}
	m.Digest = m.ListDigest()
	if err := writeManifest(destDir, m); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// prepareDest makes sure destDir is an empty directory, creating it (and
// its parents) when it does not exist.
func prepareDest(destDir string) error {
	entries, err := os.ReadDir(destDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(destDir, perm.Dir)
	case err != nil:
		if _, serr := os.Stat(destDir); serr == nil {
			return fmt.Errorf("%s: %w", destDir, ErrDestinationExists)
		}
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s: %w", destDir, ErrDestinationExists)
	}
	return nil
}

// removeContents empties dir, leaving dir itself.
func removeContents(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// copyTree copies the regular files and directories under src into dst
// (which exists) and returns the files' entries sorted by path.
func copyTree(ctx context.Context, src, dst string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case info.IsDir():
			return os.Mkdir(target, perm.Dir)
		case !info.Mode().IsRegular():
			return fmt.Errorf("%s: %w (%s)", rel, ErrNotRegular, info.Mode().Type())
		}
		// The copy is private; the manifest keeps the source's mode, which
		// a restore puts back.
		mode := info.Mode().Perm()
		size, sum, err := copyFile(ctx, path, target, perm.File)
		if err != nil {
			return err
		}
		files = append(files, File{Path: filepath.ToSlash(rel), Size: size, Mode: Mode(mode), SHA256: sum})
		return nil
	})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, err
}

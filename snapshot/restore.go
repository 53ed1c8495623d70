package snapshot

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Restore replaces the contents of dataDir with the snapshot in snapDir.
// It verifies the snapshot first and refuses a corrupted one (the error
// wraps ErrCorrupt) without touching dataDir. It then copies the snapshot
// into a temporary sibling of dataDir, checking every file's SHA-256 again
// as it goes, and swaps the two directories with renames, so dataDir is
// either entirely the old state or entirely the snapshot. The service that
// owns dataDir must be stopped.
func Restore(ctx context.Context, snapDir, dataDir string) error {
	if err := restore(ctx, snapDir, dataDir); err != nil {
		return fmt.Errorf("snapshot: restore %s into %s: %w", snapDir, dataDir, err)
	}
	return nil
}

func restore(ctx context.Context, snapDir, dataDir string) error {
	m, err := verify(ctx, snapDir)
	if err != nil {
		return err
	}
	dataDir = filepath.Clean(dataDir)
	parent, base := filepath.Dir(dataDir), filepath.Base(dataDir)
	mode := perm.Dir
	if info, err := os.Stat(dataDir); err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%w: %s is not a directory", fs.ErrInvalid, dataDir)
		}
		mode = info.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	staged, err := os.MkdirTemp(parent, "."+base+".restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staged) // a no-op once it has been renamed
	if err := stage(ctx, filepath.Join(snapDir, DataDir), staged, m); err != nil {
		return err
	}
	if err := os.Chmod(staged, mode); err != nil {
		return err
	}
	return swap(staged, dataDir)
}

// stage copies the manifest's files from the snapshot's data folder into
// dir, failing with a *CorruptError when a file no longer matches.
func stage(ctx context.Context, data, dir string, m Manifest) error {
	for _, f := range m.Files {
		rel := filepath.FromSlash(f.Path)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), perm.Dir); err != nil {
			return err
		}
		size, sum, err := copyFile(ctx, filepath.Join(data, rel), dst, fs.FileMode(f.Mode))
		if err != nil {
			return err
		}
		if size != f.Size || sum != f.SHA256 {
			return &CorruptError{Path: f.Path, Problem: Changed, Detail: "changed while being restored"}
		}
	}
	return syncDir(dir)
}

// swap puts staged in place of dataDir. The old dataDir is moved aside
// first and put back if the second rename fails; it is removed only once
// the snapshot is in place.
func swap(staged, dataDir string) error {
	parent := filepath.Dir(dataDir)
	aside, err := os.MkdirTemp(parent, "."+filepath.Base(dataDir)+".old-")
	if err != nil {
		return err
	}
	old := filepath.Join(aside, "data")
	hadOld := true
	if err := os.Rename(dataDir, old); errors.Is(err, fs.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		os.Remove(aside)
		return err
	}
	if err := os.Rename(staged, dataDir); err != nil {
		if !hadOld {
			os.Remove(aside)
			return err
		}
		if rerr := os.Rename(old, dataDir); rerr != nil {
			return errors.Join(err, fmt.Errorf("putting the old data back failed, it is kept at %s: %w", old, rerr))
		}
		os.Remove(aside)
		return err
	}
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("restored, but removing the old data at %s: %w", old, err)
	}
	return syncDir(parent)
}

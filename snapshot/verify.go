package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultdrill/faultdrill/internal/perm"
)

// ErrCorrupt is the sentinel every verification failure wraps: the
// snapshot's files or its manifest no longer match.
var ErrCorrupt = errors.New("snapshot corrupt")

// Problem says what is wrong with one file of a snapshot.
type Problem string

// The problems Verify reports.
const (
	// Changed: the file's content, size or permissions differ from the
	// manifest, or it is no longer a regular file.
	Changed Problem = "changed"
	// Missing: the manifest lists the file but the snapshot lacks it.
	Missing Problem = "missing"
	// Extra: the snapshot holds a file the manifest does not list.
	Extra Problem = "extra"
	// BadManifest: the manifest cannot be read, or its digest does not
	// match its own file list (it was edited).
	BadManifest Problem = "bad manifest"
)

// CorruptError names one file of a snapshot that failed verification and
// why. It wraps ErrCorrupt.
type CorruptError struct {
	// Path is relative to the snapshot's data folder, or ManifestName.
	Path    string
	Problem Problem
	// Detail says what differs, such as "sha256 9f86… != manifest 2c26…".
	Detail string
}

// Error implements error.
func (e *CorruptError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s: %s", e.Path, e.Problem)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Path, e.Problem, e.Detail)
}

// Unwrap returns ErrCorrupt.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }

// Verify checks a snapshot directory against its manifest: the manifest's
// own digest, then every file's presence, size, permissions and SHA-256,
// then that no file was added. Every problem found is returned, each a
// *CorruptError (errors.Is(err, ErrCorrupt) holds; errors.As finds the
// first). A snapshot directory that does not exist is reported with
// fs.ErrNotExist, not as corrupt.
func Verify(snapDir string) error {
	_, err := verify(context.Background(), snapDir)
	return err
}

// verify is Verify with cancellation; it returns the verified manifest.
func verify(ctx context.Context, snapDir string) (Manifest, error) {
	if _, err := os.Stat(snapDir); err != nil {
		return Manifest{}, fmt.Errorf("snapshot: verify: %w", err)
	}
	m, err := readManifest(snapDir)
	if err != nil {
		problem := BadManifest
		if errors.Is(err, fs.ErrNotExist) {
			problem = Missing
		}
		return m, corrupt(snapDir, &CorruptError{Path: ManifestName, Problem: problem, Detail: err.Error()})
	}
	if bad := checkManifest(m); bad != nil {
		return m, corrupt(snapDir, bad)
	}
	problems, err := checkFiles(ctx, filepath.Join(snapDir, DataDir), m)
	if err != nil {
		return m, fmt.Errorf("snapshot: verify %s: %w", snapDir, err)
	}
	if len(problems) > 0 {
		return m, corrupt(snapDir, problems...)
	}
	return m, nil
}

// corrupt wraps the problems of one snapshot in a single error.
func corrupt(snapDir string, problems ...error) error {
	return fmt.Errorf("snapshot: verify %s: %w", snapDir, errors.Join(problems...))
}

// checkManifest checks the manifest's format, its paths and its digest.
func checkManifest(m Manifest) *CorruptError {
	if m.Format != Format {
		return &CorruptError{Path: ManifestName, Problem: BadManifest, Detail: fmt.Sprintf("format %d, want %d", m.Format, Format)}
	}
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		if !fs.ValidPath(f.Path) || f.Path == "." || seen[f.Path] {
			return &CorruptError{Path: ManifestName, Problem: BadManifest, Detail: fmt.Sprintf("invalid or repeated path %q", f.Path)}
		}
		seen[f.Path] = true
	}
	if got := m.ListDigest(); got != m.Digest {
		return &CorruptError{Path: ManifestName, Problem: BadManifest,
			Detail: fmt.Sprintf("digest %s does not match its file list (%s)", short(m.Digest), short(got))}
	}
	return nil
}

// checkFiles compares the files under data with the manifest's entries.
func checkFiles(ctx context.Context, data string, m Manifest) ([]error, error) {
	var problems []error
	listed := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		listed[f.Path] = true
		if p, err := checkFile(ctx, data, f); err != nil {
			return nil, err
		} else if p != nil {
			problems = append(problems, p)
		}
	}
	err := filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == data {
				return nil // every listed file is already reported missing
			}
			return err
		}
		rel, err := filepath.Rel(data, path)
		if err != nil {
			return err
		}
		if !d.IsDir() && !listed[filepath.ToSlash(rel)] {
			problems = append(problems, &CorruptError{Path: filepath.ToSlash(rel), Problem: Extra, Detail: "not in the manifest"})
		}
		return nil
	})
	return problems, err
}

// checkFile compares one file with its manifest entry; it returns the
// problem, or an error when the check itself could not run.
func checkFile(ctx context.Context, data string, f File) (*CorruptError, error) {
	path := filepath.Join(data, filepath.FromSlash(f.Path))
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &CorruptError{Path: f.Path, Problem: Missing}, nil
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return &CorruptError{Path: f.Path, Problem: Changed, Detail: "no longer a regular file"}, nil
	case info.Mode().Perm() != perm.File:
		// The copy is always private; the manifest's mode is the source's,
		// which a restore puts back.
		return &CorruptError{Path: f.Path, Problem: Changed,
			Detail: fmt.Sprintf("mode %04o, a snapshot's files are %04o", uint32(info.Mode().Perm()), uint32(perm.File))}, nil
	case info.Size() != f.Size:
		return &CorruptError{Path: f.Path, Problem: Changed,
			Detail: fmt.Sprintf("size %d, manifest says %d", info.Size(), f.Size)}, nil
	}
	_, sum, err := hashFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if sum != f.SHA256 {
		return &CorruptError{Path: f.Path, Problem: Changed,
			Detail: fmt.Sprintf("sha256 %s, manifest says %s", short(sum), short(f.SHA256))}, nil
	}
	return nil, nil
}

// short abbreviates a hex digest for messages.
func short(sum string) string {
	if len(sum) <= 12 {
		return sum
	}
	return strings.ToLower(sum[:12]) + "…"
}

// Package snapshot copies a service's data directory together with a
// SHA-256 manifest, verifies a copy against its manifest, restores a
// verified copy, and digests a data directory's state (schema and data)
// in a way that does not depend on how SQLite laid it out on disk.
//
// A snapshot directory holds manifest.json and the copied files under
// data/. The manifest is written last: a directory without one is not a
// snapshot.
package snapshot

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// ManifestName is the file name of a snapshot's manifest.
const ManifestName = "manifest.json"

// DataDir is the folder of a snapshot that holds the copied files.
const DataDir = "data"

// Format is the manifest format this package writes and reads.
const Format = 1

// Manifest lists every file of a snapshot with its size, permissions and
// SHA-256, sorted by path, and a digest of that list.
type Manifest struct {
	Format int `json:"format"`
	// Source is the data directory the snapshot was taken from, for the
	// record only.
	Source string `json:"source,omitempty"`
	Files  []File `json:"files"`
	// Digest is the SHA-256 of the file list (see ListDigest); it changes
	// when any entry does.
	Digest string `json:"digest"`
}

// File is one regular file of a snapshot.
type File struct {
	// Path is slash-separated and relative to the data directory.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	Mode   Mode   `json:"mode"`
	SHA256 string `json:"sha256"`
}

// Mode holds a file's permission bits; it is written as octal text
// ("0644") so a person can read the manifest.
type Mode fs.FileMode

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "%04o", uint32(fs.FileMode(m).Perm())), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := strconv.ParseUint(string(b), 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("snapshot: mode %q: want octal permission bits such as 0644", b)
	}
	*m = Mode(v)
	return nil
}

// ListDigest returns the SHA-256, in hex, of the manifest's file list:
// every entry's path, size, mode and hash, in order.
func (m Manifest) ListDigest() string {
	h := sha256.New()
	for _, f := range m.Files {
		fmt.Fprintf(h, "%s\x00%d\x00%04o\x00%s\n", f.Path, f.Size, uint32(f.Mode), f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readManifest reads and decodes the manifest of a snapshot directory.
func readManifest(snapDir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(snapDir, ManifestName))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	return m, nil
}

// writeManifest writes the manifest into the snapshot directory through a
// temporary file and a rename, so a reader never sees half of one.
func writeManifest(snapDir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(snapDir, ManifestName+".tmp")
	if err := writeFileSync(tmp, append(b, '\n'), perm.File); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(snapDir, ManifestName)); err != nil {
		return err
	}
	return syncDir(snapDir)
}

// Package archive extracts tar archives that may come from an untrusted
// place (a container's volume) without letting any entry land outside the
// target folder: every write goes through an os.Root, and entries that
// try to leave it are refused before anything is written for them.
package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"github.com/faultdrill/faultdrill/internal/perm"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// ErrUnsafe is matched, through errors.Is, by the error of an entry that
// is refused: an absolute path or one with "..", a symbolic or hard link
// that leaves the target folder, a device file or a named pipe.
var ErrUnsafe = errors.New("unsafe archive entry")

// Modes of what is extracted. Evidence copied out of a system may hold
// secrets, so only the user who runs the drill may read it.
const (
	dirMode  fs.FileMode = perm.Dir
	fileMode fs.FileMode = perm.File
)

// Options change how Extract names entries.
type Options struct {
	// Strip drops this many leading components of every entry name, as
	// tar --strip-components does; entries left with no name are skipped.
	Strip int
	// MaxBytes, when above 0, bounds the total size of the regular files
	// extracted: an archive that declares more fails with ErrTooLarge
	// before the file that would pass it is written. (A sparse entry can
	// declare terabytes in a few bytes of archive.)
	MaxBytes int64
}

// ErrTooLarge is matched by the error of an archive whose files add up
// to more than Options.MaxBytes.
var ErrTooLarge = errors.New("archive larger than its limit")

// Stats counts the regular files extracted and their bytes.
type Stats struct {
	Files int
	Bytes int64
}

// Untar extracts the archive read from r into dir, which must exist.
func Untar(r io.Reader, dir string) error {
	_, err := Extract(r, dir, Options{})
	return err
}

// Extract extracts the archive read from r into dir, which must exist.
// Folders, regular files, and symbolic and hard links that stay inside
// dir are extracted; folders are made 0700 and files 0600, whatever the
// archive says. An unsafe entry stops the extraction with ErrUnsafe; what
// was extracted before it stays.
func Extract(r io.Reader, dir string, o Options) (Stats, error) {
	var st Stats
	root, err := os.OpenRoot(dir)
	if err != nil {
		return st, fmt.Errorf("archive: %w", err)
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("archive: read: %w", err)
		}
		name, ok, err := entryName(h.Name, o.Strip)
		if err != nil {
			return st, err
		}
		if !ok {
			continue
		}
		if o.MaxBytes > 0 && h.Typeflag == tar.TypeReg && h.Size > o.MaxBytes-st.Bytes {
			return st, fmt.Errorf("archive: %s: %w of %d bytes", name, ErrTooLarge, o.MaxBytes)
		}
		n, err := extract(root, tr, h, name, o)
		if err != nil {
			return st, err
		}
		if h.Typeflag == tar.TypeReg {
			st.Files++
			st.Bytes += n
		}
	}
}

// entryName checks an archive path and returns it with strip leading
// components dropped; ok is false when nothing is left.
func entryName(name string, strip int) (string, bool, error) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return "", false, fmt.Errorf("%w: %q is not a relative path", ErrUnsafe, name)
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "..":
			return "", false, fmt.Errorf("%w: %q climbs out with \"..\"", ErrUnsafe, name)
		case "", ".":
		default:
			parts = append(parts, p)
		}
	}
	if len(parts) <= strip {
		return "", false, nil
	}
	return path.Join(parts[strip:]...), true, nil
}

// extract writes one entry at name inside root and returns the bytes of a
// regular file.
func extract(root *os.Root, tr *tar.Reader, h *tar.Header, name string, o Options) (int64, error) {
	fail := func(err error) (int64, error) { return 0, fmt.Errorf("archive: %s: %w", name, err) }
	switch h.Typeflag {
	case tar.TypeDir:
		if err := root.MkdirAll(name, dirMode); err != nil {
			return fail(err)
		}
	case tar.TypeReg:
		if err := replace(root, name); err != nil {
			return fail(err)
		}
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
		if err != nil {
			return fail(err)
		}
		n, err := io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fail(err)
		}
		_ = root.Chtimes(name, h.ModTime, h.ModTime)
		return n, nil
	case tar.TypeSymlink:
		if err := linkInside(name, h.Linkname); err != nil {
			return 0, err
		}
		if err := replace(root, name); err != nil {
			return fail(err)
		}
		if err := root.Symlink(h.Linkname, name); err != nil {
			return fail(err)
		}
	case tar.TypeLink:
		old, ok, err := entryName(h.Linkname, o.Strip)
		if err != nil || !ok {
			return 0, fmt.Errorf("%w: hard link %q -> %q leaves the target folder", ErrUnsafe, h.Name, h.Linkname)
		}
		if err := replace(root, name); err != nil {
			return fail(err)
		}
		if err := root.Link(old, name); err != nil {
			return fail(err)
		}
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		return 0, fmt.Errorf("%w: %q is a device file or a named pipe", ErrUnsafe, h.Name)
	}
	// Other entries (global headers, vendor extensions) carry no file.
	return 0, nil
}

// linkInside checks that a symbolic link at name, pointing at target,
// resolves inside the folder (read as written: the os.Root guards the
// writes that follow whatever it resolves to).
func linkInside(name, target string) error {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: symbolic link %q -> %q leaves the target folder", ErrUnsafe, name, target)
	}
	to := path.Join(path.Dir(name), target)
	if to == ".." || strings.HasPrefix(to, "../") {
		return fmt.Errorf("%w: symbolic link %q -> %q leaves the target folder", ErrUnsafe, name, target)
	}
	return nil
}

// replace removes what an earlier entry left at name (a later entry of
// the same name wins, as with tar), so that a new file is never written
// through an old link.
func replace(root *os.Root, name string) error {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, dirMode); err != nil {
			return err
		}
	}
	fi, err := root.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.IsDir():
		return fmt.Errorf("a folder of that name exists")
	}
	return root.Remove(name)
}

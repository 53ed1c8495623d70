package docker

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// errUnsafePath marks an archive entry that would land outside its folder.
var errUnsafePath = errors.New("archive entry outside the target folder")

// copied counts what moved between a volume and a host folder.
type copied struct {
	files int
	bytes int64
}

func (c copied) String() string { return fmt.Sprintf("%d files, %d bytes", c.files, c.bytes) }

// untar extracts the archive of a folder (entries named FOLDER/...) into
// dest, dropping the first path component. Regular files, folders and
// symbolic links are kept; other entries are skipped.
func untar(r io.Reader, dest string) (copied, error) {
	var n copied
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("read archive: %w", err)
		}
		rel, ok := stripFirst(h.Name)
		if !ok {
			continue // the folder itself
		}
		target := filepath.Join(dest, filepath.FromSlash(rel))
		if !strings.HasPrefix(target, filepath.Clean(dest)+string(os.PathSeparator)) {
			return n, fmt.Errorf("%w: %q", errUnsafePath, h.Name)
		}
		if err := extract(tr, h, target); err != nil {
			return n, err
		}
		if h.Typeflag == tar.TypeReg {
			n.files++
			n.bytes += h.Size
		}
	}
}

// stripFirst drops the first component of an archive path; ok is false
// when nothing is left.
func stripFirst(name string) (string, bool) {
	clean := path.Clean(strings.TrimPrefix(name, "/"))
	_, rest, ok := strings.Cut(clean, "/")
	return rest, ok && rest != ""
}

// extract writes one archive entry at target.
func extract(tr *tar.Reader, h *tar.Header, target string) error {
	switch h.Typeflag {
	case tar.TypeDir:
		if err := os.MkdirAll(target, perm.Dir); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
	case tar.TypeReg:
		if err := os.MkdirAll(filepath.Dir(target), perm.Dir); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm.File)
		if err != nil {
			return fmt.Errorf("extract: %w", err)
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("extract %s: %w", target, err)
		}
		_ = os.Chtimes(target, h.ModTime, h.ModTime)
	case tar.TypeSymlink:
		if err := os.Symlink(h.Linkname, target); err != nil {
			return fmt.Errorf("extract: %w", err)
		}
	}
	return nil
}

// tarDir writes an archive of the contents of dir (entry names relative to
// it) to w: regular files, folders and symbolic links.
func tarDir(dir string, w io.Writer) (copied, error) {
	var n copied
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		case !info.Mode().IsRegular() && !info.IsDir():
			return nil
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		n.files++
		n.bytes += info.Size()
		return copyFile(tw, p)
	})
	if err != nil {
		return n, fmt.Errorf("archive %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return n, fmt.Errorf("archive %s: %w", dir, err)
	}
	return n, nil
}

func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

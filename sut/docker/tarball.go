package docker

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/faultdrill/faultdrill/internal/archive"
)

// copied counts what moved between a volume and a host folder.
type copied struct {
	files int
	bytes int64
}

func (c copied) String() string { return fmt.Sprintf("%d files, %d bytes", c.files, c.bytes) }

// untar extracts the archive of a folder (entries named FOLDER/...) into
// dest, dropping the first path component. It goes through
// internal/archive: the archive comes out of a container, which the drill
// does not trust, so no entry may land outside dest, links that leave it
// and device files are refused, and what is written is private (0700
// folders, 0600 files).
func untar(r io.Reader, dest string) (copied, error) {
	st, err := archive.Extract(r, dest, archive.Options{Strip: 1})
	return copied{files: st.Files, bytes: st.Bytes}, err
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

package reports

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Report formats Render writes, and the file each one goes to.
const (
	FormatMarkdown = "md"
	FormatJUnit    = "junit"
	FormatHTML     = "html"

	MarkdownFileName = "summary.md"
	JUnitFileName    = "junit.xml"
	HTMLFileName     = "report.html"
)

// ErrFormat means a report format is not one of Formats.
var ErrFormat = errors.New("unknown report format")

// Formats returns the formats Render knows, in the order it writes them.
func Formats() []string { return []string{FormatMarkdown, FormatJUnit, FormatHTML} }

// Render renders the drill folder dir's report.json (and, for HTML, its
// journal.jsonl, when there is one) into the given formats — all of
// Formats when none is given — next to report.json, and returns the paths
// it wrote in the order of Formats. Each file is written to a temporary
// name and renamed, so a reader never sees half a file. An unknown format
// is an ErrFormat before anything is written.
func Render(dir string, formats ...string) ([]string, error) {
	want, err := selectFormats(formats)
	if err != nil {
		return nil, err
	}
	r, err := Read(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	var journal []JournalEntry
	if slices.Contains(want, FormatHTML) {
		journal, err = ReadJournal(filepath.Join(dir, JournalFileName))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	var paths []string
	for _, f := range want {
		var path string
		switch f {
		case FormatMarkdown:
			path, err = writeFile(filepath.Join(dir, MarkdownFileName), func(w io.Writer) error { return WriteMarkdown(w, r) })
		case FormatJUnit:
			path, err = writeFile(filepath.Join(dir, JUnitFileName), func(w io.Writer) error { return WriteJUnit(w, r) })
		case FormatHTML:
			// Listed last, so that the files just rendered are linked.
			var files []Artifact
			if files, err = Artifacts(dir); err != nil {
				return paths, err
			}
			path, err = writeFile(filepath.Join(dir, HTMLFileName), func(w io.Writer) error { return WriteHTML(w, r, journal, files) })
		}
		if err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// selectFormats checks formats and returns them deduplicated in the order
// of Formats; none means all.
func selectFormats(formats []string) ([]string, error) {
	all := Formats()
	if len(formats) == 0 {
		return all, nil
	}
	for _, f := range formats {
		if !slices.Contains(all, f) {
			return nil, fmt.Errorf("reports: %q (want one of %v): %w", f, all, ErrFormat)
		}
	}
	return slices.DeleteFunc(all, func(f string) bool { return !slices.Contains(formats, f) }), nil
}

// writeFile writes path atomically through a buffered writer.
func writeFile(path string, write func(io.Writer) error) (string, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm.File)
	if err != nil {
		return "", fmt.Errorf("reports: write: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("reports: write %s: %w", filepath.Base(path), err)
	}
	return path, nil
}

package sut

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const (
	// tailLines and tailBytes bound the log tail a StartError keeps.
	tailLines = 10
	tailBytes = 4 << 10
)

// openLog opens (appending) the log of one service version, writes a header
// line for this start and returns the file with the offset where this
// start's output begins. redact, if set, is applied to the header.
func openLog(path, service, version string, argv []string, redact func(string) string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, perm.File)
	if err != nil {
		return nil, 0, fmt.Errorf("sut: open log: %w", err)
	}
	header := fmt.Sprintf("--- faultdrill %s: start %s %s: %s\n",
		time.Now().Format(time.RFC3339), service, version, strings.Join(argv, " "))
	if redact != nil {
		header = redact(header)
	}
	if _, err := f.WriteString(header); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("sut: write log %s: %w", path, err)
	}
	off, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("sut: seek log %s: %w", path, err)
	}
	return f, off, nil
}

// LogTail returns the last lines of path written after offset, or "" when
// nothing was written or the log cannot be read.
func LogTail(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.Size() <= offset {
		return ""
	}
	from := max(offset, info.Size()-tailBytes)
	buf := make([]byte, info.Size()-from)
	n, _ := f.ReadAt(buf, from)
	lines := strings.Split(strings.TrimRight(string(buf[:n]), "\n"), "\n")
	if from > offset && len(lines) > 1 {
		lines = lines[1:] // the first line was cut
	}
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return strings.Join(lines, "\n")
}

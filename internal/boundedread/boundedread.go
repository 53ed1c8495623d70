// Package boundedread reads whole inputs (files, pipes, devices) with a
// cap on their size that holds before the bytes are in memory: at most
// limit+1 bytes are ever read, so /dev/zero or an endless pipe costs no
// more than a file one byte over the limit.
package boundedread

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is matched, through errors.Is, by the error of an input
// larger than its limit.
var ErrTooLarge = errors.New("input too large")

// TooLargeError is the error of an input larger than Limit bytes.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than the limit of %s", Size(e.Limit))
}

// Is makes a TooLargeError match ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// All reads r to its end, or fails with a *TooLargeError as soon as it has
// read more than limit bytes.
func All(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return b, nil
}

// File reads the file at path as All does. A regular file larger than
// limit is refused from its size, without reading it.
func File(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		switch {
		case fi.IsDir():
			return nil, fmt.Errorf("%s is a folder, not a file", path)
		case fi.Mode().IsRegular() && fi.Size() > limit:
			return nil, &TooLargeError{Limit: limit}
		}
	}
	return All(f, limit)
}

// Size formats a byte count the way limits are written: 256 KiB, 16 MiB.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

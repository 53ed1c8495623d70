package docker

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// saveLogs appends the container's whole output (stdout and stderr) to its
// log file under a header line that says why, and returns the offset where
// the output begins. It is called before every removal of a container, so
// a container's logs are saved exactly once.
func (r *Runtime) saveLogs(ctx context.Context, c *ctr, why string) (int64, error) {
	f, err := os.OpenFile(c.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, perm.File)
	if err != nil {
		return 0, fmt.Errorf("docker: open log: %w", err)
	}
	defer f.Close()
	header := fmt.Sprintf("--- faultdrill %s: container %s of %s (%s %s): %s\n",
		time.Now().Format(time.RFC3339), shortID(c.id), c.image, c.service, c.version, why)
	if _, err := f.WriteString(header); err != nil {
		return 0, fmt.Errorf("docker: write log %s: %w", c.logPath, err)
	}
	off, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("docker: seek log %s: %w", c.logPath, err)
	}
	rc, err := c.c.Logs(ctx)
	if err != nil {
		return off, fmt.Errorf("docker: logs of %s: %w", shortID(c.id), err)
	}
	defer rc.Close()
	if _, err := io.Copy(f, rc); err != nil && err != io.EOF {
		return off, fmt.Errorf("docker: save logs of %s: %w", shortID(c.id), err)
	}
	return off, nil
}

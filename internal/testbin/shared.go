package testbin

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// Shared is a folder the parallel processes of one ginkgo suite share, so
// that a binary or an image is built once per suite, not once per process
// or per spec. Process 1 makes it in SynchronizedBeforeSuite and hands its
// path to the others; SynchronizedAfterSuite removes it on process 1.
//
// Whatever is built through it is built by the first process that asks,
// under a file lock: the others wait for it, then reuse it.
type Shared struct {
	// Dir is the shared folder.
	Dir string
}

// NewShared makes a new shared folder under the system's temporary folder.
func NewShared() (Shared, error) {
	dir, err := os.MkdirTemp("", "faultdrill-suite-")
	if err != nil {
		return Shared{}, fmt.Errorf("testbin: %w", err)
	}
	return Shared{Dir: dir}, nil
}

// Binary returns the path of the Go package at importPath built statically
// into the shared folder, building it on first use.
func (s Shared) Binary(importPath string) (string, error) {
	name := strings.NewReplacer("/", "_", ".", "_").Replace(importPath)
	bin := filepath.Join(s.Dir, "bin", name, filepath.Base(importPath))
	err := s.Once("bin-"+name, func() error { return build(importPath, bin) })
	if err != nil {
		return "", err
	}
	return bin, nil
}

// Once runs do the first time any process of the suite asks for name, and
// waits while another process runs it. A failed do is tried again by the
// next caller.
func (s Shared) Once(name string, do func() error) error {
	if s.Dir == "" {
		return errors.New("testbin: the shared folder is not set; make it in SynchronizedBeforeSuite")
	}
	lock, err := os.OpenFile(filepath.Join(s.Dir, name+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("testbin: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("testbin: lock %s: %w", name, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing unlocks too
	done := filepath.Join(s.Dir, name+".done")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	if err := do(); err != nil {
		return err
	}
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		return fmt.Errorf("testbin: %w", err)
	}
	return nil
}

// build compiles importPath into bin with CGO disabled.
func build(importPath, bin string) error {
	cmd := exec.Command("go", "build", "-o", bin, importPath)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testbin: go build %s: %w\n%s", importPath, err, out)
	}
	return nil
}

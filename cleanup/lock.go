package cleanup

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LockFileName is the file a running drill holds in its folder, so that a
// cleanup leaves that drill alone.
const LockFileName = "drill.lock"

// LockInfo is what a lock file says about the harness that holds it.
type LockInfo struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// BootID identifies the boot the harness ran in.
	BootID string `json:"bootId,omitempty"`
}

// Lock is the lock of a running drill, held until Release or the end of
// the process.
type Lock struct {
	f    *os.File
	path string
}

// WriteLock creates DIR/drill.lock with this process's pid and start time
// and holds an exclusive flock(2) on it. The kernel drops the flock when
// the process ends, however it ends (SIGKILL included), so LockAlive needs
// no pid that could be reused. The engine calls it first thing in a new
// drill folder and releases it once the drill is over. A lock already held
// by a live process fails with ErrLocked.
func WriteLock(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, perm.File)
	if err != nil {
		return nil, fmt.Errorf("cleanup: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("cleanup: lock %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("cleanup: lock %s: %w", dir, err)
	}
	info, err := json.Marshal(LockInfo{PID: os.Getpid(), Started: time.Now(), BootID: bootID()})
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.WriteAt(append(info, '\n'), 0)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cleanup: write lock %s: %w", path, err)
	}
	return &Lock{f: f, path: path}, nil
}

// Release removes the lock file and drops the lock. Calling it again is a
// no-op.
func (l *Lock) Release() error {
	if l.f == nil {
		return nil
	}
	rerr := os.Remove(l.path)
	if errors.Is(rerr, fs.ErrNotExist) {
		rerr = nil
	}
	cerr := l.f.Close() // drops the flock
	l.f = nil
	if err := errors.Join(rerr, cerr); err != nil {
		return fmt.Errorf("cleanup: release lock %s: %w", l.path, err)
	}
	return nil
}

// LockAlive reports whether a live process holds the lock of the drill in
// dir. A drill with no lock file is not held (false, nil).
func LockAlive(dir string) (bool, error) {
	f, err := os.Open(filepath.Join(dir, LockFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cleanup: check lock of %s: %w", dir, err)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	switch {
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("cleanup: check lock of %s: %w", dir, err)
	}
	// Closing f drops the shared lock we just took.
	return false, nil
}

// ReadLock returns what the lock file of the drill in dir says; a missing
// file is an error matching fs.ErrNotExist.
func ReadLock(dir string) (LockInfo, error) {
	raw, err := os.ReadFile(filepath.Join(dir, LockFileName))
	if err != nil {
		return LockInfo{}, fmt.Errorf("cleanup: read lock: %w", err)
	}
	var info LockInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return LockInfo{}, fmt.Errorf("cleanup: read lock of %s: %w", dir, err)
	}
	return info, nil
}

// bootID identifies the current boot; "" when unknown.
func bootID() string {
	raw, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(raw))
}

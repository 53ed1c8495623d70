package sut

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// PIDFileName is the name of the pid file the process runtime keeps in its
// WorkDir: the process groups of every running service, for
// `faultdrill cleanup` after a harness that was killed.
const PIDFileName = "pids"

// PIDRecord is one running service process in the pid file.
type PIDRecord struct {
	Service string `json:"service"`
	Version string `json:"version"`
	PID     int    `json:"pid"`
	// PGID is the process group of the service and all of its children.
	PGID int `json:"pgid"`
	// StartTicks (the leader's start time after boot, in clock ticks) and
	// BootID tell a leftover from an unrelated process that reused the pid.
	StartTicks uint64   `json:"startTicks,omitempty"`
	BootID     string   `json:"bootId,omitempty"`
	Command    []string `json:"command,omitempty"`
}

// pidFile is the JSON layout of the pid file.
type pidFile struct {
	HarnessPID int         `json:"harnessPid"`
	Processes  []PIDRecord `json:"processes"`
}

// ReadPIDFile reads a pid file written by the process runtime. A missing
// file is an error matching fs.ErrNotExist (nothing to clean up).
func ReadPIDFile(path string) ([]PIDRecord, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sut: read pid file: %w", err)
	}
	var pf pidFile
	if err := json.Unmarshal(raw, &pf); err != nil {
		return nil, fmt.Errorf("sut: read pid file %s: %w", path, err)
	}
	return pf.Processes, nil
}

// writePIDFile replaces the pid file atomically (write, then rename).
func writePIDFile(path string, recs []PIDRecord) error {
	if recs == nil {
		recs = []PIDRecord{}
	}
	raw, err := json.MarshalIndent(pidFile{HarnessPID: os.Getpid(), Processes: recs}, "", "  ")
	if err != nil {
		return fmt.Errorf("sut: write pid file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pids-*")
	if err != nil {
		return fmt.Errorf("sut: write pid file: %w", err)
	}
	_, werr := tmp.Write(append(raw, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("sut: write pid file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("sut: write pid file: %w", err)
	}
	return nil
}

// KillLeftovers sends SIGKILL to the process group of every record that
// still exists (see SignalLeftover). A group that is already gone is not an
// error; any other failure to signal is returned, after every record has
// been tried.
func KillLeftovers(recs []PIDRecord) error {
	var errs []error
	for _, r := range recs {
		if _, err := SignalLeftover(r, syscall.SIGKILL); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SignalLeftover sends sig to the record's process group if it still has
// a live (not zombie) member, and reports whether it did. It skips a record
// from another boot, a record whose group leader is alive but started at
// another time than recorded (the pid was reused), and group ids 0 and 1
// and the caller's own group. A group that is already gone is (false, nil).
func SignalLeftover(r PIDRecord, sig syscall.Signal) (bool, error) {
	if r.PGID <= 1 || r.PGID == syscall.Getpgrp() || !sameBoot(r.BootID, bootID()) || reused(r) {
		return false, nil
	}
	if live, err := GroupMembers(r.PGID); err == nil && len(live) == 0 {
		return false, nil
	}
	err := syscall.Kill(-r.PGID, sig)
	switch {
	case errors.Is(err, syscall.ESRCH):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("sut: signal leftover %s %s (pgid %d) with %v: %w", r.Service, r.Version, r.PGID, sig, err)
	}
	return true, nil
}

// ReadPIDFileOwner returns the pid of the harness that wrote the pid file
// at path. A missing file is an error matching fs.ErrNotExist.
func ReadPIDFileOwner(path string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("sut: read pid file: %w", err)
	}
	var pf pidFile
	if err := json.Unmarshal(raw, &pf); err != nil {
		return 0, fmt.Errorf("sut: read pid file %s: %w", path, err)
	}
	return pf.HarnessPID, nil
}

func sameBoot(recorded, current string) bool {
	return recorded == "" || current == "" || recorded == current
}

// reused reports whether the record's group leader pid now belongs to a
// process other than the one recorded.
func reused(r PIDRecord) bool {
	st, err := readProcStat(r.PGID)
	if err != nil {
		return false // the leader is gone; its group may still hold children
	}
	return r.StartTicks != 0 && st.StartTicks != r.StartTicks
}

// syncPIDFile rewrites the pid file from the live processes; once the
// runtime is closed and nothing runs, it removes the file instead.
func (p *Process) syncPIDFile() error {
	p.pidMu.Lock()
	defer p.pidMu.Unlock()
	p.mu.Lock()
	closed := p.closed
	boot := bootID()
	var recs []PIDRecord
	for _, name := range slices.Sorted(maps.Keys(p.services)) {
		if pr := p.services[name].cur; pr != nil {
			recs = append(recs, PIDRecord{
				Service: pr.service, Version: pr.version, PID: pr.pid, PGID: pr.pid,
				StartTicks: pr.startTicks, BootID: boot, Command: pr.argv,
			})
		}
	}
	p.mu.Unlock()
	if closed && len(recs) == 0 {
		if err := os.Remove(p.pidPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sut: remove pid file: %w", err)
		}
		return nil
	}
	return writePIDFile(p.pidPath, recs)
}

package sut

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// procStat is what the runtime reads from /proc/PID/stat.
type procStat struct {
	State      byte
	PGID       int
	StartTicks uint64 // start time in clock ticks after boot
}

// readProcStat parses /proc/PID/stat. The command name may contain spaces
// and parentheses, so fields are counted from the last ')'.
func readProcStat(pid int) (procStat, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, fmt.Errorf("sut: read stat of pid %d: %w", pid, err)
	}
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 || end+2 > len(s) {
		return procStat{}, fmt.Errorf("sut: parse stat of pid %d: no command name", pid)
	}
	// Fields after the name start at field 3 (state).
	f := strings.Fields(s[end+2:])
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("sut: parse stat of pid %d: %d fields", pid, len(f))
	}
	pgid, err := strconv.Atoi(f[2]) // field 5
	if err != nil {
		return procStat{}, fmt.Errorf("sut: parse stat of pid %d: pgrp: %w", pid, err)
	}
	ticks, err := strconv.ParseUint(f[19], 10, 64) // field 22
	if err != nil {
		return procStat{}, fmt.Errorf("sut: parse stat of pid %d: starttime: %w", pid, err)
	}
	return procStat{State: f[0][0], PGID: pgid, StartTicks: ticks}, nil
}

// bootID identifies the current boot; "" when unknown.
func bootID() string {
	raw, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(raw))
}

// GroupMembers returns the pids of the live (not zombie) processes in
// process group pgid, from /proc, sorted.
func GroupMembers(pgid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("sut: list processes: %w", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readProcStat(pid)
		if err == nil && st.PGID == pgid && st.State != 'Z' {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	return pids, nil
}

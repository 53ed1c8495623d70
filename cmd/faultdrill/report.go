package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/faultdrill/faultdrill/cleanup"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

func report(_ context.Context, args []string, e env) int {
	flags := newFlags("report", "DIR", "Render a drill folder's report.json again, offline: summary.md (Markdown), junit.xml\n"+
		"and report.html (one self-contained file). The terminal summary is printed too.",
		"faultdrill report --format html drills/ledger-bad-release-20261127-132648-3eb2", e.stderr)
	format := flags.String("format", "", "comma-separated formats to write: "+strings.Join(reports.Formats(), ", ")+" (default: all)")
	dirs, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "faultdrill report: give exactly one drill folder, e.g. faultdrill report drills/NAME-DATE-TIME-XXXX")
		return exitInvalid
	}
	var formats []string
	if *format != "" {
		formats = strings.Split(*format, ",")
	}
	rep, err := reports.Read(filepath.Join(dirs[0], reports.FileName))
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill report: %v; give a drill folder that has a report.json\n", err)
		return exitInvalid
	}
	paths, err := reports.Render(dirs[0], formats...)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill report: %v\n", err)
		return exitInvalid
	}
	_ = reports.WriteSummary(e.stdout, rep, filepath.Join(dirs[0], reports.FileName))
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "wrote %s\n", p)
	}
	return exitPassed
}

func cleanupDrills(ctx context.Context, args []string, e env) int {
	flags := newFlags("cleanup", "[DRILLS_DIR]", "Revert what drills killed before their own cleanup left behind: faults still on a remote\n"+
		"toxiproxy, paused or orphaned processes, and (when a Docker engine answers) the containers,\n"+
		"networks, volumes and images labelled with the drill's id. A drill killed before it wrote its\n"+
		"report gets one rebuilt from its journal, history and fault ledger (status killed), with\n"+
		"its renderings. Drills whose harness still runs are left alone. Safe to run any time, and twice.",
		"faultdrill cleanup drills", e.stderr)
	dirs, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(dirs) > 1 {
		fmt.Fprintln(e.stderr, "faultdrill cleanup: give at most one folder of drills, e.g. faultdrill cleanup drills")
		return exitInvalid
	}
	dir := "drills"
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		fmt.Fprintf(e.stderr, "faultdrill cleanup: %s is not a folder; give the folder drills are written to (default drills)\n", dir)
		return exitInvalid
	}
	// Faults first: reverting one on a toxiproxy container needs the container.
	sum, err := cleanup.Run(ctx, dir, e.stdout)
	removed, engine, derr := cleanupContainers(ctx, dir, e.stdout)
	fmt.Fprintf(e.stdout, "%d drill(s) scanned, %d still running, %d fault(s) reverted, %d process group(s) resumed, %d killed, %d report(s) rebuilt",
		sum.Drills, sum.Running, sum.Reverted, sum.Resumed, sum.Killed, sum.Rebuilt)
	if engine {
		fmt.Fprintf(e.stdout, ", %d docker object(s) removed", removed)
	}
	fmt.Fprintln(e.stdout)
	if err = errors.Join(err, derr); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill cleanup: %v\n", err)
		return exitError
	}
	return exitPassed
}

// cleanupContainers removes the containers, networks, volumes and built
// images of every dead drill under dir (by drill id, its folder name), and
// writes one line per object removed. It does nothing, and says nothing,
// when no Docker engine answers (engine false).
func cleanupContainers(ctx context.Context, dir string, w io.Writer) (removed int, engine bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("cleanup: %w", err)
	}
	if docker.Available(ctx) != nil {
		return 0, false, nil
	}
	var errs []error
	for _, entry := range entries {
		id := entry.Name()
		if !entry.IsDir() || drillAlive(filepath.Join(dir, id)) {
			continue
		}
		r, err := docker.Cleanup(ctx, id)
		if errors.Is(err, sut.ErrBadSpec) {
			continue // not a name Docker accepts, so no drill id of its objects
		}
		errs = append(errs, err)
		for _, kind := range []struct {
			what  string
			names []string
		}{{"container", r.Containers}, {"network", r.Networks}, {"volume", r.Volumes}, {"image", r.Images}} {
			for _, name := range kind.names {
				fmt.Fprintf(w, "%s: removed %s %s\n", id, kind.what, name)
			}
		}
		removed += r.Count()
	}
	return removed, true, errors.Join(errs...)
}

// drillAlive reports whether the harness of the drill in dir may still
// run: it holds the drill's lock or, without a lock file, the pid of its
// pid file is alive. When in doubt, it is alive.
func drillAlive(dir string) bool {
	held, err := cleanup.LockAlive(dir)
	if err != nil || held {
		return true
	}
	if _, err := os.Stat(filepath.Join(dir, cleanup.LockFileName)); err == nil {
		return false
	}
	pid, err := sut.ReadPIDFileOwner(filepath.Join(dir, sut.PIDFileName))
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

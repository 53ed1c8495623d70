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
	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/internal/term"
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
		fmt.Fprintf(e.stderr, "faultdrill report: %s; give a drill folder that has a report.json\n", term.EscapeText(err.Error()))
		return exitInvalid
	}
	paths, err := reports.Render(dirs[0], formats...)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill report: %s\n", term.EscapeText(err.Error()))
		return exitInvalid
	}
	_ = reports.WriteSummary(e.stdout, rep, filepath.Join(dirs[0], reports.FileName))
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "wrote %s\n", term.Escape(p))
	}
	return exitPassed
}

func cleanupDrills(ctx context.Context, args []string, e env) int {
	flags := newFlags("cleanup", "[DRILLS_DIR]", "Revert what drills killed before their own cleanup left behind: faults still on a remote\n"+
		"toxiproxy, paused or orphaned processes, and (when a Docker engine answers) the containers,\n"+
		"networks, volumes and images labelled with the drill's id. Data is evidence: a data volume's\n"+
		"content is first copied to DRILL/data/SERVICE, and data folders are kept, unless --purge.\n"+
		"A drill killed before it wrote its report gets one rebuilt from its journal, history and\n"+
		"fault ledger (status killed), with its renderings. Drills whose harness still runs are left\n"+
		"alone. Safe to run any time, and twice.",
		"faultdrill cleanup drills", e.stderr)
	purge := flags.Bool("purge", false, "remove everything: data volumes without a copy, and each drill's data folder")
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
	removed, engine, derr := cleanupContainers(ctx, dir, *purge, e.stdout)
	if *purge {
		derr = errors.Join(derr, purgeData(dir, e.stdout))
	}
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
// writes one line per object removed. Unless purge, each data volume's
// content is first copied into the drill folder (data/SERVICE), and a
// volume whose copy fails is kept. It does nothing, and says nothing, when
// no Docker engine answers (engine false).
func cleanupContainers(ctx context.Context, dir string, purge bool, w io.Writer) (removed int, engine bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("cleanup: %w", err)
	}
	// Only drills that ran on Docker left anything there: the docker
	// runtime writes its build log before it creates anything. A folder of
	// process drills never touches Docker.
	var ids []string
	for _, entry := range entries {
		id := entry.Name()
		if !entry.IsDir() || drillAlive(filepath.Join(dir, id)) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, id, drill.BuildLogFile)); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 || docker.Available(ctx) != nil {
		return 0, false, nil
	}
	var errs []error
	for _, id := range ids {
		var o docker.CleanupOptions
		if !purge {
			o.ExportTo = filepath.Join(dir, id)
		}
		r, err := docker.CleanupWith(ctx, id, o)
		if errors.Is(err, sut.ErrBadSpec) {
			continue // not a name Docker accepts, so no drill id of its objects
		}
		errs = append(errs, err)
		for _, line := range r.Exported {
			fmt.Fprintf(w, "%s: copied volume %s\n", id, line)
		}
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

// purgeData removes the data folder (DRILL/data) of every dead drill under
// dir, writing one line per folder removed.
func purgeData(dir string, w io.Writer) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cleanup: %w", err)
	}
	var errs []error
	for _, entry := range entries {
		data := filepath.Join(dir, entry.Name(), "data")
		if !entry.IsDir() || drillAlive(filepath.Join(dir, entry.Name())) {
			continue
		}
		if _, err := os.Stat(data); err != nil {
			continue
		}
		if err := os.RemoveAll(data); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: purge %s: %w", data, err))
			continue
		}
		fmt.Fprintf(w, "%s: removed data folder %s\n", entry.Name(), data)
	}
	return errors.Join(errs...)
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

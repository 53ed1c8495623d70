package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultdrill/faultdrill/cleanup"
	"github.com/faultdrill/faultdrill/reports"
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
		"toxiproxy, paused or orphaned processes. Drills whose harness still runs are left alone.\n"+
		"Safe to run any time, and twice.",
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
	sum, err := cleanup.Run(ctx, dir, e.stdout)
	fmt.Fprintf(e.stdout, "%d drill(s) scanned, %d still running, %d fault(s) reverted, %d process group(s) resumed, %d killed\n",
		sum.Drills, sum.Running, sum.Reverted, sum.Resumed, sum.Killed)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill cleanup: %v\n", err)
		return exitError
	}
	return exitPassed
}

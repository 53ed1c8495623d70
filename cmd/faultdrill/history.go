package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/reports"
)

// historyOff is the --history value that records nothing.
const historyOff = "off"

// historyFlagUsage documents --history for every command that takes it.
var historyFlagUsage = "the history store: an SQLite file, or a postgres:// URL for a team's shared one; " +
	historyOff + " records nothing (default $FAULTDRILL_HISTORY, else " + history.DefaultPath + ")"

// historyTarget is where the history lives: the flag, else
// $FAULTDRILL_HISTORY, else .faultdrill/history.db.
func historyTarget(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := os.Getenv("FAULTDRILL_HISTORY"); v != "" {
		return v
	}
	return history.DefaultPath
}

// recordTimeout bounds what recording a drill may add to a run.
const recordTimeout = 10 * time.Second

// recordRun records a finished drill into the history and returns how it
// regressed against the earlier runs of its scenario. It never fails the
// drill: a problem with the history is one warning on stderr, and the
// drill folder stays the record.
func recordRun(ctx context.Context, e env, target string, rep *reports.Report, services []string, factor float64) []history.Regression {
	if target == historyOff || rep.Drill.ID == "" {
		return nil
	}
	// An interrupted drill is recorded too: cancellation of the drill does
	// not cancel its recording, the timeout does.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	run := history.FromReport(rep, services)
	regs, err := recordAndCompare(ctx, target, run, factor)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill run: warning: the drill was not recorded in the history: %s; its folder %s stays the record (import it later with faultdrill history import)\n",
			term.EscapeText(err.Error()), term.Escape(rep.Drill.Dir))
	}
	return regs
}

func recordAndCompare(ctx context.Context, target string, run history.Run, factor float64) ([]history.Regression, error) {
	s, err := history.Open(ctx, target)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.RecordAndCompare(ctx, run, factor)
}

func historyCmd(ctx context.Context, args []string, e env) int {
	if len(args) > 0 && args[0] == "import" {
		return historyImport(ctx, args[1:], e)
	}
	flags := newFlags("history", "| faultdrill history import [--history PATH] DIR…", "List the drills recorded in the history, oldest first, with their outcome and figures.\n"+
		"Every run records its drill; 'faultdrill history import DIR…' backfills drill folders\n(a drill folder, or a folder of them) run before, or recorded elsewhere.",
		"faultdrill history --scenario ledger-bad-release --since 30d", e.stderr)
	target := flags.String("history", "", historyFlagUsage)
	scenario := flags.String("scenario", "", "only drills of this scenario (metadata.name)")
	service := flags.String("service", "", "only drills that ran this service")
	status := flags.String("status", "", "only drills that ended so: passed, failed, error, interrupted or killed")
	since := flags.String("since", "", "only drills started since: an age such as 90d or 12h, a date 2026-11-01, or an RFC 3339 time")
	until := flags.String("until", "", "only drills started before: an age, a date or an RFC 3339 time")
	limit := flags.Int("limit", 0, "only the newest N drills (0: all)")
	asJSON := flags.Bool("json", false, "print one JSON object per drill, instead of the table")
	items := flags.Bool("items", false, "list the open action items of game-day reviews per owner, instead of drills")
	rest, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "faultdrill history: unexpected argument %q; filter with flags, or backfill with faultdrill history import DIR\n", term.Escape(rest[0]))
		return exitInvalid
	}
	f := history.Filter{Scenario: *scenario, Service: *service, Status: reports.Status(*status), Limit: *limit}
	if *status != "" && !knownStatus(f.Status) {
		fmt.Fprintf(e.stderr, "faultdrill history: --status=%s: use passed, failed, error, interrupted or killed\n", term.Escape(*status))
		return exitInvalid
	}
	now := time.Now()
	if f.Since, err = parseWhen(*since, now); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill history: --since: %v\n", err)
		return exitInvalid
	}
	if f.Until, err = parseWhen(*until, now); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill history: --until: %v\n", err)
		return exitInvalid
	}
	s, code := openHistory(ctx, "history", *target, e)
	if s == nil {
		return code
	}
	defer s.Close()
	if *items {
		return openItems(ctx, s, e)
	}
	runs, err := s.List(ctx, f)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill history: %s\n", term.EscapeText(err.Error()))
		return exitError
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, r := range runs {
			_ = enc.Encode(r)
		}
		return exitPassed
	}
	writeRuns(e.stdout, runs)
	fmt.Fprintf(e.stdout, "%d drill(s) in %s\n", len(runs), term.Escape(s.Where()))
	return exitPassed
}

// openHistory opens the history for a command that reads it: a missing
// SQLite file is invalid input, not a new empty store.
func openHistory(ctx context.Context, cmd, flagValue string, e env) (*history.Store, int) {
	target := historyTarget(flagValue)
	if target == historyOff {
		fmt.Fprintf(e.stderr, "faultdrill %s: --history=off records nothing and has nothing to read; give a history file or postgres:// URL\n", cmd)
		return nil, exitInvalid
	}
	if !history.IsPostgres(target) {
		if _, err := os.Stat(target); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(e.stderr, "faultdrill %s: no history at %s; run a drill first, import drill folders with faultdrill history import DIR, or give --history\n", cmd, term.Escape(target))
			return nil, exitInvalid
		}
	}
	s, err := history.Open(ctx, target)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill %s: %s\n", cmd, term.EscapeText(err.Error()))
		return nil, exitError
	}
	return s, exitPassed
}

func knownStatus(s reports.Status) bool {
	switch s {
	case reports.Passed, reports.Failed, reports.Errored, reports.Interrupted, reports.Killed:
		return true
	}
	return false
}

// writeRuns prints runs as a table.
func writeRuns(w io.Writer, runs []history.Run) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tSCENARIO\tSTATUS\tCLASS\tDETECTION\tROLLBACK\tRTO\tLOST\tSERVICES\tID")
	for _, r := range runs {
		lost := "-"
		if r.LostWrites != nil {
			lost = strconv.Itoa(*r.LostWrites)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Started.Local().Format("2006-01-02 15:04"), term.Escape(r.Scenario), r.Status, r.Class,
			durText(r.Detection), durText(r.Rollback), durText(r.RTO), lost, term.Escape(strings.Join(r.Services, ",")), term.Escape(r.ID))
	}
	tw.Flush()
}

func durText(d *time.Duration) string {
	if d == nil {
		return "-"
	}
	switch {
	case *d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case *d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.String()
}

func historyImport(ctx context.Context, args []string, e env) int {
	flags := newFlags("history import", "DIR…", "Record drill folders in the history: each DIR is a drill folder (it holds report.json)\n"+
		"or a folder of drill folders, such as drills. A drill already recorded is left as it is.",
		"faultdrill history import drills", e.stderr)
	target := flags.String("history", "", historyFlagUsage)
	dirs, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(dirs) == 0 {
		fmt.Fprintln(e.stderr, "faultdrill history import: give at least one drill folder or folder of drill folders, e.g. faultdrill history import drills")
		return exitInvalid
	}
	var folders []string
	for _, d := range dirs {
		found, err := drillFolders(d)
		if err != nil {
			fmt.Fprintf(e.stderr, "faultdrill history import: %s; give a drill folder or a folder of drill folders\n", term.EscapeText(err.Error()))
			return exitInvalid
		}
		folders = append(folders, found...)
	}
	if historyTarget(*target) == historyOff {
		fmt.Fprintln(e.stderr, "faultdrill history import: --history=off has nowhere to import to; give a history file or postgres:// URL")
		return exitInvalid
	}
	s, err := history.Open(ctx, historyTarget(*target))
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill history import: %s\n", term.EscapeText(err.Error()))
		return exitError
	}
	defer s.Close()
	var added, known, skipped int
	for _, dir := range folders {
		run, err := history.ReadDrill(dir)
		if err != nil {
			skipped++
			fmt.Fprintf(e.stderr, "faultdrill history import: skipped %s: %s\n", term.Escape(dir), term.EscapeText(err.Error()))
			continue
		}
		ok, err := s.Record(ctx, run)
		if err != nil {
			fmt.Fprintf(e.stderr, "faultdrill history import: %s\n", term.EscapeText(err.Error()))
			return exitError
		}
		if ok {
			added++
		} else {
			known++
		}
	}
	fmt.Fprintf(e.stdout, "%d drill(s) imported, %d already recorded, %d skipped, into %s\n", added, known, skipped, term.Escape(s.Where()))
	return exitPassed
}

// drillFolders returns dir when it is a drill folder, else the drill
// folders directly inside it (the link latest left out).
func drillFolders(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, reports.FileName)); err == nil {
		return []string{dir}, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, en := range entries {
		if !en.IsDir() {
			continue // the latest link is a symlink
		}
		if _, err := os.Stat(filepath.Join(dir, en.Name(), reports.FileName)); err == nil {
			out = append(out, filepath.Join(dir, en.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no report.json, nor folders that hold one", dir)
	}
	return out, nil
}

// parseWhen reads a point in time: "" is none, an age (90d, 36h, 45m)
// counts back from now, else a date (2026-11-01) or an RFC 3339 time.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days >= 0 {
			return now.AddDate(0, 0, -days), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an age (90d, 12h), a date (2026-11-01) or an RFC 3339 time (2026-11-01T09:00:00Z)", s)
}

// openItems prints the open action items per owner.
func openItems(ctx context.Context, s *history.Store, e env) int {
	items, err := s.Items(ctx, false)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill history: %s\n", term.EscapeText(err.Error()))
		return exitError
	}
	owner := "\x00"
	for _, it := range items {
		if it.Owner != owner {
			owner = it.Owner
			fmt.Fprintf(e.stdout, "%s\n", term.Escape(cmp.Or(owner, "(no owner)")))
		}
		fmt.Fprintf(e.stdout, "  %s %s  %s\n", term.Escape(it.Review), term.Escape(it.ID), term.EscapeText(it.What))
	}
	fmt.Fprintf(e.stdout, "%d open action item(s) in %s\n", len(items), term.Escape(s.Where()))
	return exitPassed
}

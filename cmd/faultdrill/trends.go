package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/internal/term"
)

func trends(ctx context.Context, args []string, e env) int {
	flags := newFlags("trends", "", "Print the figures of the drills in the history over a window, per scenario and per\n"+
		"service: rehearsal frequency, pass rate, rollback duration, detection time, RTO (median\n"+
		"and p90), data inconsistency rate, lost acknowledged writes and MTTR (fault onset to\n"+
		"recovered); and write them as one self-contained HTML page with a chart per figure over time.",
		"faultdrill trends --since 90d --html trends.html", e.stderr)
	target := flags.String("history", "", historyFlagUsage)
	since := flags.String("since", "90d", "start of the window: an age such as 90d, a date 2026-11-01, or an RFC 3339 time")
	until := flags.String("until", "", "end of the window (default now): an age, a date or an RFC 3339 time")
	scenario := flags.String("scenario", "", "only drills of this scenario")
	service := flags.String("service", "", "only drills that ran this service")
	out := flags.String("html", "trends.html", "where to write the HTML page; empty writes none")
	rest, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "faultdrill trends: unexpected argument %q; choose drills with --since, --scenario and --service\n", term.Escape(rest[0]))
		return exitInvalid
	}
	now := time.Now()
	f := history.Filter{Scenario: *scenario, Service: *service}
	if f.Since, err = parseWhen(*since, now); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill trends: --since: %v\n", err)
		return exitInvalid
	}
	if f.Until, err = parseWhen(*until, now); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill trends: --until: %v\n", err)
		return exitInvalid
	}
	s, code := openHistory(ctx, "trends", *target, e)
	if s == nil {
		return code
	}
	defer s.Close()
	runs, err := s.List(ctx, f)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill trends: %s\n", term.EscapeText(err.Error()))
		return exitError
	}
	t := history.Compute(runs, f.Since, f.Until)
	fmt.Fprintf(e.stdout, "%d drill(s) from %s to %s in %s\n\n", t.Runs, t.Since.Format(time.DateOnly), t.Until.Format(time.DateOnly), term.Escape(s.Where()))
	fmt.Fprintln(e.stdout, "Per scenario")
	writeFigures(e.stdout, t.ByScenario)
	fmt.Fprintln(e.stdout, "\nPer service")
	writeFigures(e.stdout, t.ByService)
	if *out != "" {
		if err := writeTrendsHTML(*out, t); err != nil {
			fmt.Fprintf(e.stderr, "faultdrill trends: --html=%s: %s; give a file in a folder you can write to\n", term.Escape(*out), term.EscapeText(err.Error()))
			return exitInvalid
		}
		fmt.Fprintf(e.stdout, "\nwrote %s\n", term.Escape(*out))
	}
	return exitPassed
}

func writeTrendsHTML(path string, t history.Trends) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := history.WriteHTML(f, t); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func writeFigures(w io.Writer, figs []history.Figures) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDRILLS\tPER WEEK\tPASS\tROLLBACK p50\tDETECTION p50\tRTO p50\tRTO p90\tINCONSISTENT\tLOST WRITES\tMTTR p50")
	for _, f := range figs {
		inc := "-"
		if rate, ok := f.InconsistencyRate(); ok {
			inc = fmt.Sprintf("%.0f%% (%d/%d)", 100*rate, f.Inconsistent, f.Checked)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.0f%%\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", term.Escape(f.Group), f.Runs, f.PerWeek, 100*f.PassRate,
			history.StatText(f.Rollback, false), history.StatText(f.Detection, false), history.StatText(f.RTO, false), history.StatText(f.RTO, true),
			inc, f.LostWrites, history.StatText(f.MTTR, false))
	}
	tw.Flush()
}

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/reports"
)

func gamedayCmd(ctx context.Context, args []string, e env) int {
	flags := newFlags("gameday", "FILE", "Run a game day (kind: GameDay): its drills in order, each into its own folder inside one\n"+
		"game-day folder, then write the combined report (gameday.json, summary.md, junit.xml with one\n"+
		"suite per drill, report.html) and review.md (hypotheses, action items with owners, lessons).\n"+
		"Outside the file's rollback window it refuses, naming the next allowed time. Exits with the\nworst drill's code.",
		"faultdrill gameday gamedays/example.yaml", e.stderr)
	out := flags.String("out", "gamedays", "folder in which the game day's folder is created")
	target := flags.String("history", "", historyFlagUsage)
	outside := flags.Bool("outside-window", false, "run even outside the rollback window (recorded in the report)")
	now := flags.String("now", "", "check the rollback window against this RFC 3339 time instead of the clock (to rehearse the check)")
	approve := flags.String("approve", "prompt", "rollbacks that need approval: prompt or auto (as for run)")
	quiet := flags.Bool("quiet", false, "no live progress of each drill")
	planOnly := flags.Bool("plan", false, "print what the game day would run (participants, window, drills in order), without running anything")
	vars := varsFlag{}
	flags.Var(vars, "var", "override a var of every drill, NAME=VALUE (repeatable; wins over the file's vars)")
	files, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) != 1 {
		fmt.Fprintln(e.stderr, "faultdrill gameday: give exactly one game-day file, e.g. faultdrill gameday gamedays/example.yaml")
		return exitInvalid
	}
	clock := time.Now()
	if *now != "" {
		if clock, err = time.Parse(time.RFC3339, *now); err != nil {
			fmt.Fprintf(e.stderr, "faultdrill gameday: --now=%s is not an RFC 3339 time such as 2026-12-07T10:00:00Z\n", term.Escape(*now))
			return exitInvalid
		}
	}
	f, err := gameday.Load(files[0])
	if err != nil {
		if !errors.Is(err, gameday.ErrInvalid) {
			err = fmt.Errorf("faultdrill gameday: %w; give a game-day file (kind: GameDay)", err)
		}
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	if *planOnly {
		writeGameDayPlan(e, f, clock)
		return exitPassed
	}
	rep := &gameday.Report{Name: f.Metadata.Name, Owner: f.Metadata.Owner, File: files[0], Participants: f.Participants, Started: time.Now()}
	if w := f.Window; w != nil {
		rep.Window = w.String()
		if ok, next := w.Allows(clock); !ok {
			if !*outside {
				fmt.Fprintf(e.stderr, "faultdrill gameday: %s: %s is outside the rollback window (%s); the next allowed time is %s: run then, or give --outside-window (it is recorded)\n",
					files[0], clock.Format("2006-01-02 15:04 MST"), w, next.Format("Mon 2006-01-02 15:04 MST"))
				return exitInvalid
			}
			rep.OutsideWindow = true
			fmt.Fprintf(e.stderr, "faultdrill gameday: note: running outside the rollback window (%s), as --outside-window asks; the report says so\n", w)
		}
	}
	if err := checkOut(*out); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill gameday: --out=%s: %s\n", term.Escape(*out), term.Escape(err.Error()))
		return exitInvalid
	}
	dir, err := filepath.Abs(filepath.Join(*out, f.Metadata.Name+"-"+rep.Started.Format("20060102-150405")))
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill gameday: %v\n", err)
		return exitError
	}
	rep.Dir = dir
	stop := ""
	for i, d := range f.Drills {
		if stop != "" {
			rep.Drills = append(rep.Drills, gameday.DrillResult{Index: i + 1, Scenario: d.Scenario, Hypothesis: d.Hypothesis, Skipped: stop})
			continue
		}
		if ctx.Err() != nil {
			stop = "the game day was interrupted"
			rep.Drills = append(rep.Drills, gameday.DrillResult{Index: i + 1, Scenario: d.Scenario, Hypothesis: d.Hypothesis, Skipped: stop})
			continue
		}
		name := strings.TrimSuffix(filepath.Base(d.Scenario), filepath.Ext(d.Scenario))
		drillDir := filepath.Join(dir, fmt.Sprintf("%02d-%s", i+1, name))
		fmt.Fprintf(e.stderr, "gameday %s: drill %d/%d %s — %s\n", f.Metadata.Name, i+1, len(f.Drills), term.Escape(d.Scenario), term.EscapeText(d.Hypothesis))
		runArgs := []string{"--report-dir", drillDir, "--approve", *approve}
		if *target != "" {
			runArgs = append(runArgs, "--history", *target)
		}
		if *quiet {
			runArgs = append(runArgs, "--quiet")
		}
		merged := map[string]string{}
		for k, v := range d.Vars {
			merged[k] = v
		}
		for k, v := range vars {
			merged[k] = v
		}
		for _, k := range sortedKeys(merged) {
			runArgs = append(runArgs, "--var", k+"="+merged[k])
		}
		code := runDrill(ctx, append(runArgs, f.ScenarioPath(d)), e)
		res := gameday.Result(i, f, d, drillDir, code)
		rep.Drills = append(rep.Drills, res)
		if !res.Held() && !d.ContinueOnFailure {
			stop = fmt.Sprintf("drill %d did not pass and has no continueOnFailure", i+1)
		}
	}
	rep.Duration = time.Since(rep.Started)
	rep.Class = gameday.Worst(rep.Drills)
	rep.ExitCode = rep.Class.ExitCode()
	paths, err := gameday.Write(rep)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill gameday: %v\n", err)
		return exitError
	}
	recordItems(ctx, e, historyTarget(*target), rep)
	fmt.Fprintf(e.stdout, "\ngame day %s — %s (exit %d)\n", term.Escape(rep.Name), rep.Class, rep.ExitCode)
	for _, d := range rep.Drills {
		what := fmt.Sprintf("%s (exit %d)", d.Class, d.ExitCode)
		if d.Skipped != "" {
			what = "skipped: " + d.Skipped
		}
		fmt.Fprintf(e.stdout, "  %d. %-32s %s\n", d.Index, term.Escape(d.Scenario), term.EscapeText(what))
	}
	fmt.Fprintf(e.stdout, "  action items: %d (review.md)\n", len(rep.Items()))
	for _, p := range paths {
		fmt.Fprintf(e.stdout, "wrote %s\n", term.Escape(p))
	}
	if rep.Class == reports.ClassPassed {
		return exitPassed
	}
	return rep.ExitCode
}

// writeGameDayPlan prints what the game day f would do at clock.
func writeGameDayPlan(e env, f *gameday.File, clock time.Time) {
	w := e.stdout
	fmt.Fprintf(w, "game day %s (owner %s)\n", term.Escape(f.Metadata.Name), term.Escape(cmp.Or(f.Metadata.Owner, "-")))
	for _, p := range f.Participants {
		fmt.Fprintf(w, "  %-16s %s\n", p.Role, term.Escape(p.Name))
	}
	if win := f.Window; win != nil {
		if ok, next := win.Allows(clock); ok {
			fmt.Fprintf(w, "window %s: open now\n", win)
		} else {
			fmt.Fprintf(w, "window %s: closed now; next allowed %s\n", win, next.Format("Mon 2006-01-02 15:04 MST"))
		}
	}
	for i, d := range f.Drills {
		then := "stop the game day if it fails"
		if d.ContinueOnFailure {
			then = "continue if it fails"
		}
		fmt.Fprintf(w, "%d. %s — %s (%s)\n", i+1, term.Escape(f.ScenarioPath(d)), term.EscapeText(d.Hypothesis), then)
		for _, k := range sortedKeys(d.Vars) {
			fmt.Fprintf(w, "     var %s=%s\n", term.Escape(k), term.Escape(d.Vars[k]))
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/runbook"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

// writeRunbookSteps lists the steps of the scenario's runbook with their
// lines, kinds, roles and expected times, and the total against the RTO.
func writeRunbookSteps(w io.Writer, sc *scenarios.Scenario) {
	rb, err := runbook.Load(sc.RunbookPath())
	if err != nil {
		fmt.Fprintf(w, "  runbook %s: %s\n", term.Escape(sc.Rollback.Runbook), term.EscapeText(err.Error()))
		return
	}
	fmt.Fprintf(w, "  runbook %s (%d steps), walked when a trigger fires:\n", term.Escape(sc.Rollback.Runbook), len(rb.Steps))
	for _, st := range rb.Steps {
		fmt.Fprintf(w, "    %d. line %d  %-6s %s%s\n", st.Number, st.Line, st.Kind, term.Escape(st.Title), stepDetail(st))
	}
	total := rb.TotalExpected()
	fmt.Fprintf(w, "  expected in all: %s", total)
	if rto := sc.Objectives.RTO; rto > 0 {
		fmt.Fprintf(w, " (RTO %s)", rto)
		if total > rto {
			fmt.Fprint(w, " — over the RTO: the rehearsal fails")
		}
	}
	fmt.Fprintln(w)
}

// stepDetail is " (role, expect 30s)" for a step that names them.
func stepDetail(st runbook.Step) string {
	var parts []string
	if st.Role != "" {
		parts = append(parts, term.Escape(st.Role))
	}
	if st.Expect > 0 {
		parts = append(parts, "expect "+st.Expect.Round(time.Second).String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// rehearse runs a drill whose rollback is a Markdown runbook: run's flags,
// plus --answers FILE or --auto for who answers the manual steps (neither:
// the terminal asks, or with no terminal they take their expected time).
func rehearse(ctx context.Context, args []string, e env) int {
	const usage = "faultdrill rehearse [--answers FILE | --auto] [run flags] SCENARIO"
	var answers string
	var auto bool
	var rest []string
	people := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--auto" || a == "-auto":
			auto = true
		case a == "--answers" || a == "-answers":
			if i+1 >= len(args) {
				fmt.Fprintf(e.stderr, "faultdrill rehearse: --answers needs a file: %s\n", usage)
				return exitInvalid
			}
			i++
			answers = args[i]
		case strings.HasPrefix(a, "--answers=") || strings.HasPrefix(a, "-answers="):
			_, answers, _ = strings.Cut(a, "=")
		case a == "--as" || a == "-as":
			if i+1 >= len(args) {
				fmt.Fprintf(e.stderr, "faultdrill rehearse: --as needs ROLE=NAME, such as --as \"recovery lead=Ana\"\n")
				return exitInvalid
			}
			i++
			role, name, ok := strings.Cut(args[i], "=")
			if !ok || strings.TrimSpace(role) == "" || strings.TrimSpace(name) == "" {
				fmt.Fprintf(e.stderr, "faultdrill rehearse: --as %s: give ROLE=NAME, such as --as \"recovery lead=Ana\"\n", term.Escape(args[i]))
				return exitInvalid
			}
			people[strings.TrimSpace(role)] = strings.TrimSpace(name)
		case a == "-h" || a == "--help":
			fmt.Fprintf(e.stderr, "usage: %s\n\nRehearse the scenario's runbook (rollback.runbook): when the trigger fires, automated\n"+
				"steps (sh and faultdrill blocks) run for real; manual steps are asked on the terminal,\n"+
				"answered from --answers FILE (answers: [{step, outcome: done|failed|skip, took, note, who}]),\n"+
				"or take their expected time (--auto). --as \"ROLE=NAME\" (repeatable) names who holds a role.\nEvery flag of faultdrill run applies.\n\n"+
				"Example:\n  faultdrill rehearse --auto scenarios/examples/ledger-runbook.yaml\n", usage)
			return exitPassed
		default:
			rest = append(rest, a)
		}
	}
	if auto && answers != "" {
		fmt.Fprintf(e.stderr, "faultdrill rehearse: give --answers or --auto, not both: %s\n", usage)
		return exitInvalid
	}
	var file string
	for _, a := range rest {
		if strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml") {
			file = a
		}
	}
	if file == "" {
		fmt.Fprintf(e.stderr, "faultdrill rehearse: give the scenario file: %s\n", usage)
		return exitInvalid
	}
	sc, err := scenarios.Load(file)
	if err != nil {
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	if sc.Rollback.Runbook == "" {
		fmt.Fprintf(e.stderr, "faultdrill rehearse: %s: its rollback has no runbook; add rollback.runbook: PATH.md, or use faultdrill run\n", term.Escape(file))
		return exitInvalid
	}
	rh := &drill.Rehearsal{Auto: auto, People: people}
	if answers != "" {
		rb, err := runbook.Load(sc.RunbookPath())
		if err != nil {
			fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
			return exitInvalid
		}
		if rh.Answers, err = runbook.LoadAnswers(answers, rb); err != nil {
			fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
			return exitInvalid
		}
	}
	e.rehearsal = rh
	return runDrill(ctx, rest, e)
}

// bundledRunbook finds the runbook a bundled scenario names.
var bundledRunbook = regexp.MustCompile(`(?m)^\s+runbook:\s*(runbooks/[\w.-]+\.md)\s*$`)

// writeBundledRunbook writes, next to dest, the bundled runbook that the
// bundled scenario src walks, if any; one already there is kept.
func writeBundledRunbook(dest string, src []byte, out io.Writer) error {
	m := bundledRunbook.FindSubmatch(src)
	if m == nil {
		return nil
	}
	body, err := fs.ReadFile(examples.FS(), string(m[1]))
	if err != nil {
		return fmt.Errorf("bundled runbook %s: %w", m[1], err)
	}
	path := filepath.Join(filepath.Dir(dest), filepath.FromSlash(string(m[1])))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm.File)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(out, "kept %s, which is already there (the scenario walks it)\n", path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("runbook: %w", err)
	}
	fmt.Fprintf(out, "wrote %s, the runbook the scenario walks\n", path)
	return nil
}

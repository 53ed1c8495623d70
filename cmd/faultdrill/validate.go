package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/scenarios"
)

func validate(_ context.Context, args []string, e env) int {
	fs := newFlags("validate", "FILE...", "Check scenario and game-day files (kind: GameDay, with the scenarios they run): every problem of every file is reported, one line each,\nas file:line:col: what is wrong (--format github: as GitHub Actions annotations).",
		"faultdrill validate --format github scenarios/examples/*.yaml", e.stderr)
	format := fs.String("format", "text", "how problems are written: text (file:line:col: message, on stderr) or github (::error annotations, on stdout)")
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if *format != "text" && *format != "github" {
		fmt.Fprintf(e.stderr, "faultdrill validate: --format %q is unknown: use text or github.\n", *format)
		return exitInvalid
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "faultdrill validate: give at least one scenario file, e.g. faultdrill validate scenarios/examples/ledger-bad-release.yaml")
		return exitInvalid
	}
	code := exitPassed
	for _, f := range files {
		if gameday.IsGameDay(f) {
			if !validateGameDay(f, *format, e) {
				code = exitInvalid
			}
			continue
		}
		sc, err := scenarios.Load(f)
		if err != nil {
			code = exitInvalid
			if *format == "github" {
				writeAnnotations(e.stdout, "error", f, err)
			} else {
				fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
			}
			continue
		}
		// A missing program is a warning here (it may be built before the
		// run) and an error at run.
		if missing := sc.Programs(nil); len(missing) > 0 {
			if *format == "github" {
				writeAnnotations(e.stdout, "warning", f, missing)
			} else {
				for _, p := range missing {
					fmt.Fprintln(e.stderr, term.Escape(fmt.Sprintf("%s:%d:%d: warning: %s", p.File, p.Line, p.Col, p.Message)))
				}
			}
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", term.Escape(f))
		if sc.Rollback.Runbook != "" && *format != "github" {
			writeRunbookSteps(e.stdout, sc)
		}
	}
	return code
}

// writeAnnotations writes err as GitHub Actions workflow commands of the
// level (error or warning), one "::error file=…,line=…,col=…::message" per
// problem, which a workflow run shows on the lines of the file (and in a
// pull request's diff). An error that is not about a line (an unreadable
// file) names the file alone.
func writeAnnotations(w io.Writer, level, file string, err error) {
	var problems scenarios.Problems
	if !errors.As(err, &problems) {
		fmt.Fprintf(w, "::%s file=%s::%s\n", level, annotationProperty(file), annotationData(err.Error()))
		return
	}
	for _, p := range problems {
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", level, annotationProperty(p.File), p.Line, p.Col, annotationData(p.Message))
	}
}

// annotationData escapes a workflow command's message as the Actions
// runner unescapes it (%, CR and LF), and control characters for the log.
func annotationData(s string) string {
	return term.Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

// annotationProperty escapes a workflow command's property value: also
// the ':' and ',' that separate properties.
func annotationProperty(s string) string {
	return term.Escape(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}

func schema(_ context.Context, args []string, e env) int {
	fs := newFlags("schema", "", "Print the JSON Schema of the scenario format (draft 2020-12), for editors;\n--kind gameday prints the game-day format's.",
		"faultdrill schema > faultdrill.schema.json", e.stderr)
	kind := fs.String("kind", "scenario", "the format: scenario or gameday")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	switch *kind {
	case "gameday":
		fmt.Fprint(e.stdout, string(gameday.Schema()))
		return exitPassed
	case "scenario":
	default:
		fmt.Fprintf(e.stderr, "faultdrill schema: --kind=%s: use scenario or gameday\n", term.Escape(*kind))
		return exitInvalid
	}
	b, err := scenarios.Schema()
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill schema: %v\n", err)
		return exitError
	}
	fmt.Fprintln(e.stdout, string(b))
	return exitPassed
}

// Command faultdrill runs chaos and rollback drills: declarative scenarios
// that bring a system up, put it under load, ship a bad change or inject
// network faults, roll back, and prove with evidence that the system came
// back without losing data.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/faultdrill/faultdrill/drill"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// env is every piece of OS state the CLI touches, so that it runs
// in-process in tests with its exit code asserted.
type env struct {
	stdout io.Writer
	stderr io.Writer
	// tty is true when stderr is a terminal (live progress refreshes in place).
	tty bool
	// stdin is where a rollback owner answers approval prompts; nil when
	// there is no terminal to ask on.
	stdin io.Reader
	// rehearsal, set by rehearse, says who answers a runbook's manual
	// steps.
	rehearsal *drill.Rehearsal
}

func main() {
	// testcontainers prints a banner about the Docker engine on stderr
	// through its process-wide default logger; the docker runtime writes
	// those facts into the drill's logs/build.log instead.
	tclog.SetDefault(tclog.NewNoopLogger())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := env{stdout: os.Stdout, stderr: os.Stderr, tty: isTerminal(os.Stderr)}
	if isTerminal(os.Stdin) {
		e.stdin = os.Stdin
	}
	code := run(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env) int
}

func commands() []command {
	return []command{
		{"run", "run a drill and write its report", runDrill},
		{"rehearse", "run a drill whose rollback is a Markdown runbook, step by step (--answers FILE, --auto)", rehearse},
		{"validate", "check scenario files and report every problem", validate},
		{"plan", "print a scenario's resolved timeline and defaults, without running it", plan},
		{"schema", "print the JSON Schema of the scenario format, for editors", schema},
		{"init", "write a commented starter scenario to edit", initScenario},
		{"gameday", "run a game day's drills in order: combined report and review.md", gamedayCmd},
		{"review", "list or close the action items of a game day's review", review},
		{"history", "list the drills recorded in the history; import drill folders into it", historyCmd},
		{"trends", "figures per scenario and service over time, and an HTML page of charts", trends},
		{"report", "render a drill folder's report again: Markdown, JUnit XML, HTML", report},
		{"cleanup", "revert what killed drills left behind: faults, processes", cleanupDrills},
		{"version", "print faultdrill's version, VCS revision and Go version", version},
	}
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitInvalid
		}
		return exitPassed
	}
	if args[0] == "--version" || args[0] == "-version" {
		return version(ctx, nil, e)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	fmt.Fprintf(e.stderr, "faultdrill: unknown command %q; run 'faultdrill help' for the list.\n", args[0])
	return exitInvalid
}

func usage(w io.Writer) {
	fmt.Fprint(w, `faultdrill runs chaos and rollback drills from declarative scenarios.

Usage:
  faultdrill <command> [flags] [args]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Example:
  faultdrill run scenarios/examples/ledger-bad-release.yaml

Exit codes: 0 passed, 1 harness error, 2 invalid input, 3 drill failed,
4 integrity (acknowledged writes lost, duplicates, broken invariants,
non-linearizable history), 5 RTO missed, 6 SLO missed, 7 unverified,
8 void, 9 regressed (run --fail-on-regression), 130 interrupted,
137 killed (a report rebuilt by cleanup).
Run 'faultdrill <command> -h' for a command's flags.
`)
}

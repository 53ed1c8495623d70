package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

func runDrill(ctx context.Context, args []string, e env) int {
	fs := newFlags("run", "FILE", "Run a drill: bring the system up, drive load, walk the timeline, roll back on a\n"+
		"trigger, verify, and write report.json, journal.jsonl and history.jsonl to a new\ndrill folder. "+
		"Progress goes to stderr, the summary to stdout.",
		"faultdrill run --seed 42 scenarios/examples/ledger-bad-release.yaml", e.stderr)
	out := fs.String("out", "drills", "folder in which the drill folder is created")
	seed := fs.Uint64("seed", 0, "seed for every random choice (0 picks one; the seed used is in the report)")
	quiet := fs.Bool("quiet", false, "no live progress")
	approve := fs.String("approve", "prompt", "rollbacks that need approval: prompt (ask on the terminal; automatic when there is none) or auto")
	toxiproxy := fs.String("toxiproxy", "", "URL of a running toxiproxy server to use instead of the embedded one")
	runtime := fs.String("runtime", "", "run the services as local processes (process) or as containers (docker); overrides system.runtime")
	vars := varsFlag{}
	fs.Var(vars, "var", "override a scenario var, NAME=VALUE (repeatable)")
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) != 1 {
		fmt.Fprintln(e.stderr, "faultdrill run: give exactly one scenario file, e.g. faultdrill run scenarios/examples/ledger-bad-release.yaml")
		return exitInvalid
	}
	if *runtime != "" && *runtime != faults.RuntimeProcess && *runtime != faults.RuntimeDocker {
		fmt.Fprintf(e.stderr, "faultdrill run: --runtime=%s: use process or docker\n", *runtime)
		return exitInvalid
	}
	sc, err := scenarios.Load(files[0])
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if *runtime != "" && *runtime != sc.System.Runtime {
		sc.System.Runtime = *runtime
		sc.ApplyDefaults() // the runtime's own defaults, such as a container port
	}
	// From here on what faultdrill prints shows *** for secret values.
	secrets := drill.Secrets(sc, vars)
	e.stdout, e.stderr = secrets.Writer(e.stdout), secrets.Writer(e.stderr)
	if *approve != "prompt" && *approve != "auto" {
		fmt.Fprintf(e.stderr, "faultdrill run: --approve=%s: use prompt or auto\n", *approve)
		return exitInvalid
	}
	opts := drill.Options{OutDir: *out, Seed: *seed, Vars: vars, Toxiproxy: *toxiproxy}
	if *approve == "prompt" && e.stdin != nil {
		opts.Prompt = &drill.Prompt{In: e.stdin, Out: e.stderr}
	}
	if !*quiet {
		opts.Progress = drill.NewProgress(e.stderr, e.tty)
	}
	// The services a drill starts inherit the mask, so what they write into
	// the drill folder (data, logs) is private too, like faultdrill's own
	// files (internal/perm).
	syscall.Umask(0o077)
	rep, err := drill.Run(ctx, sc, opts)
	if rep == nil {
		fmt.Fprintf(e.stderr, "faultdrill run: %v\n", err)
		// The scenario asks for what this machine lacks, such as a Docker engine.
		if errors.Is(err, drill.ErrUnsupportedRuntime) || errors.Is(err, docker.ErrNoEngine) {
			return exitInvalid
		}
		return exitError
	}
	if err != nil && rep.Status != reports.Interrupted {
		fmt.Fprintf(e.stderr, "faultdrill run: %v\n", err)
	}
	writeSummary(e.stdout, rep)
	if errors.Is(err, sut.ErrBadSpec) {
		// A service the runtime cannot run as written (--runtime overrides
		// the runtime the scenario was validated for).
		return exitInvalid
	}
	return rep.Outcome.Class.ExitCode()
}

func writeSummary(w io.Writer, rep *reports.Report) {
	_ = reports.WriteSummary(w, rep, rep.Drill.Dir+"/"+reports.FileName)
}

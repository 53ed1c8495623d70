package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

func runDrill(ctx context.Context, args []string, e env) int {
	fs := newFlags("run", "FILE | --replay DIR", "Run a drill: bring the system up, drive load, walk the timeline, roll back on a\n"+
		"trigger, verify, and write report.json, journal.jsonl and history.jsonl to a new\ndrill folder. "+
		"Progress goes to stderr, the summary to stdout. --replay DIR reruns the drill of a\n"+
		"drill folder with exactly its inputs: its copy of the scenario, its vars, seed and runtime.",
		"faultdrill run --seed 42 scenarios/examples/ledger-bad-release.yaml", e.stderr)
	out := fs.String("out", "drills", "folder in which the drill folder is created")
	seed := fs.Uint64("seed", 0, "seed for every random choice (0 picks one; the seed used is in the report)")
	quiet := fs.Bool("quiet", false, "no live progress")
	approve := fs.String("approve", "prompt", "rollbacks that need approval: prompt (ask on the terminal; automatic when there is none) or auto")
	toxiproxy := fs.String("toxiproxy", "", "URL of a running toxiproxy server to use instead of the embedded one")
	runtime := fs.String("runtime", "", "run the services as local processes (process) or as containers (docker); overrides system.runtime")
	replay := fs.String("replay", "", "rerun the drill of this drill folder with the same inputs (a --var given too replaces a recorded one)")
	vars := varsFlag{}
	fs.Var(vars, "var", "override a var the scenario declares, NAME=VALUE (repeatable)")
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	in := runInputs{file: first(files), seed: *seed, runtime: *runtime, toxiproxy: *toxiproxy, vars: vars}
	switch {
	case *replay != "":
		if code := in.replay(*replay, fs, files, e); code != exitPassed {
			return code
		}
	case len(files) != 1:
		fmt.Fprintln(e.stderr, "faultdrill run: give exactly one scenario file, e.g. faultdrill run scenarios/examples/ledger-bad-release.yaml")
		return exitInvalid
	}
	if in.runtime != "" && in.runtime != faults.RuntimeProcess && in.runtime != faults.RuntimeDocker {
		fmt.Fprintf(e.stderr, "faultdrill run: --runtime=%s: use process or docker\n", in.runtime)
		return exitInvalid
	}
	sc, err := scenarios.Load(in.file)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if err := sc.CheckOverrides(in.vars); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitInvalid
	}
	if in.runtime != "" && in.runtime != sc.System.Runtime {
		sc.System.Runtime = in.runtime
		sc.ApplyDefaults() // the runtime's own defaults, such as a container port
	}
	if *approve != "prompt" && *approve != "auto" {
		fmt.Fprintf(e.stderr, "faultdrill run: --approve=%s: use prompt or auto\n", *approve)
		return exitInvalid
	}
	opts := drill.Options{OutDir: *out, Seed: in.seed, Vars: in.vars, Toxiproxy: in.toxiproxy, Approve: *approve, ReplayOf: in.replayOf}
	if *approve == "prompt" && e.stdin != nil {
		opts.Prompt = &drill.Prompt{In: e.stdin, Out: e.stderr}
	}
	if !*quiet {
		opts.Progress = drill.NewProgress(e.stderr, e.tty)
	}
	return runLoaded(ctx, sc, opts, e)
}

// runLoaded runs the drill and returns its exit code.
func runLoaded(ctx context.Context, sc *scenarios.Scenario, opts drill.Options, e env) int {
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

// runInputs are the inputs of one run: from the flags, or from the drill
// folder a replay reruns.
type runInputs struct {
	file      string
	seed      uint64
	runtime   string
	toxiproxy string
	vars      varsFlag
	replayOf  string
}

// replay takes the inputs recorded in the drill folder dir: its copy of
// the scenario, its vars (those given with --var replace them), seed,
// runtime and toxiproxy server (unless --toxiproxy names another). It
// refuses a scenario file, --seed or --runtime, which would change the
// drill, and a redacted var value that --var does not give again.
func (in *runInputs) replay(dir string, fs *flag.FlagSet, files []string, e env) int {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if len(files) > 0 || set["seed"] || set["runtime"] {
		fmt.Fprintln(e.stderr, "faultdrill run: --replay reruns a drill with its own scenario, seed and runtime; give no scenario file, --seed or --runtime with it")
		return exitInvalid
	}
	rep, err := recordedInputs(dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill run: --replay %s: %v; give a drill folder that has a report.json\n", dir, err)
		return exitInvalid
	}
	rec := rep.Inputs
	for _, name := range sortedKeys(rec.Vars) {
		_, given := in.vars[name]
		if rec.Vars[name] == reports.Redacted && !given {
			fmt.Fprintf(e.stderr, "faultdrill run: --replay %s: the value of var %s was redacted in the report (%s); give it again with --var %s=VALUE\n",
				dir, name, reports.Redacted, name)
			return exitInvalid
		}
		if !given {
			in.vars[name] = rec.Vars[name]
		}
	}
	in.file = filepath.Join(dir, drill.ScenarioFile)
	in.seed = cmp.Or(rec.Seed, rep.Drill.Seed)
	in.runtime = cmp.Or(rec.Runtime, rep.Drill.Runtime)
	if !set["toxiproxy"] {
		in.toxiproxy = rec.Toxiproxy
	}
	in.replayOf = rep.Drill.ID
	if v := drill.Version(); rec.Version != "" && rec.Version != v {
		fmt.Fprintf(e.stderr, "faultdrill run: note: %s was run by faultdrill %s; this is faultdrill %s\n", dir, rec.Version, v)
	}
	return exitPassed
}

// recordedInputs reads the report of the drill folder dir: report.json,
// or the report.start.json of a drill killed before it wrote one.
func recordedInputs(dir string) (*reports.Report, error) {
	rep, err := reports.Read(filepath.Join(dir, reports.FileName))
	if errors.Is(err, fs.ErrNotExist) {
		rep, err = reports.Read(filepath.Join(dir, reports.StartFileName))
	}
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, drill.ScenarioFile)); err != nil {
		return nil, fmt.Errorf("no copy of the scenario: %w", err)
	}
	return rep, nil
}

func first(files []string) string {
	if len(files) == 0 {
		return ""
	}
	return files[0]
}

func writeSummary(w io.Writer, rep *reports.Report) {
	_ = reports.WriteSummary(w, rep, rep.Drill.Dir+"/"+reports.FileName)
}

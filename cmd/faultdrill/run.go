package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/internal/term"
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
	out := fs.String("out", "drills", "folder in which the drill folder is created; its link latest names the newest")
	reportDir := fs.String("report-dir", "", "write the drill folder exactly here (new or empty), instead of a new folder in --out")
	asJSON := fs.Bool("json", false, "print the verdict and key measures as one JSON object on stdout, instead of the summary")
	seed := fs.Uint64("seed", 0, "seed for every random choice (0 picks one; the seed used is in the report)")
	quiet := fs.Bool("quiet", false, "no live progress")
	approve := fs.String("approve", "prompt", "rollbacks that need approval: prompt (ask on the terminal; automatic when there is none) or auto")
	approver := fs.String("approver", os.Getenv("FAULTDRILL_APPROVER"), "who answers the approval prompt, as recorded in the report (default $FAULTDRILL_APPROVER, else the OS user)")
	toxiproxy := fs.String("toxiproxy", "", "URL of a running toxiproxy server to use instead of the embedded one")
	runtime := fs.String("runtime", "", "run the services as local processes (process) or as containers (docker); overrides system.runtime")
	replay := fs.String("replay", "", "rerun the drill of this drill folder with the same inputs (a --var given too replaces a recorded one)")
	histFlag := fs.String("history", "", historyFlagUsage)
	failOnRegression := fs.Bool("fail-on-regression", false, "exit 9 when the drill passed but regressed against the earlier runs of its scenario in the history")
	factor := fs.Float64("regression-factor", history.DefaultFactor, "a regression is an RTO, detection time or rollback duration this many times its trailing median, or integrity turned violated")
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
		fmt.Fprintf(e.stderr, "faultdrill run: --runtime=%s: use process or docker\n", term.Escape(in.runtime))
		return exitInvalid
	}
	if *approve != "prompt" && *approve != "auto" {
		fmt.Fprintf(e.stderr, "faultdrill run: --approve=%s: use prompt or auto\n", term.Escape(*approve))
		return exitInvalid
	}
	if err := checkOut(*out); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill run: --out=%s: %s\n", term.Escape(*out), term.Escape(err.Error()))
		return exitInvalid
	}
	// --runtime applies before validation: a process scenario run on
	// docker is refused here, before any drill folder is written.
	sc, err := scenarios.LoadWith(in.file, scenarios.WithRuntime(in.runtime))
	if err != nil {
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	if err := sc.CheckOverrides(in.vars); err != nil {
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	// From here on what faultdrill prints shows *** for secret values.
	secrets := drill.Secrets(sc, in.vars)
	e.stdout, e.stderr = secrets.Writer(e.stdout), secrets.Writer(e.stderr)
	if missing := sc.Programs(in.vars); len(missing) > 0 {
		fmt.Fprintln(e.stderr, term.EscapeText(missing.Error()))
		return exitInvalid
	}
	if *reportDir != "" {
		if err := drill.CheckDir(*reportDir); err != nil {
			fmt.Fprintf(e.stderr, "faultdrill run: --report-dir: %s\n", term.Escape(err.Error()))
			return exitInvalid
		}
	}
	opts := drill.Options{OutDir: *out, Dir: *reportDir, Seed: in.seed, Vars: in.vars, Toxiproxy: in.toxiproxy, Approve: *approve, ReplayOf: in.replayOf,
		Rehearsal: e.rehearsal}
	if *approve == "prompt" && e.stdin != nil {
		opts.Prompt = &drill.Prompt{In: e.stdin, Out: e.stderr, Approver: *approver}
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
		fmt.Fprintf(e.stderr, "faultdrill run: %s\n", term.EscapeText(err.Error()))
		// The scenario asks for what this machine lacks, such as a Docker engine.
		if errors.Is(err, drill.ErrUnsupportedRuntime) || errors.Is(err, docker.ErrNoEngine) {
			return exitInvalid
		}
		return exitError
	}
	if err != nil && rep.Status != reports.Interrupted {
		fmt.Fprintf(e.stderr, "faultdrill run: %s\n", term.EscapeText(err.Error()))
	}
	regs := recordRun(ctx, e, historyTarget(*histFlag), rep, sortedKeys(sc.System.Services), *factor)
	if *asJSON {
		writeVerdictJSON(e.stdout, rep, regs)
	} else {
		writeSummary(e.stdout, rep)
		writeRegressions(e.stdout, regs)
	}
	if errors.Is(err, sut.ErrBadSpec) {
		// A service the runtime cannot run as written (--runtime overrides
		// the runtime the scenario was validated for).
		return exitInvalid
	}
	code := rep.Outcome.Class.ExitCode()
	if code == exitPassed && *failOnRegression && len(regs) > 0 {
		return exitRegression
	}
	return code
}

// writeRegressions prints one line per regression after the summary.
func writeRegressions(w io.Writer, regs []history.Regression) {
	for _, g := range regs {
		fmt.Fprintf(w, "regression        %s\n", term.EscapeText(g.String()))
	}
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

// writeSummary prints the drill's summary, which echoes names and values
// from the scenario, with what would act on a terminal escaped.
func writeSummary(w io.Writer, rep *reports.Report) {
	var b strings.Builder
	_ = reports.WriteSummary(&b, rep, rep.Drill.Dir+"/"+reports.FileName)
	fmt.Fprint(w, term.EscapeText(b.String()))
}

// checkOut refuses an --out that cannot hold drill folders (a file, a
// path through a file, a folder this user cannot write), without
// creating anything.
func checkOut(out string) error {
	p := filepath.Clean(out)
	for {
		fi, err := os.Stat(p)
		switch {
		case err == nil && !fi.IsDir():
			return fmt.Errorf("%s is a file, not a folder; give a folder for drill folders (default drills)", p)
		case err == nil:
			if err := syscall.Access(p, 0x2|0x1); err != nil { // W_OK|X_OK
				return fmt.Errorf("folder %s is not writable: %v; give a folder you can write to", p, err)
			}
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
}

// verdictJSON is what run --json prints: the verdict and the measures a
// script gates on, durations in nanoseconds like report.json. A measure
// that was not taken is absent (lostWrites absent is "not checked", never
// 0).
type verdictJSON struct {
	Scenario  string           `json:"scenario"`
	Status    reports.Status   `json:"status"`
	Class     reports.Class    `json:"class"`
	ExitCode  int              `json:"exitCode"`
	Score     *int             `json:"score,omitempty"`
	PassScore int              `json:"passScore"`
	Reasons   []string         `json:"reasons"`
	Warnings  []string         `json:"warnings"`
	Measures  reports.Measures `json:"measures"`
	Load      struct {
		Ops           int `json:"ops"`
		Acknowledged  int `json:"acknowledged"`
		Failed        int `json:"failed"`
		Indeterminate int `json:"indeterminate"`
	} `json:"load"`
	Folder string `json:"folder"`
	Report string `json:"report"`
	// Regressions say, one sentence each, how the drill regressed against
	// the earlier runs of its scenario in the history.
	Regressions []string `json:"regressions,omitempty"`
}

// writeVerdictJSON prints rep's verdict as one JSON object and a newline.
func writeVerdictJSON(w io.Writer, rep *reports.Report, regs []history.Regression) {
	v := verdictJSON{
		Scenario: rep.Drill.Scenario, Status: rep.Status, Class: rep.Outcome.Class, ExitCode: rep.Outcome.Class.ExitCode(),
		PassScore: rep.Score.PassScore, Reasons: rep.Outcome.Reasons, Warnings: rep.Outcome.Warnings,
		Measures: rep.Measures, Folder: rep.Drill.Dir, Report: filepath.Join(rep.Drill.Dir, reports.FileName),
	}
	if !rep.Score.NoData {
		v.Score = &rep.Score.Value
	}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	if v.Warnings == nil {
		v.Warnings = []string{}
	}
	for _, g := range regs {
		v.Regressions = append(v.Regressions, g.String())
	}
	v.Load.Ops, v.Load.Acknowledged, v.Load.Failed, v.Load.Indeterminate = rep.Load.Ops, rep.Load.Acknowledged, rep.Load.Failed, rep.Load.Indeterminate
	_ = json.NewEncoder(w).Encode(v)
}

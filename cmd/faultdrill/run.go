package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/internal/term"
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
	out := fs.String("out", "drills", "folder in which the drill folder is created; its link latest names the newest")
	reportDir := fs.String("report-dir", "", "write the drill folder exactly here (new or empty), instead of a new folder in --out")
	asJSON := fs.Bool("json", false, "print the verdict and key measures as one JSON object on stdout, instead of the summary")
	seed := fs.Uint64("seed", 0, "seed for every random choice (0 picks one; the seed used is in the report)")
	quiet := fs.Bool("quiet", false, "no live progress")
	approve := fs.String("approve", "prompt", "rollbacks that need approval: prompt (ask on the terminal; automatic when there is none) or auto")
	approver := fs.String("approver", os.Getenv("FAULTDRILL_APPROVER"), "who answers the approval prompt, as recorded in the report (default $FAULTDRILL_APPROVER, else the OS user)")
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
		fmt.Fprintf(e.stderr, "faultdrill run: --runtime=%s: use process or docker\n", term.Escape(*runtime))
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
	sc, err := scenarios.LoadWith(files[0], scenarios.WithRuntime(*runtime))
	if err != nil {
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	// From here on what faultdrill prints shows *** for secret values.
	secrets := drill.Secrets(sc, vars)
	e.stdout, e.stderr = secrets.Writer(e.stdout), secrets.Writer(e.stderr)
	if missing := sc.Programs(vars); len(missing) > 0 {
		fmt.Fprintln(e.stderr, term.EscapeText(missing.Error()))
		return exitInvalid
	}
	if *reportDir != "" {
		if err := drill.CheckDir(*reportDir); err != nil {
			fmt.Fprintf(e.stderr, "faultdrill run: --report-dir: %s\n", term.Escape(err.Error()))
			return exitInvalid
		}
	}
	opts := drill.Options{OutDir: *out, Dir: *reportDir, Seed: *seed, Vars: vars, Toxiproxy: *toxiproxy}
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
	if *asJSON {
		writeVerdictJSON(e.stdout, rep)
	} else {
		writeSummary(e.stdout, rep)
	}
	if errors.Is(err, sut.ErrBadSpec) {
		// A service the runtime cannot run as written (--runtime overrides
		// the runtime the scenario was validated for).
		return exitInvalid
	}
	return rep.Outcome.Class.ExitCode()
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
}

// writeVerdictJSON prints rep's verdict as one JSON object and a newline.
func writeVerdictJSON(w io.Writer, rep *reports.Report) {
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
	v.Load.Ops, v.Load.Acknowledged, v.Load.Failed, v.Load.Indeterminate = rep.Load.Ops, rep.Load.Acknowledged, rep.Load.Failed, rep.Load.Indeterminate
	_ = json.NewEncoder(w).Encode(v)
}

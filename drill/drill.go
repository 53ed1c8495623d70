// Package drill is the engine: it runs one scenario end to end — brings the
// system up, puts its links behind toxiproxy, drives load, walks the
// timeline, rolls back on a trigger, verifies, scores and reports — and
// guarantees that faults are healed and the system is torn down on every
// exit path.
package drill

import (
	"github.com/faultdrill/faultdrill/internal/buildinfo"
	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/internal/redact"

	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/cleanup"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
)

// Options tune one run of a scenario.
type Options struct {
	// OutDir is the folder drill folders are created in (default "drills");
	// its "latest" link names the newest.
	OutDir string
	// Dir, when set, is the drill folder itself, for a CI job that must
	// know where the report is: created when missing, refused when it
	// holds anything (ErrDirNotEmpty). OutDir is then not used.
	Dir string
	// Seed seeds every random choice of the drill (request ids); 0 picks one
	// at random. The seed used is written in the report.
	Seed uint64
	// Vars override the scenario's vars.
	Vars map[string]string
	// Progress, if not nil, receives live progress.
	Progress *Progress
	// Prompt, when set, asks the rollback owner on a terminal to approve
	// rollbacks that need approval; nil approves them automatically,
	// recorded as such (CI, --approve=auto).
	Prompt *Prompt
	// Toxiproxy, when set, is the URL of a running toxiproxy server to use
	// instead of an embedded one; it overrides the scenario's.
	Toxiproxy string
	// Approve is how the CLI was told to approve rollbacks (prompt or
	// auto), recorded in the report's inputs.
	Approve string
	// ReplayOf is the id of the drill this run replays, if any.
	ReplayOf string
	// Rehearsal says who answers the manual steps of a runbook.
	Rehearsal *Rehearsal
}

// Version is the faultdrill version of this build (buildinfo: the module
// version under go install, even as a dependency), or "devel" for a build
// from a working tree.
func Version() string {
	if v := buildinfo.Read().Version; v != "(devel)" {
		return v
	}
	return "devel"
}

// Prompt is the terminal a rollback owner answers on.
type Prompt struct {
	In  io.Reader
	Out io.Writer
	// Approver names who answers, as recorded in the report; empty means
	// the OS user.
	Approver string
}

// ErrUnsupportedRuntime means the scenario asks for a runtime this build
// cannot provide.
var ErrUnsupportedRuntime = errors.New("unsupported runtime")

// File names inside a drill folder.
const (
	JournalFile     = reports.JournalFileName
	HistoryFile     = "history.jsonl"
	FaultLedgerFile = cleanup.LedgerFileName
	ScenarioFile    = "scenario.yaml"
)

// Run runs the scenario and returns its report. The report is written to
// the drill folder on every path, partial when the drill could not finish;
// the error says why it could not. A canceled ctx (Ctrl-C, SIGTERM) stops
// the drill, heals its faults and tears the system down before returning.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (rep *reports.Report, err error) {
	r, err := newRun(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	rep = r.report
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("drill: internal error: %v", p)
		}
		if terr := r.finish(err); err == nil {
			err = terr
		}
	}()
	return rep, r.execute(ctx)
}

// run is the state of one drill while it runs.
type run struct {
	sc       *scenarios.Scenario
	opts     Options
	dir      string
	base     time.Time
	journal  *Journal
	progress *Progress
	report   *reports.Report
	lock     *cleanup.Lock
	// secrets redacts the values of secret vars in what the drill records.
	secrets *redact.Redactor

	faults    *faults.Controller
	runtime   sutRuntime
	links     map[string]string // link name → proxy address
	loadAt    time.Duration
	history   *load.History
	snapshots map[string]snapshotRecord // by name

	mu       sync.Mutex          // guards the fields below
	versions map[string][]string // per service, the versions deployed, current last
	deployed []string            // services the timeline deployed, in order
	faultLog []reports.Fault
	rolled   bool
	plan     []rollback.ActionSpec // the rollback plan that ran
	restored *time.Duration        // when the snapshot a rollback restored was taken
	deployMu sync.Mutex            // serialises version switches
	canary   string                // the version of the latest canary, for triggers scoped to it
}

// newRun checks that the runtime the scenario asks for is there (once,
// before anything starts), then creates the drill folder and journal.
func newRun(ctx context.Context, sc *scenarios.Scenario, opts Options) (*run, error) {
	if opts.OutDir == "" {
		opts.OutDir = "drills"
	}
	if opts.Seed == 0 {
		opts.Seed = randomSeed()
	}
	base := time.Now()
	id := drillID(sc.Metadata.Name, base)
	switch sc.System.Runtime {
	case "", faults.RuntimeProcess:
	case faults.RuntimeDocker:
		if err := checkDocker(ctx, sc, opts, id); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("drill: runtime %q: %w (use runtime: process or docker)", sc.System.Runtime, ErrUnsupportedRuntime)
	}
	dir, err := makeDrillDir(opts, id)
	if err != nil {
		return nil, err
	}
	lock, err := cleanup.WriteLock(dir)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	secrets := Secrets(sc, opts.Vars)
	digest, err := keepScenario(sc.Path, dir, secrets)
	if err != nil {
		lock.Release()
		return nil, err
	}
	r := &run{sc: sc, opts: opts, dir: dir, base: base, progress: opts.Progress, lock: lock, secrets: secrets,
		links: map[string]string{}, versions: map[string][]string{}, snapshots: map[string]snapshotRecord{}}
	r.journal, err = OpenJournal(filepath.Join(dir, JournalFile), base, r.progress.Event)
	if err != nil {
		lock.Release()
		return nil, fmt.Errorf("drill: %w", err)
	}
	r.journal.Redact(secrets)
	r.report = r.newReport(id, digest)
	r.planSteps()
	start := *r.report
	start.Verifiers = r.plannedVerifiers()
	if err := r.writeStart(&start); err != nil {
		r.journal.Close()
		lock.Release()
		return nil, fmt.Errorf("drill: %w", err)
	}
	r.journal.Add("drill.start", fmt.Sprintf("%s (seed %d) in %s", sc.Metadata.Name, opts.Seed, dir),
		map[string]any{"seed": opts.Seed, "dir": dir, "digest": digest})
	return r, nil
}

func (r *run) newReport(id, digest string) *reports.Report {
	o := r.sc.Objectives
	return &reports.Report{
		Schema: reports.Schema,
		Drill: reports.Drill{ID: id, Scenario: r.sc.Metadata.Name, File: r.sc.Path, Digest: digest,
			Seed: r.opts.Seed, Runtime: cmp.Or(r.sc.System.Runtime, faults.RuntimeProcess), Started: r.base, Dir: r.dir},
		Objectives: reports.Objectives{RTO: o.RTO, RTOFrom: o.RTOFrom, RPO: o.RPO, PassScore: o.PassScore,
			SLOErrorRate: o.SLO.ErrorRate.Value, SLOP99: o.SLO.P99,
			Detection: o.Detection, ErrorBudget: o.ErrorBudget.Value, Weights: o.Weights,
			ExpectUnhealthyBeforeFault: o.ExpectUnhealthyBeforeFault},
		Inputs: reports.Inputs{Vars: maps.Clone(r.opts.Vars), Seed: r.opts.Seed, Runtime: cmp.Or(r.sc.System.Runtime, faults.RuntimeProcess),
			Toxiproxy: r.opts.Toxiproxy, Approve: r.opts.Approve, Version: Version(), ReplayOf: r.opts.ReplayOf},
		Harness: reports.Harness{LagTolerance: r.sc.Harness.LagTolerance, StepTolerance: r.sc.Harness.StepTolerance},
	}
}

// execute runs the drill's phases in order; finish cleans up after it.
func (r *run) execute(ctx context.Context) error {
	if err := r.newRuntime(ctx); err != nil {
		return err
	}
	if err := r.startFaults(ctx); err != nil {
		return err
	}
	if err := r.startSystem(ctx); err != nil {
		return err
	}
	if !r.setup(ctx) {
		return ctx.Err() // the system never became ready: no load, nothing to verify
	}
	before := r.measureInvariants(ctx)
	if err := r.drive(ctx); err != nil {
		return err
	}
	r.healAll(ctx)
	r.verify(ctx, before)
	return nil
}

// finish heals every fault, stops the system, and writes the report (partial
// when cause is not nil), its renderings and the journal. It runs on every
// exit path. Faults close before the runtime: healing a kill restarts a
// service, which needs the runtime. Each has its own deadline, so that a
// toxiproxy that stopped answering cannot keep the system up.
func (r *run) finish(cause error) error {
	var errs []error
	faultCtx, cancelFaults := context.WithTimeout(context.Background(), faultsCloseTimeout)
	r.healAll(faultCtx)
	if r.faults != nil {
		errs = append(errs, r.faults.Close(faultCtx))
	}
	cancelFaults()
	if r.runtime != nil {
		ctx, cancel := context.WithTimeout(context.Background(), runtimeCloseTimeout)
		errs = append(errs, r.runtime.Close(ctx))
		cancel()
		r.journal.Add("sut.down", "every service stopped", nil)
	}
	r.progress.Done()
	r.fillReport(cause)
	reports.Judge(r.report)
	r.journal.Add("drill.end", fmt.Sprintf("%s, score %d", r.report.Status, r.report.Score.Value),
		map[string]any{"status": r.report.Status, "score": r.report.Score.Value, "class": r.report.Outcome.Class})
	if err := r.writeReport(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, r.journal.Close())
	if _, err := reports.Render(r.dir); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, r.lock.Release())
	return errors.Join(errs...)
}

// Deadlines of the drill's teardown.
const (
	// faultsCloseTimeout bounds healing every fault and removing the links.
	faultsCloseTimeout = 15 * time.Second
	// runtimeCloseTimeout bounds stopping every service.
	runtimeCloseTimeout = 30 * time.Second
)

func (r *run) fillReport(cause error) {
	rep := r.report
	rep.Drill.Duration = time.Since(r.base)
	switch {
	case cause == nil:
	case errors.Is(cause, context.Canceled):
		rep.Status, rep.Partial, rep.Error = reports.Interrupted, true, cause.Error()
	default:
		rep.Status, rep.Partial, rep.Error = reports.Errored, true, cause.Error()
	}
	if errors.Is(cause, context.Canceled) && rep.Signal == nil {
		rep.Signal = &reports.Signal{Name: "cancellation", At: r.journal.Now()}
	}
	r.mu.Lock()
	rep.Faults = append([]reports.Fault(nil), r.faultLog...)
	r.mu.Unlock()
	if r.history != nil {
		rep.Windows = r.history.Windows
		ran := r.sc.Load.Duration
		if p := rep.Phases; p.LoadStart != nil && p.LoadEnd != nil {
			ran = *p.LoadEnd - *p.LoadStart
		}
		rep.Load = reports.SummarizeLoad(r.history.Ops, ran)
		rep.Load.History = HistoryFile
		r.measureFlagPropagation()
		r.historyBlastRadius()
	}
	measure(rep, r.sc)
}

// measureFlagPropagation times the rollback's feature-flag flips: from the
// end of the flip to every later response reporting the expected flags.
func (r *run) measureFlagPropagation() {
	r.mu.Lock()
	plan := r.plan
	r.mu.Unlock()
	results := r.report.Actions
	for i, a := range plan {
		if a.Action != rollback.Flag || a.ExpectFlags == "" || i >= len(results) || results[i].Error != "" {
			continue
		}
		if d, ok := rollback.FlagPropagation(r.history.Ops, results[i].End, a.ExpectFlags); ok {
			r.report.Measures.FlagPropagation = &d
			r.journal.Add("flag.propagated", fmt.Sprintf("%s seen by every response %s after the flip", a.ExpectFlags, d.Round(time.Millisecond)), nil)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

func drillID(name string, t time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%s-%s", unsafeName.ReplaceAllString(name, "-"), t.Format("20060102-150405"), hex.EncodeToString(b[:]))
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var s uint64
	for _, x := range b {
		s = s<<8 | uint64(x)
	}
	return s>>1 | 1
}

// Secrets returns the Redactor of a scenario run with var overrides: the
// values of its secret vars, those of the file and those of the overrides
// (see redact.New and Scenario.Secrets).
func Secrets(sc *scenarios.Scenario, overrides map[string]string) *redact.Redactor {
	return redact.New(sc.Secrets, sc.Vars, overrides)
}

// writeStart writes report.start.json, from a copy of start with secret
// values redacted (its inputs hold the --var values).
func (r *run) writeStart(start *reports.Report) error {
	if !r.secrets.Empty() {
		var err error
		if start, err = redact.Copy(r.secrets, start); err != nil {
			return fmt.Errorf("redact the start report: %w", err)
		}
	}
	_, err := reports.WriteStart(r.dir, start)
	return err
}

// writeReport writes report.json, from a copy of the report with secret
// values redacted.
func (r *run) writeReport() error {
	rep := r.report
	if !r.secrets.Empty() {
		var err error
		if rep, err = redact.Copy(r.secrets, r.report); err != nil {
			return fmt.Errorf("drill: redact the report: %w", err)
		}
	}
	_, err := reports.Write(r.dir, rep)
	return err
}

// keepScenario copies the scenario file into the drill folder, for the
// audit trail, with secret values redacted, and returns the SHA-256 of the
// file as written by its author.
func keepScenario(path, dir string, secrets *redact.Redactor) (string, error) {
	if path == "" {
		return "", nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	sum := sha256.Sum256(src)
	dst, err := os.OpenFile(filepath.Join(dir, ScenarioFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm.File)
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	if _, err := dst.Write(secrets.Bytes(src)); err != nil {
		dst.Close()
		return "", fmt.Errorf("drill: copy the scenario: %w", err)
	}
	if err := dst.Close(); err != nil {
		return "", fmt.Errorf("drill: copy the scenario: %w", err)
	}
	return hex.EncodeToString(sum[:]), nil
}

func ptr[T any](v T) *T { return &v }

// ErrDirNotEmpty means Options.Dir holds files already: a drill folder
// holds one drill.
var ErrDirNotEmpty = errors.New("the drill folder is not empty")

// LatestLink is the link in Options.OutDir to the newest drill folder.
const LatestLink = "latest"

// makeDrillDir creates the drill folder: Options.Dir exactly, or a new
// folder named id in Options.OutDir, which "latest" then points at.
func makeDrillDir(opts Options, id string) (string, error) {
	if opts.Dir != "" {
		dir, err := filepath.Abs(opts.Dir)
		if err != nil {
			return "", fmt.Errorf("drill: %w", err)
		}
		if err := CheckDir(dir); err != nil {
			return "", err
		}
		if err := os.MkdirAll(dir, perm.Dir); err != nil {
			return "", fmt.Errorf("drill: create the drill folder: %w", err)
		}
		return dir, nil
	}
	dir, err := filepath.Abs(filepath.Join(opts.OutDir, id))
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	if err := os.MkdirAll(dir, perm.Dir); err != nil {
		return "", fmt.Errorf("drill: create the drill folder: %w", err)
	}
	if err := pointLatest(filepath.Dir(dir), id); err != nil {
		return "", err
	}
	return dir, nil
}

// CheckDir returns ErrDirNotEmpty, wrapped with the folder's name, when
// dir exists and holds anything; nil when it is missing or empty.
func CheckDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("drill: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("drill: %s: %w (it holds %s); give a new or empty folder", dir, ErrDirNotEmpty, entries[0].Name())
	}
	return nil
}

// pointLatest makes out/latest a relative link to the drill folder id,
// replacing it atomically (a new link renamed over the old), so a reader
// never finds it missing.
func pointLatest(out, id string) error {
	// No '-' in the temporary name: drill folders are the names with one.
	tmp := filepath.Join(out, fmt.Sprintf(".%s.%d.%d", LatestLink, os.Getpid(), time.Now().UnixNano()))
	if err := os.Symlink(id, tmp); err != nil {
		return fmt.Errorf("drill: link %s: %w", LatestLink, err)
	}
	if err := os.Rename(tmp, filepath.Join(out, LatestLink)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("drill: link %s: %w", LatestLink, err)
	}
	return nil
}

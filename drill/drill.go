// Package drill is the engine: it runs one scenario end to end — brings the
// system up, puts its links behind toxiproxy, drives load, walks the
// timeline, rolls back on a trigger, verifies, scores and reports — and
// guarantees that faults are healed and the system is torn down on every
// exit path.
package drill

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut"
)

// Options tune one run of a scenario.
type Options struct {
	// OutDir is the folder drill folders are created in (default "drills").
	OutDir string
	// Seed seeds every random choice of the drill (request ids); 0 picks one
	// at random. The seed used is written in the report.
	Seed uint64
	// Vars override the scenario's vars.
	Vars map[string]string
	// Progress, if not nil, receives live progress.
	Progress *Progress
}

// ErrUnsupportedRuntime means the scenario asks for a runtime this build
// cannot provide.
var ErrUnsupportedRuntime = errors.New("unsupported runtime")

// Run runs the scenario and returns its report. The report is written to
// the drill folder on every path, partial when the drill could not finish;
// the error says why it could not. A canceled ctx (Ctrl-C, SIGTERM) stops
// the drill, heals its faults and tears the system down before returning.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (rep *reports.Report, err error) {
	r, err := newRun(sc, opts)
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

	faults  *faults.Controller
	runtime sut.Runtime
	links   map[string]string // link name → proxy address
	loadAt  time.Duration
	history *load.History

	mu       sync.Mutex          // guards the fields below
	versions map[string][]string // per service, the versions deployed, current last
	deployed []string            // services the timeline deployed, in order
	faultLog []reports.Fault
	rolled   bool
	deployMu sync.Mutex // serialises version switches
}

func newRun(sc *scenarios.Scenario, opts Options) (*run, error) {
	if sc.System.Runtime != "" && sc.System.Runtime != "process" {
		return nil, fmt.Errorf("drill: runtime %q: %w (use runtime: process)", sc.System.Runtime, ErrUnsupportedRuntime)
	}
	if opts.OutDir == "" {
		opts.OutDir = "drills"
	}
	if opts.Seed == 0 {
		opts.Seed = randomSeed()
	}
	base := time.Now()
	id := drillID(sc.Metadata.Name, base)
	dir, err := filepath.Abs(filepath.Join(opts.OutDir, id))
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("drill: create the drill folder: %w", err)
	}
	digest, err := keepScenario(sc.Path, dir)
	if err != nil {
		return nil, err
	}
	r := &run{sc: sc, opts: opts, dir: dir, base: base, progress: opts.Progress,
		links: map[string]string{}, versions: map[string][]string{}}
	r.journal, err = OpenJournal(filepath.Join(dir, JournalFile), base, r.progress.Event)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	r.report = r.newReport(id, digest)
	r.journal.Add("drill.start", fmt.Sprintf("%s (seed %d) in %s", sc.Metadata.Name, opts.Seed, dir),
		map[string]any{"seed": opts.Seed, "dir": dir, "digest": digest})
	return r, nil
}

func (r *run) newReport(id, digest string) *reports.Report {
	o := r.sc.Objectives
	return &reports.Report{
		Schema: reports.Schema,
		Drill: reports.Drill{ID: id, Scenario: r.sc.Metadata.Name, File: r.sc.Path, Digest: digest,
			Seed: r.opts.Seed, Runtime: "process", Started: r.base, Dir: r.dir},
		Objectives: reports.Objectives{RTO: o.RTO, RTOFrom: o.RTOFrom, RPO: o.RPO, PassScore: o.PassScore,
			SLOErrorRate: o.SLO.ErrorRate.Value, SLOP99: o.SLO.P99},
	}
}

// execute runs the drill's phases in order; finish cleans up after it.
func (r *run) execute(ctx context.Context) error {
	if err := r.startFaults(ctx); err != nil {
		return err
	}
	if err := r.startSystem(ctx); err != nil {
		return err
	}
	if err := r.drive(ctx); err != nil {
		return err
	}
	r.healAll(ctx)
	r.verify(ctx)
	return nil
}

// finish heals every fault, stops the system, and writes the report (partial
// when cause is not nil) and journal. It runs on every exit path.
func (r *run) finish(cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	r.healAll(ctx)
	if r.faults != nil {
		errs = append(errs, r.faults.Close(ctx))
	}
	if r.runtime != nil {
		errs = append(errs, r.runtime.Close(ctx))
		r.journal.Add("sut.down", "every service stopped", nil)
	}
	r.progress.Done()
	r.fillReport(cause)
	reports.Judge(r.report)
	r.journal.Add("drill.end", fmt.Sprintf("%s, score %d", r.report.Status, r.report.Score.Value),
		map[string]any{"status": r.report.Status, "score": r.report.Score.Value, "class": r.report.Outcome.Class})
	if _, err := reports.Write(r.dir, r.report); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, r.journal.Close())
	return errors.Join(errs...)
}

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
	r.mu.Lock()
	rep.Faults = append([]reports.Fault(nil), r.faultLog...)
	r.mu.Unlock()
	if r.history != nil {
		rep.Windows = r.history.Windows
		ran := r.sc.Load.Duration
		if p := rep.Phases; p.LoadStart != nil && p.LoadEnd != nil {
			ran = *p.LoadEnd - *p.LoadStart
		}
		rep.Load = summarizeLoad(r.history, ran)
		if err := r.writeHistory(); err != nil {
			r.journal.Add("error", err.Error(), nil)
		} else {
			rep.Load.History = HistoryFile
		}
	}
	measure(rep, r.sc)
}

// startFaults starts the embedded toxiproxy that every link goes through.
func (r *run) startFaults(ctx context.Context) error {
	c, err := faults.Start(ctx, faults.Options{
		LedgerPath: filepath.Join(r.dir, FaultLedgerFile),
		OnAutoHeal: func(s faults.Spec, err error) { r.healed(s.Name, "expired after "+s.Duration.String(), err) },
	})
	if err != nil {
		return fmt.Errorf("drill: start toxiproxy: %w", err)
	}
	r.faults = c
	r.journal.Add("faults.ready", "embedded toxiproxy at "+c.API(), map[string]any{"api": c.API()})
	return nil
}

// startSystem puts every link behind a proxy and starts every service at
// its initial version, callees before callers.
func (r *run) startSystem(ctx context.Context) error {
	services := map[string]sut.ServiceSpec{}
	for name, s := range r.sc.System.Services {
		s.Name = name
		services[name] = s
	}
	vars := map[string]string{}
	for k, v := range r.sc.Vars {
		vars[k] = v
	}
	for k, v := range r.opts.Vars {
		vars[k] = v
	}
	rt, err := sut.NewProcess(sut.ProcessOptions{
		Services: services, BaseDir: r.sc.Dir, WorkDir: r.dir, Vars: vars, OnEvent: r.sutEvent,
	})
	if err != nil {
		return fmt.Errorf("drill: %w", err)
	}
	r.runtime = rt
	for _, l := range r.sc.System.Links {
		upstream, err := rt.Addr(l.To)
		if err != nil {
			return fmt.Errorf("drill: link %s: %w", l.Name, err)
		}
		listen, err := r.faults.AddLink(ctx, l, upstream)
		if err != nil {
			return fmt.Errorf("drill: link %s: %w", l.Name, err)
		}
		r.links[l.Name] = listen
		r.journal.Add("link.ready", fmt.Sprintf("%s: %s → %s via %s", l.Name, l.From, l.To, listen),
			map[string]any{"link": l.Name, "listen": listen, "upstream": upstream})
	}
	for _, svc := range scenarios.StartOrder(r.sc) {
		version := r.sc.System.Services[svc].Initial
		if _, err := rt.Start(ctx, svc, version, r.linkVars()); err != nil {
			return fmt.Errorf("drill: %w", err)
		}
		r.mu.Lock()
		r.versions[svc] = []string{version}
		r.mu.Unlock()
	}
	return nil
}

func (r *run) sutEvent(e sut.Event) {
	r.journal.Add("sut."+e.Kind, fmt.Sprintf("%s %s %s", e.Service, e.Version, e.Detail),
		map[string]any{"service": e.Service, "version": e.Version, "pid": e.PID})
}

// linkVars are the ${link.NAME} expansions of service commands.
func (r *run) linkVars() map[string]string {
	vars := make(map[string]string, len(r.links))
	for name, addr := range r.links {
		vars["link."+name] = addr
	}
	return vars
}

// FaultLedgerFile is the fault ledger's name inside a drill folder.
const FaultLedgerFile = "faults.jsonl"

// HistoryFile is the operation history's name inside a drill folder.
const HistoryFile = "history.jsonl"

func (r *run) writeHistory() error {
	f, err := os.Create(filepath.Join(r.dir, HistoryFile))
	if err != nil {
		return fmt.Errorf("drill: history: %w", err)
	}
	if err := load.WriteHistory(f, r.history); err != nil {
		f.Close()
		return fmt.Errorf("drill: history: %w", err)
	}
	return f.Close()
}

// summarizeLoad counts the operations by outcome; ran is how long the
// load actually ran.
func summarizeLoad(h *load.History, ran time.Duration) reports.LoadSummary {
	s := reports.LoadSummary{Ops: len(h.Ops)}
	for _, op := range h.Ops {
		switch op.Outcome {
		case load.Acknowledged:
			s.Acknowledged++
		case load.Failed:
			s.Failed++
		case load.Indeterminate:
			s.Indeterminate++
		}
	}
	if ran > 0 {
		s.Rate = float64(s.Ops) / ran.Seconds()
	}
	return s
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

// keepScenario copies the scenario file into the drill folder, for the
// audit trail, and returns its SHA-256.
func keepScenario(path, dir string) (string, error) {
	if path == "" {
		return "", nil
	}
	src, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	defer src.Close()
	dst, err := os.Create(filepath.Join(dir, "scenario.yaml"))
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(dst, h), src); err != nil {
		dst.Close()
		return "", fmt.Errorf("drill: copy the scenario: %w", err)
	}
	if err := dst.Close(); err != nil {
		return "", fmt.Errorf("drill: copy the scenario: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

package drill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
)

// drive runs the load, the timeline and the triggers side by side until the
// load ends, rolling back when a trigger fires.
func (r *run) drive(ctx context.Context) error {
	target, err := r.targetURL()
	if err != nil {
		return err
	}
	hist, err := os.OpenFile(filepath.Join(r.dir, HistoryFile), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm.File)
	if err != nil {
		return fmt.Errorf("drill: history: %w", err)
	}
	// Unbuffered: the load writes whole lines every 200 ms, so a drill
	// killed with SIGKILL loses at most that much of its history.
	r.journal.Follow(hist)
	defer func() {
		r.journal.Unfollow(hist)
		_ = hist.Sync()
		_ = hist.Close()
	}()

	windows := make(chan load.Window, 1024)
	type loadResult struct {
		history *load.History
		err     error
	}
	loadDone := make(chan loadResult, 1)
	r.loadAt = r.journal.Now()
	r.report.Phases.LoadStart = ptr(r.loadAt)
	r.progress.LoadStarted(r.loadAt)
	r.journal.Add("load.start", fmt.Sprintf("%d stream(s) against %s for %s", len(r.sc.Load.Streams), r.sc.Load.Target, r.sc.Load.Duration),
		map[string]any{"target": target})
	spec, err := r.expandLoad()
	if err != nil {
		return err
	}
	go func() {
		h, err := load.Run(ctx, spec, load.Options{
			Target: target, Base: r.base, Seed: r.opts.Seed, HistoryWriter: hist,
			OnWindow: func(w load.Window) { windows <- w },
		})
		loadDone <- loadResult{h, err}
	}()

	triggerCtx, stopTriggers := context.WithCancel(ctx)
	defer stopTriggers()
	fired := make(chan rollback.Firing, 8)
	var side sync.WaitGroup
	side.Go(func() { r.timelineAndErrors(triggerCtx) })
	r.startProbes(triggerCtx, &side, fired)
	r.startPlanned(triggerCtx, &side, fired)

	watch := newWatch(r.sc.Rollback.Triggers)
	done := false
	signalled := ctx.Done()
	for {
		select {
		case <-signalled:
			// From here on no trigger fires and no rollback starts.
			signalled, done = nil, true
			r.signalled(ctx)
		case w := <-windows:
			r.showWindow(w)
			if done {
				continue
			}
			watch.watcher.SetCanary(r.canaryVersion())
			f, ok := watch.observe(w, r.onset())
			switch {
			case !ok:
			case r.earlyFiring(f, load.WindowSize):
				watch.rearm()
			default:
				done = true
				r.rollBack(ctx, f)
			}
		case f := <-fired:
			if !done && ctx.Err() == nil {
				done = true
				r.rollBack(ctx, f)
			}
		case res := <-loadDone:
			if signalled != nil && ctx.Err() != nil {
				r.signalled(ctx) // the load saw the signal first
			}
			stopTriggers()
			side.Wait()
			end := r.journal.Now()
			r.report.Phases.LoadEnd = &end
			r.history = res.history
			if r.history != nil {
				r.report.Baseline = watch.baseline
				r.report.Harness.Lag = r.history.Lag
			}
			r.journal.Add("load.end", fmt.Sprintf("%d operations", opsCount(res.history)), nil)
			if res.err != nil {
				return fmt.Errorf("drill: load: %w", res.err)
			}
			return ctx.Err()
		}
	}
}

// timelineAndErrors walks the timeline and journals why it stopped early.
func (r *run) timelineAndErrors(ctx context.Context) {
	if err := r.runTimeline(ctx); err != nil && !errors.Is(err, context.Canceled) {
		r.journal.Add("timeline.error", err.Error(), nil)
	}
}

// signalled journals the signal (or other cancellation) that stops the
// drill, when it arrives.
func (r *run) signalled(ctx context.Context) {
	at := r.journal.Now()
	name := "cancellation"
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		name = cause.Error()
	}
	r.mu.Lock()
	r.report.Signal = &reports.Signal{Name: name, At: at}
	r.mu.Unlock()
	r.journal.Add("drill.signal", name+": no trigger fires and no rollback starts from here on; faults are healed and the system stopped",
		map[string]any{"signal": name})
}

// earlyFiring reports whether a threshold or probe trigger fired before
// the fault onset: its first breach, which spans span, ended before the
// fault began. The system was already failing under the load alone, so
// the firing gets no detection credit and starts no rollback; it is
// recorded, and the trigger watched again.
func (r *run) earlyFiring(f rollback.Firing, span time.Duration) bool {
	onset := r.onset()
	if onset != nil && f.FirstBreach+span > *onset {
		return false
	}
	r.mu.Lock()
	r.report.EarlyTriggers = append(r.report.EarlyTriggers, f)
	r.mu.Unlock()
	when := "no fault had started"
	if onset != nil {
		when = fmt.Sprintf("the fault onset was at %s from the load start", (*onset - r.loadAt).Round(time.Millisecond))
	}
	r.journal.Add("trigger.early", fmt.Sprintf("%q fired before the fault onset (%s; breached since %s from the load start): the system was already failing; no rollback",
		f.Trigger, when, (f.FirstBreach-r.loadAt).Round(time.Millisecond)),
		map[string]any{"trigger": f.Trigger, "firstBreach": f.FirstBreach, "value": f.Value})
	return true
}

// watch evaluates the threshold triggers over live windows, with a
// baseline captured from the windows before the fault onset.
type watch struct {
	specs    []rollback.TriggerSpec
	watcher  *rollback.Watcher
	seen     []load.Window
	baseline *load.Window
}

func newWatch(specs []rollback.TriggerSpec) *watch {
	return &watch{specs: specs, watcher: rollback.NewWatcher(specs, nil)}
}

// rearm starts every trigger's streak afresh, keeping the baseline.
func (w *watch) rearm() {
	w.watcher = rollback.NewWatcher(w.specs, w.baseline)
}

// observe feeds one window; once the fault has started, the windows before
// it become the baseline that relative thresholds ("3x") compare with.
func (w *watch) observe(win load.Window, onset *time.Duration) (rollback.Firing, bool) {
	if w.baseline == nil {
		if onset == nil {
			w.seen = append(w.seen, win)
		} else if b, ok := load.Baseline(w.seen, *onset); ok {
			w.baseline = &b
			w.watcher.SetBaseline(&b)
		}
	}
	return w.watcher.Observe(win)
}

// startProbes runs each HTTP probe trigger in its own goroutine.
func (r *run) startProbes(ctx context.Context, wg *sync.WaitGroup, fired chan<- rollback.Firing) {
	for _, t := range r.sc.Rollback.Triggers {
		if t.Probe == nil {
			continue
		}
		base, err := r.targetURL() // the load's own port, on the load's target
		if t.Probe.Service != "" && t.Probe.Service != r.sc.Load.Target {
			base, err = r.baseURL(t.Probe.Service)
		}
		if err != nil {
			r.journal.Add("trigger.error", err.Error(), nil)
			continue
		}
		wg.Go(func() {
			for {
				var f rollback.Firing
				err := rollback.RunProbe(ctx, base, *t.Probe, r.journal.Now, func(got rollback.Firing) { f = got })
				switch {
				case err != nil && !errors.Is(err, context.Canceled):
					r.journal.Add("trigger.error", fmt.Sprintf("probe %s: %v", rollback.ProbeName(*t.Probe), err), nil)
					return
				case err != nil:
					return
				case r.earlyFiring(f, 0):
					continue // probe again from scratch
				}
				fired <- f
				return
			}
		})
	}
}

// startPlanned fires the earliest trigger planned at an offset from the
// start of the load.
func (r *run) startPlanned(ctx context.Context, wg *sync.WaitGroup, fired chan<- rollback.Firing) {
	at, ok := rollback.NextAt(r.sc.Rollback.Triggers)
	if !ok {
		return
	}
	wg.Go(func() {
		if sleepUntil(ctx, r.journal, r.loadAt+at) != nil {
			return
		}
		for _, t := range r.sc.Rollback.Triggers {
			if f, ok := rollback.DueAt(t, at); ok {
				f.At = r.journal.Now()
				fired <- f
				return
			}
		}
	})
}

func opsCount(h *load.History) int {
	if h == nil {
		return 0
	}
	return len(h.Ops)
}

// showWindow updates the live progress after a load window.
func (r *run) showWindow(w load.Window) {
	if r.progress == nil {
		return
	}
	phase := "load"
	r.mu.Lock()
	if r.rolled {
		phase = "recovery"
	}
	r.mu.Unlock()
	elapsed := r.journal.Now() - r.loadAt
	r.progress.Window(w, elapsed, r.sc.Load.Duration, phase, r.activeFaults())
}

func (r *run) activeFaults() []string {
	if r.faults == nil {
		return nil
	}
	var names []string
	for _, f := range r.faults.Active() {
		names = append(names, f.Name)
	}
	return names
}

// expandLoad returns the load spec with ${...} in its streams' header
// values expanded from the scenario's vars ($$ is a literal $): secrets
// such as a token reach the system under test, the records show ***.
func (r *run) expandLoad() (load.Spec, error) {
	spec := r.sc.Load.Spec
	spec.Streams = slices.Clone(spec.Streams)
	vars := r.vars()
	for i, st := range spec.Streams {
		if len(st.Headers) == 0 {
			continue
		}
		headers := make(map[string]string, len(st.Headers))
		for k, v := range st.Headers {
			out, err := sut.Expand(v, vars)
			if err != nil {
				return load.Spec{}, fmt.Errorf("drill: load stream %s: header %s: %w", st.Name, k, err)
			}
			headers[k] = out
		}
		spec.Streams[i].Headers = headers
	}
	return spec, nil
}

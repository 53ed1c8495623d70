package drill

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
)

// drive runs the load, the timeline and the triggers side by side until the
// load ends, rolling back when a trigger fires.
func (r *run) drive(ctx context.Context) error {
	target, err := r.baseURL(r.sc.Load.Target)
	if err != nil {
		return err
	}
	hist, err := os.Create(filepath.Join(r.dir, HistoryFile))
	if err != nil {
		return fmt.Errorf("drill: history: %w", err)
	}
	defer hist.Close()
	histBuf := bufio.NewWriterSize(hist, 64<<10)
	defer histBuf.Flush()

	windows := make(chan load.Window, 1024)
	type loadResult struct {
		history *load.History
		err     error
	}
	loadDone := make(chan loadResult, 1)
	r.loadAt = r.journal.Now()
	r.report.Phases.LoadStart = ptr(r.loadAt)
	r.journal.Add("load.start", fmt.Sprintf("%d stream(s) against %s for %s", len(r.sc.Load.Streams), r.sc.Load.Target, r.sc.Load.Duration),
		map[string]any{"target": target})
	go func() {
		h, err := load.Run(ctx, r.sc.Load.Spec, load.Options{
			Target: target, Base: r.base, Seed: r.opts.Seed, HistoryWriter: histBuf,
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
	for {
		select {
		case w := <-windows:
			r.showWindow(w)
			if f, ok := watch.observe(w, r.onset()); ok && !done {
				done = true
				r.rollBack(ctx, f)
			}
		case f := <-fired:
			if !done {
				done = true
				r.rollBack(ctx, f)
			}
		case res := <-loadDone:
			stopTriggers()
			side.Wait()
			end := r.journal.Now()
			r.report.Phases.LoadEnd = &end
			r.history = res.history
			if r.history != nil {
				r.report.Baseline = watch.baseline
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

// watch evaluates the threshold triggers over live windows, with a
// baseline captured from the windows before the fault onset.
type watch struct {
	watcher  *rollback.Watcher
	seen     []load.Window
	baseline *load.Window
}

func newWatch(specs []rollback.TriggerSpec) *watch {
	return &watch{watcher: rollback.NewWatcher(specs, nil)}
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
		service := t.Probe.Service
		if service == "" {
			service = r.sc.Load.Target
		}
		base, err := r.baseURL(service)
		if err != nil {
			r.journal.Add("trigger.error", err.Error(), nil)
			continue
		}
		wg.Go(func() {
			err := rollback.RunProbe(ctx, base, *t.Probe, r.journal.Now, func(f rollback.Firing) { fired <- f })
			if err != nil && !errors.Is(err, context.Canceled) {
				r.journal.Add("trigger.error", fmt.Sprintf("probe %s: %v", rollback.ProbeName(*t.Probe), err), nil)
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

package drill

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
)

// drive runs the load, the timeline and the trigger watch side by side
// until the load ends, rolling back when a trigger fires.
func (r *run) drive(ctx context.Context) error {
	target, err := r.runtime.Addr(r.sc.Load.Target)
	if err != nil {
		return fmt.Errorf("drill: load target: %w", err)
	}
	windows := make(chan load.Window, 1024)
	type loadResult struct {
		history *load.History
		err     error
	}
	loadDone := make(chan loadResult, 1)
	r.loadAt = r.journal.Now()
	r.report.Phases.LoadStart = ptr(r.loadAt)
	r.journal.Add("load.start", fmt.Sprintf("%d stream(s) against %s for %s", len(r.sc.Load.Streams), r.sc.Load.Target, r.sc.Load.Duration),
		map[string]any{"target": "http://" + target})
	go func() {
		h, err := load.Run(ctx, r.sc.Load.Spec, load.Options{
			Target: "http://" + target, Base: r.base, Seed: r.opts.Seed,
			OnWindow: func(w load.Window) { windows <- w },
		})
		loadDone <- loadResult{h, err}
	}()

	timelineCtx, stopTimeline := context.WithCancel(ctx)
	defer stopTimeline()
	timelineDone := make(chan error, 1)
	go func() { timelineDone <- r.runTimeline(timelineCtx) }()

	watcher := rollback.NewWatcher(r.sc.Rollback.Triggers)
	fired := false
	for {
		select {
		case w := <-windows:
			r.showWindow(w)
			if fired {
				continue
			}
			if f, ok := watcher.Observe(w); ok {
				fired = true
				r.rollBack(ctx, f)
			}
		case err := <-timelineDone:
			if err != nil && !errors.Is(err, context.Canceled) {
				r.journal.Add("timeline.error", err.Error(), nil)
			}
			timelineDone = nil
		case res := <-loadDone:
			stopTimeline()
			if timelineDone != nil {
				<-timelineDone
			}
			end := r.journal.Now()
			r.report.Phases.LoadEnd = &end
			r.history = res.history
			r.journal.Add("load.end", fmt.Sprintf("%d operations", opsCount(res.history)), nil)
			if res.err != nil {
				return fmt.Errorf("drill: load: %w", res.err)
			}
			return ctx.Err()
		}
	}
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

// rollBack records a fired trigger and, when the policy allows, runs the
// rollback plan.
func (r *run) rollBack(ctx context.Context, f rollback.Firing) {
	now := r.journal.Now()
	r.report.Trigger = &f
	// A breaching window may start before the fault did; the breach did not.
	first := f.FirstBreach
	if onset := r.onset(); onset != nil && first < *onset {
		first = *onset
	}
	r.report.Phases.FirstBreach = &first
	r.report.Phases.TriggerFired = &now
	r.journal.Add("trigger.fired", fmt.Sprintf("%q held for %d window(s), value %.4g", f.Trigger, f.Windows, f.Value),
		map[string]any{"trigger": f.Trigger, "firstBreach": f.FirstBreach, "value": f.Value})
	if !r.sc.Rollback.IsEnabled() {
		r.journal.Add("rollback.skipped", "rollback is disabled by the scenario", nil)
		return
	}
	r.mu.Lock()
	r.rolled = true
	plan := r.sc.Rollback.Plan
	if len(plan) == 0 {
		plan = rollback.DefaultPlan(r.deployed)
	}
	r.mu.Unlock()

	start := r.journal.Now()
	r.report.Phases.RollbackStart = &start
	r.journal.Add("rollback.start", fmt.Sprintf("%d action(s)", len(plan)), map[string]any{"plan": plan})
	results, err := rollback.Execute(ctx, plan, releases{r}, r.journal.Now)
	end := r.journal.Now()
	r.report.Actions = results
	if err != nil {
		r.journal.Add("rollback.failed", err.Error(), nil)
		return
	}
	r.report.Phases.RollbackEnd = &end
	r.journal.Add("rollback.end", fmt.Sprintf("done in %s", (end-start).Round(time.Millisecond)), nil)
}

// releases lets the rollback package see and switch service versions.
type releases struct{ r *run }

func (rel releases) Previous(service string) (string, bool) {
	rel.r.mu.Lock()
	defer rel.r.mu.Unlock()
	v := rel.r.versions[service]
	if len(v) < 2 {
		return "", false
	}
	return v[len(v)-2], true
}

func (rel releases) Current(service string) string {
	rel.r.mu.Lock()
	defer rel.r.mu.Unlock()
	v := rel.r.versions[service]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (rel releases) Deploy(ctx context.Context, service, version string) error {
	return rel.r.switchVersion(ctx, service, version, "rollback")
}

// switchVersion stops a service and starts it at another version on the
// same address and data directory. A timeline deploy pushes the version on
// the service's release stack; a rollback to the previous version pops it.
func (r *run) switchVersion(ctx context.Context, service, version, by string) error {
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	from := releases{r}.Current(service)
	d := reports.Deploy{Service: service, From: from, To: version, By: by, Start: r.journal.Now()}
	r.journal.Add("deploy.start", fmt.Sprintf("%s %s → %s (%s)", service, from, version, by),
		map[string]any{"service": service, "from": from, "to": version, "by": by})

	err := r.runtime.Stop(ctx, service)
	if err == nil {
		_, err = r.runtime.Start(ctx, service, version, r.linkVars())
	}
	d.End = r.journal.Now()
	r.mu.Lock()
	stack := r.versions[service]
	if by == "rollback" && len(stack) >= 2 && stack[len(stack)-2] == version {
		r.versions[service] = stack[:len(stack)-1]
	} else {
		r.versions[service] = append(stack, version)
	}
	if by == "timeline" {
		r.deployed = append(r.deployed, service)
	}
	r.mu.Unlock()
	if err != nil {
		d.Error = err.Error()
		r.report.Deploys = append(r.report.Deploys, d)
		r.journal.Add("deploy.failed", fmt.Sprintf("%s %s: %v", service, version, err), nil)
		return fmt.Errorf("deploy %s %s: %w", service, version, err)
	}
	r.report.Deploys = append(r.report.Deploys, d)
	r.journal.Add("deploy.end", fmt.Sprintf("%s %s healthy after %s", service, version, (d.End-d.Start).Round(time.Millisecond)), nil)
	return nil
}

func ptr[T any](v T) *T { return &v }

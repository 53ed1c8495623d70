package drill

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
)

// runTimeline walks the timeline's steps in order. A step with an offset
// waits for it, counted from the load's start; other steps follow the
// previous one. Deploys after a rollback are skipped: the rollback decided
// that release is not going out.
func (r *run) runTimeline(ctx context.Context) error {
	for i, step := range r.sc.Timeline {
		if step.At != nil {
			if err := sleepUntil(ctx, r.journal, r.loadAt+*step.At); err != nil {
				return err
			}
		}
		if err := r.runStep(ctx, i, step); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) runStep(ctx context.Context, i int, step scenarios.Step) error {
	switch {
	case step.Deploy != nil:
		r.mu.Lock()
		rolled := r.rolled
		r.mu.Unlock()
		if rolled {
			r.journal.Add("step.skipped", fmt.Sprintf("step %d: deploy %s %s skipped after the rollback", i+1,
				step.Deploy.Service, step.Deploy.Version), nil)
			return nil
		}
		r.markOnset()
		// A failed deploy is a finding, not a harness error: the journal and
		// report keep it, the triggers see its effect, the drill goes on.
		_ = r.switchVersion(ctx, step.Deploy.Service, step.Deploy.Version, "timeline")
	case step.Inject != nil:
		if err := r.inject(ctx, *step.Inject); err != nil {
			return err
		}
	case step.Heal != "":
		r.heal(ctx, step.Heal, "healed by step "+fmt.Sprint(i+1))
	case step.Wait > 0:
		return sleepUntil(ctx, r.journal, r.journal.Now()+step.Wait)
	}
	return ctx.Err()
}

// onset returns the fault onset, if it happened.
func (r *run) onset() *time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.report.Phases.FaultOnset
}

func (r *run) markOnset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.report.Phases.FaultOnset == nil {
		r.report.Phases.FaultOnset = ptr(r.journal.Now())
	}
}

// inject applies a fault and, when it has a duration, schedules its heal.
func (r *run) inject(ctx context.Context, s faults.Spec) error {
	r.markOnset()
	applied, err := r.faults.Inject(ctx, s)
	if err != nil {
		r.journal.Add("fault.failed", err.Error(), nil)
		return fmt.Errorf("drill: inject %s: %w", s.Name, err)
	}
	r.mu.Lock()
	r.faultLog = append(r.faultLog, reports.Fault{Name: applied.Name, Kind: string(applied.Kind), Link: applied.Link, Start: r.journal.Now()})
	r.mu.Unlock()
	r.journal.Add("fault.inject", describeFault(applied), map[string]any{"fault": applied})
	return nil
}

// heal reverts an active fault; healing one that is not active is a no-op.
func (r *run) heal(ctx context.Context, name, why string) {
	err := r.faults.Heal(ctx, name)
	if errors.Is(err, faults.ErrUnknownFault) {
		return
	}
	r.healed(name, why, err)
}

// healed records the outcome of a heal, whether a step, the end of the
// drill or the fault's own duration caused it.
func (r *run) healed(name, why string, err error) {
	if err != nil {
		r.journal.Add("fault.heal-failed", fmt.Sprintf("%s: %v", name, err), nil)
		return
	}
	now := r.journal.Now()
	r.mu.Lock()
	for i := range r.faultLog {
		if f := &r.faultLog[i]; f.Name == name && f.End == nil {
			f.End = &now
		}
	}
	r.mu.Unlock()
	r.journal.Add("fault.heal", fmt.Sprintf("%s (%s)", name, why), map[string]any{"fault": name})
}

// healAll heals every fault still active.
func (r *run) healAll(ctx context.Context) {
	if r.faults == nil {
		return
	}
	for _, f := range r.faults.Active() {
		r.heal(ctx, f.Name, "drill ending")
	}
}

func describeFault(s faults.Spec) string {
	d := fmt.Sprintf("%s on %s (%s", s.Kind, s.Link, s.Direction)
	if s.Kind == faults.Latency {
		d += fmt.Sprintf(", %s ± %s", s.Latency, s.Jitter)
	}
	if s.Duration > 0 {
		d += ", for " + s.Duration.String()
	}
	return d + ")"
}

// sleepUntil waits until the journal's clock reaches t or ctx ends.
func sleepUntil(ctx context.Context, j *Journal, t time.Duration) error {
	wait := t - j.Now()
	if wait <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

package drill

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
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
	case step.Partition != nil:
		if err := r.partition(ctx, *step.Partition); err != nil {
			return err
		}
	case step.Snapshot != nil:
		name := step.Snapshot.Name
		if name == "" {
			name = step.Snapshot.Service
		}
		if err := r.takeSnapshot(ctx, step.Snapshot.Service, name); err != nil {
			r.journal.Add("snapshot.failed", err.Error(), nil)
			return err
		}
	case step.Action != nil:
		r.stepAction(ctx, i, *step.Action)
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
	f := reports.Fault{Name: applied.Name, Kind: string(applied.Kind), Link: applied.Link, Start: r.journal.Now()}
	if applied.OnService() {
		f.Link = applied.Service
	}
	if applied.Instant() {
		f.End = ptr(f.Start)
	}
	r.faultLog = append(r.faultLog, f)
	r.mu.Unlock()
	r.journal.Add("fault.inject", describeFault(applied), map[string]any{"fault": applied})
	return nil
}

// partition cuts every link that crosses the partition, under one name.
func (r *run) partition(ctx context.Context, p faults.PartitionSpec) error {
	r.markOnset()
	applied, err := r.faults.InjectPartition(ctx, p, r.sc.System.Links)
	if err != nil {
		r.journal.Add("fault.failed", err.Error(), nil)
		return fmt.Errorf("drill: partition %s: %w", p.Name, err)
	}
	links := make([]string, len(applied.Faults))
	for i, f := range applied.Faults {
		links[i] = f.Link
	}
	spec := applied.Spec
	r.mu.Lock()
	r.faultLog = append(r.faultLog, reports.Fault{Name: spec.Name, Kind: "partition/" + string(spec.Mode),
		Link: strings.Join(links, ","), Start: r.journal.Now()})
	r.mu.Unlock()
	r.journal.Add("fault.inject", fmt.Sprintf("partition %s: %s on %s", spec.Name, spec.Mode, strings.Join(links, ", ")),
		map[string]any{"partition": applied})
	return nil
}

// stepAction runs one action of the rollback vocabulary as a timeline
// step. Its failure is journaled and reported, and the drill goes on.
func (r *run) stepAction(ctx context.Context, i int, a rollback.ActionSpec) {
	r.markOnset()
	expanded, err := r.expandAction(a)
	if err != nil {
		r.journal.Add("step.failed", fmt.Sprintf("step %d: %v", i+1, err), nil)
		return
	}
	results, err := rollback.Execute(ctx, []rollback.ActionSpec{expanded}, releases{r}, r.journal.Now)
	for _, res := range results {
		r.journal.Add("step.action", fmt.Sprintf("step %d: %s %s%s", i+1, res.Action, res.Service, errSuffix(res.Error)),
			map[string]any{"action": res})
	}
	if err != nil {
		r.journal.Add("step.failed", fmt.Sprintf("step %d: %v", i+1, err), nil)
	}
}

// heal reverts an active fault; healing one that is not active is a no-op.
func (r *run) heal(ctx context.Context, name, why string) {
	err := r.faults.Heal(ctx, name)
	if errors.Is(err, faults.ErrUnknownFault) {
		return
	}
	r.healed(name, why, err)
}

// autoHealed records a fault healed by its own duration; a partition's
// links heal one by one under the partition's name.
func (r *run) autoHealed(s faults.Spec, err error) {
	name := s.Name
	if s.Partition != "" {
		name = s.Partition
	}
	r.healed(name, "expired after "+s.Duration.String(), err)
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
	if s.OnService() {
		return fmt.Sprintf("%s of %s", s.Kind, s.Service)
	}
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

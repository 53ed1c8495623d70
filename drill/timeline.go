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

// runTimeline walks the timeline's steps in order, recording how each
// ended in the report. A step with an offset waits for it, counted from
// the load's start; other steps follow the previous one. Each step's work
// is bounded by its timeout. After a step fails (and is not optional) the
// rest are skipped; deploys after a rollback are skipped too: the rollback
// decided that release is not going out. It returns ctx's error when the
// drill stopped first, leaving the steps not reached not-run.
func (r *run) runTimeline(ctx context.Context) error {
	var failed *reports.Step
	for i, step := range r.sc.Timeline {
		if failed != nil {
			r.setStep(i, func(s *reports.Step) {
				s.Status, s.Reason = rollback.StepSkipped, fmt.Sprintf("not run: step %d failed", failed.Index)
			})
			continue
		}
		if step.At != nil {
			if err := sleepUntil(ctx, r.journal, r.loadAt+*step.At); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rec := r.runStep(ctx, i, step)
		if rec.Status.Failed() && !rec.Optional {
			failed = &rec
		}
	}
	return nil
}

// runStep runs one step under its deadline and records how it ended.
func (r *run) runStep(ctx context.Context, i int, step scenarios.Step) reports.Step {
	start := r.journal.Now()
	stepCtx, cancel := ctx, context.CancelFunc(func() {})
	if step.Timeout > 0 {
		stepCtx, cancel = context.WithTimeout(ctx, step.Timeout)
	}
	effect, cause, skipped, err := r.doStep(stepCtx, i, step)
	cancel()
	end := r.journal.Now()
	var rec reports.Step
	r.setStep(i, func(s *reports.Step) {
		s.Start, s.End = &start, &end
		switch {
		case skipped != "":
			s.Status, s.Reason = rollback.StepSkipped, skipped
		case err == nil:
			s.Status = rollback.StepDone
		case ctx.Err() != nil && cause == "":
			s.Status, s.Reason = rollback.StepSkipped, "cut short: the drill stopped"
		case ctx.Err() != nil:
			// The step began but could not finish before the load ended (or
			// a signal came): it did not do what the scenario asked.
			s.Status, s.Cause = rollback.StepFailed, cause
			s.Reason = "cut short when the drill stopped: " + err.Error()
		case errors.Is(stepCtx.Err(), context.DeadlineExceeded):
			s.Status, s.Cause = rollback.StepTimedOut, cause
			s.Reason = fmt.Sprintf("not done within its %s timeout: %v", step.Timeout, err)
		default:
			s.Status, s.Cause, s.Reason = rollback.StatusOf(err), cause, err.Error()
		}
		if s.Planned != nil && s.Status == rollback.StepDone {
			if effect == 0 {
				effect = start
			}
			late := max(0, effect-(r.loadAt+*s.Planned))
			s.Late = &late
			if late > r.sc.Harness.StepTolerance {
				r.journal.Add("step.late", fmt.Sprintf("step %d (%s) took effect at %s from the load start, planned at %s: %s late",
					s.Index, s.What, (effect-r.loadAt).Round(time.Millisecond), *s.Planned, late.Round(time.Millisecond)),
					map[string]any{"step": s.Index, "planned": *s.Planned, "real": effect - r.loadAt})
			}
		}
		rec = *s
	})
	// The whole record, so that cleanup can rebuild the step of a drill
	// killed before its report.
	r.journal.Add("step.end", fmt.Sprintf("step %d (%s) %s", rec.Index, rec.What, rec.Status),
		map[string]any{"step": rec})
	if rec.Status.Failed() {
		r.journal.Add("step.failed", fmt.Sprintf("step %d (%s) %s: %s", rec.Index, rec.What, rec.Status, rec.Reason),
			map[string]any{"step": rec.Index, "status": rec.Status, "cause": rec.Cause, "optional": rec.Optional})
	}
	return rec
}

// doStep does one step's work. It returns when the step took effect (0:
// when it started), who is to blame if it failed, why it was skipped, and
// its error.
func (r *run) doStep(ctx context.Context, i int, step scenarios.Step) (effect time.Duration, cause reports.Cause, skipped string, err error) {
	switch {
	case step.Deploy != nil:
		r.mu.Lock()
		rolled := r.rolled
		r.mu.Unlock()
		if rolled {
			r.journal.Add("step.skipped", fmt.Sprintf("step %d: deploy %s %s skipped after the rollback", i+1,
				step.Deploy.Service, step.Deploy.Version), nil)
			return 0, "", "the rollback already ran: this release is not going out", nil
		}
		r.markOnset()
		// The triggers see a failed deploy's effect; the step fails the
		// drill unless it is optional: the system refused the release.
		return 0, reports.CauseSystem, "", r.switchWith(ctx, step.Deploy.Service, step.Deploy.Version, "timeline", step.Deploy.Spec)
	case step.Inject != nil:
		err := r.inject(ctx, *step.Inject)
		return r.journal.Now(), reports.CauseHarness, "", err
	case step.Partition != nil:
		err := r.partition(ctx, *step.Partition)
		return r.journal.Now(), reports.CauseHarness, "", err
	case step.Snapshot != nil:
		name := step.Snapshot.Name
		if name == "" {
			name = step.Snapshot.Service
		}
		err := r.takeSnapshot(ctx, step.Snapshot.Service, name)
		if err != nil {
			r.journal.Add("snapshot.failed", err.Error(), nil)
		}
		return 0, reports.CauseHarness, "", err
	case step.Action != nil:
		return 0, reports.CauseSystem, "", r.stepAction(ctx, i, *step.Action)
	case step.Heal != "":
		return 0, reports.CauseHarness, "", r.heal(ctx, step.Heal, "healed by step "+fmt.Sprint(i+1))
	case step.Wait > 0:
		return 0, "", "", sleepUntil(ctx, r.journal, r.journal.Now()+step.Wait)
	}
	return 0, "", "", nil
}

// planSteps lists the timeline's steps in the report, each not-run until
// its turn comes.
func (r *run) planSteps() {
	steps := make([]reports.Step, len(r.sc.Timeline))
	for i, st := range r.sc.Timeline {
		steps[i] = reports.Step{Index: i + 1, Kind: stepKind(st), What: describeStep(st), Planned: st.At,
			Optional: st.Optional || (st.Action != nil && st.Action.Optional),
			Status:   rollback.StepNotRun, Reason: "the drill ended before its turn"}
	}
	r.report.Steps = steps
}

// setStep updates the report's record of step i under the lock.
func (r *run) setStep(i int, update func(*reports.Step)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.report.Steps[i]
	s.Reason = ""
	update(s)
}

// stepKind names what a step does.
func stepKind(st scenarios.Step) string {
	switch {
	case st.Deploy != nil:
		return "deploy"
	case st.Inject != nil:
		return "inject"
	case st.Partition != nil:
		return "partition"
	case st.Snapshot != nil:
		return "snapshot"
	case st.Action != nil:
		return "action"
	case st.Heal != "":
		return "heal"
	}
	return "wait"
}

// describeStep says what a step does, in a few words.
func describeStep(st scenarios.Step) string {
	switch {
	case st.Deploy != nil:
		return fmt.Sprintf("deploy %s %s", st.Deploy.Service, st.Deploy.Version)
	case st.Inject != nil:
		return "inject " + describeFault(*st.Inject)
	case st.Partition != nil:
		return "partition " + st.Partition.Name
	case st.Snapshot != nil:
		return "snapshot of " + st.Snapshot.Service
	case st.Action != nil:
		what := "action " + string(st.Action.Action)
		if st.Action.Service != "" {
			what += " " + st.Action.Service
		}
		if st.Action.Name != "" {
			what += " (" + st.Action.Name + ")"
		}
		return what
	case st.Heal != "":
		return "heal " + st.Heal
	}
	return "wait " + st.Wait.String()
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
	applied, err := r.faults.InjectPartition(ctx, p, faults.ExpandLinks(r.sc.System.Links))
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
// step and returns its error.
func (r *run) stepAction(ctx context.Context, i int, a rollback.ActionSpec) error {
	r.markOnset()
	expanded, err := r.expandAction(a)
	if err != nil {
		return err
	}
	results, err := rollback.Execute(ctx, []rollback.ActionSpec{expanded}, releases{r}, r.journal.Now)
	for _, res := range results {
		r.journal.Add("step.action", fmt.Sprintf("step %d: %s %s%s", i+1, res.Action, res.Service, errSuffix(res.Error)),
			map[string]any{"action": res})
	}
	return err
}

// heal reverts an active fault and returns why it could not; healing one
// that is not active is a no-op.
func (r *run) heal(ctx context.Context, name, why string) error {
	err := r.faults.Heal(ctx, name)
	if errors.Is(err, faults.ErrUnknownFault) {
		return nil
	}
	r.healed(name, why, err)
	return err
}

// autoHealed records a fault healed by its own duration; a partition's
// links heal one by one under the partition's name.
func (r *run) autoHealed(s faults.Spec, err error) {
	name := s.Name
	if s.Partition != "" {
		name = s.Partition
	}
	why := "its duration " + s.Duration.String() + " ran out"
	if start, ok := r.faultStart(name); ok {
		why += fmt.Sprintf(", active from %s to %s after the load start",
			(start - r.loadAt).Round(time.Millisecond), (r.journal.Now() - r.loadAt).Round(time.Millisecond))
	}
	r.healed(name, why, err)
}

// faultStart returns when the active fault name was injected.
func (r *run) faultStart(name string) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.faultLog {
		if f.Name == name && f.End == nil {
			return f.Start, true
		}
	}
	return 0, false
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
		_ = r.heal(ctx, f.Name, "drill ending") // journaled by heal
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

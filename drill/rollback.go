package drill

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
)

// startRollback asks for the approval the scenario wants before actions
// (a plan's, or a runbook's automated steps) run, heals the faults first
// when the scenario says so, and marks the drill rolled back; false when
// the rollback must not go on (refused, timed out, or a signal arrived).
func (r *run) startRollback(ctx context.Context, f rollback.Firing, actions []rollback.ActionSpec) bool {
	if !r.approved(ctx, f, actions) || ctx.Err() != nil {
		return false
	}
	if r.sc.Rollback.HealFaults == "before" {
		r.healAll(ctx)
	}
	r.mu.Lock()
	r.rolled = true
	r.mu.Unlock()
	return true
}

// rollBack records a fired trigger and, when the policy allows (and the
// rollback owner approves, where the scenario asks for approval), runs the
// rollback plan.
func (r *run) rollBack(ctx context.Context, f rollback.Firing) {
	if ctx.Err() != nil {
		return // a signal arrived: no rollback starts after it
	}
	now := r.journal.Now()
	r.report.Trigger = &f
	// A breaching window may start before the fault did; the breach did not.
	first := f.FirstBreach
	if onset := r.onset(); onset != nil && first < *onset {
		first = *onset
	}
	r.report.Phases.FirstBreach = &first
	r.report.Phases.TriggerFired = &now
	r.journal.Add("trigger.fired", fmt.Sprintf("%q: %s", f.Trigger, firingDetail(f)),
		map[string]any{"trigger": f.Trigger, "firstBreach": f.FirstBreach, "value": f.Value})
	if !r.sc.Rollback.IsEnabled() {
		r.journal.Add("rollback.skipped", "rollback is disabled by the scenario", nil)
		return
	}
	if r.sc.Rollback.Runbook != "" {
		r.rehearse(ctx, f)
		return
	}
	plan, err := r.rollbackPlan()
	if err != nil {
		r.journal.Add("rollback.failed", err.Error(), nil)
		return
	}
	if !r.startRollback(ctx, f, plan) {
		return
	}
	r.mu.Lock()
	r.plan = plan
	r.mu.Unlock()

	start := r.journal.Now()
	r.report.Phases.RollbackStart = &start
	r.journal.Add("rollback.start", fmt.Sprintf("%d action(s), faults active: %v", len(plan), r.activeFaults()),
		map[string]any{"plan": plan})
	results, err := rollback.Execute(ctx, plan, releases{r}, r.journal.Now)
	end := r.journal.Now()
	r.report.Actions = append(r.report.Actions, results...)
	if err != nil {
		r.journal.Add("rollback.failed", err.Error(), nil)
		return
	}
	r.report.Phases.RollbackEnd = &end
	r.journal.Add("rollback.end", fmt.Sprintf("done in %s", (end-start).Round(time.Millisecond)), nil)
}

// setup runs the scenario's setup actions, once the system is up and
// before the load, and reports whether they all succeeded (or were
// optional). Their results go into the report, where a failed one fails
// the drill.
func (r *run) setup(ctx context.Context) bool {
	if len(r.sc.Setup) == 0 {
		return true
	}
	plan := make([]rollback.ActionSpec, len(r.sc.Setup))
	for i, a := range r.sc.Setup {
		expanded, err := r.expandAction(a)
		if err != nil {
			r.journal.Add("setup.failed", err.Error(), nil)
			r.report.Setup = []rollback.ActionResult{{Action: a.Action, Service: a.Service, Status: rollback.StepFailed, Error: err.Error()}}
			return false
		}
		plan[i] = expanded
	}
	r.journal.Add("setup.start", fmt.Sprintf("%d action(s) before the load", len(plan)), nil)
	results, err := rollback.Execute(ctx, plan, releases{r}, r.journal.Now)
	r.report.Setup = results
	if err != nil {
		r.journal.Add("setup.failed", err.Error()+": the drill stops before its load", nil)
		return false
	}
	r.journal.Add("setup.end", "the system is ready", nil)
	return true
}

// rollbackPlan is the scenario's plan, or by default the undoing of the
// timeline's deploys, with every ${...} expanded.
func (r *run) rollbackPlan() ([]rollback.ActionSpec, error) {
	r.mu.Lock()
	plan := r.sc.Rollback.Plan
	if len(plan) == 0 {
		plan = rollback.DefaultPlan(r.sc.Rollback.InScope(r.deployed))
	}
	r.mu.Unlock()
	expanded := make([]rollback.ActionSpec, len(plan))
	for i, a := range plan {
		var err error
		if expanded[i], err = r.expandAction(a); err != nil {
			return nil, err
		}
	}
	return expanded, nil
}

// approved asks the rollback owner when the scenario wants approval, and
// journals who decided what, when and why.
func (r *run) approved(ctx context.Context, f rollback.Firing, plan []rollback.ActionSpec) bool {
	spec := r.sc.Rollback.Approval
	if spec == nil {
		return true
	}
	var approver rollback.Approver = rollback.AutoApprover{Reason: "approved automatically (--approve=auto or no terminal)", Clock: r.journal.Now}
	if p := r.opts.Prompt; p != nil {
		r.progress.Pause() // the status line would overwrite the prompt
		defer r.progress.Resume()
		approver = rollback.TerminalApprover{In: p.In, Out: p.Out, Role: spec.Role, By: p.Approver, Clock: r.journal.Now}
	}
	r.journal.Add("approval.requested", fmt.Sprintf("rollback owner %s asked to approve", spec.Role), map[string]any{"role": spec.Role})
	a, err := rollback.Ask(ctx, approver, *spec, rollback.Request{Trigger: f, Role: spec.Role, Plan: plan})
	r.report.Approval = &a
	fields := map[string]any{"by": a.By, "role": a.Role, "rationale": a.Rationale, "auto": a.Auto}
	switch {
	case err != nil && !errors.Is(err, rollback.ErrNoDecision):
		r.journal.Add("approval.failed", err.Error(), fields)
		return false
	case !a.Approved:
		r.journal.Add("approval.denied", fmt.Sprintf("by %s: %s", a.By, a.Rationale), fields)
		return false
	}
	r.report.Phases.Approved = ptr(a.Decided)
	r.journal.Add("approval.granted", fmt.Sprintf("by %s (auto %t): %s", a.By, a.Auto, a.Rationale), fields)
	return true
}

// verifyIdempotent runs the rollback plan a second time once the load has
// stopped, and compares the state digests before and after: a plan that
// is safe to re-run leaves the same state. Actions declared not
// idempotent are skipped, and so is a redeploy whose service already runs
// its target.
func (r *run) verifyIdempotent(ctx context.Context) (first, second string, results []rollback.ActionResult, err error) {
	r.mu.Lock()
	plan := r.plan
	r.mu.Unlock()
	if first, err = r.stateDigest(ctx); err != nil {
		return "", "", nil, err
	}
	var again []rollback.ActionSpec
	for _, a := range plan {
		if a.IsIdempotent() && a.Action != rollback.RedeployPrevious {
			again = append(again, a)
		}
	}
	r.journal.Add("rollback.rerun", fmt.Sprintf("%d of %d action(s) run again to check idempotency", len(again), len(plan)), nil)
	results, err = rollback.Execute(ctx, again, releases{r}, r.journal.Now)
	if err != nil {
		return first, "", results, err
	}
	second, err = r.stateDigest(ctx)
	return first, second, results, err
}

func firingDetail(f rollback.Firing) string {
	if f.Detail != "" {
		return f.Detail
	}
	return fmt.Sprintf("held for %d window(s), value %.4g", f.Windows, f.Value)
}

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return " — " + e
}

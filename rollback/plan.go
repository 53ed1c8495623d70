package rollback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ActionResult is what one rollback action did, with offsets on the
// drill's clock.
type ActionResult struct {
	Action ActionKind `json:"action"`
	// Status is how the action ended: done, failed, timed-out, or skipped
	// (Skipped says why).
	Status   StepStatus `json:"status"`
	Optional bool       `json:"optional,omitempty"`
	Name     string     `json:"name,omitempty"`
	Service  string     `json:"service,omitempty"`
	// From and To are the versions a redeploy, a start or a restore
	// switched between (From alone for a stop).
	From  string        `json:"from,omitempty"`
	To    string        `json:"to,omitempty"`
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
	Error string        `json:"error,omitempty"`
	// Idempotent is the action's declaration (see ActionSpec.Idempotent).
	Idempotent bool `json:"idempotent"`
	// Attempts lists every try, the last one last.
	Attempts []Attempt `json:"attempts,omitempty"`
	// Skipped says why the action did nothing, such as "already at v1".
	Skipped string `json:"skipped,omitempty"`
	// HTTPStatus is the HTTP status of the last attempt of a flag or http
	// action.
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Requests is how many requests a polling http action (until) made in
	// its last attempt.
	Requests int `json:"requests,omitempty"`
	// Output is the last attempt's command output (stdout and stderr) or
	// response body, cut to its last 16 KiB.
	Output string `json:"output,omitempty"`
	// SchemaBefore and SchemaAfter are a migrate-down's schema before the
	// first attempt and after the last.
	SchemaBefore string `json:"schemaBefore,omitempty"`
	SchemaAfter  string `json:"schemaAfter,omitempty"`
	// Snapshot is the snapshot a restore-snapshot restored.
	Snapshot string `json:"snapshot,omitempty"`
	// Notes records what went wrong without failing the action, such as
	// a schema that could not be read.
	Notes []string `json:"notes,omitempty"`
}

// Attempt is one try of an action.
type Attempt struct {
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
	Error string        `json:"error,omitempty"`
	// TimedOut is set when the action's timeout ended the attempt.
	TimedOut bool `json:"timedOut,omitempty"`
	// ExitCode is a command's exit status; nil when it did not run or was
	// killed.
	ExitCode *int `json:"exitCode,omitempty"`
	// Status is the HTTP status; 0 when there was no response.
	Status int `json:"status,omitempty"`
}

// StepStatus is how one step of a drill ended: a timeline step or an
// action of the rollback plan.
type StepStatus string

// Step statuses.
const (
	// StepDone: the step did what it says.
	StepDone StepStatus = "done"
	// StepFailed: the step was tried and did not succeed.
	StepFailed StepStatus = "failed"
	// StepTimedOut: the step did not finish within its deadline.
	StepTimedOut StepStatus = "timed-out"
	// StepSkipped: the step was not run, for a reason given with it (a
	// deploy after the rollback, an action after one that failed).
	StepSkipped StepStatus = "skipped"
	// StepNotRun: the drill ended before the step's turn came.
	StepNotRun StepStatus = "not-run"
)

// Failed reports whether the step was tried and did not succeed.
func (s StepStatus) Failed() bool { return s == StepFailed || s == StepTimedOut }

// StatusOf names how a step that returned err ended.
func StatusOf(err error) StepStatus {
	switch {
	case err == nil:
		return StepDone
	case errors.Is(err, ErrTimedOut), errors.Is(err, context.DeadlineExceeded):
		return StepTimedOut
	}
	return StepFailed
}

// DefaultPlan returns the plan used when a scenario gives none: redeploy the
// previous version of every deployed service, the last deployed first.
func DefaultPlan(deployed []string) []ActionSpec {
	var plan []ActionSpec
	seen := map[string]bool{}
	for _, svc := range slices.Backward(deployed) {
		if seen[svc] {
			continue
		}
		seen[svc] = true
		plan = append(plan, ActionSpec{Action: RedeployPrevious, Service: svc})
	}
	return plan
}

// Observer is told of each action of a plan as it happens: an Env that
// implements it sees ActionStarted when an action begins (not for one
// skipped after a failure) and ActionEnded with its result as soon as it
// ends, before the next one begins.
type Observer interface {
	ActionStarted(a ActionSpec, at time.Duration)
	ActionEnded(res ActionResult)
}

// Execute runs the plan's actions in order and stops at the first that
// fails (after its retries), unless that action is Optional. clock returns
// the drill's current offset. It returns one result per action of the
// plan — those after the failed one Skipped — with the error of the one
// that failed.
func Execute(ctx context.Context, plan []ActionSpec, env Env, clock func() time.Duration) ([]ActionResult, error) {
	ex := &executor{env: env, clock: clock, targets: make([]string, len(plan))}
	return ex.run(ctx, plan)
}

// executor runs a plan. targets holds, per action, the version a
// redeploy-previous resolved to; a second run (ExecuteTwice) pins them so
// that it redeploys the same version instead of going one further back.
type executor struct {
	env     Env
	clock   func() time.Duration
	targets []string
	second  bool
}

func (ex *executor) run(ctx context.Context, plan []ActionSpec) ([]ActionResult, error) {
	results := make([]ActionResult, 0, len(plan))
	var failed error
	for i, a := range plan {
		res := ActionResult{Action: a.Action, Name: a.Name, Service: a.Service, Idempotent: a.IsIdempotent(),
			Optional: a.Optional, Start: ex.clock()}
		if failed != nil {
			res.End, res.Status = res.Start, StepSkipped
			res.Skipped = "not run: an earlier action of the plan failed"
			results = append(results, res)
			ex.ended(res)
			continue
		}
		if o, ok := ex.env.(Observer); ok {
			o.ActionStarted(a, res.Start)
		}
		err := ex.action(ctx, i, a, &res)
		res.End = ex.clock()
		res.Status = StatusOf(err)
		if res.Status == StepDone && res.Skipped != "" {
			res.Status = StepSkipped
		}
		if err != nil {
			res.Error = err.Error()
			if !a.Optional || ctx.Err() != nil {
				failed = fmt.Errorf("rollback: %s: %w", describeAction(a), err)
			}
		}
		results = append(results, res)
		ex.ended(res)
	}
	return results, failed
}

// ended tells an observing Env that an action ended.
func (ex *executor) ended(res ActionResult) {
	if o, ok := ex.env.(Observer); ok {
		o.ActionEnded(res)
	}
}

// action runs one action of the plan.
func (ex *executor) action(ctx context.Context, i int, a ActionSpec, res *ActionResult) error {
	if ex.second && !a.IsIdempotent() {
		res.Skipped = "declared not idempotent: not run again"
		return nil
	}
	switch a.Action {
	case RedeployPrevious:
		return ex.redeploy(ctx, i, a, res)
	case Flag, HTTP:
		return ex.httpCall(ctx, a, res)
	case Command:
		return ex.command(ctx, a, res)
	case MigrateDown:
		return ex.migrateDown(ctx, a, res)
	case RestoreSnapshot:
		return ex.restore(ctx, a, res)
	case Stop, Start:
		return ex.stopStart(ctx, a, res)
	}
	return fmt.Errorf("%w: unknown action %q", ErrBadSpec, a.Action)
}

package rollback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNoPrevious means a redeploy-previous action found no earlier version
// of its service to go back to.
var ErrNoPrevious = errors.New("no previous version to redeploy")

// Releases is what a rollback needs to know of the system: which version
// each service runs and ran before, and how to switch it.
type Releases interface {
	// Previous returns the version the service ran before its current one.
	Previous(service string) (string, bool)
	// Current returns the version the service runs now.
	Current(service string) string
	// Deploy switches the service to the version and waits until it is
	// healthy.
	Deploy(ctx context.Context, service, version string) error
}

// ActionResult is what one rollback action did, with offsets on the
// drill's clock.
type ActionResult struct {
	Action  ActionKind    `json:"action"`
	Service string        `json:"service"`
	From    string        `json:"from,omitempty"`
	To      string        `json:"to,omitempty"`
	Start   time.Duration `json:"start"`
	End     time.Duration `json:"end"`
	Error   string        `json:"error,omitempty"`
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

// Execute runs the plan's actions in order and stops at the first that
// fails. clock returns the drill's current offset. The results of the
// actions that ran are returned with the error of the one that failed.
func Execute(ctx context.Context, plan []ActionSpec, rel Releases, clock func() time.Duration) ([]ActionResult, error) {
	results := make([]ActionResult, 0, len(plan))
	for _, a := range plan {
		res := ActionResult{Action: a.Action, Service: a.Service, Start: clock()}
		err := run(ctx, a, rel, &res)
		res.End = clock()
		if err != nil {
			res.Error = err.Error()
			results = append(results, res)
			return results, fmt.Errorf("rollback: %s %s: %w", a.Action, a.Service, err)
		}
		results = append(results, res)
	}
	return results, nil
}

func run(ctx context.Context, a ActionSpec, rel Releases, res *ActionResult) error {
	switch a.Action {
	case RedeployPrevious:
		prev, ok := rel.Previous(a.Service)
		if !ok {
			return ErrNoPrevious
		}
		res.From, res.To = rel.Current(a.Service), prev
		if a.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.Timeout)
			defer cancel()
		}
		return rel.Deploy(ctx, a.Service, prev)
	}
	return fmt.Errorf("unknown action %q", a.Action)
}

package rollback

import (
	"cmp"
	"context"
	"fmt"
)

// redeploy switches the service back to its previous version. In the
// second run of ExecuteTwice it targets the version the first run chose,
// and does nothing when the service already runs it.
func (ex *executor) redeploy(ctx context.Context, i int, a ActionSpec, res *ActionResult) error {
	if a.Service == "" {
		return fmt.Errorf("%w: redeploy-previous needs a service", ErrBadSpec)
	}
	target := ex.targets[i]
	if target == "" {
		prev, ok := ex.env.Previous(a.Service)
		if !ok {
			return ErrNoPrevious
		}
		target = prev
		ex.targets[i] = prev
	}
	res.From, res.To = ex.env.Current(a.Service), target
	if ex.second && res.From == target {
		res.Skipped = "already at " + target
		return nil
	}
	return ex.attempts(ctx, a, res, func(ctx context.Context, _ *Attempt) error {
		if sd, ok := ex.env.(StrategyDeployer); ok && a.Strategy != "" {
			return sd.DeployWith(ctx, a.Service, target, a.Strategy)
		}
		return ex.env.Deploy(ctx, a.Service, target)
	})
}

// restore restores a snapshot of the service's data through the Env.
func (ex *executor) restore(ctx context.Context, a ActionSpec, res *ActionResult) error {
	if a.Service == "" || a.Snapshot == "" {
		return fmt.Errorf("%w: restore-snapshot needs a service and a snapshot", ErrBadSpec)
	}
	res.Snapshot = a.Snapshot
	res.From = ex.env.Current(a.Service)
	res.To = cmp.Or(a.Version, res.From)
	return ex.attempts(ctx, a, res, func(ctx context.Context, _ *Attempt) error {
		return ex.env.RestoreSnapshot(ctx, a.Service, a.Snapshot, a.Version)
	})
}

// stopStart stops a service, or starts it at the action's version (by
// default the one it ran last), through the Env.
func (ex *executor) stopStart(ctx context.Context, a ActionSpec, res *ActionResult) error {
	if a.Service == "" {
		return fmt.Errorf("%w: %s needs a service", ErrBadSpec, a.Action)
	}
	res.From = ex.env.Current(a.Service)
	if a.Action == Stop {
		return ex.attempts(ctx, a, res, func(ctx context.Context, _ *Attempt) error {
			return ex.env.StopService(ctx, a.Service)
		})
	}
	res.To = cmp.Or(a.Version, res.From)
	if res.To == "" {
		return fmt.Errorf("%w: start %s: no version given and none ran before", ErrBadSpec, a.Service)
	}
	return ex.attempts(ctx, a, res, func(ctx context.Context, _ *Attempt) error {
		return ex.env.StartService(ctx, a.Service, res.To)
	})
}

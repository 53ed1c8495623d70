package rollback

import (
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
		return ex.env.Deploy(ctx, a.Service, target)
	})
}

// restore restores a snapshot of the service's data through the Env.
func (ex *executor) restore(ctx context.Context, a ActionSpec, res *ActionResult) error {
	if a.Service == "" || a.Snapshot == "" {
		return fmt.Errorf("%w: restore-snapshot needs a service and a snapshot", ErrBadSpec)
	}
	res.Snapshot = a.Snapshot
	return ex.attempts(ctx, a, res, func(ctx context.Context, _ *Attempt) error {
		return ex.env.RestoreSnapshot(ctx, a.Service, a.Snapshot)
	})
}

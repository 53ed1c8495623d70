package rollback

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/faultdrill/faultdrill/snapshot"
)

// ErrTimedOut means an attempt of an action ran out of its timeout.
var ErrTimedOut = errors.New("attempt timed out")

// attempts runs try up to 1+Retries times, each bounded by the action's
// timeout and recorded in res, pausing RetryDelay between tries. It stops
// at the first success, when ctx ends, or on an error no retry can fix.
func (ex *executor) attempts(ctx context.Context, a ActionSpec, res *ActionResult, try func(context.Context, *Attempt) error) error {
	var err error
	tries := 1 + max(a.Retries, 0)
	for n := range tries {
		if n > 0 {
			if werr := wait(ctx, a.RetryDelay); werr != nil {
				return fmt.Errorf("%w (before retry %d; the last attempt: %w)", werr, n, err)
			}
		}
		err = ex.attempt(ctx, a, res, try)
		if err == nil || ctx.Err() != nil || final(err) {
			return err
		}
	}
	if tries > 1 {
		return fmt.Errorf("all %d attempts failed, the last: %w", tries, err)
	}
	return err
}

// attempt runs one try under the action's timeout and records it.
func (ex *executor) attempt(ctx context.Context, a ActionSpec, res *ActionResult, try func(context.Context, *Attempt) error) error {
	at := Attempt{Start: ex.clock()}
	actx, cancel := ctx, context.CancelFunc(func() {})
	if d := a.attemptTimeout(); d > 0 {
		actx, cancel = context.WithTimeout(ctx, d)
	}
	err := try(actx, &at)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		at.TimedOut = true
		err = fmt.Errorf("%w after %s: %w", ErrTimedOut, a.attemptTimeout(), err)
	}
	cancel()
	at.End = ex.clock()
	if err != nil {
		at.Error = err.Error()
	}
	res.Attempts = append(res.Attempts, at)
	return err
}

// final reports whether retrying cannot help: the action is malformed,
// the environment lacks what it needs, there is nothing to roll back to,
// the snapshot is corrupt, or the command does not exist.
func final(err error) bool {
	for _, target := range []error{ErrBadSpec, ErrUnsupported, ErrNoPrevious, ErrNotLoopback, snapshot.ErrCorrupt, exec.ErrNotFound} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// wait pauses for d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

package rollback

import (
	"context"
	"fmt"
	"time"
)

// Twice is the outcome of running a plan twice to check it is idempotent.
type Twice struct {
	First  []ActionResult `json:"first"`
	Second []ActionResult `json:"second,omitempty"`
	// FirstDigest and SecondDigest are the state digests taken after each
	// run.
	FirstDigest  string `json:"firstDigest,omitempty"`
	SecondDigest string `json:"secondDigest,omitempty"`
	// Same reports that both digests were taken and are equal: running
	// the plan again changed nothing.
	Same bool `json:"same"`
}

// ExecuteTwice runs the plan (as Execute does), takes a state digest, runs
// the plan again and takes another. The second run skips the actions
// declared not idempotent, and each redeploy-previous goes to the version
// the first run went to (doing nothing when the service already runs it)
// rather than one version further back. digest is the engine's view of the
// state, such as snapshot.StateDigest over the services' data directories;
// it must not see other writers (stop the load first). An error from
// either run or from a digest is returned with what was done so far.
func ExecuteTwice(ctx context.Context, plan []ActionSpec, env Env, clock func() time.Duration, digest func(context.Context) (string, error)) (Twice, error) {
	var t Twice
	ex := &executor{env: env, clock: clock, targets: make([]string, len(plan))}
	var err error
	if t.First, err = ex.run(ctx, plan); err != nil {
		return t, err
	}
	if t.FirstDigest, err = digest(ctx); err != nil {
		return t, fmt.Errorf("rollback: state digest after the first run: %w", err)
	}
	ex.second = true
	if t.Second, err = ex.run(ctx, plan); err != nil {
		return t, fmt.Errorf("rollback: second run: %w", err)
	}
	if t.SecondDigest, err = digest(ctx); err != nil {
		return t, fmt.Errorf("rollback: state digest after the second run: %w", err)
	}
	t.Same = t.FirstDigest == t.SecondDigest
	return t, nil
}

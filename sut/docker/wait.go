package docker

import (
	"context"
	"time"

	"github.com/testcontainers/testcontainers-go/wait"
)

// healthPollInterval is the time between two health checks of a start.
// Each check also asks the engine whether the container still runs, so
// it is not shorter; a container's process is typically ready 20–60 ms
// after it starts, which sut.HealthPollInterval (50 ms) rounded up to a
// whole poll.
const healthPollInterval = 20 * time.Millisecond

// healthWait waits for 2xx on the health path or, without one, for any
// HTTP answer on the port, on the host address the runtime bound.
func healthWait(path string, port int, timeout time.Duration) wait.Strategy {
	w := wait.ForHTTP(path).WithPort(portSpec(port)).
		WithStartupTimeout(timeout).WithPollInterval(healthPollInterval)
	if path == "" {
		w = w.WithStatusCodeMatcher(func(int) bool { return true })
	}
	return onLoopback{w}
}

// onLoopback makes a wait strategy dial 127.0.0.1, where the runtime binds
// host ports. testcontainers would dial the host it guesses for the
// engine, which is the bridge gateway whenever /.dockerenv exists.
type onLoopback struct{ wait.Strategy }

// WaitUntilReady runs the strategy against the container on 127.0.0.1.
func (s onLoopback) WaitUntilReady(ctx context.Context, t wait.StrategyTarget) error {
	return s.Strategy.WaitUntilReady(ctx, loopbackTarget{t})
}

// loopbackTarget is a container whose host is 127.0.0.1.
type loopbackTarget struct{ wait.StrategyTarget }

// Host returns 127.0.0.1.
func (loopbackTarget) Host(context.Context) (string, error) { return loopbackIP().String(), nil }

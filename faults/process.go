package faults

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ProcessTarget applies process faults to the services of the system under
// test. The process runtime (*sut.Process) is one; a Controller is given
// one in Options.Processes.
//
// A method that changes nothing because the service is unknown or not
// running returns an error matching ErrUnknownService or ErrNotRunning.
type ProcessTarget interface {
	// Pause stops every process of the service and returns the process
	// group it stopped (zero where there is none, as with containers).
	Pause(ctx context.Context, service string) (ProcessGroup, error)
	// Resume continues a paused service. A service that is not running or
	// not paused is left as it is, without error.
	Resume(ctx context.Context, service string) error
	// Kill kills the service at once; with restart it then starts the same
	// version again and waits until it is healthy.
	Kill(ctx context.Context, service string, restart bool) error
	// Restart stops the service gracefully if it runs, then starts the
	// version it last ran and waits until it is healthy.
	Restart(ctx context.Context, service string) error
}

// ProcessGroup identifies a process group that a pause stopped, so that a
// cleanup after a crash can continue it (and only it: StartTicks and
// BootID tell it from an unrelated group that reused the id).
type ProcessGroup struct {
	PGID int `json:"pgid"`
	// StartTicks is the group leader's start time after boot, in clock
	// ticks; BootID identifies the boot.
	StartTicks uint64 `json:"startTicks,omitempty"`
	BootID     string `json:"bootId,omitempty"`
}

// applyProcess realises a process fault on its service. It returns the
// group a pause stopped.
func (c *Controller) applyProcess(ctx context.Context, s Spec) (*ProcessGroup, error) {
	if c.procs == nil {
		return nil, fmt.Errorf("%w: cannot %s %s", ErrNoProcessTarget, s.Kind, s.Service)
	}
	var err error
	switch s.Kind {
	case Pause:
		g, perr := c.procs.Pause(ctx, s.ProcessTarget())
		if perr != nil {
			return nil, fmt.Errorf("faults: pause %s: %w", s.Service, perr)
		}
		return &g, nil
	case Kill:
		err = c.procs.Kill(ctx, s.ProcessTarget(), s.Restart)
	case Restart:
		err = c.procs.Restart(ctx, s.ProcessTarget())
	}
	if err != nil {
		return nil, fmt.Errorf("faults: %s %s: %w", s.Kind, s.Service, err)
	}
	return nil, nil
}

// revertProcess undoes a process fault: resume a paused service, start a
// killed (or half-restarted) one again.
func (c *Controller) revertProcess(ctx context.Context, s Spec) error {
	if c.procs == nil {
		return fmt.Errorf("%w: cannot heal %s", ErrNoProcessTarget, s.Name)
	}
	var err error
	if s.Kind == Pause {
		err = c.procs.Resume(ctx, s.ProcessTarget())
	} else {
		err = c.procs.Restart(ctx, s.ProcessTarget())
	}
	if err != nil {
		return fmt.Errorf("faults: heal %s: %w", s.Name, err)
	}
	return nil
}

// ReplicaSep separates a service from its replica selection in the name a
// ProcessTarget receives: "api#1", "api#50%".
const ReplicaSep = "#"

// ProcessTarget is the name a ProcessTarget receives for the spec: the
// service, followed by ReplicaSep and Replicas when the fault narrows to
// some of its instances.
func (s Spec) ProcessTarget() string {
	if s.Replicas == "" {
		return s.Service
	}
	return s.Service + ReplicaSep + s.Replicas
}

// PickReplicas reads a Replicas selection ("2", "50%") and returns how
// many of running instances it takes: at least 1, at most running.
func PickReplicas(sel string, running int) (int, error) {
	if pct, ok := strings.CutSuffix(sel, "%"); ok {
		v, err := strconv.ParseFloat(pct, 64)
		if err != nil || v <= 0 || v > 100 {
			return 0, fmt.Errorf("replicas %q: want a share above 0%% and at most 100%%, such as 50%%", sel)
		}
		return min(max(int(math.Ceil(v/100*float64(running))), 1), running), nil
	}
	n, err := strconv.Atoi(sel)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("replicas %q: want a count of instances of at least 1, such as 1, or a share such as 50%%", sel)
	}
	return min(n, running), nil
}

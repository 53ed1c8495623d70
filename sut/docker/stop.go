package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/faultdrill/faultdrill/sut"
)

// removeTimeout bounds the removal of a container (logs saved, container
// removed) on top of a stop, even when the caller's ctx has ended.
const removeTimeout = 15 * time.Second

// Stop stops the service's container gracefully (SIGTERM, then SIGKILL
// after the service's StopGrace, which Docker counts in whole seconds),
// saves its logs to WorkDir/logs/SERVICE-VERSION.log and removes it. When
// ctx ends during the grace the container is killed at once. The data
// volume stays. Stopping a service that is not running is a no-op.
func (r *Runtime) Stop(ctx context.Context, service string) error {
	svc, err := r.service(service)
	if err != nil {
		return err
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	r.mu.Lock()
	c := svc.cur
	r.mu.Unlock()
	if c == nil {
		return nil
	}
	sw := newStopwatch(OpStop, service, c.version)
	how := r.stopContainer(ctx, svc, c)
	sw.lap(PhaseTerm)
	if err := r.remove(ctx, svc, c, how, sw); err != nil {
		return err
	}
	r.report(sw)
	return nil
}

// stopContainer stops a running container gracefully and says how it
// ended; a container that already exited is left as it is.
func (r *Runtime) stopContainer(ctx context.Context, svc *service, c *ctr) string {
	r.mu.Lock()
	exited, paused := c.exited, c.paused
	c.expectExit, c.healthy, c.paused = true, false, false
	r.mu.Unlock()
	if exited {
		return c.exitStatus
	}
	if paused {
		// A frozen process cannot handle SIGTERM.
		_ = r.unpause(ctx, c.id)
	}
	grace := roundUpSecond(svc.spec.StopGrace)
	r.emitFor(c, sut.EventStopping, fmt.Sprintf("SIGTERM, grace %s", grace))
	start := time.Now()
	if err := c.c.Stop(ctx, &grace); err != nil {
		// The removal kills it.
		return "SIGKILL: " + err.Error()
	}
	status := r.awaitExit(c)
	r.mu.Lock()
	c.exited, c.exitStatus = true, status
	r.mu.Unlock()
	if time.Since(start) >= grace && status == "exit code 137" {
		return fmt.Sprintf("SIGKILL after a grace of %s (%s)", grace, status)
	}
	return status
}

// remove saves the logs of a container and removes it (killing it if it
// still runs), timing both on sw when it is not nil; the service (nil for
// toxiproxy) has no container afterwards.
func (r *Runtime) remove(ctx context.Context, svc *service, c *ctr, how string, sw *stopwatch) error {
	rmCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	_, logErr := r.saveLogs(rmCtx, c, "stopped: "+how)
	if sw != nil {
		sw.lap(PhaseLogs)
	}
	r.unwatch(c)
	err := c.c.Terminate(rmCtx, testcontainers.StopTimeout(0))
	if sw != nil {
		sw.lap(PhaseRemove)
	}
	r.mu.Lock()
	if svc != nil && svc.cur == c {
		svc.cur = nil
	}
	r.mu.Unlock()
	if err != nil {
		return fmt.Errorf("docker: remove %s %s (%s): %w", c.service, c.version, shortID(c.id), err)
	}
	r.emitFor(c, sut.EventStopped, how)
	return logErr
}

// discard removes the container of a service that exited.
func (r *Runtime) discard(ctx context.Context, svc *service, c *ctr) error {
	return r.remove(ctx, svc, c, c.exitStatus, nil)
}

// roundUpSecond rounds d up to whole seconds, as Docker counts stop
// timeouts.
func roundUpSecond(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

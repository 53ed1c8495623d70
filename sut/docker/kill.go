package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/faultdrill/faultdrill/sut"
)

// Kill sends SIGKILL to the service's container and waits until it is
// dead. Without restart the container stays dead (Running is false and
// its address refuses connections) until the next Start, StopStart or
// Stop; with restart the same container is started again, with its data
// volume and network state, and Kill returns once it is healthy. It fails
// with ErrNotRunning when the service has no running container.
func (r *Runtime) Kill(ctx context.Context, service string, restart bool) error {
	svc, err := r.service(service)
	if err != nil {
		return err
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	r.mu.Lock()
	c := svc.cur
	alive := c != nil && !c.exited
	var paused bool
	if alive {
		paused = c.paused
		c.expectExit, c.healthy, c.paused = true, false, false
	}
	r.mu.Unlock()
	if !alive {
		return fmt.Errorf("docker: kill %s: %w", service, ErrNotRunning)
	}
	if paused {
		_ = r.unpause(ctx, c.id)
	}
	if _, err := r.cli.ContainerKill(ctx, c.id, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil {
		return fmt.Errorf("docker: kill %s: %w", service, err)
	}
	status := r.awaitExit(c)
	r.mu.Lock()
	c.exited, c.exitStatus = true, status
	r.mu.Unlock()
	r.emitFor(c, EventKilled, "SIGKILL ("+status+")")
	if !restart {
		return nil
	}
	return r.restart(ctx, svc, c)
}

// StopStart stops the service's container gracefully (as Stop does, but
// keeping the container) and starts it again, returning once it is
// healthy. A container that was killed is just started. It fails with
// ErrNotRunning when the service has no container.
func (r *Runtime) StopStart(ctx context.Context, service string) error {
	svc, err := r.service(service)
	if err != nil {
		return err
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	r.mu.Lock()
	c := svc.cur
	exited := c != nil && c.exited
	r.mu.Unlock()
	if c == nil {
		return fmt.Errorf("docker: stop-start %s: %w", service, ErrNotRunning)
	}
	if !exited {
		r.emitFor(c, sut.EventStopped, r.stopContainer(ctx, svc, c))
	}
	return r.restart(ctx, svc, c)
}

// restart starts a container that exited and waits for its health.
func (r *Runtime) restart(ctx context.Context, svc *service, c *ctr) error {
	r.unwatch(c)
	lctx, cancel := context.WithTimeout(ctx, svc.spec.StartTimeout+launchSlack)
	defer cancel()
	err := c.c.Start(lctx)
	if err == nil {
		err = r.settle(lctx, svc, c)
	}
	// Watch whatever the container does now, healthy or not.
	r.watch(c)
	if err != nil {
		return r.restartFailed(ctx, c, err)
	}
	r.emitFor(c, sut.EventHealthy, c.addr)
	return nil
}

// restartFailed explains a restart that did not become healthy. The
// container is kept (Stop removes it and saves its logs).
func (r *Runtime) restartFailed(ctx context.Context, c *ctr, cause error) error {
	se := &sut.StartError{Service: c.service, Version: c.version, Reason: cause, LogPath: c.logPath}
	st, serr := c.c.State(context.WithoutCancel(ctx))
	switch {
	case serr == nil && st.Status == container.StateExited:
		se.Reason, se.ExitStatus = sut.ErrExitedEarly, fmt.Sprintf("exit code %d", st.ExitCode)
		r.exited(c, se.ExitStatus)
	case ctx.Err() != nil:
		se.Reason = ctx.Err()
	case errors.Is(cause, context.DeadlineExceeded):
		se.Reason = sut.ErrStartTimeout
	}
	r.mu.Lock()
	c.healthy = false
	r.mu.Unlock()
	return se
}

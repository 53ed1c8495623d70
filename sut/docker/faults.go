package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Disconnect partitions a service: its container leaves the drill network,
// so no other container reaches it and it reaches none (its host address
// stops answering too). Connections in flight hang or fail. It fails with
// ErrNotRunning when the service has no running container; disconnecting
// twice is a no-op.
func (r *Runtime) Disconnect(ctx context.Context, service string) error {
	return r.toggle(ctx, service, "disconnect", true, func(c *ctr) *bool { return &c.disconnected },
		func(ctx context.Context, id string) error {
			_, err := r.cli.NetworkDisconnect(ctx, r.netID, client.NetworkDisconnectOptions{Container: id, Force: true})
			return err
		}, EventDisconnected, "left network "+r.netName)
}

// Reconnect heals Disconnect: the container joins the drill network again
// with its alias (the service name). It is a no-op when the service is not
// disconnected, including when its container is gone.
func (r *Runtime) Reconnect(ctx context.Context, service string) error {
	return r.toggle(ctx, service, "reconnect", false, func(c *ctr) *bool { return &c.disconnected },
		func(ctx context.Context, id string) error {
			_, err := r.cli.NetworkConnect(ctx, r.netID, client.NetworkConnectOptions{
				Container:      id,
				EndpointConfig: &network.EndpointSettings{Aliases: []string{service}},
			})
			return err
		}, EventReconnected, "joined network "+r.netName+" as "+service)
}

// Pause freezes every process of the service's container: connections are
// accepted by the engine but nothing answers, so clients time out. It
// fails with ErrNotRunning when the service has no running container;
// pausing twice is a no-op.
func (r *Runtime) Pause(ctx context.Context, service string) error {
	return r.toggle(ctx, service, "pause", true, func(c *ctr) *bool { return &c.paused },
		func(ctx context.Context, id string) error {
			_, err := r.cli.ContainerPause(ctx, id, client.ContainerPauseOptions{})
			return err
		}, EventPaused, "frozen")
}

// Unpause heals Pause. It is a no-op when the service is not paused.
func (r *Runtime) Unpause(ctx context.Context, service string) error {
	return r.toggle(ctx, service, "unpause", false, func(c *ctr) *bool { return &c.paused },
		r.unpause, EventUnpaused, "thawed")
}

func (r *Runtime) unpause(ctx context.Context, id string) error {
	_, err := r.cli.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{})
	return err
}

// toggle sets a fault flag of the service's container to want by running
// op, unless it is set already. Injecting (want true) needs a running
// container; healing (want false) a container that is gone is a no-op.
func (r *Runtime) toggle(ctx context.Context, service, what string, want bool, flag func(*ctr) *bool,
	op func(ctx context.Context, id string) error, kind, detail string) error {
	svc, err := r.service(service)
	if err != nil {
		return err
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	r.mu.Lock()
	c := svc.cur
	missing := c == nil || (want && c.exited)
	done := c != nil && *flag(c) == want
	r.mu.Unlock()
	switch {
	case missing && want:
		return fmt.Errorf("docker: %s %s: %w", what, service, ErrNotRunning)
	case missing, done:
		return nil
	}
	if err := op(ctx, c.id); err != nil {
		return fmt.Errorf("docker: %s %s: %w", what, service, err)
	}
	r.mu.Lock()
	*flag(c) = want
	r.mu.Unlock()
	r.emitFor(c, kind, detail)
	return nil
}

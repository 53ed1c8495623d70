package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/faultdrill/faultdrill/sut"
)

// exitWait bounds the wait for a container to exit after SIGKILL or a stop.
const exitWait = 10 * time.Second

// watch follows a running container until it stops, so that an exit the
// runtime did not cause is reported (sut.EventExitedUnexpectedly) and
// Running turns false.
func (r *Runtime) watch(c *ctr) {
	ctx, cancel := context.WithCancel(context.Background())
	// ContainerWait returns once the engine has registered the wait, so an
	// exit from now on is seen.
	res := r.cli.ContainerWait(ctx, c.id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	done := make(chan struct{})
	r.mu.Lock()
	c.stopWatch, c.watchDone = cancel, done
	r.mu.Unlock()
	go func() {
		defer close(done)
		select {
		case w := <-res.Result:
			r.exited(c, fmt.Sprintf("exit code %d", w.StatusCode))
		case <-res.Error:
			// Cancelled by unwatch, or the engine went away.
		}
	}()
}

// exited records that a container stopped.
func (r *Runtime) exited(c *ctr, status string) {
	r.mu.Lock()
	expected := c.expectExit
	c.healthy, c.exited, c.exitStatus = false, true, status
	r.mu.Unlock()
	if !expected {
		r.emitFor(c, sut.EventExitedUnexpectedly, status)
	}
}

// awaitExit waits (bounded) until the watcher saw the container exit and
// returns its exit status.
func (r *Runtime) awaitExit(c *ctr) string {
	r.mu.Lock()
	done := c.watchDone
	r.mu.Unlock()
	if done != nil {
		t := time.NewTimer(exitWait)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.exitStatus == "" {
		return "exit status unknown"
	}
	return c.exitStatus
}

// unwatch stops the watcher of a container and waits until it is gone.
func (r *Runtime) unwatch(c *ctr) {
	r.mu.Lock()
	cancel, done := c.stopWatch, c.watchDone
	c.stopWatch, c.watchDone = nil, nil
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

package faults

import (
	"context"
	"errors"
	"slices"
)

// Close heals every fault, deletes every proxy, stops the embedded server
// and closes the ledger. It is idempotent: after a partial failure (say, an
// unreachable remote server) a second call retries what is left; after
// success it returns nil. Pass a ctx that is still live on shutdown paths
// (e.g. context.WithoutCancel with a timeout).
func (c *Controller) Close(ctx context.Context) error {
	return c.run(ctx, func() error { return c.close(ctx) })
}

func (c *Controller) close(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	stopped := c.stopped
	c.mu.Unlock()
	if stopped {
		return nil
	}
	errs := []error{c.healAll(ctx)}
	errs = append(errs, c.deleteProxies()...)
	if c.server != nil {
		errs = append(errs, c.stopServer())
	}
	c.mu.Lock()
	done := len(c.active) == 0 && len(c.links) == 0
	c.mu.Unlock()
	if done {
		errs = append(errs, c.ledger.close())
		c.mu.Lock()
		c.stopped = true
		c.mu.Unlock()
	}
	return errors.Join(errs...)
}

// deleteProxies deletes the proxy of every link; deleting a proxy also
// reverts the faults still on it. On a remote server each deletion is
// written to the ledger.
func (c *Controller) deleteProxies() []error {
	c.mu.Lock()
	names := make([]string, 0, len(c.links))
	for name := range c.links {
		names = append(names, name)
	}
	c.mu.Unlock()
	slices.Sort(names)
	var errs []error
	for _, name := range names {
		if err := deleteProxy(c.client, name); err != nil {
			errs = append(errs, err)
			continue
		}
		c.mu.Lock()
		delete(c.links, name)
		c.mu.Unlock()
		errs = append(errs, c.forgetLink(name))
		if c.server == nil {
			errs = append(errs, c.ledger.append(c.linkEntry(ActionUnlink, name)))
		}
	}
	return errs
}

// stopServer stops the embedded server. Its proxies stop with it, so no
// fault or link outlives it, whatever failed before.
func (c *Controller) stopServer() error {
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	err := c.server.stop(ctx)
	c.mu.Lock()
	names := make([]string, 0, len(c.links))
	for name := range c.links {
		names = append(names, name)
	}
	clear(c.links)
	c.mu.Unlock()
	errs := []error{err}
	for _, name := range names {
		errs = append(errs, c.forgetLink(name))
	}
	return errors.Join(errs...)
}

// forgetLink forgets the active faults of a link whose proxy is gone.
func (c *Controller) forgetLink(link string) error {
	var errs []error
	for _, s := range c.Active() {
		if s.Link != link {
			continue
		}
		c.mu.Lock()
		f := c.active[s.Name]
		c.mu.Unlock()
		errs = append(errs, c.forget(f))
	}
	return errors.Join(errs...)
}

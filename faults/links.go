package faults

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// AddLink puts a toxiproxy proxy named after the link in front of upstream
// (host:port) and returns the address it listens on: the link's Listen
// address at upstream's port number when it has one, else
// Options.ListenHost (default 127.0.0.1) at a free port, kept for the whole
// drill. Callers dial
// that address instead of upstream so that faults on the link reach them.
// On a remote server the link is written to the ledger first, so that a
// cleanup after a crash can delete its proxy.
func (c *Controller) AddLink(ctx context.Context, link LinkSpec, upstream string) (listen string, err error) {
	if !validName(link.Name, "._-") {
		return "", fmt.Errorf("%w: name %q must start with a letter or digit and hold only letters, digits and . _ -", ErrInvalidLink, link.Name)
	}
	_, upstreamPort, err := net.SplitHostPort(upstream)
	if err != nil {
		return "", fmt.Errorf("%w: %s: upstream %q: %w", ErrInvalidLink, link.Name, upstream, err)
	}
	at := net.JoinHostPort(c.listenHost, "0")
	if link.Listen != "" {
		if ip := net.ParseIP(link.Listen); ip == nil || !ip.IsLoopback() {
			return "", fmt.Errorf("%w: %s: listen %q is not a loopback address", ErrInvalidLink, link.Name, link.Listen)
		}
		at = net.JoinHostPort(link.Listen, upstreamPort)
	}
	err = c.run(ctx, func() error {
		c.mu.Lock()
		closed, exists := c.closed, c.links[link.Name] != ""
		c.mu.Unlock()
		switch {
		case closed:
			return ErrClosed
		case exists:
			return fmt.Errorf("%w: %s", ErrLinkExists, link.Name)
		}
		if c.server == nil {
			if err := c.ledger.append(c.linkEntry(ActionLink, link.Name)); err != nil {
				return err
			}
		}
		p, err := c.client.CreateProxy(link.Name, at, upstream)
		if err != nil {
			err = fmt.Errorf("faults: add link %s: %w", link.Name, err)
			if c.server == nil {
				// Not ours: a later cleanup must not delete a proxy of that name.
				return errors.Join(err, c.ledger.append(c.linkEntry(ActionUnlink, link.Name)))
			}
			return err
		}
		c.mu.Lock()
		c.links[link.Name] = p.Listen
		c.mu.Unlock()
		listen = p.Listen
		return nil
	})
	if err != nil {
		return "", err
	}
	return listen, nil
}

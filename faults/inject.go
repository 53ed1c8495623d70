package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Inject applies the fault s on its link and returns s with its defaults
// filled (see Defaults), also on error. The ledger line comes first; if
// applying fails, what was applied is reverted, and a fault that cannot be
// reverted stays active so that Heal, HealAll or Close retry it.
//
// Latency delays each chunk of data by Latency ± Jitter on every chosen
// direction, so with Both a request/response round trip grows by twice
// Latency. Blackhole drops the data and holds connections open. Down
// refuses connections and closes open ones. A fault with a Duration heals
// itself after it (see Options.OnAutoHeal).
//
// Errors: ErrInvalidSpec, ErrUnknownLink, ErrFaultActive, ErrClosed.
func (c *Controller) Inject(ctx context.Context, s Spec) (Spec, error) {
	s = Defaults(s)
	if err := s.Validate(); err != nil {
		return s, err
	}
	return s, c.run(ctx, func() error { return c.inject(s) })
}

func (c *Controller) inject(s Spec) error {
	c.mu.Lock()
	closed, linked, active := c.closed, c.links[s.Link] != "", c.active[s.Name] != nil
	c.mu.Unlock()
	switch {
	case closed:
		return ErrClosed
	case !linked:
		return fmt.Errorf("%w: %q (fault %s)", ErrUnknownLink, s.Link, s.Name)
	case active:
		return fmt.Errorf("%w: %s", ErrFaultActive, s.Name)
	}
	if err := c.ledger.append(c.entry(ActionInject, s)); err != nil {
		return err
	}
	if err := applyFault(c.client, s.Link, s); err != nil {
		if rerr := c.revert(s); rerr != nil {
			c.activate(s)
			return errors.Join(err, rerr)
		}
		return errors.Join(err, c.ledger.append(c.entry(ActionHeal, s)))
	}
	c.activate(s)
	return nil
}

// activate records s as active and arms its Duration timer.
func (c *Controller) activate(s Spec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	f := &fault{spec: s, seq: c.seq}
	if s.Duration > 0 {
		f.timer = time.AfterFunc(s.Duration, func() { c.autoHeal(f) })
	}
	c.active[s.Name] = f
}

// Heal reverts the active fault of that name. Errors: ErrUnknownFault.
func (c *Controller) Heal(ctx context.Context, name string) error {
	return c.run(ctx, func() error {
		c.mu.Lock()
		f := c.active[name]
		c.mu.Unlock()
		if f == nil {
			return fmt.Errorf("%w: %s", ErrUnknownFault, name)
		}
		return c.heal(f)
	})
}

// HealAll reverts every active fault, the latest first, and joins the
// errors of those that could not be reverted (they stay active).
func (c *Controller) HealAll(ctx context.Context) error {
	return c.run(ctx, c.healAll)
}

func (c *Controller) healAll() error {
	specs := c.Active()
	slices.Reverse(specs)
	var errs []error
	for _, s := range specs {
		c.mu.Lock()
		f := c.active[s.Name]
		c.mu.Unlock()
		errs = append(errs, c.heal(f))
	}
	return errors.Join(errs...)
}

// heal reverts f, forgets it and writes its heal line.
func (c *Controller) heal(f *fault) error {
	if err := c.revert(f.spec); err != nil {
		return fmt.Errorf("faults: heal %s: %w", f.spec.Name, err)
	}
	return c.forget(f)
}

// forget drops f from the active faults once it no longer acts, and
// writes its heal line.
func (c *Controller) forget(f *fault) error {
	if f.timer != nil {
		f.timer.Stop()
	}
	c.mu.Lock()
	delete(c.active, f.spec.Name)
	c.mu.Unlock()
	return c.ledger.append(c.entry(ActionHeal, f.spec))
}

// revert undoes s on its link. A Down link comes back up only when no
// other active Down fault holds it.
func (c *Controller) revert(s Spec) error {
	enable := true
	if s.Kind == Down {
		c.mu.Lock()
		for _, f := range c.active {
			if f.spec.Kind == Down && f.spec.Link == s.Link && f.spec.Name != s.Name {
				enable = false
			}
		}
		c.mu.Unlock()
	}
	return revertFault(c.client, s.Link, s, enable)
}

// autoHeal heals f when its Duration is up, unless it was healed already.
func (c *Controller) autoHeal(f *fault) {
	healed := false
	err := c.run(context.Background(), func() error {
		c.mu.Lock()
		current := c.active[f.spec.Name] == f
		c.mu.Unlock()
		if !current {
			healed = true
			return nil
		}
		return c.heal(f)
	})
	if !healed && c.onAutoHeal != nil {
		c.onAutoHeal(f.spec, err)
	}
}

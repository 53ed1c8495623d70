package faults

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Inject applies the fault s and returns s with its defaults filled (see
// Defaults), also on error. The ledger line comes first; if applying fails,
// what was applied is reverted, and a fault that cannot be reverted stays
// active so that Heal, HealAll or Close retry it.
//
// Latency delays each chunk of data by Latency ± Jitter on every chosen
// direction, so with Both a request/response round trip grows by twice
// Latency. Blackhole drops the data and holds connections open. Down
// refuses connections and closes open ones. Process faults go through
// Options.Processes; a pause's process group is written to the ledger once
// it is stopped. A fault with a Duration heals itself after it (see
// Options.OnAutoHeal); an instant fault (see Spec.Instant) is healed as
// soon as it is applied.
//
// Errors: ErrInvalidSpec, ErrUnknownLink, ErrNoProcessTarget,
// ErrFaultActive, ErrClosed, and the ProcessTarget's (ErrNotRunning and
// ErrUnknownService leave nothing active).
func (c *Controller) Inject(ctx context.Context, s Spec) (Spec, error) {
	s = Defaults(s)
	if err := s.Validate(); err != nil {
		return s, err
	}
	return s, c.run(ctx, func() error {
		if err := c.admit(s.Name, s); err != nil {
			return err
		}
		return c.apply(ctx, s)
	})
}

// admit checks that the faults can be injected now: the controller is
// open, their links or process target exist, and neither name nor any
// fault name is in use.
func (c *Controller) admit(name string, specs ...Spec) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.nameInUse(name) {
		return fmt.Errorf("%w: %s", ErrFaultActive, name)
	}
	for _, s := range specs {
		switch {
		case s.OnService() && c.procs == nil:
			return fmt.Errorf("%w: cannot %s %s (fault %s)", ErrNoProcessTarget, s.Kind, s.Service, s.Name)
		case !s.OnService() && c.links[s.Link] == "":
			return fmt.Errorf("%w: %q (fault %s)", ErrUnknownLink, s.Link, s.Name)
		case c.nameInUse(s.Name):
			return fmt.Errorf("%w: %s", ErrFaultActive, s.Name)
		}
	}
	return nil
}

// nameInUse reports whether an active fault or partition has that name;
// c.mu must be held.
func (c *Controller) nameInUse(name string) bool {
	if c.active[name] != nil {
		return true
	}
	for _, f := range c.active {
		if f.spec.Partition == name {
			return true
		}
	}
	return false
}

// apply writes the inject line, realises s and records the outcome.
func (c *Controller) apply(ctx context.Context, s Spec) error {
	if err := c.ledger.append(c.entry(ActionInject, s)); err != nil {
		return err
	}
	group, err := c.realise(ctx, s)
	if err != nil {
		return c.applyFailed(ctx, s, err)
	}
	if group != nil {
		e := c.entry(ActionApplied, s)
		e.Process = group
		if err := c.ledger.append(e); err != nil {
			c.activate(s)
			return err
		}
	}
	if s.Instant() {
		return c.ledger.append(c.entry(ActionHeal, s))
	}
	c.activate(s)
	return nil
}

// realise applies s on its link or service; a pause returns its group.
func (c *Controller) realise(ctx context.Context, s Spec) (*ProcessGroup, error) {
	if s.OnService() {
		return c.applyProcess(ctx, s)
	}
	return nil, applyFault(c.client, s.Link, s)
}

// applyFailed settles a fault that could not be applied: forgotten when
// nothing changed or all was reverted, active (for a later heal) when the
// system may still be broken.
func (c *Controller) applyFailed(ctx context.Context, s Spec, err error) error {
	switch {
	case errors.Is(err, ErrNotRunning), errors.Is(err, ErrUnknownService), errors.Is(err, ErrNoProcessTarget):
		return errors.Join(err, c.ledger.append(c.entry(ActionHeal, s)))
	case s.Kind == Kill || s.Kind == Restart:
		// The service may be down: a heal starts it again.
		c.activate(s)
		return err
	}
	if rerr := c.revert(ctx, s); rerr != nil {
		c.activate(s)
		return errors.Join(err, rerr)
	}
	return errors.Join(err, c.ledger.append(c.entry(ActionHeal, s)))
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

// Heal reverts the active fault of that name, or every fault of the active
// partition of that name (see InjectPartition), the latest first.
// Errors: ErrUnknownFault.
func (c *Controller) Heal(ctx context.Context, name string) error {
	return c.run(ctx, func() error {
		fs := c.named(name)
		if len(fs) == 0 {
			return fmt.Errorf("%w: %s", ErrUnknownFault, name)
		}
		var errs []error
		for _, f := range fs {
			errs = append(errs, c.heal(ctx, f))
		}
		return errors.Join(errs...)
	})
}

// named returns the active fault of that name, or the active faults of the
// partition of that name, the latest first.
func (c *Controller) named(name string) []*fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.active[name]; f != nil {
		return []*fault{f}
	}
	var fs []*fault
	for _, f := range c.active {
		if f.spec.Partition == name {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(a, b *fault) int { return cmp.Compare(b.seq, a.seq) })
	return fs
}

// HealAll reverts every active fault, the latest first, and joins the
// errors of those that could not be reverted (they stay active).
func (c *Controller) HealAll(ctx context.Context) error {
	return c.run(ctx, func() error { return c.healAll(ctx) })
}

func (c *Controller) healAll(ctx context.Context) error {
	specs := c.Active()
	slices.Reverse(specs)
	var errs []error
	for _, s := range specs {
		c.mu.Lock()
		f := c.active[s.Name]
		c.mu.Unlock()
		errs = append(errs, c.heal(ctx, f))
	}
	return errors.Join(errs...)
}

// heal reverts f, forgets it and writes its heal line.
func (c *Controller) heal(ctx context.Context, f *fault) error {
	if err := c.revert(ctx, f.spec); err != nil {
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

// revert undoes s on its link or service. A Down link comes back up only
// when no other active Down fault holds it.
func (c *Controller) revert(ctx context.Context, s Spec) error {
	if s.OnService() {
		return c.revertProcess(ctx, s)
	}
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
	ctx := context.Background()
	err := c.run(ctx, func() error {
		c.mu.Lock()
		current := c.active[f.spec.Name] == f
		c.mu.Unlock()
		if !current {
			healed = true
			return nil
		}
		return c.heal(ctx, f)
	})
	if !healed && c.onAutoHeal != nil {
		c.onAutoHeal(f.spec, err)
	}
}

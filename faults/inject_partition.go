package faults

import (
	"context"
	"errors"
	"slices"
)

// InjectPartition cuts every link of links that crosses p's cut (see
// PartitionLinks) with one fault each, named "PARTITION:LINK" and tagged
// with the partition's name (Spec.Partition). Heal of the partition's name
// heals them all; they also show one by one in Active and the ledger. It is
// all or nothing: when one link cannot be cut, those already cut are
// healed. With a Duration each fault heals itself, so OnAutoHeal is called
// once per link. The result holds p with its defaults filled, also on error.
//
// Errors: ErrInvalidSpec, ErrNoCrossingLinks, ErrUnknownLink,
// ErrFaultActive, ErrClosed.
func (c *Controller) InjectPartition(ctx context.Context, p PartitionSpec, links []LinkSpec) (Partition, error) {
	p = PartitionDefaults(p)
	crossing, err := PartitionLinks(p, links)
	if err != nil {
		return Partition{Spec: p}, err
	}
	specs := partitionFaults(p, crossing)
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return Partition{Spec: p}, err
		}
	}
	err = c.run(ctx, func() error {
		if err := c.admit(p.Name, specs...); err != nil {
			return err
		}
		for i, s := range specs {
			if err := c.apply(ctx, s); err != nil {
				return errors.Join(err, c.healSpecs(ctx, specs[:i+1]))
			}
		}
		return nil
	})
	if err != nil {
		return Partition{Spec: p}, err
	}
	return Partition{Spec: p, Faults: specs}, nil
}

// healSpecs heals the active faults of specs, the latest first.
func (c *Controller) healSpecs(ctx context.Context, specs []Spec) error {
	var errs []error
	for _, s := range slices.Backward(specs) {
		c.mu.Lock()
		f := c.active[s.Name]
		c.mu.Unlock()
		if f != nil {
			errs = append(errs, c.heal(ctx, f))
		}
	}
	return errors.Join(errs...)
}

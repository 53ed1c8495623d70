package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/moby/moby/client"
)

// Close stops every service (see Stop; ctx bounds the graceful part) and
// the toxiproxy container, saving their logs, then removes the built
// images, the data volumes (unless KeepVolumes) and the network. Start
// fails with sut.ErrClosed afterwards. Calling Close again is a no-op.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	services := slices.Collect(maps.Values(r.services))
	r.mu.Unlock()

	errs := make([]error, len(services))
	var wg sync.WaitGroup
	for i, svc := range services {
		wg.Go(func() { errs[i] = r.Stop(ctx, svc.name) })
	}
	wg.Wait()

	// Removal must happen even when ctx has ended.
	rmCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	errs = append(errs, r.stopToxiproxy(ctx))
	errs = append(errs, r.removeImages(rmCtx))
	if !r.keepVolumes {
		errs = append(errs, r.removeVolumes(rmCtx, services))
	}
	if _, err := r.cli.NetworkRemove(rmCtx, r.netID, client.NetworkRemoveOptions{}); err != nil {
		errs = append(errs, fmt.Errorf("docker: remove network %s: %w", r.netName, err))
	}
	errs = append(errs, r.cli.Close())
	return errors.Join(errs...)
}

// removeVolumes removes the data volumes of the services.
func (r *Runtime) removeVolumes(ctx context.Context, services []*service) error {
	var errs []error
	for _, svc := range services {
		if svc.volume == "" {
			continue
		}
		if _, err := r.cli.VolumeRemove(ctx, svc.volume, client.VolumeRemoveOptions{}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: remove volume %s: %w", svc.volume, err))
		}
	}
	return errors.Join(errs...)
}

package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// helperEntrypoint is the entrypoint of helper containers. They are only
// created, never started: the engine copies to and from their volumes.
const helperEntrypoint = "/faultdrill-helper-never-started"

// ensureVolume creates the service's data volume, labelled with the drill
// and the service, if it does not exist yet.
func (r *Runtime) ensureVolume(ctx context.Context, svc *service) error {
	if svc.volume == "" {
		return nil
	}
	_, err := r.cli.VolumeCreate(ctx, client.VolumeCreateOptions{
		Name:   svc.volume,
		Labels: drillLabels(r.id, LabelService, svc.name),
	})
	if err != nil {
		return fmt.Errorf("docker: create volume %s: %w", svc.volume, err)
	}
	return nil
}

// mounts mounts the service's data volume at DataPath.
func (r *Runtime) mounts(svc *service) testcontainers.ContainerMounts {
	if svc.volume == "" {
		return nil
	}
	return testcontainers.ContainerMounts{testcontainers.VolumeMount(svc.volume, DataPath)}
}

// createHelper creates (and does not start) a container of image with the
// service's volume at DataPath, and returns its id and a function that
// removes it.
func (r *Runtime) createHelper(ctx context.Context, svc *service, image string) (string, func(context.Context) error, error) {
	res, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image:      image,
			Entrypoint: []string{helperEntrypoint},
			Labels:     drillLabels(r.id, LabelService, svc.name, LabelRole, RoleHelper),
		},
		HostConfig: &container.HostConfig{
			NetworkMode: "none",
			Mounts:      []mount.Mount{{Type: mount.TypeVolume, Source: svc.volume, Target: DataPath}},
		},
	})
	if err != nil {
		return "", nil, fmt.Errorf("docker: helper container for %s: %w", svc.volume, err)
	}
	remove := func(ctx context.Context) error {
		if _, err := r.cli.ContainerRemove(ctx, res.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			return fmt.Errorf("docker: remove helper container %s: %w", shortID(res.ID), err)
		}
		return nil
	}
	return res.ID, remove, nil
}

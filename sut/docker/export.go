package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/faultdrill/faultdrill/internal/perm"
)

// exportVolumes copies the content of every data volume that f selects
// into drillDir/data/SERVICE, through a helper container that is created
// and never started. It returns a line per volume copied, and the volumes
// to keep: those whose copy failed.
func exportVolumes(ctx context.Context, cli client.APIClient, f client.Filters, drillDir string) (done, keep []string, err error) {
	list, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, nil, fmt.Errorf("docker: cleanup: list volumes: %w", err)
	}
	if len(list.Items) == 0 {
		return nil, nil, nil
	}
	image, err := exportImage(ctx, cli, f)
	var errs []error
	for _, v := range list.Items {
		service := v.Labels[LabelService]
		if err == nil && service == "" {
			err = fmt.Errorf("no %s label", LabelService)
		}
		if err != nil {
			keep = append(keep, v.Name)
			errs = append(errs, fmt.Errorf("docker: cleanup: keep volume %s, its content was not copied: %w", v.Name, err))
			continue
		}
		dest := filepath.Join(drillDir, "data", service)
		n, cerr := exportVolume(ctx, cli, v.Name, v.Labels, image, dest)
		if cerr != nil {
			keep = append(keep, v.Name)
			errs = append(errs, fmt.Errorf("docker: cleanup: keep volume %s, its content was not copied: %w", v.Name, cerr))
			continue
		}
		done = append(done, fmt.Sprintf("%s to %s (%s)", v.Name, dest, n))
	}
	return done, keep, errors.Join(errs...)
}

// exportVolume copies one volume into dest, which must be missing or empty.
func exportVolume(ctx context.Context, cli client.APIClient, volume string, labels map[string]string, image, dest string) (copied, error) {
	if err := emptyDir(dest); err != nil {
		return copied{}, err
	}
	helperLabels := map[string]string{LabelRole: RoleHelper}
	for _, k := range []string{LabelManaged, LabelDrill, LabelService} {
		if labels[k] != "" {
			helperLabels[k] = labels[k]
		}
	}
	res, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Entrypoint: []string{helperEntrypoint}, Labels: helperLabels},
		HostConfig: &container.HostConfig{
			NetworkMode: "none",
			Mounts:      []mount.Mount{{Type: mount.TypeVolume, Source: volume, Target: DataPath, ReadOnly: true}},
		},
	})
	if err != nil {
		return copied{}, fmt.Errorf("helper container: %w", err)
	}
	defer func() {
		_, _ = cli.ContainerRemove(context.WithoutCancel(ctx), res.ID, client.ContainerRemoveOptions{Force: true})
	}()
	out, err := cli.CopyFromContainer(ctx, res.ID, client.CopyFromContainerOptions{SourcePath: DataPath})
	if err != nil {
		return copied{}, fmt.Errorf("copy from %s: %w", shortID(res.ID), err)
	}
	defer out.Content.Close()
	if err := os.MkdirAll(dest, perm.Dir); err != nil {
		return copied{}, err
	}
	return untar(out.Content, dest)
}

// exportImage picks a local image for the helper containers of an export:
// one a container of the drill runs, else one the drill built, else any
// faultdrill image (the demo images included). Nothing is pulled.
func exportImage(ctx context.Context, cli client.APIClient, f client.Filters) (string, error) {
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err == nil {
		for _, c := range cs.Items {
			if c.ImageID != "" {
				return c.ImageID, nil
			}
		}
	}
	for _, filter := range []client.Filters{f, make(client.Filters).Add("label", LabelManaged+"=true"), make(client.Filters).Add("label", LabelDemo)} {
		imgs, err := cli.ImageList(ctx, client.ImageListOptions{Filters: filter})
		if err == nil && len(imgs.Items) > 0 {
			return imgs.Items[0].ID, nil
		}
	}
	return "", errors.New("no local image for a helper container (none of the drill's, nor a faultdrill demo image); run make images, or cleanup --purge")
}

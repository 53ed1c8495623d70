package docker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/client"
)

// Removed lists what Cleanup removed, by name (containers without a name
// and images without a tag by short id).
type Removed struct {
	Containers []string
	Networks   []string
	Volumes    []string
	Images     []string
	// Exported lists the data volumes whose content was copied into the
	// drill folder before they were removed, as "VOLUME to PATH (N files,
	// N bytes)".
	Exported []string
}

// CleanupOptions says what Cleanup keeps.
type CleanupOptions struct {
	// ExportTo, when set, is the drill's folder: the content of each data
	// volume is copied to ExportTo/data/SERVICE before the volume is
	// removed, since it is evidence. A volume whose copy fails is kept
	// (and the error returned), so nothing is lost. Empty purges: volumes
	// are removed without a copy.
	ExportTo string
}

// Count is the number of things removed.
func (r Removed) Count() int {
	return len(r.Containers) + len(r.Networks) + len(r.Volumes) + len(r.Images)
}

// Cleanup removes every container, network, volume and built image
// labelled with the drill id, or every faultdrill-labelled leftover when
// drillID is empty: what a drill killed before its Close left behind. The
// demo images of BuildImages are kept. It goes on after an error and
// returns every error, with what it did remove. Data volumes are removed
// without a copy: CleanupWith keeps their content.
func Cleanup(ctx context.Context, drillID string) (Removed, error) {
	return CleanupWith(ctx, drillID, CleanupOptions{})
}

// CleanupWith is Cleanup that first copies each data volume into the drill
// folder when o.ExportTo is set (see CleanupOptions).
func CleanupWith(ctx context.Context, drillID string, o CleanupOptions) (Removed, error) {
	if drillID != "" {
		if err := checkDrillID(drillID); err != nil {
			return Removed{}, err
		}
	}
	cli, err := connect(ctx)
	if err != nil {
		return Removed{}, err
	}
	defer cli.Close()
	f := drillFilter(drillID)
	var out Removed
	var errs []error
	var keep []string
	if o.ExportTo != "" {
		// Before the containers go: a helper container needs an image, and
		// the drill's built images are among what is removed.
		out.Exported, keep, err = exportVolumes(ctx, cli, f, o.ExportTo)
		errs = append(errs, err)
	}
	out.Containers, err = removeContainers(ctx, cli, f)
	errs = append(errs, err)
	out.Networks, err = removeNetworks(ctx, cli, f)
	errs = append(errs, err)
	out.Volumes, err = removeVolumes(ctx, cli, f, keep)
	errs = append(errs, err)
	out.Images, err = removeImages(ctx, cli, f)
	errs = append(errs, err)
	return out, errors.Join(errs...)
}

func removeContainers(ctx context.Context, cli client.APIClient, f client.Filters) ([]string, error) {
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("docker: cleanup: list containers: %w", err)
	}
	var done []string
	var errs []error
	for _, c := range list.Items {
		name := shortID(c.ID)
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: cleanup: remove container %s: %w", name, err))
			continue
		}
		done = append(done, name)
	}
	return done, errors.Join(errs...)
}

func removeNetworks(ctx context.Context, cli client.APIClient, f client.Filters) ([]string, error) {
	list, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("docker: cleanup: list networks: %w", err)
	}
	var done []string
	var errs []error
	for _, n := range list.Items {
		if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: cleanup: remove network %s: %w", n.Name, err))
			continue
		}
		done = append(done, n.Name)
	}
	return done, errors.Join(errs...)
}

func removeVolumes(ctx context.Context, cli client.APIClient, f client.Filters, keep []string) ([]string, error) {
	list, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("docker: cleanup: list volumes: %w", err)
	}
	var done []string
	var errs []error
	for _, v := range list.Items {
		if slices.Contains(keep, v.Name) {
			continue
		}
		if _, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: cleanup: remove volume %s: %w", v.Name, err))
			continue
		}
		done = append(done, v.Name)
	}
	return done, errors.Join(errs...)
}

func removeImages(ctx context.Context, cli client.APIClient, f client.Filters) ([]string, error) {
	list, err := cli.ImageList(ctx, client.ImageListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("docker: cleanup: list images: %w", err)
	}
	var done []string
	var errs []error
	for _, img := range list.Items {
		name := shortID(strings.TrimPrefix(img.ID, "sha256:"))
		if len(img.RepoTags) > 0 {
			name = img.RepoTags[0]
		}
		if _, err := cli.ImageRemove(ctx, img.ID, client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: cleanup: remove image %s: %w", name, err))
			continue
		}
		done = append(done, name)
	}
	return done, errors.Join(errs...)
}

package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/client"

	"github.com/faultdrill/faultdrill/sut"
)

// Snapshot copies the contents of the service's data volume into destDir
// (created if missing; it must be empty). A running container is paused
// for the copy, so the copy is crash-consistent; a service with no
// container is copied through a helper container that is never started.
// It fails with sut.ErrNoDataDir for a service without a data dir.
func (r *Runtime) Snapshot(ctx context.Context, service, destDir string) error {
	svc, err := r.dataService(service, "snapshot")
	if err != nil {
		return err
	}
	if err := emptyDir(destDir); err != nil {
		return fmt.Errorf("docker: snapshot %s: %w", service, err)
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	id, release, how, err := r.volumeSource(ctx, svc)
	if err != nil {
		return fmt.Errorf("docker: snapshot %s: %w", service, err)
	}
	n, err := r.copyOut(ctx, id, destDir)
	err = errors.Join(err, release(context.WithoutCancel(ctx)))
	if err != nil {
		return fmt.Errorf("docker: snapshot %s: %w", service, err)
	}
	r.emit(service, "", EventSnapshot, fmt.Sprintf("%s of %s to %s (%s)", n, svc.volume, destDir, how), 0)
	return nil
}

// Restore replaces the contents of the service's data volume with those
// of srcDir: the volume is removed and created again (same name and
// labels) and srcDir is copied in through a helper container. The service
// must not be running (sut.ErrRunning; stop it first); a container that
// was killed is removed. It fails with sut.ErrNoDataDir for a service
// without a data dir.
func (r *Runtime) Restore(ctx context.Context, service, srcDir string) error {
	svc, err := r.dataService(service, "restore")
	if err != nil {
		return err
	}
	if info, err := os.Stat(srcDir); err != nil || !info.IsDir() {
		return fmt.Errorf("docker: restore %s: %s is not a folder: %w", service, srcDir, sut.ErrBadSpec)
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	r.mu.Lock()
	c := svc.cur
	r.mu.Unlock()
	if c != nil && !c.exited {
		return fmt.Errorf("docker: restore %s: %w: stop it first", service, sut.ErrRunning)
	}
	if c != nil {
		if err := r.discard(ctx, svc, c); err != nil {
			return err
		}
	}
	image, err := r.helperImage(ctx, svc)
	if err != nil {
		return fmt.Errorf("docker: restore %s: %w", service, err)
	}
	if _, err := r.cli.VolumeRemove(ctx, svc.volume, client.VolumeRemoveOptions{}); err != nil && !isNotFound(err) {
		return fmt.Errorf("docker: restore %s: remove volume %s: %w", service, svc.volume, err)
	}
	if err := r.ensureVolume(ctx, svc); err != nil {
		return err
	}
	id, remove, err := r.createHelper(ctx, svc, image)
	if err != nil {
		return fmt.Errorf("docker: restore %s: %w", service, err)
	}
	n, err := r.copyIn(ctx, id, srcDir)
	err = errors.Join(err, remove(context.WithoutCancel(ctx)))
	if err != nil {
		return fmt.Errorf("docker: restore %s: %w", service, err)
	}
	r.emit(service, "", EventRestored, fmt.Sprintf("%s from %s into %s", n, srcDir, svc.volume), 0)
	return nil
}

// dataService returns a service that has a data volume.
func (r *Runtime) dataService(service, what string) (*service, error) {
	svc, err := r.service(service)
	if err != nil {
		return nil, err
	}
	if svc.volume == "" {
		return nil, fmt.Errorf("docker: %s %s: %w", what, service, sut.ErrNoDataDir)
	}
	return svc, nil
}

// volumeSource returns a container whose DataPath is the service's volume,
// a function to call once the copy is done, and how the copy is made.
// svc.op must be held.
func (r *Runtime) volumeSource(ctx context.Context, svc *service) (string, func(context.Context) error, string, error) {
	r.mu.Lock()
	c := svc.cur
	live := c != nil && !c.exited && !c.paused
	r.mu.Unlock()
	switch {
	case live:
		if err := r.pauseForCopy(ctx, c); err != nil {
			return "", nil, "", err
		}
		return c.id, func(ctx context.Context) error { return r.unpause(ctx, c.id) }, "paused during the copy", nil
	case c != nil:
		return c.id, func(context.Context) error { return nil }, "container paused or stopped", nil
	}
	image, err := r.helperImage(ctx, svc)
	if err != nil {
		return "", nil, "", err
	}
	id, remove, err := r.createHelper(ctx, svc, image)
	return id, remove, "no container: helper", err
}

// pauseForCopy freezes a running container for a consistent copy.
func (r *Runtime) pauseForCopy(ctx context.Context, c *ctr) error {
	if _, err := r.cli.ContainerPause(ctx, c.id, client.ContainerPauseOptions{}); err != nil {
		return fmt.Errorf("pause for the copy: %w", err)
	}
	return nil
}

// copyOut copies DataPath of a container into destDir.
func (r *Runtime) copyOut(ctx context.Context, id, destDir string) (copied, error) {
	res, err := r.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: DataPath})
	if err != nil {
		return copied{}, fmt.Errorf("copy from %s: %w", shortID(id), err)
	}
	defer res.Content.Close()
	// 0700: the copy is evidence, which may hold secrets.
	if err := os.MkdirAll(destDir, 0o700); err != nil {
		return copied{}, err
	}
	return untar(res.Content, destDir)
}

// copyIn copies the contents of srcDir into DataPath of a container.
func (r *Runtime) copyIn(ctx context.Context, id, srcDir string) (copied, error) {
	type result struct {
		n   copied
		err error
	}
	pr, pw := io.Pipe()
	done := make(chan result, 1)
	go func() {
		n, err := tarDir(srcDir, pw)
		pw.CloseWithError(err)
		done <- result{n, err}
	}()
	_, err := r.cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: DataPath, Content: pr})
	// Unblocks the archive writer when the copy failed early.
	pr.CloseWithError(io.ErrClosedPipe)
	res := <-done
	switch {
	case res.err != nil && !errors.Is(res.err, io.ErrClosedPipe):
		return res.n, res.err
	case err != nil:
		return res.n, fmt.Errorf("copy into %s: %w", shortID(id), err)
	}
	return res.n, nil
}

// helperImage picks a local image for a helper container: the service's
// last image, else its initial version's, else toxiproxy's.
func (r *Runtime) helperImage(ctx context.Context, svc *service) (string, error) {
	r.mu.Lock()
	candidates := []string{svc.image}
	if vs, ok := svc.spec.Versions[svc.spec.Initial]; ok {
		candidates = append(candidates, vs.Image, r.built[svc.name+"/"+svc.spec.Initial])
	}
	candidates = append(candidates, r.toxiImage)
	r.mu.Unlock()
	var last error
	for _, img := range candidates {
		if img == "" {
			continue
		}
		if last = checkImage(ctx, r.cli, img); last == nil {
			return img, nil
		}
	}
	return "", fmt.Errorf("no local image for a helper container: %w", last)
}

// emptyDir fails unless dir is missing or an empty folder.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: %w", dir, sut.ErrBadSpec)
	}
	return nil
}

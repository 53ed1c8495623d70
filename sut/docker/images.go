package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/faultdrill/faultdrill/sut"
)

// Images of the demo system, as BuildImages and `make images` tag them.
const (
	// LedgerImage runs the demo ledger; its entrypoint is the ledger
	// binary, so a version's command is `store ...` or `api ...`.
	LedgerImage = "faultdrill/ledger:dev"
	// ToxiproxyImage runs the toxiproxy server (the version of go.mod).
	ToxiproxyImage = "faultdrill/toxiproxy:2.12.0"
)

// buildTimeout bounds one image build, retries included.
const buildTimeout = 10 * time.Minute

// image returns the image a version runs: its image, checked to be present
// locally, or the one built from its Dockerfile (once per runtime).
func (r *Runtime) image(ctx context.Context, svc *service, version string, vs sut.VersionSpec) (string, error) {
	if vs.Build != nil {
		return r.build(ctx, svc, version, *vs.Build)
	}
	if err := checkImage(ctx, r.cli, vs.Image); err != nil {
		return "", fmt.Errorf("docker: start %s %s: %w", svc.name, version, err)
	}
	return vs.Image, nil
}

// checkImage fails with ErrNoImage when ref is not present locally: it
// would otherwise be pulled, which cannot work here and retries for long.
func checkImage(ctx context.Context, cli client.ImageAPIClient, ref string) error {
	_, err := cli.ImageInspect(ctx, ref)
	switch {
	case cerrdefs.IsNotFound(err):
		return fmt.Errorf("%w: %s (nothing is pulled; build it first, e.g. with make images)", ErrNoImage, ref)
	case err != nil:
		return fmt.Errorf("docker: inspect image %s: %w", ref, err)
	}
	return nil
}

// build builds the image of a version from its Dockerfile, labelled with
// the drill id, and remembers it for the next starts of that version.
func (r *Runtime) build(ctx context.Context, svc *service, version string, b sut.BuildSpec) (string, error) {
	key := svc.name + "/" + version
	r.mu.Lock()
	ref, ok := r.built[key]
	r.mu.Unlock()
	if ok {
		return ref, nil
	}
	dir := b.Context
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.baseDir, dir)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("docker: build %s %s: context %s is not a folder: %w", svc.name, version, dir, sut.ErrBadSpec)
	}
	ref = buildRef(r.id, svc.name, version)
	labels := drillLabels(r.id, LabelService, svc.name, LabelVersion, version)
	start := time.Now()
	if err := buildImage(ctx, r.logger, dir, b.Dockerfile, ref, b.Args, labels, r.buildLog); err != nil {
		return "", fmt.Errorf("docker: %s %s: %w", svc.name, version, err)
	}
	r.mu.Lock()
	r.built[key] = ref
	r.mu.Unlock()
	r.emit(svc.name, version, EventImageBuilt, fmt.Sprintf("%s from %s in %s", ref, dir, time.Since(start).Round(time.Millisecond)), 0)
	return ref, nil
}

// buildImage builds ref (repo:tag) from a Dockerfile in dir, with no pull
// of the base image and the image kept after its containers are removed.
func buildImage(ctx context.Context, logger tclog.Logger, dir, dockerfile, ref string, args, labels map[string]string, logw io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	repo, tag, ok := strings.Cut(ref, ":")
	if !ok {
		return fmt.Errorf("build %s: %w: want repo:tag", ref, sut.ErrBadSpec)
	}
	prov, err := testcontainers.NewDockerProvider(testcontainers.WithLogger(logger))
	if err != nil {
		return fmt.Errorf("build %s: %w", ref, err)
	}
	defer prov.Close()
	buildArgs := make(map[string]*string, len(args))
	for k, v := range args {
		buildArgs[k] = &v
	}
	req := &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context:        dir,
		Dockerfile:     dockerfile,
		Repo:           repo,
		Tag:            tag,
		BuildArgs:      buildArgs,
		BuildLogWriter: logw,
		KeepImage:      true,
		BuildOptionsModifier: func(o *client.ImageBuildOptions) {
			o.Labels = labels
			o.PullParent = false
		},
	}}
	if _, err := prov.BuildImage(ctx, req); err != nil {
		return fmt.Errorf("build %s: %w: %w", ref, ErrBuild, err)
	}
	return nil
}

// removeImages removes the images the runtime built.
func (r *Runtime) removeImages(ctx context.Context) error {
	r.mu.Lock()
	refs := make([]string, 0, len(r.built))
	for _, ref := range r.built {
		refs = append(refs, ref)
	}
	r.mu.Unlock()
	var errs []error
	for _, ref := range refs {
		_, err := r.cli.ImageRemove(ctx, ref, client.ImageRemoveOptions{Force: true, PruneChildren: true})
		if err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("docker: remove image %s: %w", ref, err))
		}
	}
	return errors.Join(errs...)
}

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

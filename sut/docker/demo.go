package docker

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/moby/moby/client"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// demoImage is one image of the demo system: a static Go binary copied
// into a scratch image.
type demoImage struct {
	ref        string
	pkg        string // Go package of the binary
	bin        string // binary name, as the Dockerfile COPYs it
	dockerfile string // in demo/docker
}

func demoImages() []demoImage {
	return []demoImage{
		{ref: LedgerImage, pkg: "./demo/cmd/ledger", bin: "ledger", dockerfile: "ledger.Dockerfile"},
		{ref: ToxiproxyImage, pkg: "github.com/Shopify/toxiproxy/v2/cmd/server", bin: "toxiproxy", dockerfile: "toxiproxy.Dockerfile"},
	}
}

// BuildImages builds the demo system's images, LedgerImage and
// ToxiproxyImage, from the repository at repoRoot: `go build` of static
// binaries (CGO_ENABLED=0, GOOS=linux) into a temporary folder, then an
// image build of repoRoot/demo/docker/*.Dockerfile with no pull (FROM
// scratch). It needs the Go toolchain and a Docker engine; build output
// goes to logw (nil discards it). `make images` does the same with the
// docker command line.
func BuildImages(ctx context.Context, repoRoot string, logw io.Writer) error {
	if logw == nil {
		logw = io.Discard
	}
	if err := disableRyuk(); err != nil {
		return err
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	tmp, err := os.MkdirTemp("", "faultdrill-images-")
	if err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, img := range demoImages() {
		dir := filepath.Join(tmp, img.bin)
		if err := stageDemoImage(ctx, root, dir, img, logw); err != nil {
			return err
		}
		labels := map[string]string{LabelDemo: "true"}
		if err := rebuild(ctx, dir, img, labels, logw); err != nil {
			return err
		}
	}
	return nil
}

// rebuild builds a demo image and removes the image it replaces, which
// would otherwise be left dangling (a best effort: one still used by a
// container stays).
func rebuild(ctx context.Context, dir string, img demoImage, labels map[string]string, logw io.Writer) error {
	cli, err := connect(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	old, _ := cli.ImageInspect(ctx, img.ref)
	if err := buildImage(ctx, tclog.NewNoopLogger(), dir, img.dockerfile, img.ref, nil, labels, logw); err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	cur, err := cli.ImageInspect(ctx, img.ref)
	if err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	if old.ID != "" && old.ID != cur.ID {
		_, _ = cli.ImageRemove(ctx, old.ID, client.ImageRemoveOptions{})
	}
	return nil
}

// stageDemoImage fills a build context: the static binary and the
// Dockerfile.
func stageDemoImage(ctx context.Context, root, dir string, img demoImage, logw io.Writer) error {
	if err := os.MkdirAll(dir, perm.Dir); err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	df, err := os.ReadFile(filepath.Join(root, "demo", "docker", img.dockerfile))
	if err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, img.dockerfile), df, perm.File); err != nil {
		return fmt.Errorf("docker: images: %w", err)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(dir, img.bin), img.pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	cmd.Stdout, cmd.Stderr = &out, &out
	fmt.Fprintf(logw, "go build -o %s %s\n", img.bin, img.pkg)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker: images: go build %s: %w: %s", img.pkg, err, strings.TrimSpace(out.String()))
	}
	return nil
}

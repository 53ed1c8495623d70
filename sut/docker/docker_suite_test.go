package docker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut/docker"
)

func TestDocker(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sut/docker")
}

var (
	// engineErr is why specs that need Docker skip; nil when an engine
	// answered.
	engineErr error
	// harnessBin is the test harness, built once for the suite.
	harnessBin string
	// drills are the drill ids the suite used; AfterSuite cleans them up.
	drills drillIDs
)

var _ = BeforeSuite(func(ctx SpecContext) {
	dir := GinkgoT().TempDir()
	harnessBin = filepath.Join(dir, "harness")
	build := exec.CommandContext(ctx, "go", "build", "-o", harnessBin, "./testdata/harness")
	build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
	Expect(build.Run()).To(Succeed())

	engineErr = docker.Available(ctx)
	if engineErr != nil {
		AddReportEntry("docker", "no Docker engine: "+engineErr.Error())
		return
	}
	start := time.Now()
	Expect(docker.BuildImages(ctx, "../..", GinkgoWriter)).To(Succeed())
	AddReportEntry("images built", time.Since(start).Round(time.Millisecond).String())
}, NodeTimeout(5*time.Minute))

// Always, even after a failure or an interrupt: remove what the specs left.
var _ = AfterSuite(func(ctx SpecContext) {
	if engineErr != nil {
		return
	}
	for _, id := range drills.all() {
		removed, err := docker.Cleanup(ctx, id)
		if removed.Count() > 0 {
			fmt.Fprintf(GinkgoWriter, "cleanup %s: %+v\n", id, removed)
		}
		Expect(err).NotTo(HaveOccurred())
	}
}, NodeTimeout(2*time.Minute))

// requireEngine skips the spec (or the Ordered container) without Docker.
func requireEngine() {
	if engineErr != nil {
		Skip("no Docker engine: " + engineErr.Error())
	}
}

// drillIDs hands out drill ids unique to this run and remembers them.
type drillIDs struct {
	mu  sync.Mutex
	ids []string
}

func (d *drillIDs) next(what string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := fmt.Sprintf("fdtest-%d-%s-%d", os.Getpid(), what, len(d.ids))
	d.ids = append(d.ids, id)
	return id
}

func (d *drillIDs) all() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.ids...)
}

// closeOnCleanup closes a runtime after the spec or container.
func closeOnCleanup(rt *docker.Runtime) {
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		Expect(rt.Close(ctx)).To(Succeed())
	})
}

package docker_test

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

var _ = Describe("starts that cannot work", Label("docker"), func() {
	var (
		rt   *docker.Runtime
		ev   *events
		work string
	)

	// newRuntime opens a runtime over the given services.
	newRuntime := func(ctx SpecContext, services map[string]sut.ServiceSpec, opts docker.Options) {
		requireEngine()
		work, ev = GinkgoT().TempDir(), &events{}
		opts.DrillID, opts.WorkDir, opts.Services, opts.OnEvent = drills.next("fail"), work, services, ev.add
		var err error
		rt, err = docker.New(ctx, opts)
		Expect(err).NotTo(HaveOccurred())
		closeOnCleanup(rt)
	}

	It("fail at once, with the image name, when an image is not present locally", func(ctx SpecContext) {
		newRuntime(ctx, map[string]sut.ServiceSpec{"svc": {Versions: map[string]sut.VersionSpec{
			"v1": {Image: "faultdrill/no-such-image:never"}}}}, docker.Options{ToxiproxyImage: "faultdrill/no-toxiproxy:never"})
		start := time.Now()
		_, err := rt.Start(ctx, "svc", "v1", nil)
		Expect(err).To(MatchError(docker.ErrNoImage))
		Expect(err.Error()).To(ContainSubstring("faultdrill/no-such-image:never"))
		_, err = rt.StartToxiproxy(ctx)
		Expect(err).To(MatchError(docker.ErrNoImage))
		Expect(err.Error()).To(ContainSubstring("faultdrill/no-toxiproxy:never"))
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second), "never a pull")
	}, SpecTimeout(time.Minute))

	It("explain a container that exits before it is healthy, with its log tail", func(ctx SpecContext) {
		newRuntime(ctx, map[string]sut.ServiceSpec{"store": {Health: "/healthz", Versions: map[string]sut.VersionSpec{
			"v1": {Image: docker.LedgerImage, Command: []string{"store", "--listen", "${addr}"}}}}}, docker.Options{})
		_, err := rt.Start(ctx, "store", "v1", nil)
		var se *sut.StartError
		Expect(errors.As(err, &se)).To(BeTrue(), "got %v", err)
		Expect(se.Reason).To(MatchError(sut.ErrExitedEarly))
		Expect(se.ExitStatus).To(MatchRegexp(`exit code [1-9]`))
		Expect(se.LogTail).To(ContainSubstring("--data is required"))
		Expect(readFile(filepath.Join(work, "logs", "store-v1.log"))).To(ContainSubstring("--data is required"))
		_, running := rt.Running("store")
		Expect(running).To(BeFalse())
		Expect(ev.kinds("store")).To(ContainElements("v1 started", "v1 exited-unexpectedly"))
		Expect(labelled(ctx, rt.DrillID())).To(HaveField("Containers", 0), "the dead container is removed")
	}, SpecTimeout(time.Minute))

	It("reject ${data_dir} in a service without a data dir", func(ctx SpecContext) {
		newRuntime(ctx, map[string]sut.ServiceSpec{"api": {Versions: map[string]sut.VersionSpec{
			"v1": {Image: docker.LedgerImage, Command: []string{"api", "--data", "${data_dir}"}}}}}, docker.Options{})
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).To(MatchError(sut.ErrNoDataDir))
		Expect(rt.Snapshot(ctx, "api", GinkgoT().TempDir())).To(MatchError(sut.ErrNoDataDir))
	}, SpecTimeout(time.Minute))

	It("build a version's image from its Dockerfile, labelled and removed with the drill", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		dockerfile := "FROM " + docker.LedgerImage + "\nARG FLAVOUR\nLABEL flavour=$FLAVOUR\n"
		Expect(os.WriteFile(filepath.Join(dir, "Custom.Dockerfile"), []byte(dockerfile), 0o644)).To(Succeed())
		newRuntime(ctx, map[string]sut.ServiceSpec{"store": {DataDir: true, Health: "/healthz", Versions: map[string]sut.VersionSpec{
			"v1": {Build: &sut.BuildSpec{Context: filepath.Base(dir), Dockerfile: "Custom.Dockerfile", Args: map[string]string{"FLAVOUR": "x"}},
				Command: []string{"store", "--listen", "${addr}", "--data", "${data_dir}"}}}}},
			docker.Options{BaseDir: filepath.Dir(dir), BuildLog: GinkgoWriter})
		inst, err := rt.Start(ctx, "store", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(code(write(inst.Addr, "built"))).To(Equal(201))
		Expect(ev.kinds("store")).To(HaveExactElements("v1 image-built", "v1 started", "v1 healthy"))

		Expect(rt.Close(ctx)).To(Succeed())
		removed, err := docker.Cleanup(ctx, rt.DrillID())
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Count()).To(BeZero(), "Close removed the image, the volume, the network: %+v", removed)
	}, SpecTimeout(2*time.Minute))
})

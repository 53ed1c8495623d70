package sut_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("Process lifecycle", func() {
	var ctx context.Context
	BeforeEach(func() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
		DeferCleanup(cancel)
	})

	It("starts a version and returns once it is healthy", func() {
		rt, ev, work := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		}, nil)

		inst, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(inst.Service).To(Equal("api"))
		Expect(inst.Version).To(Equal("v1"))
		Expect(inst.PID).To(BeNumerically(">", 1))
		Expect(inst.Addr).To(HavePrefix("127.0.0.1:"))

		// Healthy means it answers right away, no retry needed.
		Expect(get(inst.Addr, "/version")).To(Equal("v1"))
		running, ok := rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(running).To(Equal(inst))
		Expect(ev.kinds("api")).To(Equal([]string{"v1 started", "v1 healthy"}))

		log := readFile(filepath.Join(work, "logs", "api-v1.log"))
		Expect(log).To(ContainSubstring("svc v1: stdout hello"))
		Expect(log).To(ContainSubstring("svc v1: stderr hello"))
	})

	It("keeps the address, the data dir and the logs across version switches", func() {
		rt, ev, work := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", DataDir: true, Versions: map[string]sut.VersionSpec{
				// A relative command resolves against BaseDir.
				"v1": {Command: []string{"./svc", "--listen", "${addr}", "--version", "${version}", "--data", "${data_dir}"}},
				"v2": {Command: []string{"./svc", "--listen", "${addr}", "--version", "${version}", "--data", "${data_dir}"}},
			}},
		}, nil)
		addr, err := rt.Addr("api")
		Expect(err).NotTo(HaveOccurred())

		for _, v := range []string{"v1", "v2", "v1"} {
			inst, err := rt.Start(ctx, "api", v, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(inst.Addr).To(Equal(addr))
			Expect(get(addr, "/version")).To(Equal(v))
			Expect(rt.Stop(ctx, "api")).To(Succeed())
			_, ok := rt.Running("api")
			Expect(ok).To(BeFalse())
		}

		dataDir, err := rt.DataDir("api")
		Expect(err).NotTo(HaveOccurred())
		Expect(dataDir).To(Equal(filepath.Join(work, "data", "api")))
		Expect(readFile(filepath.Join(dataDir, "versions"))).To(Equal("v1\nv2\nv1\n"))

		v1 := readFile(filepath.Join(work, "logs", "api-v1.log"))
		Expect(strings.Count(v1, "--- faultdrill")).To(Equal(2), "one header per start, appended")
		Expect(strings.Count(v1, "svc v1: stdout hello")).To(Equal(2))
		Expect(v1).To(ContainSubstring("svc v1: bye"), "SIGTERM gave it a graceful exit")
		Expect(v1).NotTo(ContainSubstring("svc v2"))
		v2 := readFile(filepath.Join(work, "logs", "api-v2.log"))
		Expect(v2).To(ContainSubstring("svc v2: stdout hello"))
		Expect(v2).To(ContainSubstring("svc v2: bye"))

		Expect(ev.kinds("api")).To(Equal([]string{
			"v1 started", "v1 healthy", "v1 stopping", "v1 stopped",
			"v2 started", "v2 healthy", "v2 stopping", "v2 stopped",
			"v1 started", "v1 healthy", "v1 stopping", "v1 stopped",
		}))
	})

	It("refuses to start a running service and treats a second stop as a no-op", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion(), "v2": svcVersion()}},
		}, nil)
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = rt.Start(ctx, "api", "v2", nil)
		Expect(err).To(MatchError(sut.ErrRunning))
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(rt.Stop(ctx, "nope")).To(MatchError(sut.ErrUnknownService))
		_, err = rt.Start(ctx, "api", "v9", nil)
		Expect(err).To(MatchError(sut.ErrUnknownVersion))
	})

	It("SIGKILLs a service that ignores SIGTERM once its grace is over", func() {
		const grace = 300 * time.Millisecond
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", StopGrace: grace, Versions: map[string]sut.VersionSpec{"v1": svcVersion("--ignore-sigterm")}},
		}, nil)
		inst, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())

		began := time.Now()
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(time.Since(began)).To(BeNumerically(">=", grace))
		Expect(sut.ProcAlive(inst.PID)).To(BeFalse())
		last := ev.list()[len(ev.list())-1]
		Expect(last.Kind).To(Equal(sut.EventStopped))
		Expect(last.Detail).To(ContainSubstring("SIGKILL after a grace of 300ms"))
		Expect(last.Detail).To(ContainSubstring("signal: killed"))
	})

	It("kills the children of a service with its process group", func() {
		// The child ignores SIGTERM, so only the group SIGKILL removes it.
		script := `(trap '' TERM; exec sleep 100) & echo $$! > ${data_dir}/child.pid; exec ` + svcBin() +
			` --listen ${addr} --version ${version}`
		rt, _, work := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", DataDir: true, Versions: map[string]sut.VersionSpec{
				"v1": {Command: []string{"sh", "-c", script}},
			}},
		}, nil)
		inst, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		child, err := strconv.Atoi(strings.TrimSpace(readFile(filepath.Join(work, "data", "api", "child.pid"))))
		Expect(err).NotTo(HaveOccurred())
		Expect(sut.ProcAlive(child)).To(BeTrue())

		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(sut.ProcAlive(inst.PID)).To(BeFalse())
		Eventually(sut.ProcAlive).WithArguments(child).WithTimeout(2 * time.Second).Should(BeFalse())
	})

	It("notices a service that exits on its own", func() {
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion("--exit-after", "700ms")}},
		}, nil)
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		_, ok := rt.Running("api")
		Expect(ok).To(BeTrue())

		Eventually(func() bool { _, ok := rt.Running("api"); return ok }).
			WithTimeout(5 * time.Second).WithPolling(20 * time.Millisecond).Should(BeFalse())
		Eventually(ev.list).Should(ContainElement(And(
			HaveField("Kind", sut.EventExitedUnexpectedly),
			HaveField("Detail", "exit status 3"),
		)))
		// It can be started again: the crash left nothing behind.
		_, err = rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
	})

	It("expands start vars, scenario vars and the runtime's own in env and command", func() {
		rt, _, work := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": {
				Command: []string{"sh", "-c", `echo "link=$$LINK region=$$REGION svc=${service}@${version} port=${port}"; exec ` +
					svcBin() + ` --listen ${addr} --version ${version}`},
				Env: map[string]string{"LINK": "${link.api-to-store}", "REGION": "${region}"},
			}}},
		}, map[string]string{"region": "eu-1"})
		inst, err := rt.Start(ctx, "api", "v1", map[string]string{"link.api-to-store": "127.0.0.1:9999"})
		Expect(err).NotTo(HaveOccurred())
		port := strings.TrimPrefix(inst.Addr, "127.0.0.1:")
		Expect(readFile(filepath.Join(work, "logs", "api-v1.log"))).
			To(ContainSubstring("link=127.0.0.1:9999 region=eu-1 svc=api@v1 port=" + port))
	})

	It("stops everything on Close, concurrently, and Close twice is fine", func() {
		const grace = 400 * time.Millisecond
		stubborn := sut.ServiceSpec{Health: "/healthz", StopGrace: grace, Versions: map[string]sut.VersionSpec{"v1": svcVersion("--ignore-sigterm")}}
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{"a": stubborn, "b": stubborn, "c": stubborn}, nil)
		var pids []int
		for _, name := range []string{"a", "b", "c"} {
			inst, err := rt.Start(ctx, name, "v1", nil)
			Expect(err).NotTo(HaveOccurred())
			pids = append(pids, inst.PID)
		}

		Expect(rt.Close(ctx)).To(Succeed())
		// Concurrently: every SIGTERM goes out before the first grace ends.
		var order []string
		for _, e := range ev.list() {
			if e.Kind == sut.EventStopping || e.Kind == sut.EventStopped {
				order = append(order, e.Kind)
			}
		}
		Expect(order).To(Equal([]string{"stopping", "stopping", "stopping", "stopped", "stopped", "stopped"}))
		for _, pid := range pids {
			Expect(sut.ProcAlive(pid)).To(BeFalse())
		}
		Expect(rt.Close(ctx)).To(Succeed())
		_, err := rt.Start(ctx, "a", "v1", nil)
		Expect(err).To(MatchError(sut.ErrClosed))
		_, err = os.Stat(rt.PIDFile())
		Expect(os.IsNotExist(err)).To(BeTrue())
	})
})

package sut_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// procState returns the state letter of pid from /proc ('T' when stopped).
func procState(pid int) byte {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(raw)
	return s[strings.LastIndexByte(s, ')')+2]
}

var _ = Describe("Process faults", func() {
	var (
		ctx  context.Context
		rt   *sut.Process
		ev   *events
		work string
		inst sut.Instance
	)
	BeforeEach(func() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
		DeferCleanup(cancel)
		// The child shares the service's process group: faults reach it too.
		script := `sleep 100 & echo $$! > ${data_dir}/child.pid; exec ` + svcBin() + ` --listen ${addr} --version ${version}`
		rt, ev, work = newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", DataDir: true, StopGrace: 3 * time.Second, Versions: map[string]sut.VersionSpec{
				"v1": {Command: []string{"sh", "-c", script}},
			}},
		}, nil)
		var err error
		inst, err = rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
	})

	child := func() int {
		GinkgoHelper()
		pid, err := strconv.Atoi(strings.TrimSpace(readFile(filepath.Join(work, "data", "api", "child.pid"))))
		Expect(err).NotTo(HaveOccurred())
		return pid
	}

	It("Pause stops the whole group so the service stops answering; Resume restores it", func() {
		g, err := rt.Pause(ctx, "api")
		Expect(err).NotTo(HaveOccurred())
		Expect(g).To(Equal(faults.ProcessGroup{PGID: inst.PID, StartTicks: sut.StartTicksOf(inst.PID), BootID: g.BootID}))
		Expect(g.BootID).NotTo(BeEmpty())
		Expect(procState(inst.PID)).To(Equal(byte('T')), "stopped when Pause returns")
		Eventually(procState).WithArguments(child()).WithTimeout(time.Second).Should(Equal(byte('T')), "the child too")

		_, err = get(inst.Addr, "/version")
		var netErr net.Error
		Expect(errors.As(err, &netErr) && netErr.Timeout()).To(BeTrue(), "no answer: %v", err)

		Expect(rt.Resume(ctx, "api")).To(Succeed())
		Expect(get(inst.Addr, "/version")).To(Equal("v1"))
		Expect(procState(child())).NotTo(Equal(byte('T')))
		Expect(ev.kinds("api")).To(ContainElements("v1 paused", "v1 resumed"))
	})

	It("stops a paused service gracefully, without waiting out the grace", func() {
		_, err := rt.Pause(ctx, "api")
		Expect(err).NotTo(HaveOccurred())
		began := time.Now()
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(time.Since(began)).To(BeNumerically("<", 2*time.Second), "grace is 3s")
		Expect(readFile(filepath.Join(work, "logs", "api-v1.log"))).To(ContainSubstring("svc v1: bye"))
	})

	It("Kill kills the group at once; Restart brings the same version back on the same address", func() {
		kid := child()
		Expect(rt.Kill(ctx, "api", false)).To(Succeed())
		_, running := rt.Running("api")
		Expect(running).To(BeFalse())
		Expect(sut.ProcAlive(inst.PID)).To(BeFalse())
		Eventually(sut.ProcAlive).WithArguments(kid).WithTimeout(2 * time.Second).Should(BeFalse())
		_, err := get(inst.Addr, "/version")
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)
		Expect(ev.kinds("api")).To(ContainElement("v1 killed"))
		Expect(ev.kinds("api")).NotTo(ContainElement("v1 exited-unexpectedly"))

		Expect(rt.Restart(ctx, "api")).To(Succeed())
		again, ok := rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(again.PID).NotTo(Equal(inst.PID))
		Expect(again.Addr).To(Equal(inst.Addr))
		Expect(get(again.Addr, "/version")).To(Equal("v1"))
	})

	It("Kill with restart starts it again and waits for health", func() {
		Expect(rt.Kill(ctx, "api", true)).To(Succeed())
		again, ok := rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(again.PID).NotTo(Equal(inst.PID))
		Expect(get(again.Addr, "/version")).To(Equal("v1"))
		recs, err := sut.ReadPIDFile(rt.PIDFile())
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveExactElements(HaveField("PGID", again.PID)))
	})

	It("Restart of a running service is a graceful stop and a start", func() {
		Expect(rt.Restart(ctx, "api")).To(Succeed())
		again, ok := rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(again.PID).NotTo(Equal(inst.PID))
		Expect(readFile(filepath.Join(work, "logs", "api-v1.log"))).To(ContainSubstring("svc v1: bye"))
	})

	It("changes nothing for a service that is not running", func() {
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		_, err := rt.Pause(ctx, "api")
		Expect(err).To(MatchError(sut.ErrNotRunning))
		Expect(err).To(MatchError(faults.ErrNotRunning))
		Expect(rt.Kill(ctx, "api", true)).To(MatchError(sut.ErrNotRunning))
		Expect(rt.Resume(ctx, "api")).To(Succeed())
		_, running := rt.Running("api")
		Expect(running).To(BeFalse())
		_, err = rt.Pause(ctx, "nope")
		Expect(err).To(MatchError(sut.ErrUnknownService))
	})
})

var _ = Describe("Restart of a service that never ran", func() {
	It("fails with ErrNotRunning", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		}, nil)
		Expect(rt.Restart(context.Background(), "api")).To(MatchError(sut.ErrNotRunning))
	})
})

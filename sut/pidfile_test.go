package sut_test

import (
	"context"
	"io/fs"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("pid file", func() {
	It("lists the process group of every running service", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		spec := sut.ServiceSpec{Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion(), "v2": svcVersion()}}
		rt, _, work := newRuntime(map[string]sut.ServiceSpec{"api": spec, "store": spec}, nil)
		path := filepath.Join(work, sut.PIDFileName)
		Expect(rt.PIDFile()).To(Equal(path))

		api, err := rt.Start(ctx, "api", "v2", nil)
		Expect(err).NotTo(HaveOccurred())
		store, err := rt.Start(ctx, "store", "v1", nil)
		Expect(err).NotTo(HaveOccurred())

		recs, err := sut.ReadPIDFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveExactElements(
			And(HaveField("Service", "api"), HaveField("Version", "v2"), HaveField("PID", api.PID), HaveField("PGID", api.PID),
				HaveField("StartTicks", sut.StartTicksOf(api.PID)), HaveField("Command", ContainElement(svcBin()))),
			And(HaveField("Service", "store"), HaveField("Version", "v1"), HaveField("PID", store.PID), HaveField("PGID", store.PID)),
		))

		Expect(rt.Stop(ctx, "api")).To(Succeed())
		recs, err = sut.ReadPIDFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveExactElements(HaveField("Service", "store")))

		Expect(rt.Close(ctx)).To(Succeed())
		_, err = sut.ReadPIDFile(path)
		Expect(err).To(MatchError(fs.ErrNotExist))
	})

	Describe("KillLeftovers", func() {
		// group starts `sleep 100` as the leader of a new process group.
		group := func() int {
			cmd := exec.Command("sleep", "100")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			Expect(cmd.Start()).To(Succeed())
			go func() { _ = cmd.Wait() }()
			DeferCleanup(func() { _ = cmd.Process.Kill() })
			return cmd.Process.Pid
		}

		It("kills the groups that still exist and skips the gone ones", func() {
			pid := group()
			Expect(sut.KillLeftovers([]sut.PIDRecord{
				{Service: "api", PID: pid, PGID: pid, StartTicks: sut.StartTicksOf(pid)},
				{Service: "gone", PID: 4194303, PGID: 4194303},
			})).To(Succeed())
			Eventually(sut.ProcAlive).WithArguments(pid).WithTimeout(2 * time.Second).Should(BeFalse())
		})

		It("leaves a pid that was reused by another process alone", func() {
			reusedPID := group()
			otherBoot := group()
			Expect(sut.KillLeftovers([]sut.PIDRecord{
				{Service: "api", PID: reusedPID, PGID: reusedPID, StartTicks: sut.StartTicksOf(reusedPID) + 1},
				{Service: "api", PID: otherBoot, PGID: otherBoot, BootID: "00000000-0000-0000-0000-000000000000"},
			})).To(Succeed())
			Consistently(func() bool { return sut.ProcAlive(reusedPID) && sut.ProcAlive(otherBoot) }).
				WithTimeout(200 * time.Millisecond).Should(BeTrue())
		})
	})
})

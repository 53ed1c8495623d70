package sut_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("Leftover process groups", func() {
	// group starts a shell leading a new process group with a sleeping
	// child, and returns the group id and the child's pid.
	group := func() (int, int) {
		GinkgoHelper()
		pidFile := filepath.Join(GinkgoT().TempDir(), "child")
		cmd := exec.Command("sh", "-c", `sleep 100 & echo $! > `+pidFile+`; wait`)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		Expect(cmd.Start()).To(Succeed())
		go func() { _ = cmd.Wait() }()
		pgid := cmd.Process.Pid
		DeferCleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		var members []int
		Eventually(func() ([]int, error) { var err error; members, err = sut.GroupMembers(pgid); return members, err }).
			WithTimeout(2 * time.Second).Should(HaveLen(2))
		return pgid, members[1]
	}

	It("lists the live members of a group, and SignalLeftover reaches all of them", func() {
		pgid, child := group()
		members, err := sut.GroupMembers(pgid)
		Expect(err).NotTo(HaveOccurred())
		Expect(members).To(Equal([]int{pgid, child}))

		rec := sut.PIDRecord{PGID: pgid, PID: pgid, StartTicks: sut.StartTicksOf(pgid)}
		Expect(sut.SignalLeftover(rec, syscall.SIGSTOP)).To(BeTrue())
		Eventually(procState).WithArguments(child).WithTimeout(time.Second).Should(Equal(byte('T')))
		Expect(sut.SignalLeftover(rec, syscall.SIGCONT)).To(BeTrue())
		Eventually(procState).WithArguments(child).WithTimeout(time.Second).ShouldNot(Equal(byte('T')))

		Expect(sut.SignalLeftover(rec, syscall.SIGKILL)).To(BeTrue())
		Eventually(sut.GroupMembers).WithArguments(pgid).WithTimeout(2 * time.Second).Should(BeEmpty())
		Expect(sut.SignalLeftover(rec, syscall.SIGKILL)).To(BeFalse(), "gone")
	})

	It("leaves a reused group id and its own group alone", func() {
		pgid, _ := group()
		Expect(sut.SignalLeftover(sut.PIDRecord{PGID: pgid, StartTicks: sut.StartTicksOf(pgid) + 1}, syscall.SIGKILL)).To(BeFalse())
		Expect(sut.SignalLeftover(sut.PIDRecord{PGID: syscall.Getpgrp()}, syscall.SIGKILL)).To(BeFalse())
		Expect(sut.GroupMembers(pgid)).To(HaveLen(2))
	})

	It("reads the harness pid of a pid file", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		}, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(sut.ReadPIDFileOwner(rt.PIDFile())).To(Equal(os.Getpid()))
	})
})

package sut_test

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("a harness that is killed", func() {
	It("takes its services with it, and the pid file finds what is left", func() {
		work := GinkgoT().TempDir()
		harness := exec.Command(filepath.Join(binDir, "harness"), "--work", work, "--svc", svcBin())
		harness.Stderr = GinkgoWriter
		out, err := harness.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.Start()).To(Succeed())
		DeferCleanup(func() { _ = harness.Process.Kill(); _ = harness.Wait() })

		ready := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			ready <- line
		}()
		var line string
		Eventually(ready).WithTimeout(10 * time.Second).Should(Receive(&line))
		svcPID, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "ready ")))
		Expect(err).NotTo(HaveOccurred(), "harness said %q", line)
		child, err := strconv.Atoi(strings.TrimSpace(readFile(filepath.Join(work, "data", "api", "child.pid"))))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = sut.KillLeftovers([]sut.PIDRecord{{PGID: svcPID}}) })

		Expect(harness.Process.Kill()).To(Succeed())
		_ = harness.Wait()

		// Pdeathsig: the service dies with the harness...
		Eventually(sut.ProcAlive).WithArguments(svcPID).WithTimeout(2 * time.Second).Should(BeFalse())
		// ...but its own child does not, and only the pid file can find it.
		Expect(sut.ProcAlive(child)).To(BeTrue())
		recs, err := sut.ReadPIDFile(filepath.Join(work, sut.PIDFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveExactElements(HaveField("PGID", svcPID)))
		Expect(sut.KillLeftovers(recs)).To(Succeed())
		Eventually(sut.ProcAlive).WithArguments(child).WithTimeout(2 * time.Second).Should(BeFalse())
	})
})

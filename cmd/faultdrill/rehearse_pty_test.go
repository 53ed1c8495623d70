package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/creack/pty"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/faultdrill/faultdrill/internal/testbin"
	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("faultdrill rehearse through a pseudo-terminal", func() {
	It("takes the answers typed on a real terminal, with their delays, as the steps' durations", func(ctx SpecContext) {
		bin, err := testbin.Build("github.com/faultdrill/faultdrill/cmd/faultdrill")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, filepath.Dir(bin))
		dir := filepath.Join(GinkgoT().TempDir(), "drill")
		cmd := exec.CommandContext(ctx, bin, "rehearse", "--quiet", "--report-dir", dir, "--as", "recovery lead=Ana",
			"--var", "ledger="+ledgerBin, runbookExample)
		cmd.Env = append(os.Environ(), "FAULTDRILL_APPROVER=")
		term, err := pty.Start(cmd)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(term.Close)
		screen := gbytes.NewBuffer()
		go func() { _, _ = io.Copy(screen, term) }()

		answer := func(step string, pause time.Duration, line string) {
			Eventually(screen).WithTimeout(30 * time.Second).Should(gbytes.Say(step))
			Eventually(screen).Should(gbytes.Say("then an optional note: "))
			time.Sleep(pause)
			_, err := io.WriteString(term, line)
			Expect(err).NotTo(HaveOccurred())
		}
		answer(`step 1/7 \(line 15\)`, 1200*time.Millisecond, "d posted\r")
		answer(`step 2/7 \(line 16\)`, 2*time.Second, "d frozen\r")
		answer(`step 5/7 \(line 44\)`, 300*time.Millisecond, "d\r")
		answer(`step 6/7`, 0, "s nobody on call\r")
		answer(`step 7/7`, 0, "d\r")
		Expect(cmd.Wait()).To(Succeed())

		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		h := rep.Rehearsal
		Expect(h.Mode).To(Equal("terminal"))
		Expect(h.Steps[0].Duration).To(BeNumerically("~", 1200*time.Millisecond, 800*time.Millisecond))
		Expect(h.Steps[1].Duration).To(BeNumerically("~", 2*time.Second, 800*time.Millisecond))
		Expect(h.Steps[1].Note).To(Equal("frozen"))
		Expect(h.Steps[4].Who).To(Equal("Ana"), "--as named the recovery lead")
		Expect(h.Steps[5].Outcome).To(Equal("skipped"))
		Expect(h.Steps[5].Note).To(Equal("nobody on call"))
		for _, s := range h.Steps {
			Expect(s.Simulated).To(BeFalse(), "every duration was lived")
		}
	}, SpecTimeout(3*time.Minute))
})

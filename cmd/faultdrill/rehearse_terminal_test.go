package main

import (
	"bytes"
	"io"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("faultdrill rehearse on a terminal", func() {
	It("asks each manual step, times the answers typed, and records who answered", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "drill")
		in, typing := io.Pipe()
		DeferCleanup(typing.Close)
		prompts := gbytes.NewBuffer()
		var out bytes.Buffer
		done := make(chan int, 1)
		go func() {
			defer GinkgoRecover()
			done <- run(ctx, []string{"rehearse", "--quiet", "--report-dir", dir, "--approver", "Ana", "--var", "ledger=" + ledgerBin, runbookExample},
				env{stdout: &out, stderr: prompts, stdin: in})
		}()
		// answer waits for the step's prompt, then types after a pause.
		answer := func(step string, pause time.Duration, line string) {
			Eventually(prompts).WithTimeout(30 * time.Second).Should(gbytes.Say(step))
			Eventually(prompts).Should(gbytes.Say("then an optional note: "))
			time.Sleep(pause)
			_, err := io.WriteString(typing, line)
			Expect(err).NotTo(HaveOccurred())
		}
		answer(`step 1/7 \(line 15\) \[comms lead, expect 30s\]`, 1500*time.Millisecond, "d posted in incidents\n")
		answer(`step 2/7 \(line 16\)`, 500*time.Millisecond, "s\n")
		answer(`step 5/7 \(line 44\)`, 0, "what?\n") // not understood: asked again
		Eventually(prompts).Should(gbytes.Say("then an optional note: "))
		_, err := io.WriteString(typing, "done\n")
		Expect(err).NotTo(HaveOccurred())
		answer(`step 6/7`, 0, "d\n")
		answer(`step 7/7`, 0, "d all clear\n")
		Eventually(done).WithTimeout(time.Minute).Should(Receive(Equal(exitPassed)))

		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		h := rep.Rehearsal
		Expect(h.Mode).To(Equal("terminal"))
		s1, s2 := h.Steps[0], h.Steps[1]
		Expect(s1.Outcome).To(Equal("done"))
		Expect(s1.Note).To(Equal("posted in incidents"))
		Expect(s1.Who).To(Equal("Ana"))
		Expect(s1.Simulated).To(BeFalse())
		Expect(s1.Duration).To(BeNumerically("~", 1500*time.Millisecond, 700*time.Millisecond))
		Expect(s2.Outcome).To(Equal("skipped"))
		Expect(s2.Duration).To(BeNumerically("~", 500*time.Millisecond, 500*time.Millisecond))
		Expect(h.Steps[6].Note).To(Equal("all clear"))
	}, SpecTimeout(2*time.Minute))
})

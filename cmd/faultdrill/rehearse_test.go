package main

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

const runbookExample = "../../scenarios/examples/ledger-runbook.yaml"

var _ = Describe("faultdrill rehearse", func() {
	// rehearseDrill rehearses the scenario into a new folder and returns
	// the exit code, the output and the report.
	rehearseDrill := func(ctx SpecContext, scenario string, extra ...string) (int, string, *reports.Report) {
		GinkgoHelper()
		dir := filepath.Join(GinkgoT().TempDir(), "drill")
		args := append([]string{"rehearse", "--quiet", "--report-dir", dir, "--var", "ledger=" + ledgerBin}, extra...)
		code, stdout, stderr := cli(ctx, append(args, scenario)...)
		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred(), stdout+stderr)
		summary, err := os.ReadFile(filepath.Join(dir, "summary.md"))
		Expect(err).NotTo(HaveOccurred())
		return code, stdout + stderr + string(summary), rep
	}
	// variant copies the bundled runbook scenario into a temporary folder,
	// with edit applied to the scenario and editRunbook to its runbook.
	variant := func(edit, editRunbook func(string) string) string {
		GinkgoHelper()
		dir := GinkgoT().TempDir()
		sc, err := os.ReadFile(runbookExample)
		Expect(err).NotTo(HaveOccurred())
		rb, err := os.ReadFile("../../scenarios/examples/runbooks/ledger-rollback.md")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.MkdirAll(filepath.Join(dir, "runbooks"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "runbooks", "ledger-rollback.md"), []byte(editRunbook(string(rb))), 0o644)).To(Succeed())
		path := filepath.Join(dir, "ledger-runbook.yaml")
		Expect(os.WriteFile(path, []byte(edit(string(sc))), 0o644)).To(Succeed())
		return path
	}
	same := func(s string) string { return s }

	It("walks the bundled runbook with --answers: manual steps take the answered time, automated ones run", func(ctx SpecContext) {
		answers := writeFile("answers.yaml", `answers:
  - {step: 1, outcome: done, took: 45s, note: posted in incidents, who: Ana}
  - {step: 2, outcome: done, took: 3m, note: release tool was slow}
  - {step: 5, outcome: done, took: 20s}
  - {step: 6, outcome: skip, note: no database owner on call}
`)
		code, out, rep := rehearseDrill(ctx, runbookExample, "--answers", answers, "--as", "comms lead=Bo")
		Expect(code).To(Equal(exitPassed), out)
		h := rep.Rehearsal
		Expect(h).NotTo(BeNil())
		Expect(h.Mode).To(Equal("answers"))
		Expect(h.Steps).To(HaveLen(7))
		var outcomes []string
		for _, s := range h.Steps {
			outcomes = append(outcomes, s.Outcome)
			Expect(s.End - s.Start).To(Equal(s.Duration))
		}
		Expect(outcomes).To(Equal([]string{"done", "done", "done", "done", "done", "skipped", "done"}))
		Expect(h.Steps[0].Duration).To(Equal(45 * time.Second))
		Expect(h.Steps[0].Who).To(Equal("Ana"))
		Expect(h.Steps[0].Note).To(Equal("posted in incidents"))
		Expect(h.Steps[1].Duration).To(Equal(3 * time.Minute))
		Expect(h.Steps[1].Start).To(BeNumerically("~", h.Steps[0].End, time.Second), "the rehearsal clock carries the simulated time")
		Expect(h.Steps[2].Kind).To(Equal("action"))
		Expect(h.Steps[2].Simulated).To(BeFalse())
		Expect(h.Steps[2].Duration).To(BeNumerically("<", 5*time.Second), "the flag flip ran for real")
		Expect(h.Steps[3].Kind).To(Equal("sh"))
		Expect(h.Steps[3].Note).To(ContainSubstring(`"fast-path":false`), "curl printed the flags")
		Expect(h.Steps[6].Duration).To(Equal(30*time.Second), "an unanswered step takes its expected time")
		Expect(h.Steps[6].Who).To(Equal("Bo"), "--as names who holds the role")
		Expect(h.Steps[4].Who).To(Equal("recovery lead"), "a role nobody was named for")
		Expect(h.Revision).To(MatchRegexp(`^[0-9a-f]{40}$`), "the runbook is in this git checkout")
		Expect(h.SHA256).To(HaveLen(64))
		Expect(h.Decision).NotTo(BeNil())
		Expect(h.Slowest(1)[0].Number).To(Equal(2))
		Expect(out).To(ContainSubstring("### Runbook runbooks/ledger-rollback.md"))
		Expect(out).To(ContainSubstring("Slowest steps: 2. Freeze deploys of the ledger in the release tool 3m0s (3.0× its expected 1m0s)"))
		Expect(out).To(MatchRegexp(`Decision time \(trigger → first step\): [0-9.]+m?s, no approval asked`))
	}, SpecTimeout(2*time.Minute))

	It("walks it with --auto: manual steps take their expected time", func(ctx SpecContext) {
		code, out, rep := rehearseDrill(ctx, runbookExample, "--auto")
		Expect(code).To(Equal(exitPassed), out)
		h := rep.Rehearsal
		Expect(h.Mode).To(Equal("auto"))
		Expect(h.Expected).To(Equal(4*time.Minute + 15*time.Second))
		var manual time.Duration
		for _, s := range h.Steps {
			Expect(s.Outcome).To(Equal("done"))
			if s.Kind == "manual" {
				Expect(s.Duration).To(Equal(s.Expect))
				manual += s.Duration
			}
		}
		Expect(manual).To(Equal(4 * time.Minute))
		Expect(h.Took).To(BeNumerically(">=", manual))
		Expect(h.Took).To(BeNumerically("<", manual+10*time.Second))
	}, SpecTimeout(2*time.Minute))

	It("fails the drill naming the step and line of an sh step that fails", func(ctx SpecContext) {
		scenario := variant(same, func(rb string) string {
			return strings.Replace(rb, "curl -fsS --max-time 5 http://${addr.api}/flags", "echo checking; exit 3", 1)
		})
		code, out, rep := rehearseDrill(ctx, scenario, "--auto")
		Expect(code).NotTo(Equal(exitPassed))
		Expect(rep.Rehearsal.Failure).To(ContainSubstring(`step 4 (line 35) "Check that the API answers and reports the flag off" failed`))
		Expect(out).To(ContainSubstring("step 4 (line 35)"))
		var outcomes []string
		for _, s := range rep.Rehearsal.Steps {
			outcomes = append(outcomes, s.Outcome)
		}
		Expect(outcomes).To(Equal([]string{"done", "done", "done", "failed", "not-run", "not-run", "not-run"}))
	}, SpecTimeout(2*time.Minute))

	It("fails the drill when the steps are expected to take longer than the RTO", func(ctx SpecContext) {
		scenario := variant(func(s string) string { return strings.Replace(s, "rto: 10m", "rto: 3m", 1) }, same)
		code, out, rep := rehearseDrill(ctx, scenario, "--auto")
		Expect(code).NotTo(Equal(exitPassed))
		Expect(rep.Rehearsal.Failure).To(Equal("the steps are expected to take 4m15s in all, over the RTO of 3m0s"))
		Expect(out).To(ContainSubstring("over the RTO of 3m0s"))
	}, SpecTimeout(2*time.Minute))

	It("refuses answers to a step that runs by itself, at the answer's line, before any drill", func(ctx SpecContext) {
		answers := writeFile("answers.yaml", "answers:\n  - {step: 1, outcome: done}\n  - {step: 3, outcome: done}\n")
		code, _, stderr := cli(ctx, "rehearse", "--answers", answers, runbookExample)
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring(answers + `:3: step 3 (line 20) "Switch the fast-path flag off" runs by itself (action); answer only manual steps`))
	})

	It("refuses a scenario without a runbook", func(ctx SpecContext) {
		code, _, stderr := cli(ctx, "rehearse", "--auto", example)
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("its rollback has no runbook"))
	})

	It("init --from the runbook example writes its runbook next to it, and the copy validates", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		dest := filepath.Join(dir, "drill.yaml")
		code, stdout, stderr := cli(ctx, "init", "--from", "ledger-runbook.yaml", dest)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("the runbook the scenario walks"))
		code, stdout, stderr = cli(ctx, "validate", dest)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("runbook runbooks/ledger-rollback.md (7 steps)"))
		Expect(stdout).To(ContainSubstring("3. line 20  action Switch the fast-path flag off (recovery lead, expect 10s)"))
	})
})

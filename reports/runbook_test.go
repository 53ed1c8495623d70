package reports_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
)

var _ = Describe("a rehearsed runbook", func() {
	rehearsal := func() *reports.Rehearsal {
		decision := 2500 * time.Millisecond
		return &reports.Rehearsal{Runbook: "runbooks/rb.md", SHA256: strings.Repeat("ab", 32), Mode: "answers",
			Expected: 3 * time.Minute, Took: 5 * time.Minute, RTO: 10 * time.Minute, Decision: &decision,
			Steps: []reports.RehearsalStep{
				{Number: 1, Line: 5, Title: "Announce | in *incidents*", Kind: "manual", Role: "comms", Who: "Ana", Duration: time.Minute, Expect: time.Minute, Simulated: true, Outcome: "done"},
				{Number: 2, Line: 9, Title: "Freeze", Kind: "manual", Duration: 4 * time.Minute, Expect: time.Minute, Simulated: true, Outcome: "done", Note: "slow tool"},
				{Number: 3, Line: 12, Title: "Flag off", Kind: "action", Who: "faultdrill", Duration: 20 * time.Millisecond, Outcome: "done"},
				{Number: 4, Line: 20, Title: "Tell support", Kind: "manual", Outcome: "skipped"},
				{Number: 5, Line: 22, Title: "Close", Kind: "manual", Outcome: "not-run"},
			}}
	}

	It("lists its steps in summary.md, the decision time and the slowest steps against their expected time", func() {
		r := goodReport()
		r.Rehearsal = rehearsal()
		r.Approval = &rollback.Approval{Approved: true, By: "Ana", Role: "recovery lead"}
		reports.Judge(r)
		var b strings.Builder
		Expect(reports.WriteMarkdown(&b, r)).To(Succeed())
		out := b.String()
		Expect(out).To(ContainSubstring("### Runbook runbooks/rb.md"))
		Expect(out).To(ContainSubstring("Decision time (trigger → approval): **2.5s**"))
		Expect(out).To(ContainSubstring(`| 1 | 5 | Announce \| in \*incidents\* | manual | comms | Ana |`), "escaped")
		Expect(out).To(ContainSubstring("| 4m0s (simulated) | 1m0s | done | slow tool |"))
		Expect(out).To(ContainSubstring("Slowest steps: 2. Freeze 4m0s (4.0× its expected 1m0s); 1. Announce"))
		Expect(out).NotTo(ContainSubstring("Tell support 0s"), "a skipped step is not among the slowest")
		Expect(out).To(ContainSubstring("| 5 | 22 | Close | manual |  |  | — | — | — | not-run |  |"), "a step that never ran has no time")
		Expect(r.Outcome.Passed).To(BeTrue(), "%v", r.Outcome.Reasons)
	})

	It("fails the steps gate with the rehearsal's failure", func() {
		r := goodReport()
		r.Rehearsal = rehearsal()
		r.Rehearsal.Failure = `step 3 (line 12) "Flag off" failed: exit status 3`
		reports.Judge(r)
		Expect(r.Outcome.Passed).To(BeFalse())
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(r.Outcome.Reasons).To(ContainElement(`runbook runbooks/rb.md: step 3 (line 12) "Flag off" failed: exit status 3`))
	})

	It("shows its steps in report.html, escaped", func() {
		r := goodReport()
		r.Rehearsal = rehearsal()
		reports.Judge(r)
		var b strings.Builder
		Expect(reports.WriteHTML(&b, r, nil, nil)).To(Succeed())
		out := b.String()
		Expect(out).To(ContainSubstring(`<section id="runbook">`))
		Expect(out).To(ContainSubstring("<td>Announce | in *incidents*</td>"))
		Expect(out).To(ContainSubstring(`<td class="t">4m0s (simulated)</td>`))
		Expect(out).To(ContainSubstring(`<span class="badge warn">skipped</span>`))
		Expect(out).To(ContainSubstring("Decision time (trigger → approval, or the first step without one) 2.5s."))
	})

	It("gives each step a JUnit testcase, and the RTO overrun one of its own", func() {
		r := goodReport()
		r.Rehearsal = rehearsal()
		r.Rehearsal.Failure = "the steps are expected to take 3m0s in all, over the RTO of 2m0s"
		reports.Judge(r)
		var b strings.Builder
		Expect(reports.WriteJUnit(&b, r)).To(Succeed())
		out := b.String()
		Expect(out).To(ContainSubstring(`<testcase name="step 2 (line 9) Freeze" classname="faultdrill..runbook" time="240.000">`))
		Expect(out).To(ContainSubstring(`<skipped message="skipped: "></skipped>`))
		Expect(out).To(ContainSubstring(`<testcase name="runbook runbooks/rb.md" classname="faultdrill..runbook" time="300.000">`))
		Expect(out).To(ContainSubstring(`<failure message="the steps are expected to take 3m0s in all, over the RTO of 2m0s" type="runbook">`))
	})
})

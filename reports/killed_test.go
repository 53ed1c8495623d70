package reports_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

var _ = Describe("the verdict of a killed drill", func() {
	It("is class killed (exit 137), leaving rto, slo, score and verification not judged whatever their figures", func() {
		start := time.Second
		r := &reports.Report{Status: reports.Killed, Error: "its last sign of life was 5s after its start",
			Objectives: reports.Objectives{PassScore: 80, RTO: time.Minute},
			Phases:     reports.Phases{LoadStart: &start},
			Load:       reports.LoadSummary{Ops: 100, Acknowledged: 100},
			Verifiers: []verify.Result{{Name: verify.NameDurability, Verdict: verify.Skipped, Integrity: true,
				Summary: "not checked: the drill was killed before its verifiers ran"}}}
		reports.Judge(r)
		Expect(r.Status).To(Equal(reports.Killed))
		Expect(r.Outcome.Class).To(Equal(reports.ClassKilled))
		Expect(r.Outcome.Class.ExitCode()).To(Equal(137))
		Expect(r.Outcome.Reasons).To(HaveExactElements(ContainSubstring("the harness was killed before the drill ended")))
		for _, g := range r.Outcome.Gates {
			switch g.Name {
			case reports.GateRTO, reports.GateSLO, reports.GateScore, reports.GateVerification:
				Expect(g.State).To(Equal(reports.GateSkipped), g.Name)
			}
			if g.Name == reports.GateScore || g.Name == reports.GateVerification {
				Expect(g.Detail).To(HavePrefix("not judged: the drill did not complete"), g.Name)
			}
		}
	})

	It("says the load generator's lag was not summed, not that no request was sent", func() {
		start := time.Second
		r := &reports.Report{Status: reports.Killed, Phases: reports.Phases{LoadStart: &start},
			Load: reports.LoadSummary{Ops: 216, Acknowledged: 216}}
		reports.Judge(r)
		var md strings.Builder
		Expect(reports.WriteMarkdown(&md, r)).To(Succeed())
		Expect(md.String()).To(ContainSubstring("not measured: the harness was killed before it summed its lag"))
		Expect(md.String()).NotTo(ContainSubstring("no request was sent"))
	})
})

package reports_test

import (
	"bytes"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("blast radius and switch strategies", func() {
	report := func() *reports.Report {
		r := realisticReport(10)
		r.Deploys = append(r.Deploys,
			reports.Deploy{Service: "api", From: "v1", To: "v2", By: "timeline", Start: 4 * time.Second, End: 4100 * time.Millisecond, Strategy: "canary"},
			reports.Deploy{Service: "api", From: "v2", To: "v1", By: "rollback", Start: 6 * time.Second, End: 6010 * time.Millisecond, Strategy: "canary-abort",
				Phases: &reports.SwitchPhases{Switch: 10 * time.Microsecond, StopOld: 9 * time.Millisecond}})
		r.BlastRadius = []reports.BlastRadius{{Service: "api", Version: "v2", Requests: 19, Writes: 19, Errors: 8,
			TotalRequests: 599, TotalWrites: 599, RequestShare: 19.0 / 599, WriteShare: 19.0 / 599}}
		return r
	}
	const line = "api v2 served 19 of 599 requests (3.2%) and 19 of 599 writes (3.2%) before its rollback; 8 answered 5xx"

	It("are in the summary, with the strategy of each switch", func() {
		var b bytes.Buffer
		Expect(reports.WriteSummary(&b, report(), "")).To(Succeed())
		Expect(b.String()).To(ContainSubstring("blast radius      " + line))
		Expect(b.String()).To(ContainSubstring("deploy api v2 → v1 (rollback, canary-abort)"))
	})

	It("are in summary.md", func() {
		var b bytes.Buffer
		Expect(reports.WriteMarkdown(&b, report())).To(Succeed())
		Expect(b.String()).To(ContainSubstring(line))
	})

	It("are JUnit properties", func() {
		var b bytes.Buffer
		Expect(reports.WriteJUnit(&b, report())).To(Succeed())
		Expect(b.String()).To(ContainSubstring(`<property name="blastRadius.api.requests" value="19"></property>`))
		Expect(b.String()).To(ContainSubstring(`<property name="blastRadius.api.requestShare" value="0.0317"></property>`))
	})
})

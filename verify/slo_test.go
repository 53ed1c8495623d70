package verify_test

import (
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// win is a 1 s window starting at s seconds with count requests, an error
// rate and a p99 (p50 and p90 a fraction of it).
func win(s int, count int, errorRate float64, p99 time.Duration) load.Window {
	return load.Window{
		Start: time.Duration(s) * time.Second, Count: count, ErrorRate: errorRate,
		P50: p99 / 4, P90: p99 / 2, P99: p99,
	}
}

var _ = Describe("SLO", func() {
	// The rollback ends at 10 s; before it the system was broken.
	windows := func() []load.Window {
		return []load.Window{
			win(8, 100, 0.5, 3*time.Second), // during the incident: not judged
			win(9, 100, 0.5, 3*time.Second),
			win(10, 100, 0, 80*time.Millisecond),
			win(11, 100, 0.01, 120*time.Millisecond),
			win(12, 0, 0, 0), // nothing completed: not judged
			win(13, 100, 0.005, 90*time.Millisecond),
			win(14, 100, 0.2, 2*time.Second), // after `to`
		}
	}
	const from, to = 10 * time.Second, 14 * time.Second

	It("succeeds when every window after the rollback meets absolute limits", func() {
		res := verify.SLO(windows(), from, to, verify.SLOSpec{ErrorRate: "1%", P99: "150ms"}, nil)
		Expect(res.Name).To(Equal("slo"))
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("windows", 3))
		Expect(res.Evidence).To(HaveKeyWithValue("compliant", 3))
		Expect(res.Evidence).To(HaveKeyWithValue("empty", 1))
		Expect(res.Evidence["worst"]).To(HaveKeyWithValue("p99", "120ms"))
		Expect(res.Evidence["worst"]).To(HaveKeyWithValue("errorRate", "1%"))
		Expect(res.Summary).To(ContainSubstring("3 of 3 windows"))
	})

	It("fails naming the windows and limits that were missed", func() {
		res := verify.SLO(windows(), from, to, verify.SLOSpec{ErrorRate: "0.008", P99: "100ms"}, nil)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("compliant", 2))
		Expect(res.Evidence).To(HaveKeyWithValue("violations", ConsistOf(
			verify.SLOViolation{Start: 11 * time.Second, Metric: "errorRate", Value: "1%", Limit: "0.8%"},
			verify.SLOViolation{Start: 11 * time.Second, Metric: "p99", Value: "120ms", Limit: "100ms"},
		)))
		Expect(res.Summary).To(ContainSubstring("1 of 3 windows"))
		Expect(res.Summary).To(ContainSubstring("p99 120ms"))
	})

	It("judges only the spec's window after the rollback when it is shorter", func() {
		res := verify.SLO(windows(), from, 30*time.Second, verify.SLOSpec{ErrorRate: "1%", Window: 4 * time.Second}, nil)
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("to", "14s"))
		res = verify.SLO(windows(), from, 30*time.Second, verify.SLOSpec{ErrorRate: "1%"}, nil)
		Expect(res.Verdict).To(Equal(verify.Failure), "the 14 s window is judged without a spec window")
	})

	It("compares to the baseline with relative limits", func() {
		baseline := win(0, 1000, 0.004, 60*time.Millisecond)
		res := verify.SLO(windows(), from, to, verify.SLOSpec{P99: "2x"}, &baseline)
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence["limits"]).To(HaveKeyWithValue("p99", ContainSubstring("120ms")))
		Expect(res.Evidence).To(HaveKey("baseline"))

		res = verify.SLO(windows(), from, to, verify.SLOSpec{P99: "1.5x", ErrorRate: "2x"}, &baseline)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("violations", ContainElements(
			verify.SLOViolation{Start: 11 * time.Second, Metric: "errorRate", Value: "1%", Limit: "0.8%"},
			verify.SLOViolation{Start: 11 * time.Second, Metric: "p99", Value: "120ms", Limit: "90ms"},
		)))
	})

	It("passes with a compliance share below 100% that the windows reach", func() {
		spec := verify.SLOSpec{P99: "100ms", Compliance: "60%"}
		Expect(verify.SLO(windows(), from, to, spec, nil).Verdict).To(Equal(verify.Success))
		spec.Compliance = "70%"
		Expect(verify.SLO(windows(), from, to, spec, nil).Verdict).To(Equal(verify.Failure))
	})

	It("is unknown with a relative limit and no baseline", func() {
		res := verify.SLO(windows(), from, to, verify.SLOSpec{P99: "2x"}, nil)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		empty := load.Window{}
		Expect(verify.SLO(windows(), from, to, verify.SLOSpec{P99: "2x"}, &empty).Verdict).To(Equal(verify.Unknown))
	})

	It("is unknown when no request completed after the rollback", func() {
		res := verify.SLO(windows(), 12*time.Second, 13*time.Second, verify.SLOSpec{ErrorRate: "1%"}, nil)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Evidence).To(HaveKeyWithValue("empty", 1))
	})

	It("is skipped with no limit, and unknown with an unreadable one", func() {
		Expect(verify.SLO(windows(), from, to, verify.SLOSpec{}, nil).Verdict).To(Equal(verify.Skipped))
		res := verify.SLO(windows(), from, to, verify.SLOSpec{P99: "fast"}, nil)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Summary).To(ContainSubstring("p99"))
	})
})

var _ = Describe("SLOSpec.Validate", func() {
	DescribeTable("accepts",
		func(spec verify.SLOSpec) { Expect(spec.Validate()).To(Succeed()) },
		Entry("nothing", verify.SLOSpec{}),
		Entry("percentages and durations", verify.SLOSpec{ErrorRate: "0.5%", P50: "20ms", P90: "1s", P99: "1m", Compliance: "95%"}),
		Entry("a fraction", verify.SLOSpec{ErrorRate: "0.01"}),
		Entry("multiples", verify.SLOSpec{ErrorRate: "2x", P99: "1.5x"}),
	)
	DescribeTable("rejects, wrapping ErrInvalidSpec",
		func(spec verify.SLOSpec, field string) {
			err := spec.Validate()
			Expect(errors.Is(err, verify.ErrInvalidSpec)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(field))
		},
		Entry("a latency as a rate", verify.SLOSpec{ErrorRate: "250ms"}, "errorRate"),
		Entry("a rate over 100%", verify.SLOSpec{ErrorRate: "150%"}, "errorRate"),
		Entry("a negative rate", verify.SLOSpec{ErrorRate: "-1%"}, "errorRate"),
		Entry("a rate as a latency", verify.SLOSpec{P99: "1%"}, "p99"),
		Entry("a zero latency", verify.SLOSpec{P90: "0s"}, "p90"),
		Entry("a zero multiple", verify.SLOSpec{P50: "0x"}, "p50"),
		Entry("a word", verify.SLOSpec{P99: "fast"}, "p99"),
		Entry("a bad compliance", verify.SLOSpec{P99: "1s", Compliance: "most"}, "compliance"),
		Entry("a negative window", verify.SLOSpec{P99: "1s", Window: -time.Second}, "window"),
	)
})

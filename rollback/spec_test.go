package rollback_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
)

var _ = Describe("Threshold", func() {
	DescribeTable("UnmarshalText reads the value in the metric's unit and keeps the text",
		func(text string, value float64, unit string) {
			var t rollback.Threshold
			Expect(t.UnmarshalText([]byte(text))).To(Succeed())
			Expect(t.Value).To(BeNumerically("~", value, 1e-12))
			Expect(t.Unit).To(Equal(unit))
			Expect(t.String()).To(Equal(text))
		},
		Entry("a percentage is a fraction", "5%", 0.05, "fraction"),
		Entry("0% is allowed", "0%", 0.0, "fraction"),
		Entry("100% is allowed", "100%", 1.0, "fraction"),
		Entry("a decimal at most 1 is a fraction", "0.05", 0.05, "fraction"),
		Entry("1.0 is a fraction", "1.0", 1.0, "fraction"),
		Entry("a duration is in seconds", "250ms", 0.25, "duration"),
		Entry("whole seconds", "2s", 2.0, "duration"),
		Entry("microseconds", "1500us", 0.0015, "duration"),
		Entry("an integer is a number", "80", 80.0, "number"),
		Entry("1 without a dot is a number", "1", 1.0, "number"),
		Entry("a decimal above 1 is a number", "12.5", 12.5, "number"),
		Entry("a multiple of the baseline", "3x", 3.0, "baseline"),
		Entry("a fraction of the baseline", "0.5x", 0.5, "baseline"),
	)

	It("knows a baseline multiple is relative and the rest are not", func() {
		Expect(th("3x").Relative()).To(BeTrue())
		Expect(th("300ms").Relative()).To(BeFalse())
		Expect(th("3").Relative()).To(BeFalse())
	})

	It("trims surrounding spaces but keeps the trimmed text", func() {
		t, err := rollback.ParseThreshold("  5%  ")
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Value).To(BeNumerically("~", 0.05, 1e-12))
		Expect(t.String()).To(Equal("5%"))
	})

	DescribeTable("UnmarshalText rejects what is not a threshold",
		func(text string) {
			var t rollback.Threshold
			Expect(t.UnmarshalText([]byte(text))).NotTo(Succeed())
			Expect(t).To(BeZero(), "a rejected threshold leaves the value untouched")
		},
		Entry("empty", ""),
		Entry("blank", "   "),
		Entry("a word", "fast"),
		Entry("a percentage above 100", "150%"),
		Entry("a negative percentage", "-5%"),
		Entry("a bare percent sign", "%"),
		Entry("a negative duration", "-250ms"),
		Entry("an unknown unit ending in s", "250xs"),
		Entry("a unit alone", "ms"),
		Entry("a negative number", "-1"),
		Entry("a number with garbage", "80rps"),
		Entry("a negative multiple", "-3x"),
		Entry("a bare x", "x"),
		Entry("a doubled x", "3xx"),
		Entry("an infinite multiple", "Infx"),
	)

	It("ParseThreshold returns the error of UnmarshalText", func() {
		_, err := rollback.ParseThreshold("lots")
		Expect(err).To(HaveOccurred())
	})

	It("round-trips through JSON as the text it was written as", func() {
		var spec rollback.TriggerSpec
		Expect(json.Unmarshal([]byte(`{"metric":"p99","above":"250ms"}`), &spec)).To(Succeed())
		Expect(spec.Above).NotTo(BeNil())
		Expect(spec.Above.Value).To(BeNumerically("~", 0.25, 1e-12))
		b, err := json.Marshal(spec)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(MatchJSON(`{"metric":"p99","above":"250ms"}`))
	})
})

var _ = Describe("Spec", func() {
	It("is enabled unless Enabled is set to false", func() {
		yes, no := true, false
		Expect(rollback.Spec{}.IsEnabled()).To(BeTrue())
		Expect(rollback.Spec{Enabled: &yes}.IsEnabled()).To(BeTrue())
		Expect(rollback.Spec{Enabled: &no}.IsEnabled()).To(BeFalse())
	})
})

var _ = Describe("Metric", func() {
	It("knows which metrics are latency quantiles", func() {
		for _, m := range []rollback.Metric{rollback.P50, rollback.P90, rollback.P99} {
			Expect(m.IsLatency()).To(BeTrue(), string(m))
		}
		for _, m := range []rollback.Metric{rollback.ErrorRate, rollback.Throughput, "p75"} {
			Expect(m.IsLatency()).To(BeFalse(), string(m))
		}
	})
})

var _ = Describe("TriggerSpec.Kind", func() {
	at := 5 * time.Second
	DescribeTable("says who evaluates a trigger",
		func(spec rollback.TriggerSpec, want rollback.TriggerKind) {
			Expect(spec.Kind()).To(Equal(want))
		},
		Entry("a metric with a threshold", rollback.TriggerSpec{Metric: rollback.P99, Above: th("1s")}, rollback.KindThreshold),
		Entry("any", rollback.TriggerSpec{Any: []rollback.TriggerSpec{{Metric: rollback.P99}}}, rollback.KindComposite),
		Entry("all", rollback.TriggerSpec{All: []rollback.TriggerSpec{{Metric: rollback.P99}}}, rollback.KindComposite),
		Entry("a probe", rollback.TriggerSpec{Probe: &rollback.ProbeSpec{URL: "/healthz"}}, rollback.KindProbe),
		Entry("an offset", rollback.TriggerSpec{At: &at}, rollback.KindAt),
	)

	It("decodes the new trigger fields from camelCase JSON", func() {
		var spec rollback.Spec
		Expect(json.Unmarshal([]byte(`{"verifyIdempotent":true,"approval":{"role":"on-call","timeout":60000000000},
			"triggers":[{"any":[{"metric":"status_5xx","above":"2x"}]},{"at":5000000000},
			{"probe":{"url":"/status","jsonField":"state","notEquals":"degraded"}}],
			"plan":[{"action":"command","command":["sh","-c","true"],"retries":2,"idempotent":false}]}`), &spec)).To(Succeed())
		Expect(spec.VerifyIdempotent).To(BeTrue())
		Expect(spec.Approval.Role).To(Equal("on-call"))
		Expect(spec.Triggers[0].Any[0].Above.Relative()).To(BeTrue())
		Expect(*spec.Triggers[1].At).To(Equal(5 * time.Second))
		Expect(spec.Triggers[2].Probe.NotEquals).To(Equal("degraded"))
		Expect(spec.Plan[0].IsIdempotent()).To(BeFalse())
		Expect(spec.Plan[0].Retries).To(Equal(2))
	})
})

var _ = Describe("TriggerName", func() {
	at := 90 * time.Second
	DescribeTable("derives a name from the condition",
		func(spec rollback.TriggerSpec, want string) {
			Expect(rollback.TriggerName(spec)).To(Equal(want))
		},
		Entry("a relative threshold", rollback.TriggerSpec{Metric: rollback.P99, Above: th("3x")}, "p99 above 3x"),
		Entry("any", rollback.TriggerSpec{Any: []rollback.TriggerSpec{{Metric: rollback.P99, Above: th("3x")}, {Metric: rollback.Status5xx, Above: th("1%")}}},
			"any(p99 above 3x, status_5xx above 1%)"),
		Entry("all", rollback.TriggerSpec{All: []rollback.TriggerSpec{{Metric: rollback.Throughput, Below: th("0.5x")}}}, "all(throughput below 0.5x)"),
		Entry("a probe", rollback.TriggerSpec{Probe: &rollback.ProbeSpec{URL: "/healthz"}}, "probe /healthz"),
		Entry("a probe of a status", rollback.TriggerSpec{Probe: &rollback.ProbeSpec{URL: "/healthz", Status: 204}}, "probe /healthz status 204"),
		Entry("a probe of a field", rollback.TriggerSpec{Probe: &rollback.ProbeSpec{URL: "/s", JSONField: "a.b", Equals: "ok"}}, "probe /s a.b==ok"),
		Entry("an offset", rollback.TriggerSpec{At: &at}, "at 1m30s"),
	)
})

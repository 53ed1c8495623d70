package rollback_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
)

// w is a window at sec seconds with 100 requests, the given error rate and
// p99, and n5xx responses with a 5xx status (the rest 2xx).
func w(sec int, errRate float64, p99 time.Duration, n5xx int) load.Window {
	return load.Window{
		Start: time.Duration(sec) * time.Second, Count: 100, ErrorRate: errRate,
		P50: p99 / 4, P90: p99 / 2, P99: p99,
		Classes: map[string]int{"2xx": 100 - n5xx, "5xx": n5xx},
	}
}

var (
	errs5   = rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: mustTh("5%")}
	errs5x2 = rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: mustTh("5%"), For: 2 * time.Second}
	slow    = rollback.TriggerSpec{Metric: rollback.P99, Above: mustTh("250ms")}
	slow3x  = rollback.TriggerSpec{Metric: rollback.P99, Above: mustTh("3x")}
)

// mustTh parses a threshold at package init.
func mustTh(s string) *rollback.Threshold {
	t, err := rollback.ParseThreshold(s)
	if err != nil {
		panic(err)
	}
	return &t
}

var _ = Describe("Watcher with composite triggers", func() {
	DescribeTable("fires when any or all children hold for their own For",
		func(spec rollback.TriggerSpec, wins []load.Window, fireAt int, firstBreach time.Duration) {
			i, f := feed(rollback.NewWatcher([]rollback.TriggerSpec{spec}, nil), wins...)
			Expect(i).To(Equal(fireAt))
			if fireAt >= 0 {
				Expect(f.FirstBreach).To(Equal(firstBreach))
				Expect(f.At).To(Equal(wins[fireAt].Start + time.Second))
				Expect(f.Causes).NotTo(BeEmpty())
			}
		},
		Entry("any: the first child alone",
			rollback.TriggerSpec{Any: []rollback.TriggerSpec{errs5, slow}},
			[]load.Window{w(0, 0, 10*ms, 0), w(1, 0.2, 10*ms, 0)}, 1, 1*time.Second),
		Entry("any: the second child alone",
			rollback.TriggerSpec{Any: []rollback.TriggerSpec{errs5, slow}},
			[]load.Window{w(0, 0, 10*ms, 0), w(1, 0, 300*ms, 0)}, 1, 1*time.Second),
		Entry("any: a child waits for its own For",
			rollback.TriggerSpec{Any: []rollback.TriggerSpec{errs5x2}},
			[]load.Window{w(0, 0.2, 10*ms, 0), w(1, 0.2, 10*ms, 0)}, 1, time.Duration(0)),
		Entry("any: neither holds",
			rollback.TriggerSpec{Any: []rollback.TriggerSpec{errs5, slow}},
			[]load.Window{w(0, 0.01, 100*ms, 0), w(1, 0.05, 250*ms, 0)}, -1, time.Duration(0)),
		Entry("all: one child is not enough",
			rollback.TriggerSpec{All: []rollback.TriggerSpec{errs5, slow}},
			[]load.Window{w(0, 0.2, 10*ms, 0), w(1, 0.5, 10*ms, 0), w(2, 0, 900*ms, 0)}, -1, time.Duration(0)),
		Entry("all: both in the same window, the breach counted from the later child",
			rollback.TriggerSpec{All: []rollback.TriggerSpec{errs5x2, slow}},
			[]load.Window{w(0, 0.2, 10*ms, 0), w(1, 0.2, 10*ms, 0), w(2, 0.2, 400*ms, 0)}, 2, 2*time.Second),
		Entry("all: a child that stopped breaching no longer holds",
			rollback.TriggerSpec{All: []rollback.TriggerSpec{errs5, slow}},
			[]load.Window{w(0, 0.2, 10*ms, 0), w(1, 0.0, 400*ms, 0), w(2, 0.2, 400*ms, 0)}, 2, 2*time.Second),
		Entry("all: waits for the slower child's For",
			rollback.TriggerSpec{All: []rollback.TriggerSpec{slow, errs5x2}},
			[]load.Window{w(0, 0.2, 400*ms, 0), w(1, 0.2, 400*ms, 0)}, 1, time.Duration(0)),
	)

	It("names a composite by its children and reports the causes that held", func() {
		spec := rollback.TriggerSpec{All: []rollback.TriggerSpec{errs5, slow}}
		i, f := feed(rollback.NewWatcher([]rollback.TriggerSpec{spec}, nil), w(3, 0.5, time.Second, 0))
		Expect(i).To(Equal(0))
		Expect(f.Trigger).To(Equal("all(error_rate above 5%, p99 above 250ms)"))
		Expect(f.Value).To(Equal(0.5), "the first cause's value")
		Expect(f.Causes).To(HaveLen(2))
		Expect(f.Causes[0].Trigger).To(Equal("error_rate above 5%"))
		Expect(f.Causes[1].Trigger).To(Equal("p99 above 250ms"))
		Expect(f.Causes[1].Value).To(BeNumerically("~", 1.0, 1e-9))
	})

	It("keeps every trigger's streak going even when an earlier one fires", func() {
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{
			{Name: "errors", Metric: rollback.ErrorRate, Above: th("5%")},
			{Name: "slow", Metric: rollback.P99, Above: th("250ms"), For: 2 * time.Second},
		}, nil)
		f, ok := watcher.Observe(w(0, 0.5, time.Second, 0))
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("errors"))
		f, ok = watcher.Observe(w(1, 0, time.Second, 0))
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("slow"), "slow saw the first window too")
		Expect(f.FirstBreach).To(Equal(time.Duration(0)))
	})

	It("leaves probe and planned triggers to RunProbe and DueAt", func() {
		at := time.Duration(0)
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{
			{Probe: &rollback.ProbeSpec{URL: "/healthz"}},
			{At: &at},
		}, nil)
		i, _ := feed(watcher, w(0, 1, time.Hour, 100), load.Window{Start: time.Second})
		Expect(i).To(Equal(-1))
	})
})

var _ = Describe("Watcher with baseline-relative thresholds", func() {
	baseline := w(0, 0.01, 100*ms, 1) // p99 100ms, 1% errors and 5xx

	DescribeTable("compares with factor × the baseline's value",
		func(spec rollback.TriggerSpec, win load.Window, fires bool, limit float64) {
			f, ok := rollback.NewWatcher([]rollback.TriggerSpec{spec}, &baseline).Observe(win)
			Expect(ok).To(Equal(fires))
			if fires {
				Expect(f.Limit).To(BeNumerically("~", limit, 1e-9))
			}
		},
		Entry("p99 above 3x: 310ms > 300ms", slow3x, w(5, 0, 310*ms, 0), true, 0.3),
		Entry("p99 above 3x: 300ms is not", slow3x, w(5, 0, 300*ms, 0), false, 0.0),
		Entry("p99 above 3x: 250ms is not", slow3x, w(5, 0, 250*ms, 0), false, 0.0),
		Entry("error_rate above 10x: 11% > 10%",
			rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: th("10x")}, w(5, 0.11, 0, 0), true, 0.1),
		Entry("error_rate above 10x: 9% is not",
			rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: th("10x")}, w(5, 0.09, 0, 0), false, 0.0),
		Entry("status_5xx above 5x: 6 of 100 > 5%",
			rollback.TriggerSpec{Metric: rollback.Status5xx, Above: th("5x")}, w(5, 0, 0, 6), true, 0.05),
		Entry("throughput below 0.5x: 49 < 50",
			rollback.TriggerSpec{Metric: rollback.Throughput, Below: th("0.5x")}, load.Window{Start: 5 * time.Second, Count: 49}, true, 50.0),
		Entry("throughput below 0.5x: 50 is not",
			rollback.TriggerSpec{Metric: rollback.Throughput, Below: th("0.5x")}, load.Window{Start: 5 * time.Second, Count: 50}, false, 0.0),
		Entry("throughput below 0.5x: an empty window is a drop to zero",
			rollback.TriggerSpec{Metric: rollback.Throughput, Below: th("0.5x")}, load.Window{Start: 5 * time.Second}, true, 50.0),
	)

	It("does not evaluate a relative threshold until there is a baseline, then does", func() {
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{
			{Name: "slow", Metric: rollback.P99, Above: th("3x"), For: 2 * time.Second},
		}, nil)
		_, ok := watcher.Observe(w(0, 0, 10*time.Second, 0))
		Expect(ok).To(BeFalse(), "no baseline: no breach")
		_, ok = watcher.Observe(w(1, 0, 10*time.Second, 0))
		Expect(ok).To(BeFalse(), "and no streak built up without one")
		watcher.SetBaseline(&baseline)
		_, ok = watcher.Observe(w(2, 0, 10*time.Second, 0))
		Expect(ok).To(BeFalse(), "the streak starts with the baseline")
		f, ok := watcher.Observe(w(3, 0, 10*time.Second, 0))
		Expect(ok).To(BeTrue())
		Expect(f.FirstBreach).To(Equal(2 * time.Second))
		Expect(f.Detail).To(Equal("p99 10s above 300ms (3x the baseline) for 2 window(s)"))
	})

	It("does not evaluate a latency threshold against a baseline with no requests", func() {
		empty := load.Window{}
		_, ok := rollback.NewWatcher([]rollback.TriggerSpec{slow3x}, &empty).Observe(w(1, 0, time.Hour, 0))
		Expect(ok).To(BeFalse())
	})

	It("keeps absolute thresholds working with no baseline alongside relative ones", func() {
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{slow3x, errs5}, nil)
		f, ok := watcher.Observe(w(0, 0.5, time.Hour, 0))
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("error_rate above 5%"))
	})

	It("works with the baseline load.Baseline makes of the windows before the fault", func() {
		before := []load.Window{w(0, 0, time.Second, 0), w(1, 0, 100*ms, 0), w(2, 0, 100*ms, 0)} // the first is warm-up
		b, ok := load.Baseline(before, 3*time.Second)
		Expect(ok).To(BeTrue())
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{slow3x}, nil)
		watcher.SetBaseline(&b)
		_, fired := watcher.Observe(w(3, 0, 290*ms, 0))
		Expect(fired).To(BeFalse())
		f, fired := watcher.Observe(w(4, 0, 310*ms, 0))
		Expect(fired).To(BeTrue())
		Expect(f.Limit).To(BeNumerically("~", 0.3, 1e-9))
	})

	It("copies the baseline it is given", func() {
		b := baseline
		watcher := rollback.NewWatcher([]rollback.TriggerSpec{slow3x}, &b)
		b.P99 = time.Hour
		_, ok := watcher.Observe(w(1, 0, 310*ms, 0))
		Expect(ok).To(BeTrue())
	})
})

var _ = Describe("status class metrics", func() {
	DescribeTable("are fractions of the window's requests",
		func(m rollback.Metric, win load.Window, want float64, has bool) {
			v, ok := rollback.MetricValue(m, win)
			Expect(ok).To(Equal(has))
			Expect(v).To(BeNumerically("~", want, 1e-12))
		},
		Entry("5xx", rollback.Status5xx, load.Window{Count: 200, Classes: map[string]int{"5xx": 30, "2xx": 170}}, 0.15, true),
		Entry("4xx", rollback.Status4xx, load.Window{Count: 200, Classes: map[string]int{"4xx": 2, "2xx": 198}}, 0.01, true),
		Entry("none of the class", rollback.Status5xx, load.Window{Count: 10, Classes: map[string]int{"2xx": 10}}, 0.0, true),
		Entry("an empty window has no value", rollback.Status5xx, load.Window{}, 0.0, false),
	)

	It("fires a status_5xx trigger", func() {
		i, f := feed(rollback.NewWatcher([]rollback.TriggerSpec{{Metric: rollback.Status5xx, Above: th("2%")}}, nil),
			w(0, 0, 0, 2), w(1, 0, 0, 3))
		Expect(i).To(Equal(1))
		Expect(f.Detail).To(Equal("status_5xx 3% above 2% for 1 window(s)"))
	})
})

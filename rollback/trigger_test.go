package rollback_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
)

const ms = time.Millisecond

// th parses a threshold or fails the spec.
func th(s string) *rollback.Threshold {
	GinkgoHelper()
	t, err := rollback.ParseThreshold(s)
	Expect(err).NotTo(HaveOccurred())
	return &t
}

// errWin is the 1 s window starting at sec seconds with count requests and
// the given error rate.
func errWin(sec, count int, rate float64) load.Window {
	return load.Window{Start: time.Duration(sec) * time.Second, Count: count, ErrorRate: rate}
}

// latWin is the 1 s window starting at sec seconds with 100 requests whose
// p50, p90 and p99 are the given latencies.
func latWin(sec int, p50, p90, p99 time.Duration) load.Window {
	return load.Window{Start: time.Duration(sec) * time.Second, Count: 100, P50: p50, P90: p90, P99: p99}
}

// feed observes the windows in order and returns the index of the window
// that fired (-1 if none) with its firing.
func feed(w *rollback.Watcher, wins ...load.Window) (int, rollback.Firing) {
	for i, win := range wins {
		if f, ok := w.Observe(win); ok {
			return i, f
		}
	}
	return -1, rollback.Firing{}
}

var _ = Describe("Watcher", func() {
	errorsAbove5 := func(forDur time.Duration) rollback.TriggerSpec {
		return rollback.TriggerSpec{Name: "errors", Metric: rollback.ErrorRate, Above: th("5%"), For: forDur}
	}

	It("fires on the first breaching window when For is 0", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(0)}, nil)
		i, f := feed(w, errWin(0, 100, 0.01), errWin(1, 100, 0.2))
		Expect(i).To(Equal(1))
		Expect(f).To(Equal(rollback.Firing{
			Trigger: "errors", FirstBreach: time.Second, At: 2 * time.Second, Value: 0.2, Limit: 0.05, Windows: 1,
			Detail: "error_rate 20% above 5% for 1 window(s)",
		}))
	})

	It("needs For worth of consecutive breaching windows", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(2 * time.Second)}, nil)
		_, ok := w.Observe(errWin(3, 100, 0.5))
		Expect(ok).To(BeFalse(), "one breaching window is not 2 s")
		f, ok := w.Observe(errWin(4, 100, 0.4))
		Expect(ok).To(BeTrue())
		Expect(f.FirstBreach).To(Equal(3*time.Second), "the first window of the streak")
		Expect(f.At).To(Equal(5*time.Second), "the end of the window that completed it")
		Expect(f.Value).To(Equal(0.4), "the value in the firing window")
		Expect(f.Windows).To(Equal(2))
	})

	It("counts a For that is not whole seconds up to the next window", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(1500 * ms)}, nil)
		i, f := feed(w, errWin(0, 10, 0.5), errWin(1, 10, 0.5), errWin(2, 10, 0.5))
		Expect(i).To(Equal(1))
		Expect(f.Windows).To(Equal(2))
	})

	It("never counts a partial window (the load stopped within it) towards For", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(2 * time.Second)}, nil)
		partial := errWin(1, 17, 0.9)
		partial.Partial = true
		i, _ := feed(w, errWin(0, 100, 0.5), partial)
		Expect(i).To(Equal(-1), "a breaching window and a partial one are not 2 s")
		i, _ = feed(w, errWin(2, 100, 0.5))
		Expect(i).To(Equal(0), "the partial window neither breached nor reset the streak")
	})

	It("does not breach at exactly the threshold", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(0)}, nil)
		i, _ := feed(w, errWin(0, 100, 0.05), errWin(1, 100, 0.05))
		Expect(i).To(Equal(-1))
	})

	It("restarts the streak after a clean window", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(2 * time.Second)}, nil)
		i, f := feed(w,
			errWin(0, 100, 0.5),  // breach
			errWin(1, 100, 0.0),  // clean: reset
			errWin(2, 100, 0.5),  // breach, new streak
			errWin(3, 100, 0.01), // clean: reset
			errWin(4, 100, 0.3),  // breach, new streak
			errWin(5, 100, 0.3),  // second in a row: fires
		)
		Expect(i).To(Equal(5))
		Expect(f.FirstBreach).To(Equal(4 * time.Second))
		Expect(f.At).To(Equal(6 * time.Second))
		Expect(f.Windows).To(Equal(2))
	})

	It("lets an empty window neither breach nor reset an error-rate streak", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{errorsAbove5(2 * time.Second)}, nil)
		_, ok := w.Observe(errWin(0, 0, 0))
		Expect(ok).To(BeFalse(), "an empty window alone does not breach")
		i, f := feed(w,
			errWin(1, 100, 0.5), // breach
			errWin(2, 0, 0),     // empty: streak kept
			errWin(3, 0, 0),     // empty: streak kept
			errWin(4, 100, 0.5), // second breach: fires
		)
		Expect(i).To(Equal(3))
		Expect(f.FirstBreach).To(Equal(1 * time.Second))
		Expect(f.At).To(Equal(5 * time.Second))
		Expect(f.Windows).To(Equal(2), "empty windows are not counted as breaching")
	})

	It("treats an empty window as zero throughput for a below trigger", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{
			{Metric: rollback.Throughput, Below: th("10"), For: 2 * time.Second},
		}, nil)
		i, f := feed(w,
			errWin(0, 50, 0), // healthy rate
			errWin(1, 0, 0),  // nothing completed: 0 < 10
			errWin(2, 0, 0),
		)
		Expect(i).To(Equal(2))
		Expect(f.Value).To(Equal(0.0))
		Expect(f.FirstBreach).To(Equal(1 * time.Second))
		Expect(f.Trigger).To(Equal("throughput below 10"))
	})

	It("does not fire a below trigger while the metric stays at or above it", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{{Metric: rollback.Throughput, Below: th("10")}}, nil)
		i, _ := feed(w, errWin(0, 10, 0), errWin(1, 11, 0), errWin(2, 500, 0))
		Expect(i).To(Equal(-1))
		_, ok := w.Observe(errWin(3, 9, 0))
		Expect(ok).To(BeTrue())
	})

	DescribeTable("compares latency quantiles in seconds",
		func(metric rollback.Metric, win load.Window, fires bool) {
			w := rollback.NewWatcher([]rollback.TriggerSpec{{Metric: metric, Above: th("250ms")}}, nil)
			f, ok := w.Observe(win)
			Expect(ok).To(Equal(fires))
			if fires {
				Expect(f.Value).To(BeNumerically("~", 0.3, 1e-9))
			}
		},
		Entry("p99 above", rollback.P99, latWin(0, 10*ms, 20*ms, 300*ms), true),
		Entry("p99 below", rollback.P99, latWin(0, 300*ms, 300*ms, 200*ms), false),
		Entry("p90 above", rollback.P90, latWin(0, 10*ms, 300*ms, 10*ms), true),
		Entry("p90 below", rollback.P90, latWin(0, 300*ms, 200*ms, 300*ms), false),
		Entry("p50 above", rollback.P50, latWin(0, 300*ms, 10*ms, 10*ms), true),
		Entry("p50 below", rollback.P50, latWin(0, 200*ms, 300*ms, 300*ms), false),
	)

	It("reads a latency threshold written as a plain fraction as seconds too", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{{Metric: rollback.P99, Above: th("0.25")}}, nil)
		_, ok := w.Observe(latWin(0, 0, 0, 200*ms))
		Expect(ok).To(BeFalse())
		_, ok = w.Observe(latWin(1, 0, 0, 260*ms))
		Expect(ok).To(BeTrue())
	})

	It("ignores an empty window for a latency trigger", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{{Metric: rollback.P99, Above: th("250ms"), For: 2 * time.Second}}, nil)
		i, f := feed(w,
			latWin(0, 0, 0, 400*ms),
			load.Window{Start: time.Second}, // empty, its p99 of 0 must not reset
			latWin(2, 0, 0, 500*ms),
		)
		Expect(i).To(Equal(2))
		Expect(f.FirstBreach).To(Equal(time.Duration(0)))
	})

	It("returns the first trigger in spec order when several fire in one window", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{
			{Name: "slow", Metric: rollback.P99, Above: th("250ms")},
			{Name: "errors", Metric: rollback.ErrorRate, Above: th("5%")},
		}, nil)
		win := latWin(0, 0, 0, time.Second)
		win.ErrorRate = 0.9
		f, ok := w.Observe(win)
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("slow"))

		w = rollback.NewWatcher([]rollback.TriggerSpec{
			{Name: "errors", Metric: rollback.ErrorRate, Above: th("5%")},
			{Name: "slow", Metric: rollback.P99, Above: th("250ms")},
		}, nil)
		f, ok = w.Observe(win)
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("errors"))
	})

	It("returns a later trigger when only it completes its streak", func() {
		w := rollback.NewWatcher([]rollback.TriggerSpec{
			{Name: "errors", Metric: rollback.ErrorRate, Above: th("5%"), For: 3 * time.Second},
			{Name: "slow", Metric: rollback.P99, Above: th("250ms")},
		}, nil)
		win := latWin(0, 0, 0, 10*ms)
		win.ErrorRate = 0.9
		_, ok := w.Observe(win)
		Expect(ok).To(BeFalse())
		win = latWin(1, 0, 0, time.Second)
		win.ErrorRate = 0.9
		f, ok := w.Observe(win)
		Expect(ok).To(BeTrue())
		Expect(f.Trigger).To(Equal("slow"))
	})

	It("never fires with no triggers", func() {
		w := rollback.NewWatcher(nil, nil)
		i, _ := feed(w, errWin(0, 100, 1), errWin(1, 0, 0))
		Expect(i).To(Equal(-1))
	})
})

var _ = Describe("Breaches", func() {
	It("compares above strictly greater and below strictly less", func() {
		above := rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: th("0.1")}
		Expect(rollback.Breaches(above, 0.11)).To(BeTrue())
		Expect(rollback.Breaches(above, 0.1)).To(BeFalse())
		below := rollback.TriggerSpec{Metric: rollback.Throughput, Below: th("10")}
		Expect(rollback.Breaches(below, 9)).To(BeTrue())
		Expect(rollback.Breaches(below, 10)).To(BeFalse())
	})

	It("never breaches with no threshold", func() {
		Expect(rollback.Breaches(rollback.TriggerSpec{Metric: rollback.ErrorRate}, 1)).To(BeFalse())
	})
})

var _ = Describe("MetricValue", func() {
	It("has no value for an unknown metric", func() {
		_, ok := rollback.MetricValue("p75", latWin(0, ms, ms, ms))
		Expect(ok).To(BeFalse())
	})

	It("gives throughput as the window's completed count", func() {
		v, ok := rollback.MetricValue(rollback.Throughput, errWin(0, 42, 0.5))
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(42.0))
	})
})

var _ = Describe("TriggerName", func() {
	DescribeTable("names a trigger",
		func(spec rollback.TriggerSpec, want string) {
			Expect(rollback.TriggerName(spec)).To(Equal(want))
		},
		Entry("by its name", rollback.TriggerSpec{Name: "boom", Metric: rollback.ErrorRate, Above: th("5%")}, "boom"),
		Entry("above, as written", rollback.TriggerSpec{Metric: rollback.ErrorRate, Above: th("5%")}, "error_rate above 5%"),
		Entry("above a latency", rollback.TriggerSpec{Metric: rollback.P99, Above: th("250ms")}, "p99 above 250ms"),
		Entry("below", rollback.TriggerSpec{Metric: rollback.Throughput, Below: th("80")}, "throughput below 80"),
		Entry("with no threshold, by its metric", rollback.TriggerSpec{Metric: rollback.P50}, "p50"),
	)
})

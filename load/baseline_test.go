package load_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

// win returns a window of count ops starting at sec seconds, failed of
// them failed, with p50 latency.
func win(sec, count, failed int, p50 time.Duration) load.Window {
	w := load.Window{Start: time.Duration(sec) * time.Second, Count: count, Acknowledged: count - failed, Failed: failed,
		P50: p50, P90: 2 * p50, P99: 3 * p50}
	if count > 0 {
		w.ErrorRate = float64(failed) / float64(count)
		w.Classes = map[string]int{"2xx": count - failed}
		if failed > 0 {
			w.Classes["5xx"] = failed
		}
	}
	return w
}

// counts returns windows from second 0 on with the given counts, none
// failed, p50 1 ms.
func counts(n ...int) []load.Window {
	ws := make([]load.Window, len(n))
	for i, c := range n {
		ws[i] = win(i, c, 0, ms)
	}
	return ws
}

var _ = Describe("Baseline", func() {
	windows := []load.Window{
		win(3, 20, 20, 50*ms), // warm-up: skipped whatever it holds
		win(4, 100, 0, 10*ms),
		win(5, 100, 10, 10*ms),
		win(6, 200, 0, 40*ms),
		win(7, 100, 90, 500*ms), // after the fault at 7s
	}

	DescribeTable("aggregates the complete windows before the first fault, after the warm-up",
		func(before time.Duration, want load.Window, ok bool) {
			got, found := load.Baseline(windows, before)
			Expect(found).To(Equal(ok))
			Expect(got).To(Equal(want))
		},
		Entry("three windows: per-second counts, overall error rate, count-weighted percentiles", 7*time.Second,
			load.Window{Start: 4 * time.Second, Count: 133, Acknowledged: 130, Failed: 3, ErrorRate: 10.0 / 400,
				P50: 25 * ms, P90: 50 * ms, P99: 75 * ms, Classes: map[string]int{"2xx": 130, "5xx": 3}}, true),
		Entry("a fault mid-window: that window is not complete before it", 7500*ms,
			load.Window{Start: 4 * time.Second, Count: 133, Acknowledged: 130, Failed: 3, ErrorRate: 10.0 / 400,
				P50: 25 * ms, P90: 50 * ms, P99: 75 * ms, Classes: map[string]int{"2xx": 130, "5xx": 3}}, true),
		Entry("one window", 5*time.Second,
			load.Window{Start: 4 * time.Second, Count: 100, Acknowledged: 100, P50: 10 * ms, P90: 20 * ms, P99: 30 * ms,
				Classes: map[string]int{"2xx": 100}}, true),
		Entry("a fault in the warm-up window: no baseline", 4*time.Second, load.Window{}, false),
		Entry("a fault before the load", -time.Second, load.Window{}, false),
	)

	It("leaves out a partial window: the load stopped within it", func() {
		cut := win(6, 20, 0, 40*ms)
		cut.Partial = true
		got, ok := load.Baseline([]load.Window{windows[0], windows[1], windows[2], cut}, 10*time.Second)
		Expect(ok).To(BeTrue())
		Expect(got.Count).To(Equal(100), "the mean of the two complete windows alone")
	})

	It("has no baseline without windows, or with the warm-up window alone", func() {
		_, ok := load.Baseline(nil, time.Hour)
		Expect(ok).To(BeFalse())
		_, ok = load.Baseline(windows[:1], time.Hour)
		Expect(ok).To(BeFalse())
	})

	It("gives empty windows no latency", func() {
		b, ok := load.Baseline(counts(5, 0, 0), time.Hour)
		Expect(ok).To(BeTrue())
		Expect(b).To(Equal(load.Window{Start: time.Second}))
	})
})

var _ = Describe("Meaningful", func() {
	spec := func(rates ...string) load.Spec {
		s := load.Spec{Duration: 10 * time.Second}
		for _, r := range rates {
			s.Streams = append(s.Streams, stream("s"+r[:1], r, "/"))
		}
		return s
	}
	ramp := load.Spec{Duration: 10 * time.Second, Streams: []load.StreamSpec{rampStream("100/s", "200/s", 10*time.Second)}}

	DescribeTable("flags a load that fell more than 10% short of its rate before the first fault",
		func(s load.Spec, windows []load.Window, before time.Duration, ok bool, achieved, wanted float64) {
			gotOK, gotAchieved, gotWanted := load.Meaningful(s, windows, before)
			Expect(gotAchieved).To(BeNumerically("~", achieved, 1e-9))
			Expect(gotWanted).To(BeNumerically("~", wanted, 1e-9))
			Expect(gotOK).To(Equal(ok))
		},
		Entry("on rate", spec("100/s"), counts(40, 100, 99, 101, 10), 4*time.Second, true, 100.0, 100.0),
		Entry("exactly 10% short", spec("100/s"), counts(40, 90, 90, 90), 4*time.Second, true, 90.0, 100.0),
		Entry("just over 10% short", spec("100/s"), counts(40, 90, 89, 90), 4*time.Second, false, 89.0+2.0/3, 100.0),
		Entry("the warm-up window does not count", spec("100/s"), counts(1, 100, 100), 3*time.Second, true, 100.0, 100.0),
		Entry("what comes after the fault does not count", spec("100/s"), counts(50, 100, 0, 0), 2*time.Second, true, 100.0, 100.0),
		Entry("every stream's rate adds up", spec("100/s", "50/s", "600/m"), counts(0, 160, 160), 3*time.Second, true, 160.0, 160.0),
		Entry("a generator that could not keep up", spec("8000/s"), counts(3000, 5000, 5200), 3*time.Second, false, 5100.0, 8000.0),
		Entry("a ramp, at the windows' midpoints", ramp, counts(50, 115, 125), 3*time.Second, true, 120.0, 120.0),
		Entry("a ramp not followed", ramp, counts(100, 100, 100), 3*time.Second, false, 100.0, 120.0),
		Entry("no window before the fault: no evidence", spec("100/s", "20/s"), counts(100, 100), time.Second, false, 0.0, 120.0),
	)
})

package load_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

const ms = time.Millisecond

// opAt returns an op that ends at end after latency.
func opAt(end, latency time.Duration, code uint16, outcome load.Outcome) load.Op {
	return load.Op{ID: "x", Stream: "s", Start: end - latency, End: end, Code: code, Outcome: outcome}
}

var _ = Describe("Aggregate", func() {
	It("computes exact nearest-rank percentiles over the latencies", func() {
		var ops []load.Op
		for i := 100; i >= 1; i-- { // out of order on purpose
			ops = append(ops, opAt(500*ms, time.Duration(i)*ms, 200, load.Acknowledged))
		}
		w := load.Aggregate(ops, 0, time.Second)
		Expect(w.Count).To(Equal(100))
		Expect(w.P50).To(Equal(50 * ms))
		Expect(w.P90).To(Equal(90 * ms))
		Expect(w.P99).To(Equal(99 * ms))
		Expect(ops[0].End-ops[0].Start).To(Equal(100*ms), "the input is not reordered")
	})

	It("takes the ops that completed in [from, to) and counts outcomes and classes", func() {
		ops := []load.Op{
			opAt(999*ms, 10*ms, 200, load.Acknowledged),  // before
			opAt(1000*ms, 10*ms, 200, load.Acknowledged), // first instant: in
			opAt(1500*ms, 30*ms, 503, load.Failed),
			opAt(1600*ms, 20*ms, 0, load.Failed),
			opAt(1700*ms, 40*ms, 0, load.Indeterminate),
			opAt(2000*ms, 10*ms, 200, load.Acknowledged), // last instant: out
		}
		w := load.Aggregate(ops, time.Second, 2*time.Second)
		Expect(w).To(Equal(load.Window{
			Start: time.Second, Count: 4, Acknowledged: 1, Failed: 2, Indeterminate: 1, ErrorRate: 0.75,
			P50: 20 * ms, P90: 40 * ms, P99: 40 * ms,
			Classes: map[string]int{"2xx": 1, "5xx": 1, "error": 2},
		}))
	})

	It("gives an empty window no rate and no latencies", func() {
		Expect(load.Aggregate(nil, 0, time.Second)).To(Equal(load.Window{}))
	})
})

var _ = Describe("Windows", func() {
	It("returns one window per second from 0 up to until", func() {
		ops := []load.Op{
			opAt(100*ms, 5*ms, 200, load.Acknowledged),
			opAt(2500*ms, 5*ms, 404, load.Failed),
			opAt(9*time.Second, 5*ms, 200, load.Acknowledged), // after until
		}
		ws := load.Windows(ops, 2500*ms)
		Expect(ws).To(HaveLen(3))
		for i, w := range ws {
			Expect(w.Start).To(Equal(time.Duration(i) * time.Second))
			Expect(w).To(Equal(load.Aggregate(ops, w.Start, w.Start+time.Second)))
		}
		Expect(ws[1].Count).To(BeZero())
		Expect(ws[2].Classes).To(Equal(map[string]int{"4xx": 1}))
		Expect(load.Windows(ops, 3*time.Second)).To(HaveLen(3))
		Expect(load.Windows(ops, 0)).To(BeEmpty())
	})
})

package load_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

// rampStream returns a stream going from one rate to another over over.
func rampStream(from, to string, over time.Duration) load.StreamSpec {
	st := stream("s", from, "/")
	Expect(st.RampTo.UnmarshalText([]byte(to))).To(Succeed())
	st.RampOver = over
	return st
}

// dueTimes returns when each of the first n hits is due.
func dueTimes(p interface {
	Pace(time.Duration, uint64) (time.Duration, bool)
}, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		wait, stop := p.Pace(0, uint64(i))
		Expect(stop).To(BeFalse())
		out[i] = wait
	}
	return out
}

// dueBy counts the due times at or before t.
func dueBy(due []time.Duration, t time.Duration) int {
	n := 0
	for _, d := range due {
		if d <= t {
			n++
		}
	}
	return n
}

var _ = Describe("the pacer", func() {
	It("paces a constant rate like vegeta's: hit n due at (n+1)/rate", func() {
		p := load.PacerOf(stream("s", "100/s", "/"), 3*time.Second)
		for _, n := range []uint64{0, 1, 99, 299} {
			wait, stop := p.Pace(0, n)
			Expect(stop).To(BeFalse())
			Expect(wait).To(BeNumerically("~", time.Duration(n+1)*10*ms, time.Microsecond))
		}
		Expect(p.Rate(0)).To(Equal(100.0))
		Expect(p.Rate(time.Hour)).To(Equal(100.0))
		p = load.PacerOf(stream("s", "600/m", "/"), time.Minute)
		Expect(p.Pace(0, 9)).To(BeNumerically("~", time.Second, time.Microsecond))
	})

	It("sends an overdue hit at once and waits for one due later", func() {
		p := load.PacerOf(stream("s", "100/s", "/"), 3*time.Second)
		wait, _ := p.Pace(time.Second, 10)
		Expect(wait).To(BeZero(), "hit 10 was due at 110ms")
		wait, _ = p.Pace(time.Second, 100)
		Expect(wait).To(BeNumerically("~", 10*ms, time.Microsecond))
	})

	DescribeTable("ramps linearly, then holds",
		func(st load.StreamSpec, duration time.Duration, at []time.Duration, hits []int, rates []float64) {
			p := load.PacerOf(st, duration)
			due := dueTimes(p, 2000)
			for i, t := range at {
				Expect(dueBy(due, t)).To(BeNumerically("~", hits[i], 1), "hits due by %s", t)
				Expect(p.Rate(t)).To(BeNumerically("~", rates[i], 1e-9), "rate at %s", t)
			}
			for i := 1; i < len(due); i++ {
				Expect(due[i]).To(BeNumerically(">", due[i-1]), "due times increase")
			}
		},
		Entry("up from 50/s to 250/s over 2s", rampStream("50/s", "250/s", 2*time.Second), 10*time.Second,
			[]time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, []int{100, 300, 550}, []float64{150, 250, 250}),
		Entry("down from 250/s to 50/s over 2s", rampStream("250/s", "50/s", 2*time.Second), 10*time.Second,
			[]time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, []int{200, 300, 350}, []float64{150, 50, 50}),
		Entry("over the whole load by default", rampStream("50/s", "250/s", 0), 4*time.Second,
			[]time.Duration{2 * time.Second, 4 * time.Second, 5 * time.Second}, []int{200, 600, 850}, []float64{150, 250, 250}),
		Entry("to the same rate: constant", rampStream("100/s", "100/s", time.Second), 4*time.Second,
			[]time.Duration{500 * ms, 3 * time.Second}, []int{50, 300}, []float64{100, 100}),
	)

	It("spaces hits closer as the rate ramps up", func() {
		due := dueTimes(load.PacerOf(rampStream("50/s", "250/s", 2*time.Second), 10*time.Second), 400)
		first, atRamp, held := due[1]-due[0], due[299]-due[298], due[399]-due[398]
		Expect(first).To(BeNumerically("~", 18900*time.Microsecond, 100*time.Microsecond), "about 1/53 s: the rate is 53/s by then")
		Expect(atRamp).To(BeNumerically("~", 4*ms, 100*time.Microsecond))
		Expect(held).To(BeNumerically("~", 4*ms, time.Microsecond))
	})
})

var _ = Describe("the generator's lag", func() {
	It("is how long after it was due each hit went out, the worst kept", func() {
		st := stream("s", "100/s", "/")
		// Hits 0–4 are due at 10, 20, 30, 40, 50 ms; hits 2 and 3 go out
		// at 230 and 240 ms, 200 ms late each; hit 4 on time.
		lag := load.LagOf(st, time.Second, []time.Duration{10 * ms, 20 * ms, 230 * ms, 240 * ms, 50 * ms})
		Expect(lag.Hits).To(Equal(5))
		Expect(lag.Max).To(BeNumerically("~", 200*ms, time.Microsecond))
		Expect(lag.Late).To(Equal(2), "hits 2 and 3 went out more than 100ms late")
	})

	It("is zero for a generator that keeps its schedule", func() {
		lag := load.LagOf(stream("s", "100/s", "/"), time.Second, []time.Duration{0, 5 * ms, 15 * ms, 25 * ms})
		Expect(lag).To(Equal(load.Lag{Hits: 4}))
	})
})

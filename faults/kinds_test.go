package faults_test

import (
	"encoding/json"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

// fieldsOf returns the Field of every *SpecError joined in err.
func fieldsOf(err error) []string {
	GinkgoHelper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var fields []string
	for _, e := range errs {
		var se *faults.SpecError
		Expect(errors.As(e, &se)).To(BeTrue(), "%v", e)
		fields = append(fields, se.Field)
	}
	return fields
}

var _ = Describe("The fault catalogue", func() {
	It("lists every kind by its stable name, network kinds first", func() {
		Expect(faults.Kinds()).To(Equal([]faults.Kind{
			"latency", "bandwidth", "blackhole", "down", "reset", "slow_close", "slicer", "limit_data",
			"pause", "kill", "restart",
		}))
	})

	DescribeTable("accepts a minimal spec of each kind",
		func(s faults.Spec) {
			Expect(s.Validate()).To(Succeed())
			Expect(faults.Defaults(s).Validate()).To(Succeed())
		},
		Entry("latency", faults.Spec{Kind: faults.Latency, Link: "db", Latency: time.Millisecond, Jitter: time.Millisecond}),
		Entry("bandwidth", faults.Spec{Kind: faults.Bandwidth, Link: "db", Rate: 1}),
		Entry("blackhole one way, partial", faults.Spec{Kind: faults.Blackhole, Link: "db", Direction: faults.Upstream, Toxicity: 0.5}),
		Entry("down", faults.Spec{Kind: faults.Down, Link: "db"}),
		Entry("reset at once", faults.Spec{Kind: faults.Reset, Link: "db"}),
		Entry("reset after a timeout", faults.Spec{Kind: faults.Reset, Link: "db", Timeout: time.Second}),
		Entry("slow_close", faults.Spec{Kind: faults.SlowClose, Link: "db", Delay: time.Millisecond}),
		Entry("slicer without delay", faults.Spec{Kind: faults.Slicer, Link: "db", AverageSize: 1}),
		Entry("slicer", faults.Spec{Kind: faults.Slicer, Link: "db", AverageSize: 100, SizeVariation: 99, Delay: time.Microsecond}),
		Entry("limit_data", faults.Spec{Kind: faults.LimitData, Link: "db", Bytes: 1}),
		Entry("pause for a while", faults.Spec{Kind: faults.Pause, Service: "api", Duration: time.Second}),
		Entry("kill", faults.Spec{Kind: faults.Kill, Service: "api"}),
		Entry("kill with restart", faults.Spec{Kind: faults.Kill, Service: "api", Restart: true}),
		Entry("restart", faults.Spec{Kind: faults.Restart, Service: "api"}),
		Entry("process kind with the defaults a scenario fills", faults.Spec{Kind: faults.Pause, Service: "api", Direction: faults.Both, Toxicity: 1}),
	)

	DescribeTable("rejects a bad field, naming it",
		func(s faults.Spec, fields ...string) {
			err := s.Validate()
			Expect(err).To(MatchError(faults.ErrInvalidSpec))
			Expect(fieldsOf(err)).To(ConsistOf(fields))
		},
		Entry("zero rate", faults.Spec{Kind: faults.Bandwidth, Link: "db"}, "rate"),
		Entry("negative rate", faults.Spec{Kind: faults.Bandwidth, Link: "db", Rate: -5}, "rate"),
		Entry("sub-millisecond reset timeout", faults.Spec{Kind: faults.Reset, Link: "db", Timeout: time.Microsecond}, "timeout"),
		Entry("slow_close without delay", faults.Spec{Kind: faults.SlowClose, Link: "db"}, "delay"),
		Entry("slicer without size", faults.Spec{Kind: faults.Slicer, Link: "db"}, "averageSize"),
		Entry("slicer variation as large as the size", faults.Spec{Kind: faults.Slicer, Link: "db", AverageSize: 10, SizeVariation: 10}, "sizeVariation"),
		Entry("slicer with a negative delay", faults.Spec{Kind: faults.Slicer, Link: "db", AverageSize: 10, Delay: -1}, "delay"),
		Entry("limit_data without bytes", faults.Spec{Kind: faults.LimitData, Link: "db"}, "bytes"),
		Entry("rate on latency", faults.Spec{Kind: faults.Latency, Link: "db", Latency: time.Second, Rate: 5}, "rate"),
		Entry("bytes and delay on bandwidth", faults.Spec{Kind: faults.Bandwidth, Link: "db", Rate: 5, Bytes: 5, Delay: time.Second}, "bytes", "delay"),
		Entry("restart on pause", faults.Spec{Kind: faults.Pause, Service: "api", Restart: true}, "restart"),
		Entry("a process fault without a service", faults.Spec{Kind: faults.Pause}, "service"),
		Entry("a process fault on a link", faults.Spec{Kind: faults.Kill, Service: "api", Link: "db"}, "link"),
		Entry("a network fault on a service", faults.Spec{Kind: faults.Down, Link: "db", Service: "api"}, "service"),
		Entry("a bad service name", faults.Spec{Kind: faults.Restart, Service: "a/b"}, "service"),
		Entry("a one-way pause", faults.Spec{Kind: faults.Pause, Service: "api", Direction: faults.Upstream}, "direction"),
		Entry("a partial kill", faults.Spec{Kind: faults.Kill, Service: "api", Toxicity: 0.5}, "toxicity"),
		Entry("a restart with a duration", faults.Spec{Kind: faults.Restart, Service: "api", Duration: time.Second}, "duration"),
		Entry("a kill with restart and a duration", faults.Spec{Kind: faults.Kill, Service: "api", Restart: true, Duration: time.Second}, "duration"),
	)

	It("names process faults after their service and leaves direction and toxicity alone", func() {
		s := faults.Defaults(faults.Spec{Kind: faults.Pause, Service: "api"})
		Expect(s).To(Equal(faults.Spec{Name: "pause@api", Kind: faults.Pause, Service: "api"}))
		Expect(s.OnService()).To(BeTrue())
		Expect(faults.Defaults(faults.Spec{Kind: faults.Bandwidth, Link: "db", Rate: 1}).OnService()).To(BeFalse())
	})

	It("knows which faults are over once applied", func() {
		Expect(faults.Spec{Kind: faults.Restart}.Instant()).To(BeTrue())
		Expect(faults.Spec{Kind: faults.Kill, Restart: true}.Instant()).To(BeTrue())
		Expect(faults.Spec{Kind: faults.Kill}.Instant()).To(BeFalse())
		Expect(faults.Spec{Kind: faults.Pause}.Instant()).To(BeFalse())
		Expect(faults.Spec{Kind: faults.Latency}.Instant()).To(BeFalse())
	})

	It("keeps Spec flat with camelCase keys", func() {
		raw, err := json.Marshal(faults.Spec{Kind: faults.Slicer, Link: "db", AverageSize: 10, SizeVariation: 2, Delay: time.Millisecond, Partition: "p"})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(MatchJSON(`{"kind":"slicer","link":"db","averageSize":10,"sizeVariation":2,"delay":1000000,"partition":"p"}`))
	})

	DescribeTable("Available",
		func(k faults.Kind, runtime string, want error) {
			err := faults.Available(k, runtime)
			if want == nil {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(MatchError(want))
			}
		},
		Entry("latency anywhere", faults.Latency, "anything", nil),
		Entry("limit_data on docker", faults.LimitData, faults.RuntimeDocker, nil),
		Entry("pause on the process runtime", faults.Pause, faults.RuntimeProcess, nil),
		Entry("kill on docker", faults.Kill, faults.RuntimeDocker, nil),
		Entry("restart elsewhere", faults.Restart, "kubernetes", faults.ErrUnavailable),
		Entry("an unknown kind", faults.Kind("flood"), faults.RuntimeProcess, faults.ErrInvalidSpec),
	)
})

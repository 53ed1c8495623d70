package load_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("Run's guards", func() {
	good := func() load.Spec {
		return load.Spec{Duration: 200 * time.Millisecond, Streams: []load.StreamSpec{stream("w", "20/s", "/")}}
	}

	DescribeTable("refuses a target that is not loopback, before sending anything",
		func(target string) {
			h, err := load.Run(context.Background(), good(), load.Options{Target: target})
			Expect(err).To(MatchError(load.ErrNotLoopback))
			Expect(h).To(BeNil())
		},
		Entry("private IPv4", "http://10.1.2.3:8080"),
		Entry("a name", "http://example.com"),
		Entry("localhost look-alike", "http://localhost.example.com:80"),
		Entry("IPv6", "http://[2001:db8::1]:80"),
		Entry("unspecified", "http://0.0.0.0:80"),
	)

	DescribeTable("refuses a target that is not a base URL",
		func(target string) {
			_, err := load.Run(context.Background(), good(), load.Options{Target: target})
			Expect(err).To(MatchError(load.ErrInvalidTarget))
		},
		Entry("no scheme", "127.0.0.1:8080"),
		Entry("ftp", "ftp://127.0.0.1/"),
		Entry("a query", "http://127.0.0.1:80/?a=b"),
		Entry("empty", ""),
	)

	DescribeTable("accepts every loopback form",
		func(host string) {
			h, err := load.Run(context.Background(), good(), load.Options{Target: "http://" + host + ":1"})
			Expect(err).NotTo(HaveOccurred())
			Expect(h.Ops).NotTo(BeEmpty())
			Expect(h.Ops[0].ErrClass).To(Equal(load.ClassRefused), "nothing listens on port 1")
		},
		Entry("127.0.0.1", "127.0.0.1"),
		Entry("127.0.0.2", "127.0.0.2"),
		Entry("localhost", "localhost"),
		Entry("LocalHost", "LocalHost"),
	)

	It("lets AllowNonLoopback through the guard", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // so that nothing is sent off the machine
		h, err := load.Run(ctx, good(), load.Options{Target: "http://10.1.2.3:8080", AllowNonLoopback: true})
		Expect(err).To(MatchError(context.Canceled))
		Expect(err).NotTo(MatchError(load.ErrNotLoopback))
		Expect(h.Ops).To(BeEmpty())
	})

	It("accepts a ramp, down as well as up, and keys", func() {
		spec := good()
		spec.Streams[0].RampTo = load.Rate{Freq: 1, Per: time.Second}
		spec.Streams[0].Keys = 3
		spec.Streams[0].Path = "/kv/{key}"
		Expect(spec.Validate()).To(Succeed())
		spec.Streams[0].RampOver = time.Hour
		Expect(spec.Validate()).To(Succeed(), "a ramp longer than the load is cut short")
	})

	DescribeTable("refuses a spec that cannot run",
		func(mutate func(*load.Spec), problems int) {
			spec := good()
			mutate(&spec)
			err := spec.Validate()
			Expect(err).To(MatchError(load.ErrInvalidSpec))
			var joined interface{ Unwrap() []error }
			Expect(errors.As(err, &joined)).To(BeTrue())
			Expect(joined.Unwrap()).To(HaveLen(problems))
			_, runErr := load.Run(context.Background(), spec, load.Options{Target: "http://127.0.0.1:1"})
			Expect(runErr).To(MatchError(load.ErrInvalidSpec))
		},
		Entry("no duration", func(s *load.Spec) { s.Duration = 0 }, 1),
		Entry("negative timeout", func(s *load.Spec) { s.Timeout = -time.Second }, 1),
		Entry("no streams", func(s *load.Spec) { s.Streams = nil }, 1),
		Entry("zero rate", func(s *load.Spec) { s.Streams[0].Rate = load.Rate{} }, 1),
		Entry("rate too high", func(s *load.Spec) { s.Streams[0].Rate = load.Rate{Freq: 5, Per: time.Microsecond} }, 1),
		Entry("duplicate names", func(s *load.Spec) { s.Streams = append(s.Streams, s.Streams[0]) }, 1),
		Entry("name unfit for an id", func(s *load.Spec) { s.Streams[0].Name = "a b/c" }, 1),
		Entry("empty name", func(s *load.Spec) { s.Streams[0].Name = "" }, 1),
		Entry("bad method", func(s *load.Spec) { s.Streams[0].Method = "GE T" }, 1),
		Entry("relative path", func(s *load.Spec) { s.Streams[0].Path = "kv/{id}" }, 1),
		Entry("header with a line break", func(s *load.Spec) { s.Streams[0].Headers = map[string]string{"X-A": "1\r\nX-B: 2"} }, 1),
		Entry("bad header name", func(s *load.Spec) { s.Streams[0].Headers = map[string]string{"X A": "1"} }, 1),
		Entry("rampOver without rampTo", func(s *load.Spec) { s.Streams[0].RampOver = time.Second }, 1),
		Entry("zero-frequency rampTo", func(s *load.Spec) { s.Streams[0].RampTo = load.Rate{Freq: 0, Per: time.Second} }, 1),
		Entry("rampTo too high", func(s *load.Spec) { s.Streams[0].RampTo = load.Rate{Freq: 5, Per: time.Microsecond} }, 1),
		Entry("negative rampOver", func(s *load.Spec) {
			s.Streams[0].RampTo = load.Rate{Freq: 5, Per: time.Second}
			s.Streams[0].RampOver = -time.Second
		}, 1),
		Entry("negative keys", func(s *load.Spec) { s.Streams[0].Keys = -1 }, 1),
		Entry("{key} without keys", func(s *load.Spec) { s.Streams[0].Body = `{"k":"{key}"}` }, 1),
		Entry("every problem at once", func(s *load.Spec) {
			s.Duration = -time.Second
			s.Streams[0].Rate = load.Rate{}
			s.Streams[0].Path = "x"
		}, 3),
	)
})

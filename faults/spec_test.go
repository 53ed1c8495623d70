package faults_test

import (
	"errors"
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

var _ = Describe("Defaults", func() {
	It("fills name, direction and toxicity", func() {
		s := faults.Defaults(faults.Spec{Kind: faults.Latency, Link: "db", Latency: time.Second})
		Expect(s).To(Equal(faults.Spec{
			Name: "latency@db", Kind: faults.Latency, Link: "db",
			Direction: faults.Both, Toxicity: 1, Latency: time.Second,
		}))
	})

	It("keeps what is set", func() {
		in := faults.Spec{Name: "slow", Kind: faults.Latency, Link: "db", Direction: faults.Upstream, Toxicity: 0.5, Latency: time.Second}
		Expect(faults.Defaults(in)).To(Equal(in))
	})
})

var _ = Describe("Spec.Validate", func() {
	valid := faults.Spec{Kind: faults.Latency, Link: "db", Latency: 100 * time.Millisecond}

	It("accepts a minimal spec of each kind", func() {
		Expect(valid.Validate()).To(Succeed())
		Expect(faults.Spec{Kind: faults.Blackhole, Link: "db", Direction: faults.Upstream}.Validate()).To(Succeed())
		Expect(faults.Spec{Kind: faults.Down, Link: "db"}.Validate()).To(Succeed())
		Expect(faults.Defaults(valid).Validate()).To(Succeed())
	})

	DescribeTable("rejects a bad field",
		func(change func(*faults.Spec), field string) {
			s := valid
			change(&s)
			err := s.Validate()
			Expect(errors.Is(err, faults.ErrInvalidSpec)).To(BeTrue(), "%v", err)
			var se *faults.SpecError
			Expect(errors.As(err, &se)).To(BeTrue())
			Expect(se.Field).To(Equal(field))
		},
		Entry("unknown kind", func(s *faults.Spec) { s.Kind = "flood" }, "kind"),
		Entry("missing kind", func(s *faults.Spec) { s.Kind = "" }, "kind"),
		Entry("missing link", func(s *faults.Spec) { s.Link = "" }, "link"),
		Entry("link with a slash", func(s *faults.Spec) { s.Link = "a/b" }, "link"),
		Entry("name with a space", func(s *faults.Spec) { s.Name = "my fault" }, "name"),
		Entry("zero latency", func(s *faults.Spec) { s.Latency = 0 }, "latency"),
		Entry("sub-millisecond latency", func(s *faults.Spec) { s.Latency = time.Microsecond }, "latency"),
		Entry("negative jitter", func(s *faults.Spec) { s.Jitter = -time.Millisecond }, "jitter"),
		Entry("toxicity above 1", func(s *faults.Spec) { s.Toxicity = 1.5 }, "toxicity"),
		Entry("negative toxicity", func(s *faults.Spec) { s.Toxicity = -0.1 }, "toxicity"),
		Entry("NaN toxicity", func(s *faults.Spec) { s.Toxicity = math.NaN() }, "toxicity"),
		Entry("unknown direction", func(s *faults.Spec) { s.Direction = "sideways" }, "direction"),
		Entry("negative duration", func(s *faults.Spec) { s.Duration = -time.Second }, "duration"),
		Entry("latency on a blackhole", func(s *faults.Spec) { s.Kind = faults.Blackhole }, "latency"),
		Entry("one-way down", func(s *faults.Spec) { s.Kind, s.Latency, s.Direction = faults.Down, 0, faults.Upstream }, "direction"),
		Entry("partial down", func(s *faults.Spec) { s.Kind, s.Latency, s.Toxicity = faults.Down, 0, 0.5 }, "toxicity"),
	)

	It("reports every problem at once", func() {
		err := faults.Spec{Kind: "flood", Toxicity: 2}.Validate()
		var fields []string
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var se *faults.SpecError
			Expect(errors.As(e, &se)).To(BeTrue())
			fields = append(fields, se.Field)
		}
		Expect(fields).To(ConsistOf("kind", "link", "toxicity"))
	})
})

package reports_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

func dur(d time.Duration) *time.Duration { return &d }

func healthResult(healthy, unhealthy []string) verify.Result {
	v := verify.Success
	if len(unhealthy) > 0 {
		v = verify.Failure
	}
	return verify.Result{
		Name: "health", Verdict: v, Summary: "health summary",
		Evidence: map[string]any{"healthy": healthy, "unhealthy": unhealthy},
	}
}

func durabilityResult(v verify.Verdict) verify.Result {
	return verify.Result{Name: "durability", Verdict: v, Integrity: true, Summary: "durability summary " + string(v)}
}

// goodReport is a drill that recovered in half its 10 s RTO, with two
// healthy services and no lost write: every part of the score is 1.
func goodReport() *reports.Report {
	return &reports.Report{
		Schema:     reports.Schema,
		Status:     reports.Failed, // Judge decides it
		Objectives: reports.Objectives{RTO: 10 * time.Second, RTOFrom: "fault", PassScore: 80},
		Measures:   reports.Measures{RTO: dur(5 * time.Second)},
		Verifiers: []verify.Result{
			healthResult([]string{"api", "db"}, nil),
			durabilityResult(verify.Success),
		},
	}
}

// component returns the named score component.
func component(r *reports.Report, name string) reports.Component {
	GinkgoHelper()
	for _, c := range r.Score.Components {
		if c.Name == name {
			return c
		}
	}
	Fail("no component " + name)
	return reports.Component{}
}

// expectedScore applies the published formula to the three parts.
func expectedScore(rto, health, durability float64) int {
	v := 100 * (40*rto + 30*health + 30*durability) / 100
	return int(v + 0.5)
}

var _ = Describe("Judge", func() {
	It("passes a drill where every part is whole", func() {
		r := goodReport()
		reports.Judge(r)
		Expect(r.Outcome).To(Equal(reports.Outcome{Passed: true, Class: reports.ClassPassed}))
		Expect(r.Status).To(Equal(reports.Passed))
		Expect(r.Score.Value).To(Equal(100))
		Expect(r.Score.PassScore).To(Equal(80))
		Expect(r.Score.Formula).To(Equal(reports.Formula))
		Expect(r.Score.Components).To(HaveLen(3))
		for name, weight := range map[string]float64{"rto": 40, "health": 30, "durability": 30} {
			c := component(r, name)
			Expect(c.Weight).To(Equal(weight), name)
			Expect(c.Value).To(Equal(1.0), name)
			Expect(c.Detail).NotTo(BeEmpty(), name)
		}
	})

	It("fails on integrity when acknowledged writes were lost beyond the RPO", func() {
		r := goodReport()
		r.Verifiers[1] = durabilityResult(verify.Failure)
		reports.Judge(r)
		Expect(r.Outcome.Passed).To(BeFalse())
		Expect(r.Outcome.Class).To(Equal(reports.ClassIntegrity))
		Expect(r.Status).To(Equal(reports.Failed))
		Expect(component(r, "durability").Value).To(Equal(0.0))
		Expect(r.Score.Value).To(Equal(expectedScore(1, 1, 0)))
		Expect(r.Outcome.Reasons).To(ContainElement(ContainSubstring("durability summary failure")))
	})

	It("does not gate on a failed verifier that is not an integrity one", func() {
		r := goodReport()
		r.Objectives.PassScore = 0
		r.Verifiers = append(r.Verifiers, verify.Result{Name: "slo", Verdict: verify.Failure, Summary: "p99 too high"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
	})

	It("ranks integrity above a missed RTO", func() {
		r := goodReport()
		r.Verifiers[1] = durabilityResult(verify.Failure)
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassIntegrity))
		Expect(r.Outcome.Reasons).To(ContainElement(HavePrefix("rto: ")), "every failed gate gives its reason")
	})

	It("fails on RTO when the system never recovered", func() {
		r := goodReport()
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassRTO))
		Expect(r.Status).To(Equal(reports.Failed))
		Expect(component(r, "rto").Value).To(Equal(0.0))
		Expect(r.Score.Value).To(Equal(expectedScore(0, 1, 1)))
		Expect(r.Outcome.Reasons).To(ContainElement(SatisfyAll(HavePrefix("rto: "), ContainSubstring("never recovered"))))
	})

	DescribeTable("scores the RTO linearly from the objective down to 0 at twice it",
		func(rto time.Duration, want float64, class reports.Class) {
			r := goodReport()
			r.Objectives.PassScore = 0 // only the RTO gate can fail
			r.Measures.RTO = dur(rto)
			reports.Judge(r)
			Expect(component(r, "rto").Value).To(BeNumerically("~", want, 1e-9))
			Expect(r.Score.Value).To(Equal(expectedScore(want, 1, 1)))
			Expect(r.Outcome.Class).To(Equal(class))
		},
		Entry("well within", 1*time.Second, 1.0, reports.ClassPassed),
		Entry("exactly at the objective", 10*time.Second, 1.0, reports.ClassPassed),
		Entry("a quarter beyond", 12500*time.Millisecond, 0.75, reports.ClassRTO),
		Entry("half beyond", 15*time.Second, 0.5, reports.ClassRTO),
		Entry("at twice the objective", 20*time.Second, 0.0, reports.ClassRTO),
		Entry("far beyond", time.Minute, 0.0, reports.ClassRTO),
	)

	It("counts any recovery as whole when no RTO objective is set", func() {
		r := goodReport()
		r.Objectives.RTO = 0
		r.Measures.RTO = dur(time.Hour)
		reports.Judge(r)
		Expect(component(r, "rto").Value).To(Equal(1.0))
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
	})

	It("fails a drill that left a service unhealthy", func() {
		r := goodReport()
		r.Objectives.PassScore = 0
		r.Verifiers[0] = healthResult([]string{"api"}, []string{"db"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(r.Status).To(Equal(reports.Failed))
		Expect(component(r, "health").Value).To(Equal(0.5))
		Expect(r.Score.Value).To(Equal(expectedScore(1, 0.5, 1)))
		Expect(r.Outcome.Reasons).To(ConsistOf(HavePrefix("health: ")))
	})

	It("fails on the score alone when it is below the pass mark", func() {
		r := goodReport()
		r.Verifiers[1] = durabilityResult(verify.Unknown) // half the durability part, no gate
		want := expectedScore(1, 1, 0.5)
		r.Objectives.PassScore = want + 1
		reports.Judge(r)
		Expect(component(r, "durability").Value).To(Equal(0.5))
		Expect(r.Score.Value).To(Equal(want))
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(r.Outcome.Reasons).To(ConsistOf(ContainSubstring("below the pass mark")))

		r.Objectives.PassScore = want
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed), "a score equal to the pass mark passes")
		Expect(r.Status).To(Equal(reports.Passed))
	})

	DescribeTable("keeps an errored or interrupted status and its class, but still scores",
		func(status reports.Status, class reports.Class) {
			r := goodReport()
			r.Status = status
			r.Error = "runtime start: port in use"
			r.Verifiers[1] = durabilityResult(verify.Failure) // would be integrity otherwise
			reports.Judge(r)
			Expect(r.Status).To(Equal(status))
			Expect(r.Outcome.Class).To(Equal(class))
			Expect(r.Outcome.Passed).To(BeFalse())
			Expect(r.Score.Value).To(Equal(expectedScore(1, 1, 0)))
			Expect(r.Outcome.Reasons).To(HaveLen(3), "harness, durability and score")
		},
		Entry("errored", reports.Errored, reports.ClassError),
		Entry("interrupted", reports.Interrupted, reports.ClassInterrupted),
	)

	It("names the harness error in the reasons of an errored drill", func() {
		r := goodReport()
		r.Status = reports.Errored
		r.Error = "runtime start: port in use"
		reports.Judge(r)
		Expect(r.Outcome.Reasons).To(ConsistOf(ContainSubstring("port in use")))
	})

	It("counts health evidence read back from JSON as it counts it in memory", func() {
		inMemory := goodReport()
		inMemory.Verifiers[0] = healthResult([]string{"api", "web"}, []string{"db"})

		b, err := json.Marshal(inMemory.Verifiers)
		Expect(err).NotTo(HaveOccurred())
		fromJSON := goodReport()
		fromJSON.Verifiers = nil
		Expect(json.Unmarshal(b, &fromJSON.Verifiers)).To(Succeed())
		Expect(fromJSON.Verifiers[0].Evidence["healthy"]).To(BeAssignableToTypeOf([]any{}), "the JSON shape under test")

		reports.Judge(inMemory)
		reports.Judge(fromJSON)
		Expect(component(inMemory, "health").Value).To(BeNumerically("~", 2.0/3, 1e-9))
		Expect(component(fromJSON, "health")).To(Equal(component(inMemory, "health")))
		Expect(fromJSON.Score).To(Equal(inMemory.Score))
		Expect(fromJSON.Outcome).To(Equal(inMemory.Outcome))
	})

	It("counts the durability part as whole when no durability verifier ran", func() {
		r := goodReport()
		r.Verifiers = r.Verifiers[:1]
		reports.Judge(r)
		Expect(component(r, "durability").Value).To(Equal(1.0))
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
	})
})

var _ = Describe("Judge with health disabled", func() {
	// Pending: with verify.health.disabled the engine runs no health
	// verifier, and healthComponent then scores health 0 with the reason
	// "health was not verified", so such a drill can never pass. Un-pend
	// once a missing health verifier is neutral, as a missing durability
	// verifier already is.
	It("passes a drill that ran no health verifier", func() {
		r := goodReport()
		r.Verifiers = r.Verifiers[1:]
		reports.Judge(r)
		Expect(r.Outcome.Passed).To(BeTrue(), "%v", r.Outcome.Reasons)
	})
})

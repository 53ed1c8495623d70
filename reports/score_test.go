package reports_test

import (
	"encoding/json"
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
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

func sloResult(v verify.Verdict, compliant, windows int) verify.Result {
	return verify.Result{Name: "slo", Verdict: v, Summary: "slo summary " + string(v),
		Evidence: map[string]any{"compliant": compliant, "windows": windows}}
}

// goodReport is a drill that recovered in half its 10 s RTO, detected the
// fault in 2 s of a 5 s objective, met its SLO in every window after the
// rollback, burned 1% of a 5% error budget, with two healthy services and
// no lost write: every part of the score is 1.
func goodReport() *reports.Report {
	return &reports.Report{
		Schema:     reports.Schema,
		Status:     reports.Failed, // Judge decides it
		Objectives: reports.Objectives{RTO: 10 * time.Second, RTOFrom: "fault", PassScore: 80, SLOErrorRate: 0.01, Detection: 5 * time.Second},
		Phases:     reports.Phases{FaultOnset: dur(10 * time.Second), TriggerFired: dur(12 * time.Second), LoadEnd: dur(60 * time.Second)},
		Measures:   reports.Measures{RTO: dur(5 * time.Second), DetectionTime: dur(2 * time.Second)},
		Load:       reports.LoadSummary{Ops: 1000, Acknowledged: 990, Failed: 8, Indeterminate: 2},
		Verifiers: []verify.Result{
			healthResult([]string{"api", "db"}, nil),
			durabilityResult(verify.Success),
			sloResult(verify.Success, 40, 40),
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

// gate returns the named gate.
func gate(r *reports.Report, name string) reports.Gate {
	GinkgoHelper()
	for _, g := range r.Outcome.Gates {
		if g.Name == name {
			return g
		}
	}
	Fail("no gate " + name)
	return reports.Gate{}
}

// publishedWeights are the default weights as the Formula states them.
var publishedWeights = map[string]float64{"rto": 30, "slo": 20, "health": 20, "detection": 15, "errorBudget": 15}

// whole is every part of the score at 1.
func whole() map[string]float64 {
	return map[string]float64{"rto": 1, "slo": 1, "health": 1, "detection": 1, "errorBudget": 1}
}

// with returns whole() with some parts changed; a NaN value removes the
// part (no data).
func with(kv ...any) map[string]float64 {
	m := whole()
	for i := 0; i < len(kv); i += 2 {
		name, v := kv[i].(string), kv[i+1].(float64)
		if math.IsNaN(v) {
			delete(m, name)
		} else {
			m[name] = v
		}
	}
	return m
}

var noData = math.NaN()

// expectedScore applies the published formula to the parts that have
// data, with the given weights (the published defaults when nil).
func expectedScore(parts map[string]float64, weights map[string]float64) int {
	if weights == nil {
		weights = publishedWeights
	}
	var sum, total float64
	for name, v := range parts {
		sum += weights[name] * v
		total += weights[name]
	}
	if total == 0 {
		return 0
	}
	return int(100*sum/total + 0.5)
}

var _ = Describe("Judge", func() {
	It("passes a drill where every part is whole", func() {
		r := goodReport()
		reports.Judge(r)
		Expect(r.Outcome.Passed).To(BeTrue(), "%v", r.Outcome.Reasons)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(r.Outcome.Reasons).To(BeEmpty())
		Expect(r.Status).To(Equal(reports.Passed))
		Expect(r.Score.Value).To(Equal(100))
		Expect(r.Score.PassScore).To(Equal(80))
		Expect(r.Score.Formula).To(Equal(reports.Formula))
		Expect(r.Score.Components).To(HaveLen(5))
		for name, weight := range publishedWeights {
			c := component(r, name)
			Expect(c.Weight).To(Equal(weight), name)
			Expect(c.Value).To(Equal(1.0), name)
			Expect(c.NoData).To(BeFalse(), name)
			Expect(c.Detail).NotTo(BeEmpty(), name)
		}
		names := []string{}
		for _, g := range r.Outcome.Gates {
			names = append(names, g.Name)
			Expect(g.State).NotTo(Equal(reports.GateFailed), g.Name)
		}
		Expect(names).To(Equal([]string{"steps", "integrity", "harness", "verification", "baseline", "rto", "slo", "health", "checks", "score"}))
		Expect(gate(r, "steps").State).To(Equal(reports.GateSkipped), "it has no step")
		Expect(gate(r, "checks").State).To(Equal(reports.GateSkipped), "it has no other verifier")
		Expect(r.Outcome.Class.ExitCode()).To(Equal(0))
	})

	It("publishes the default weights it applies", func() {
		Expect(reports.DefaultWeights()).To(Equal(publishedWeights))
		Expect(reports.Formula).To(ContainSubstring("rto 30, slo 20, health 20, detection 15, errorBudget 15"))
	})

	DescribeTable("fails on integrity whatever the score when an integrity verifier fails",
		func(name, summary string) {
			r := goodReport()
			r.Verifiers = append(r.Verifiers, verify.Result{Name: name, Verdict: verify.Failure, Integrity: true, Summary: summary})
			reports.Judge(r)
			Expect(r.Score.Value).To(Equal(100), "integrity is a gate, not a part of the score")
			Expect(r.Outcome.Passed).To(BeFalse())
			Expect(r.Outcome.Class).To(Equal(reports.ClassIntegrity))
			Expect(r.Status).To(Equal(reports.Failed))
			Expect(r.Outcome.Reasons).To(ConsistOf(name + ": " + summary))
			Expect(gate(r, "integrity").State).To(Equal(reports.GateFailed))
			Expect(gate(r, "integrity").Detail).To(ContainSubstring(name))
		},
		Entry("lost writes", "durability", "3 of 900 acknowledged writes lost (RPO allows 0)"),
		Entry("duplicates", "duplicates", "2 writes applied twice"),
		Entry("invariant", "invariant", "sum of balances changed"),
		Entry("linearizability", "linearizability", "history is not linearizable"),
	)

	DescribeTable("fails closed, as could not verify, when a verifier could not decide",
		func(v verify.Result) {
			r := goodReport()
			r.Verifiers = append(r.Verifiers, v)
			reports.Judge(r)
			Expect(r.Outcome.Class).To(Equal(reports.ClassUnverified))
			Expect(r.Outcome.Class.ExitCode()).To(Equal(7))
			Expect(r.Status).To(Equal(reports.Failed))
			Expect(gate(r, "verification").State).To(Equal(reports.GateFailed))
			Expect(r.Outcome.Reasons).To(ContainElement(ContainSubstring(v.Name)))
		},
		Entry("integrity unknown", verify.Result{Name: "duplicates", Verdict: verify.Unknown, Integrity: true, Summary: "could not read"}),
		Entry("integrity timeout", verify.Result{Name: "linearizability", Verdict: verify.Timeout, Integrity: true, Summary: "cut short"}),
		Entry("another verifier unknown", verify.Result{Name: "stale-reads", Verdict: verify.Unknown, Summary: "?"}),
		Entry("integrity that checked fewer items than asked", verify.Result{Name: "duplicates", Verdict: verify.Success, Integrity: true,
			Summary: "none applied twice", Coverage: &verify.Coverage{Checked: 10, Expected: 1484, Unit: "acknowledged writes"}}),
	)

	It("fails closed when durability read back none of the acknowledged writes", func() {
		r := goodReport()
		r.Verifiers[1] = verify.Result{Name: "durability", Verdict: verify.Unknown, Integrity: true,
			Summary: "1484 of 1484 acknowledged writes could not be read back", Coverage: &verify.Coverage{Checked: 0, Expected: 1484}}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassUnverified))
		Expect(gate(r, "integrity").State).To(Equal(reports.GatePassed), "nothing was found violated")
		Expect(gate(r, "verification").Reasons).To(ConsistOf(ContainSubstring("durability could not verify (unknown)")))
	})

	It("ranks a missed RTO above a doubt: could not verify comes last", func() {
		r := goodReport()
		r.Verifiers[1] = durabilityResult(verify.Unknown)
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassRTO))
		Expect(r.Outcome.Reasons).To(ContainElement(ContainSubstring("durability could not verify")))
	})

	It("fails closed when no verifier reached a verdict at all", func() {
		r := goodReport()
		r.Verifiers = []verify.Result{{Name: "stale-reads", Verdict: verify.Skipped, Summary: "no read after the rollback"}}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassUnverified))
		Expect(r.Outcome.Reasons).To(ContainElement(ContainSubstring("checked nothing")))
	})

	It("skips the integrity gate when no integrity verifier ran", func() {
		r := goodReport()
		r.Verifiers = []verify.Result{r.Verifiers[0], r.Verifiers[2]}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(gate(r, "integrity").State).To(Equal(reports.GateSkipped))
	})

	It("fails on any other verifier that failed", func() {
		r := goodReport()
		r.Verifiers = append(r.Verifiers, verify.Result{Name: "mixed-versions", Verdict: verify.Failure, Summary: "v2 served 40 errors"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(gate(r, "checks").State).To(Equal(reports.GateFailed))
		Expect(r.Outcome.Reasons).To(ConsistOf("mixed-versions: v2 served 40 errors"))
	})

	It("shows an advisory verifier's failure as a warning and decides nothing by it", func() {
		r := goodReport()
		r.Verifiers = append(r.Verifiers,
			verify.Result{Name: "mixed-versions", Verdict: verify.Failure, Advisory: true, Summary: "v2 served 40 errors"},
			verify.Result{Name: "duplicates", Verdict: verify.Unknown, Integrity: true, Advisory: true, Summary: "could not read"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(r.Outcome.Warnings).To(ConsistOf(
			"advisory mixed-versions failure: v2 served 40 errors", "advisory duplicates unknown: could not read"))
	})

	It("ranks a failed load-rate assumption as void, above a missed RTO, and never passes it", func() {
		r := goodReport()
		r.Verifiers = append([]verify.Result{{Name: "load-rate", Verdict: verify.Failure, Summary: "reached only 500 of 3000 req/s"}}, r.Verifiers...)
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassVoid))
		Expect(r.Outcome.Class.ExitCode()).To(Equal(8))
		Expect(r.Outcome.Reasons[0]).To(HavePrefix("load-rate failure: "))
		Expect(r.Outcome.Reasons).To(ContainElement(HavePrefix("rto: ")))
	})

	It("is void when the load generator fell behind its schedule beyond the tolerance", func() {
		r := goodReport()
		r.Harness = reports.Harness{Lag: load.Lag{Max: 3 * time.Second, Late: 900, Hits: 3000}, LagTolerance: time.Second}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassVoid))
		Expect(gate(r, "harness").Reasons).To(ConsistOf(ContainSubstring("fell up to 3s behind its schedule")))
		r.Harness.Lag.Max = 900 * time.Millisecond
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
	})

	It("is void when a step took effect later than its tolerance or never ran, unless optional", func() {
		r := goodReport()
		r.Phases.LoadStart = dur(2 * time.Second)
		r.Steps = []reports.Step{
			{Index: 1, What: "inject latency", Planned: dur(15 * time.Second), Late: dur(5400 * time.Millisecond), Status: "done"},
			{Index: 2, What: "heal latency", Status: "not-run", Reason: "the drill ended before its turn"},
		}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassVoid))
		Expect(gate(r, "harness").Reasons).To(ConsistOf(
			"step 1 (inject latency) took effect 5.4s after its planned t+15s (tolerance 1s)",
			"step 2 (heal latency) never ran: the drill ended before its turn"))
		r.Steps[1].Optional = true
		r.Steps[0].Late = dur(900 * time.Millisecond)
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(r.Outcome.Warnings).To(ConsistOf(ContainSubstring("optional step 2 (heal latency) not-run")))
	})

	DescribeTable("fails on a step or rollback action that failed, by who failed it",
		func(st reports.Step, a rollback.ActionResult, class reports.Class) {
			r := goodReport()
			if st.Index > 0 {
				r.Steps = []reports.Step{st}
			}
			if a.Action != "" {
				r.Actions = []rollback.ActionResult{a}
			}
			reports.Judge(r)
			Expect(r.Outcome.Class).To(Equal(class))
			Expect(gate(r, "steps").State).To(Equal(reports.GateFailed))
		},
		Entry("a fault faultdrill could not inject: harness error", reports.Step{Index: 1, What: "inject latency",
			Status: "failed", Cause: reports.CauseHarness, Reason: "toxiproxy refused"}, rollback.ActionResult{}, reports.ClassError),
		Entry("a toxiproxy call that hung: harness error", reports.Step{Index: 1, What: "inject latency",
			Status: "timed-out", Cause: reports.CauseHarness, Reason: "not done within its 15s timeout"}, rollback.ActionResult{}, reports.ClassError),
		Entry("a release the system refused to start: failed", reports.Step{Index: 1, What: "deploy api v2",
			Status: "failed", Cause: reports.CauseSystem, Reason: "not healthy"}, rollback.ActionResult{}, reports.ClassFailed),
		Entry("a rollback action that failed: failed", reports.Step{}, rollback.ActionResult{Action: rollback.RedeployPrevious,
			Service: "api", Status: "failed", Error: "no previous version to redeploy"}, reports.ClassFailed),
	)

	It("passes with an optional step or action that failed, warning about it", func() {
		r := goodReport()
		r.Steps = []reports.Step{{Index: 1, What: "inject latency", Status: "failed", Cause: reports.CauseHarness, Optional: true, Reason: "x"}}
		r.Actions = []rollback.ActionResult{{Action: rollback.HTTP, Status: "timed-out", Optional: true, Error: "y"}}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(r.Outcome.Warnings).To(HaveLen(2))
	})

	It("fails when a trigger fired before the fault onset, unless the scenario expects it", func() {
		r := goodReport()
		r.Phases.LoadStart = dur(0)
		r.EarlyTriggers = []rollback.Firing{{Trigger: "error_rate above 5%", At: 4 * time.Second, Detail: "error_rate 30% above 5%"}}
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(gate(r, "baseline").Reasons).To(ConsistOf(
			`trigger "error_rate above 5%" fired at t+4s, before the fault onset: the system was already failing (error_rate 30% above 5%)`))
		r.Objectives.ExpectUnhealthyBeforeFault = true
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(r.Outcome.Warnings).To(ConsistOf(ContainSubstring("expected by the scenario")))
	})

	It("ranks integrity above a missed RTO, and gives the reason of every failed gate", func() {
		r := goodReport()
		r.Verifiers[1] = durabilityResult(verify.Failure)
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassIntegrity))
		Expect(r.Outcome.Reasons).To(ContainElement(HavePrefix("rto: ")))
		Expect(r.Outcome.Reasons[0]).To(ContainSubstring("durability summary failure"))
	})

	It("ranks a missed RTO above a failed SLO, and a failed SLO above an unhealthy service", func() {
		r := goodReport()
		r.Objectives.PassScore = 0
		r.Measures.RTO = dur(15 * time.Second)
		r.Verifiers[2] = sloResult(verify.Failure, 1, 4)
		r.Verifiers[0] = healthResult([]string{"api"}, []string{"db"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassRTO))
		Expect(r.Outcome.Reasons).To(HaveLen(3))

		r.Measures.RTO = dur(5 * time.Second)
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassSLO))
		Expect(r.Outcome.Reasons).To(ConsistOf(HavePrefix("slo: "), HavePrefix("health: ")))
	})

	It("fails on RTO when the system never recovered", func() {
		r := goodReport()
		r.Measures.RTO = nil
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassRTO))
		Expect(r.Status).To(Equal(reports.Failed))
		Expect(component(r, "rto").Value).To(Equal(0.0))
		Expect(r.Score.Value).To(Equal(expectedScore(with("rto", 0.0), nil)))
		Expect(r.Outcome.Reasons).To(ContainElement(SatisfyAll(HavePrefix("rto: "), ContainSubstring("never recovered"))))
	})

	It("leaves the RTO out when the load did not run to its end", func() {
		r := goodReport()
		r.Measures.RTO = nil
		r.Phases.LoadEnd = nil
		reports.Judge(r)
		c := component(r, "rto")
		Expect(c.NoData).To(BeTrue())
		Expect(c.Detail).To(ContainSubstring("no data"))
		Expect(gate(r, "rto").State).To(Equal(reports.GateSkipped))
		Expect(r.Score.Value).To(Equal(expectedScore(with("rto", noData), nil)))
		Expect(r.Outcome.Class).To(Equal(reports.ClassPassed))
	})

	DescribeTable("scores the RTO linearly from the objective down to 0 at twice it",
		func(rto time.Duration, want float64, class reports.Class) {
			r := goodReport()
			r.Objectives.PassScore = 0 // only the RTO gate can fail
			r.Measures.RTO = dur(rto)
			reports.Judge(r)
			Expect(component(r, "rto").Value).To(BeNumerically("~", want, 1e-9))
			Expect(r.Score.Value).To(Equal(expectedScore(with("rto", want), nil)))
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
		Expect(gate(r, "rto").State).To(Equal(reports.GateSkipped))
	})

	Describe("the slo part", func() {
		It("fails the drill with its own class when the slo verifier fails", func() {
			r := goodReport()
			r.Objectives.PassScore = 0
			r.Verifiers[2] = sloResult(verify.Failure, 0, 10)
			reports.Judge(r)
			Expect(r.Outcome.Class).To(Equal(reports.ClassSLO))
			Expect(r.Status).To(Equal(reports.Failed))
			Expect(r.Outcome.Reasons).To(ConsistOf("slo: slo summary failure"))
			Expect(gate(r, "slo").State).To(Equal(reports.GateFailed))
		})

		It("scores the share of compliant windows, in memory and read back from JSON", func() {
			r := goodReport()
			r.Objectives.PassScore = 0
			r.Verifiers[2] = sloResult(verify.Failure, 3, 4)
			b, err := json.Marshal(r.Verifiers)
			Expect(err).NotTo(HaveOccurred())
			fromJSON := goodReport()
			fromJSON.Objectives.PassScore = 0
			Expect(json.Unmarshal(b, &fromJSON.Verifiers)).To(Succeed())
			Expect(fromJSON.Verifiers[2].Evidence["windows"]).To(BeAssignableToTypeOf(0.0), "the JSON shape under test")

			reports.Judge(r)
			reports.Judge(fromJSON)
			Expect(component(r, "slo").Value).To(Equal(0.75))
			Expect(r.Score.Value).To(Equal(expectedScore(with("slo", 0.75), nil)))
			Expect(fromJSON.Score).To(Equal(r.Score))
		})

		DescribeTable("scores 1 or 0 from the verdict when the verifier gives no counts",
			func(v verify.Verdict, want float64) {
				r := goodReport()
				r.Objectives.PassScore = 0
				r.Verifiers[2] = verify.Result{Name: "slo", Verdict: v, Summary: "s"}
				reports.Judge(r)
				Expect(component(r, "slo").Value).To(Equal(want))
				Expect(r.Score.Value).To(Equal(expectedScore(with("slo", want), nil)))
			},
			Entry("success", verify.Success, 1.0),
			Entry("failure", verify.Failure, 0.0),
		)

		DescribeTable("leaves the part out when there is nothing to score it on",
			func(verifiers func(*reports.Report) []verify.Result, class reports.Class) {
				r := goodReport()
				r.Verifiers = verifiers(r)
				reports.Judge(r)
				Expect(component(r, "slo").NoData).To(BeTrue())
				Expect(component(r, "slo").Detail).To(HavePrefix("no data"))
				Expect(r.Score.Value).To(Equal(100))
				Expect(gate(r, "slo").State).To(Equal(reports.GateSkipped))
				Expect(r.Outcome.Class).To(Equal(class))
			},
			Entry("no slo verifier", func(r *reports.Report) []verify.Result { return r.Verifiers[:2] }, reports.ClassPassed),
			Entry("skipped", func(r *reports.Report) []verify.Result {
				return append(r.Verifiers[:2], verify.Result{Name: "slo", Verdict: verify.Skipped, Summary: "no rollback"})
			}, reports.ClassPassed),
			Entry("advisory, even failed", func(r *reports.Report) []verify.Result {
				return append(r.Verifiers[:2], verify.Result{Name: "slo", Verdict: verify.Failure, Advisory: true, Summary: "3 windows over"})
			}, reports.ClassPassed),
			Entry("undecided, which fails closed", func(r *reports.Report) []verify.Result {
				return append(r.Verifiers[:2], verify.Result{Name: "slo", Verdict: verify.Unknown, Summary: "no window after the rollback"})
			}, reports.ClassUnverified),
		)
	})

	Describe("the detection part", func() {
		DescribeTable("scores the detection time linearly from the objective down to 0 at twice it",
			func(d time.Duration, want float64) {
				r := goodReport()
				r.Measures.DetectionTime = dur(d)
				r.Objectives.PassScore = 0
				reports.Judge(r)
				Expect(component(r, "detection").Value).To(BeNumerically("~", want, 1e-9))
				Expect(r.Score.Value).To(Equal(expectedScore(with("detection", want), nil)))
				Expect(r.Outcome.Class).To(Equal(reports.ClassPassed), "detection is scored, not a gate")
			},
			Entry("within", 2*time.Second, 1.0),
			Entry("at the objective", 5*time.Second, 1.0),
			Entry("half beyond", 7500*time.Millisecond, 0.5),
			Entry("at twice", 10*time.Second, 0.0),
			Entry("far beyond", time.Minute, 0.0),
		)

		It("counts a trigger that fired as whole when no objective is set", func() {
			r := goodReport()
			r.Objectives.Detection = 0
			r.Measures.DetectionTime = dur(time.Minute)
			reports.Judge(r)
			Expect(component(r, "detection").Value).To(Equal(1.0))
		})

		It("scores 0 when the SLO was breached after the fault onset and no trigger fired", func() {
			r := goodReport()
			r.Measures.DetectionTime, r.Phases.TriggerFired = nil, nil
			r.Objectives.PassScore = 0
			r.Windows = []load.Window{
				{Start: 9 * time.Second, Count: 100, ErrorRate: 0.02}, // before the onset: not counted
				{Start: 10 * time.Second, Count: 100},
				{Start: 11 * time.Second, Count: 100, ErrorRate: 0.3},
			}
			reports.Judge(r)
			c := component(r, "detection")
			Expect(c.NoData).To(BeFalse())
			Expect(c.Value).To(Equal(0.0))
			Expect(c.Detail).To(ContainSubstring("t+11s"))
			Expect(r.Score.Value).To(Equal(expectedScore(with("detection", 0.0), nil)))
		})

		It("counts a p99 above the SLO as a breach", func() {
			r := goodReport()
			r.Measures.DetectionTime, r.Phases.TriggerFired = nil, nil
			r.Objectives.SLOP99 = 100 * time.Millisecond
			r.Windows = []load.Window{{Start: 12 * time.Second, Count: 100, P99: 300 * time.Millisecond}}
			reports.Judge(r)
			Expect(component(r, "detection").NoData).To(BeFalse())
			Expect(component(r, "detection").Value).To(Equal(0.0))
		})

		It("leaves the part out when the SLO held and no trigger fired (a good release)", func() {
			r := goodReport()
			r.Measures.DetectionTime, r.Phases.TriggerFired = nil, nil
			r.Windows = []load.Window{{Start: 10 * time.Second, Count: 100, ErrorRate: 0.01}, {Start: 11 * time.Second}}
			reports.Judge(r)
			Expect(component(r, "detection").NoData).To(BeTrue())
			Expect(r.Score.Value).To(Equal(100))
		})

		It("leaves the part out when there was no fault onset", func() {
			r := goodReport()
			r.Measures.DetectionTime, r.Phases.TriggerFired, r.Phases.FaultOnset = nil, nil, nil
			reports.Judge(r)
			Expect(component(r, "detection").NoData).To(BeTrue())
			Expect(component(r, "detection").Detail).To(ContainSubstring("no fault onset"))
		})
	})

	Describe("the error budget part", func() {
		DescribeTable("scores the share of failed and indeterminate operations against the budget",
			func(budget float64, failed, indeterminate int, want float64) {
				r := goodReport()
				r.Objectives.PassScore = 0
				r.Objectives.ErrorBudget = budget
				r.Load = reports.LoadSummary{Ops: 1000, Failed: failed, Indeterminate: indeterminate, Acknowledged: 1000 - failed - indeterminate}
				reports.Judge(r)
				Expect(component(r, "errorBudget").Value).To(BeNumerically("~", want, 1e-9))
				Expect(r.Score.Value).To(Equal(expectedScore(with("errorBudget", want), nil)))
			},
			Entry("default 5%, none failed", 0.0, 0, 0, 1.0),
			Entry("default 5%, exactly at it", 0.0, 40, 10, 1.0),
			Entry("default 5%, half beyond", 0.0, 50, 25, 0.5),
			Entry("default 5%, at twice", 0.0, 100, 0, 0.0),
			Entry("1% budget, half beyond", 0.01, 10, 5, 0.5),
			Entry("1% budget, far beyond", 0.01, 500, 0, 0.0),
		)

		It("leaves the part out when no operation ran", func() {
			r := goodReport()
			r.Load = reports.LoadSummary{}
			reports.Judge(r)
			Expect(component(r, "errorBudget").NoData).To(BeTrue())
		})
	})

	Describe("weights", func() {
		It("applies the scenario's weights over the defaults", func() {
			r := goodReport()
			r.Objectives.PassScore = 0
			r.Measures.RTO = dur(15 * time.Second) // rto 0.5
			r.Objectives.Weights = map[string]float64{"rto": 70, "detection": 0}
			reports.Judge(r)
			weights := map[string]float64{"rto": 70, "slo": 20, "health": 20, "detection": 0, "errorBudget": 15}
			Expect(component(r, "rto").Weight).To(Equal(70.0))
			Expect(component(r, "detection").Weight).To(Equal(0.0))
			Expect(r.Score.Value).To(Equal(expectedScore(with("rto", 0.5), weights)))
		})

		It("ignores unknown names and counts a negative or NaN weight as 0", func() {
			r := goodReport()
			r.Objectives.PassScore = 0
			r.Measures.RTO = dur(15 * time.Second)
			r.Objectives.Weights = map[string]float64{"durability": 50, "slo": -20, "health": math.NaN()}
			reports.Judge(r)
			weights := map[string]float64{"rto": 30, "slo": 0, "health": 0, "detection": 15, "errorBudget": 15}
			Expect(r.Score.Value).To(Equal(expectedScore(with("rto", 0.5), weights)))
			Expect(r.Score.Components).To(HaveLen(5))
		})

		It("scores 0 when no part has data", func() {
			r := &reports.Report{Schema: reports.Schema, Objectives: reports.Objectives{PassScore: 0}}
			reports.Judge(r)
			for _, c := range r.Score.Components {
				Expect(c.NoData).To(BeTrue(), c.Name)
			}
			Expect(r.Score.Value).To(Equal(0))
		})
	})

	It("fails a drill that left a service unhealthy", func() {
		r := goodReport()
		r.Objectives.PassScore = 0
		r.Verifiers[0] = healthResult([]string{"api"}, []string{"db"})
		reports.Judge(r)
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(r.Status).To(Equal(reports.Failed))
		Expect(component(r, "health").Value).To(Equal(0.5))
		Expect(r.Score.Value).To(Equal(expectedScore(with("health", 0.5), nil)))
		Expect(r.Outcome.Reasons).To(ConsistOf(HavePrefix("health: ")))
	})

	It("fails on the score alone when it is below the pass mark", func() {
		r := goodReport()
		r.Measures.DetectionTime = dur(10 * time.Second) // detection 0, not a gate
		want := expectedScore(with("detection", 0.0), nil)
		r.Objectives.PassScore = want + 1
		reports.Judge(r)
		Expect(r.Score.Value).To(Equal(want))
		Expect(r.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(r.Outcome.Reasons).To(ConsistOf(ContainSubstring("below the pass mark")))
		Expect(gate(r, "score").State).To(Equal(reports.GateFailed))

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
			r.Measures.RTO = nil
			reports.Judge(r)
			Expect(r.Status).To(Equal(status))
			Expect(r.Outcome.Class).To(Equal(class))
			Expect(r.Outcome.Passed).To(BeFalse())
			Expect(r.Score.Value).To(Equal(expectedScore(with("rto", 0.0), nil)))
			Expect(r.Outcome.Reasons).To(HaveLen(2), "harness and durability; the rto and score, judged on a drill that did not end, would repeat the first")
			Expect(gate(r, "rto").State).To(Equal(reports.GateSkipped))
			Expect(gate(r, "rto").Detail).To(HavePrefix("not judged: the drill did not complete"))
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

	It("passes a drill that ran no health verifier, leaving health out", func() {
		r := goodReport()
		r.Verifiers = r.Verifiers[1:]
		reports.Judge(r)
		Expect(r.Outcome.Passed).To(BeTrue(), "%v", r.Outcome.Reasons)
		Expect(component(r, "health").NoData).To(BeTrue())
		Expect(gate(r, "health").State).To(Equal(reports.GateSkipped))
	})
})

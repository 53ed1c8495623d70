package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/faultdrill/faultdrill/verify"
)

// Class is why a drill ended as it did; a CLI maps each class to its own
// exit code so that a pipeline can tell them apart without parsing output.
type Class string

// Classes, from the most to the least severe failure a drill can have.
const (
	ClassPassed      Class = "passed"
	ClassIntegrity   Class = "integrity"   // an integrity verifier failed: lost writes beyond the RPO, duplicates, broken invariants, a non-linearizable history
	ClassRTO         Class = "rto"         // not recovered within the RTO objective
	ClassSLO         Class = "slo"         // the slo verifier failed: the SLO was not met after the rollback
	ClassFailed      Class = "failed"      // unhealthy after the drill, or score below the pass mark
	ClassError       Class = "error"       // the harness could not run the drill
	ClassInterrupted Class = "interrupted" // stopped by a signal before it ended
)

// Names of the score's parts, as they appear in Objectives.Weights and in
// every report.
const (
	PartRTO         = "rto"
	PartSLO         = "slo"
	PartHealth      = "health"
	PartDetection   = "detection"
	PartErrorBudget = "errorBudget"
)

// DefaultErrorBudget is the share of operations that may fail or end
// indeterminate during a drill when the scenario sets no error budget.
const DefaultErrorBudget = 0.05

// DefaultWeights returns the weight of each part of the score when the
// scenario does not override it; the map is the caller's to change.
func DefaultWeights() map[string]float64 {
	return map[string]float64{PartRTO: 30, PartSLO: 20, PartHealth: 20, PartDetection: 15, PartErrorBudget: 15}
}

// Formula is the published scoring formula, repeated in every report.
const Formula = "score = round(100 × Σ weight·part / Σ weight) over the parts that have data, 0 when that Σ weight is 0; " +
	"weights default to rto 30, slo 20, health 20, detection 15, errorBudget 15 and a scenario may override them; each part is in [0,1]: " +
	"rto = 1 when recovered within the RTO objective (or when none is set), falling linearly to 0 at twice the objective, 0 when never recovered; " +
	"slo = the slo verifier's compliant windows / windows after the rollback (1 or 0 from its verdict when it gives no counts); " +
	"health = healthy services / services; " +
	"detection = 1 when a trigger fired within the detection objective (or at all when none is set), falling linearly to 0 at twice the objective, " +
	"0 when the SLO was breached after the fault onset and no trigger fired; " +
	"errorBudget = 1 when (failed + indeterminate) / operations is within the error budget (default 5%), falling linearly to 0 at twice the budget. " +
	"A part with no data is left out of both sums: rto when the load did not run to its end, slo when no slo verifier decided, " +
	"health when no health verifier ran, detection when there was no fault onset or the SLO held and no trigger fired, errorBudget when no operation ran. " +
	"The drill passes when no gate fails, in this order: integrity (any integrity verifier failed: acknowledged writes lost beyond the RPO, duplicates, broken invariants, a non-linearizable history — whatever the score), " +
	"rto (recovered later than the RTO objective, or never), slo (the slo verifier failed), health (a service unhealthy afterwards), score (score < passScore)."

// Score is the drill's score with the parts it is made of.
type Score struct {
	Value      int         `json:"value"`
	PassScore  int         `json:"passScore"`
	Components []Component `json:"components"`
	Formula    string      `json:"formula"`
}

// Component is one weighted part of the score.
type Component struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Value  float64 `json:"value"`
	// NoData means there was nothing to score this part on: it is left out
	// of the weighted sum and Detail says why.
	NoData bool   `json:"noData,omitempty"`
	Detail string `json:"detail"`
}

// GateState is how one gate of the verdict ended.
type GateState string

// Gate states. A skipped gate had nothing to check.
const (
	GatePassed  GateState = "passed"
	GateFailed  GateState = "failed"
	GateSkipped GateState = "skipped"
)

// Gate is one pass/fail check the verdict is made of.
type Gate struct {
	Name   string    `json:"name"`
	State  GateState `json:"state"`
	Detail string    `json:"detail"`
}

// Judge scores the report and decides its outcome from its verifiers,
// measures and objectives, as Formula states. It leaves an errored or
// interrupted report's class as it is but still scores what was measured.
func Judge(r *Report) {
	rto, slo, health := rtoComponent(r), sloComponent(r.Verifiers), healthComponent(r.Verifiers)
	parts := []Component{rto, slo, health, detectionComponent(r), errorBudgetComponent(r.Load, r.Objectives)}
	weights := DefaultWeights()
	for name, w := range r.Objectives.Weights {
		if _, known := weights[name]; known {
			weights[name] = w
		}
	}
	var sum, total float64
	for i := range parts {
		w := weights[parts[i].Name]
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			w = 0
		}
		parts[i].Weight = w
		if !parts[i].NoData {
			sum += w * parts[i].Value
			total += w
		}
	}
	value := 0
	if total > 0 {
		value = int(math.Round(100 * sum / total))
	}
	r.Score = Score{Value: value, PassScore: r.Objectives.PassScore, Components: parts, Formula: Formula}
	r.Outcome = decide(r, rto, slo, health)
	switch {
	case r.Outcome.Class == ClassError:
		r.Status = Errored
	case r.Outcome.Class == ClassInterrupted:
		r.Status = Interrupted
	case r.Outcome.Passed:
		r.Status = Passed
	default:
		r.Status = Failed
	}
}

// decide runs the gates in rank order; the first that fails names the
// class, and every failed one gives its reason.
func decide(r *Report, rto, slo, health Component) Outcome {
	var reasons []string
	class := ClassPassed
	worse := func(c Class, reason string) {
		reasons = append(reasons, reason)
		if class == ClassPassed {
			class = c
		}
	}
	switch r.Status {
	case Errored:
		worse(ClassError, "the harness could not complete the drill: "+r.Error)
	case Interrupted:
		worse(ClassInterrupted, "the drill was interrupted before it ended")
	}
	gates := []Gate{
		integrityGate(r.Verifiers), rtoGate(rto, r.Objectives), sloGate(r.Verifiers, slo),
		healthGate(health), scoreGate(r.Score),
	}
	classes := []Class{ClassIntegrity, ClassRTO, ClassSLO, ClassFailed, ClassFailed}
	for i, g := range gates {
		switch {
		case g.State != GateFailed:
		case g.Name == "integrity":
			for _, v := range r.Verifiers {
				if v.Integrity && v.Verdict == verify.Failure {
					worse(classes[i], v.Name+": "+v.Summary)
				}
			}
		case g.Name == "score":
			worse(classes[i], g.Detail)
		default:
			worse(classes[i], g.Name+": "+g.Detail)
		}
	}
	return Outcome{Passed: class == ClassPassed, Class: class, Reasons: reasons, Gates: gates}
}

func integrityGate(results []verify.Result) Gate {
	g := Gate{Name: "integrity"}
	var ran, failed []string
	for _, v := range results {
		if !v.Integrity {
			continue
		}
		ran = append(ran, v.Name)
		if v.Verdict == verify.Failure {
			failed = append(failed, v.Name)
		}
	}
	switch {
	case len(failed) > 0:
		g.State, g.Detail = GateFailed, "failed: "+strings.Join(failed, ", ")
	case len(ran) == 0:
		g.State, g.Detail = GateSkipped, "no integrity verifier ran"
	default:
		g.State, g.Detail = GatePassed, "no integrity verifier failed: "+strings.Join(ran, ", ")
	}
	return g
}

func rtoGate(rto Component, o Objectives) Gate {
	g := Gate{Name: "rto", Detail: rto.Detail}
	switch {
	case rto.NoData:
		g.State = GateSkipped
	case o.RTO <= 0:
		g.State, g.Detail = GateSkipped, "no RTO objective set; "+rto.Detail
	case rto.Value < 1:
		g.State = GateFailed
	default:
		g.State = GatePassed
	}
	return g
}

func sloGate(results []verify.Result, slo Component) Gate {
	v, ok := find(results, PartSLO)
	switch {
	case ok && v.Verdict == verify.Failure:
		return Gate{Name: "slo", State: GateFailed, Detail: v.Summary}
	case slo.NoData:
		return Gate{Name: "slo", State: GateSkipped, Detail: slo.Detail}
	}
	return Gate{Name: "slo", State: GatePassed, Detail: slo.Detail}
}

func healthGate(health Component) Gate {
	g := Gate{Name: "health", Detail: health.Detail}
	switch {
	case health.NoData:
		g.State = GateSkipped
	case health.Value < 1:
		g.State = GateFailed
	default:
		g.State = GatePassed
	}
	return g
}

func scoreGate(s Score) Gate {
	if s.Value < s.PassScore {
		return Gate{Name: "score", State: GateFailed, Detail: fmt.Sprintf("score %d is below the pass mark %d", s.Value, s.PassScore)}
	}
	return Gate{Name: "score", State: GatePassed, Detail: fmt.Sprintf("score %d reaches the pass mark %d", s.Value, s.PassScore)}
}

// find returns the first result of the named verifier.
func find(results []verify.Result, name string) (verify.Result, bool) {
	for _, v := range results {
		if v.Name == name {
			return v, true
		}
	}
	return verify.Result{}, false
}

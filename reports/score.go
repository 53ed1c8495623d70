package reports

import (
	"fmt"
	"math"

	"github.com/faultdrill/faultdrill/verify"
)

// Class is why a drill ended as it did; a CLI maps each class to its own
// exit code so that a pipeline can tell them apart without parsing output.
type Class string

// Classes, from the most to the least severe failure a drill can have.
const (
	ClassPassed      Class = "passed"
	ClassIntegrity   Class = "integrity"   // acknowledged writes lost beyond the RPO
	ClassRTO         Class = "rto"         // not recovered within the RTO objective
	ClassFailed      Class = "failed"      // unhealthy after the drill, or score below the pass mark
	ClassError       Class = "error"       // the harness could not run the drill
	ClassInterrupted Class = "interrupted" // stopped by a signal before it ended
)

// Formula is the published scoring formula, repeated in every report.
const Formula = "score = round(100 × (40·rto + 30·health + 30·durability) / 100), each part in [0,1]: " +
	"rto = 1 when recovered within the RTO objective, falling linearly to 0 at twice the objective, 0 when never recovered; " +
	"health = healthy services / services; durability = 1 when lost acknowledged writes ≤ RPO, 0.5 when some could not be verified, else 0. " +
	"The drill passes when score ≥ passScore and no gate failed: lost writes beyond the RPO (integrity), an unhealthy service, or an RTO beyond its objective."

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
	Detail string  `json:"detail"`
}

// Judge scores the report and decides its outcome from its verifiers,
// measures and objectives. It leaves an errored or interrupted report's
// class as it is but still scores what was measured.
func Judge(r *Report) {
	rto := rtoComponent(r.Measures, r.Objectives)
	health := healthComponent(r.Verifiers)
	durability := durabilityComponent(r.Verifiers)
	parts := []Component{rto, health, durability}
	var sum, weights float64
	for _, c := range parts {
		sum += c.Weight * c.Value
		weights += c.Weight
	}
	r.Score = Score{
		Value:      int(math.Round(100 * sum / weights)),
		PassScore:  r.Objectives.PassScore,
		Components: parts,
		Formula:    Formula,
	}
	r.Outcome = decide(r, rto, health)
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

func decide(r *Report, rto, health Component) Outcome {
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
	for _, v := range r.Verifiers {
		if v.Integrity && v.Verdict == verify.Failure {
			worse(ClassIntegrity, v.Name+": "+v.Summary)
		}
	}
	if rto.Value < 1 && r.Objectives.RTO > 0 {
		worse(ClassRTO, "rto: "+rto.Detail)
	}
	if health.Value < 1 {
		worse(ClassFailed, "health: "+health.Detail)
	}
	if r.Score.Value < r.Objectives.PassScore {
		worse(ClassFailed, fmt.Sprintf("score %d is below the pass mark %d", r.Score.Value, r.Objectives.PassScore))
	}
	return Outcome{Passed: class == ClassPassed, Class: class, Reasons: reasons}
}

func rtoComponent(m Measures, o Objectives) Component {
	c := Component{Name: "rto", Weight: 40}
	switch {
	case m.RTO == nil:
		c.Detail = "the system never recovered to its SLO before the load ended"
	case o.RTO <= 0:
		c.Value = 1
		c.Detail = fmt.Sprintf("recovered in %s (no RTO objective set)", m.RTO.Round(msRound))
	default:
		ratio := float64(*m.RTO) / float64(o.RTO)
		c.Value = math.Max(0, math.Min(1, 2-ratio))
		if ratio <= 1 {
			c.Detail = fmt.Sprintf("recovered in %s, within the %s objective", m.RTO.Round(msRound), o.RTO)
		} else {
			c.Detail = fmt.Sprintf("recovered in %s, beyond the %s objective", m.RTO.Round(msRound), o.RTO)
		}
	}
	return c
}

func healthComponent(results []verify.Result) Component {
	c := Component{Name: "health", Weight: 30, Value: 1, Detail: "no health verifier configured"}
	for _, v := range results {
		if v.Name != "health" {
			continue
		}
		healthy, unhealthy := listLen(v.Evidence["healthy"]), listLen(v.Evidence["unhealthy"])
		c.Value = 0
		if total := healthy + unhealthy; total > 0 {
			c.Value = float64(healthy) / float64(total)
		}
		c.Detail = v.Summary
		return c
	}
	return c
}

func durabilityComponent(results []verify.Result) Component {
	c := Component{Name: "durability", Weight: 30, Value: 1, Detail: "no durability verifier configured"}
	for _, v := range results {
		if v.Name != "durability" {
			continue
		}
		switch v.Verdict {
		case verify.Success:
			c.Value = 1
		case verify.Failure:
			c.Value = 0
		default:
			c.Value = 0.5
		}
		c.Detail = v.Summary
	}
	return c
}

// listLen is the length of a list of evidence, whether it was built in
// memory or read back from JSON.
func listLen(v any) int {
	switch l := v.(type) {
	case []string:
		return len(l)
	case []any:
		return len(l)
	}
	return 0
}

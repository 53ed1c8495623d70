package scenarios

import (
	"math"
	"slices"

	"github.com/faultdrill/faultdrill/rollback"
)

// objectives checks the pass mark, RPO, RTO, SLO, detection objective,
// error budget and score weights.
func (v *validator) objectives() {
	o := v.s.Objectives
	p := pathOf("objectives")
	if o.PassScore < 0 || o.PassScore > 100 {
		v.addf(p.key("passScore"), "%d is out of range; use a score from 0 to 100", o.PassScore)
	}
	if o.RPO < 0 {
		v.addf(p.key("rpo"), "%d is negative; use how many acknowledged writes may be lost, 0 or more", o.RPO)
	}
	if o.RTO < 0 {
		v.addf(p.key("rto"), "%s is negative; use the longest acceptable recovery time, such as \"30s\"", o.RTO)
	}
	if !slices.Contains(rtoFroms(), o.RTOFrom) {
		v.addf(p.key("rtoFrom"), "%s", unknownValue("starting point", o.RTOFrom, rtoFroms()))
	}
	if th := o.SLO.ErrorRate; th.Unit != rollback.UnitFraction {
		v.addf(p.key("slo").key("errorRate"), `%q is not a fraction of requests; write a percentage such as "1%%" or a fraction such as 0.01`, th.String())
	}
	if o.SLO.P99 < 0 {
		v.negative(p.key("slo").key("p99"), o.SLO.P99, `use the highest acceptable p99 latency, such as "300ms", or leave it out for no limit`)
	}
	if o.Detection < 0 {
		v.negative(p.key("detection"), o.Detection, `use the longest acceptable time from fault onset to a trigger firing, such as "5s", or leave it out`)
	}
	if th := o.ErrorBudget; th.Unit != rollback.UnitFraction {
		v.addf(p.key("errorBudget"), `%q is not a fraction of requests; write a percentage such as "5%%" or a fraction such as 0.05`, th.String())
	}
	v.weights(p.key("weights"), o.Weights)
}

// harness checks the harness's tolerances.
func (v *validator) harness() {
	h, p := v.s.Harness, pathOf("harness")
	if h.LagTolerance < 0 {
		v.negative(p.key("lagTolerance"), h.LagTolerance, `use how far the load generator may fall behind its schedule, such as "1s"`)
	}
	if h.StepTolerance < 0 {
		v.negative(p.key("stepTolerance"), h.StepTolerance, `use how late a step may take effect after its at:, such as "1s"`)
	}
}

// weights checks that every weight names a part of the score and is a
// finite number, 0 or more.
func (v *validator) weights(p fieldPath, weights map[string]float64) {
	parts := scoreParts()
	for _, name := range sortedKeys(weights) {
		w := weights[name]
		switch {
		case !slices.Contains(parts, name):
			v.addf(p.key(name), "%s", unknownValue("score part", name, parts))
		case math.IsNaN(w) || math.IsInf(w, 0) || w < 0:
			v.addf(p.key(name), "%g is not a weight; use a number, 0 or more (0 leaves the part out of the score)", w)
		}
	}
}

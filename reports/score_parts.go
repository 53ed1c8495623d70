package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/faultdrill/faultdrill/verify"
)

// The functions below compute one part of the score each, as Formula
// states; Judge sets their weights.

func rtoComponent(r *Report) Component {
	c := Component{Name: PartRTO}
	m, o := r.Measures, r.Objectives
	switch {
	case m.RTO == nil && r.Phases.LoadEnd == nil:
		c.NoData, c.Detail = true, "no data: the load did not run to its end, so recovery was not looked for"
	case m.RTO == nil:
		c.Detail = "the system never recovered to its SLO before the load ended"
	case o.RTO <= 0:
		c.Value = 1
		c.Detail = fmt.Sprintf("recovered in %s (no RTO objective set)", m.RTO.Round(msRound))
	default:
		c.Value = linear(*m.RTO, o.RTO)
		if *m.RTO <= o.RTO {
			c.Detail = fmt.Sprintf("recovered in %s, within the %s objective", m.RTO.Round(msRound), o.RTO)
		} else {
			c.Detail = fmt.Sprintf("recovered in %s, beyond the %s objective", m.RTO.Round(msRound), o.RTO)
		}
	}
	return c
}

func sloComponent(results []verify.Result) Component {
	c := Component{Name: PartSLO}
	v, ok := find(results, PartSLO)
	switch {
	case !ok:
		c.NoData, c.Detail = true, "no data: no slo verifier ran"
		return c
	case v.Advisory:
		c.NoData, c.Detail = true, "no data: the slo verifier is advisory: "+v.Summary
		return c
	}
	compliant, okC := evidenceNumber(v.Evidence, "compliant", "compliantWindows")
	windows, okW := evidenceNumber(v.Evidence, "windows", "totalWindows", "total")
	switch {
	case v.Verdict == verify.Skipped:
		c.NoData, c.Detail = true, "no data: the slo verifier was skipped: "+v.Summary
	case okC && okW && windows > 0:
		c.Value = math.Max(0, math.Min(1, compliant/windows))
		c.Detail = fmt.Sprintf("%g/%g windows compliant; %s", compliant, windows, v.Summary)
	case v.Verdict == verify.Success:
		c.Value, c.Detail = 1, v.Summary
	case v.Verdict == verify.Failure:
		c.Value, c.Detail = 0, v.Summary
	default:
		c.NoData, c.Detail = true, fmt.Sprintf("no data: the slo verifier could not decide (%s): %s", v.Verdict, v.Summary)
	}
	return c
}

func healthComponent(results []verify.Result) Component {
	c := Component{Name: PartHealth}
	v, ok := find(results, PartHealth)
	switch {
	case !ok:
		c.NoData, c.Detail = true, "no data: no health verifier ran"
		return c
	case v.Verdict == verify.Skipped:
		c.NoData, c.Detail = true, "no data: the health verifier was skipped: "+v.Summary
		return c
	case v.Advisory:
		c.NoData, c.Detail = true, "no data: the health verifier is advisory: "+v.Summary
		return c
	}
	healthy, unhealthy := listLen(v.Evidence["healthy"]), listLen(v.Evidence["unhealthy"])
	if total := healthy + unhealthy; total > 0 {
		c.Value = float64(healthy) / float64(total)
	}
	c.Detail = v.Summary
	return c
}

func detectionComponent(r *Report) Component {
	c := Component{Name: PartDetection}
	d, objective := r.Measures.DetectionTime, r.Objectives.Detection
	switch {
	case d != nil && objective <= 0:
		c.Value = 1
		c.Detail = fmt.Sprintf("a trigger fired %s after the fault onset (no detection objective set)", d.Round(msRound))
	case d != nil:
		c.Value = linear(*d, objective)
		within := "within"
		if *d > objective {
			within = "beyond"
		}
		c.Detail = fmt.Sprintf("a trigger fired %s after the fault onset, %s the %s objective", d.Round(msRound), within, objective)
	case r.Phases.FaultOnset == nil && r.Trigger != nil:
		c.NoData, c.Detail = true, "no data: a trigger fired but no fault onset was recorded"
	case r.Phases.FaultOnset == nil:
		c.NoData, c.Detail = true, "no data: no fault onset, nothing to detect"
	default:
		if w, ok := firstBreachAfterOnset(r); ok {
			c.Detail = fmt.Sprintf("the SLO was breached in the window at %s, after the fault onset at %s, and no trigger fired", r.offset(w), r.offset(*r.Phases.FaultOnset))
			return c
		}
		c.NoData, c.Detail = true, "no data: no trigger fired and none was needed, the SLO held after the fault onset"
	}
	return c
}

// firstBreachAfterOnset returns the start of the first window with
// operations that ends after the fault onset, starts before the rollback
// (or the end of the load), and breaks the SLO objectives.
func firstBreachAfterOnset(r *Report) (time.Duration, bool) {
	onset := *r.Phases.FaultOnset
	end := time.Duration(math.MaxInt64)
	switch {
	case r.Phases.RollbackStart != nil:
		end = *r.Phases.RollbackStart
	case r.Phases.LoadEnd != nil:
		end = *r.Phases.LoadEnd
	}
	o := r.Objectives
	for _, w := range r.Windows {
		if w.Start+time.Second <= onset || w.Start >= end || w.Count == 0 {
			continue
		}
		if w.ErrorRate > o.SLOErrorRate || (o.SLOP99 > 0 && w.P99 > o.SLOP99) {
			return w.Start, true
		}
	}
	return 0, false
}

func errorBudgetComponent(l LoadSummary, o Objectives) Component {
	c := Component{Name: PartErrorBudget}
	if l.Ops <= 0 {
		c.NoData, c.Detail = true, "no data: no operation ran"
		return c
	}
	budget := o.ErrorBudget
	if !(budget > 0) || math.IsInf(budget, 0) {
		budget = DefaultErrorBudget
	}
	share := float64(l.Failed+l.Indeterminate) / float64(l.Ops)
	c.Value = math.Max(0, math.Min(1, 2-share/budget))
	within := "within"
	if share > budget {
		within = "beyond"
	}
	c.Detail = fmt.Sprintf("%d of %d operations failed or ended indeterminate (%.2f%%), %s the %.2f%% error budget",
		l.Failed+l.Indeterminate, l.Ops, 100*share, within, 100*budget)
	return c
}

// linear is 1 when got is within objective, falling linearly to 0 at twice
// the objective; objective must be positive.
func linear(got, objective time.Duration) float64 {
	return math.Max(0, math.Min(1, 2-float64(got)/float64(objective)))
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

// evidenceNumber returns the first of the keys that holds a number,
// whether built in memory or read back from JSON.
func evidenceNumber(ev map[string]any, keys ...string) (float64, bool) {
	for _, k := range keys {
		switch n := ev[k].(type) {
		case int:
			return float64(n), true
		case int64:
			return float64(n), true
		case float64:
			if !math.IsNaN(n) && !math.IsInf(n, 0) {
				return n, true
			}
		case json.Number:
			if f, err := n.Float64(); err == nil {
				return f, true
			}
		}
	}
	return 0, false
}

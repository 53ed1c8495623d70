package scenarios

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
)

// rollback checks the triggers, the approval, when faults are healed and
// the plan, against what the timeline sets up.
func (v *validator) rollback(facts timelineFacts) {
	r := v.s.Rollback
	p := pathOf("rollback")
	for i, t := range r.Triggers {
		v.trigger(p.key("triggers").index(i), t, false)
	}
	if a := r.Approval; a != nil {
		if strings.TrimSpace(a.Role) == "" {
			v.addf(p.key("approval").key("role"), "missing; name who approves the rollback, such as payments-oncall")
		}
		if a.Timeout < 0 {
			v.negative(p.key("approval").key("timeout"), a.Timeout, `use how long to wait for a decision, such as "5m"`)
		}
	}
	if !slices.Contains(healFaultsWhen(), r.HealFaults) {
		v.addf(p.key("healFaults"), "%s; before heals every active fault before the plan runs, after leaves them in place until it is done", unknownValue("value", r.HealFaults, healFaultsWhen()))
	}
	for i, a := range r.Plan {
		v.action(p.key("plan").index(i), a, actionScope{deployed: facts.deployed, snapshots: maps.Clone(facts.snapshots)})
	}
	v.runbook(p)
}

// trigger checks one trigger, which is exactly one of a threshold, a
// composite, a probe or a planned time; child is set for the triggers of
// an any or all list.
func (v *validator) trigger(p fieldPath, t rollback.TriggerSpec, child bool) {
	kinds := triggerKinds(t)
	switch {
	case len(kinds) == 0:
		v.addf(p, "no condition; set metric with above or below, any or all, probe, or at")
		return
	case len(kinds) > 1:
		v.addf(p, "sets %s; a trigger is exactly one of a threshold (metric with above or below), a composite (any or all), a probe or a planned time (at)", andList(kinds))
		return
	}
	switch kinds[0] {
	case "metric":
		v.threshold(p, t)
	case "any", "all":
		v.composite(p, t)
	case "probe":
		if child {
			v.addf(p.key("probe"), "a probe cannot be part of any or all (it never holds there); make it a trigger of its own")
		}
		if t.For != 0 {
			v.addf(p.key("for"), "a probe trigger ignores for; set probe.for, how long its checks must keep failing")
		}
		v.probe(p.key("probe"), *t.Probe)
	case "at":
		if child {
			v.addf(p.key("at"), "a planned trigger cannot be part of any or all (it never holds there); make it a trigger of its own")
		}
		if t.For != 0 {
			v.addf(p.key("for"), "a planned trigger fires at its time; remove for")
		}
		at := *t.At
		if at < 0 {
			v.negative(p.key("at"), at, `use the offset from the start of the load at which to roll back, such as "30s"`)
		} else {
			v.withinLoad(p.key("at"), at)
		}
	}
}

// triggerKinds names the kinds of trigger t sets: threshold, any, all,
// probe and at.
func triggerKinds(t rollback.TriggerSpec) []string {
	var out []string
	if t.Metric != "" || t.Above != nil || t.Below != nil {
		out = append(out, "metric")
	}
	if t.Any != nil {
		out = append(out, "any")
	}
	if t.All != nil {
		out = append(out, "all")
	}
	if t.Probe != nil {
		out = append(out, "probe")
	}
	if t.At != nil {
		out = append(out, "at")
	}
	return out
}

// threshold checks a threshold trigger's metric, its one limit and the
// limit's unit, and its window.
func (v *validator) threshold(p fieldPath, t rollback.TriggerSpec) {
	known := true
	switch {
	case t.Metric == "":
		v.addf(p.key("metric"), "missing; use one of: %s", strings.Join(metrics(), ", "))
		known = false
	case !slices.Contains(metrics(), string(t.Metric)):
		v.addf(p.key("metric"), "%s", unknownValue("metric", string(t.Metric), metrics()))
		known = false
	}
	switch {
	case t.Above == nil && t.Below == nil:
		v.addf(p, "no threshold; set exactly one of above or below")
	case t.Above != nil && t.Below != nil:
		v.addf(p, "has both above and below; set exactly one of them")
	case known && t.Above != nil:
		v.unit(p.key("above"), t.Metric, *t.Above)
	case known:
		v.unit(p.key("below"), t.Metric, *t.Below)
	}
	if t.For < 0 {
		v.negative(p.key("for"), t.For, `use how long the condition must hold, such as "2s"`)
	}
}

// composite checks an any or all trigger and each of its children.
func (v *validator) composite(p fieldPath, t rollback.TriggerSpec) {
	if t.For != 0 {
		v.addf(p.key("for"), "any and all ignore their own for; set for on each trigger in the list")
	}
	op, children := "any", t.Any
	if t.Any == nil {
		op, children = "all", t.All
	}
	if len(children) == 0 {
		v.addf(p.key(op), "empty; list the triggers of which %s must hold", map[string]string{"any": "one", "all": "every one"}[op])
	}
	for i, c := range children {
		v.trigger(p.key(op).index(i), c, true)
	}
}

// unit checks that a threshold is written in its metric's unit, or as a
// multiple of the metric's baseline ("3x"), which fits every metric.
func (v *validator) unit(p fieldPath, m rollback.Metric, th rollback.Threshold) {
	switch {
	case th.Relative():
	case m.IsRatio() && th.Unit != rollback.UnitFraction:
		v.addf(p, `%q does not fit %s, a fraction of requests; write a percentage such as "5%%", a fraction such as 0.05 or a multiple of the baseline such as "3x"`, th.String(), m)
	case m.IsLatency() && th.Unit != rollback.UnitDuration:
		v.addf(p, `%q does not fit %s, a latency; write a duration such as "250ms" or a multiple of the baseline such as "3x"`, th.String(), m)
	case m == rollback.Throughput && th.Unit != rollback.UnitNumber:
		v.addf(p, `%q does not fit %s, in requests per second; write a number such as 50 or a multiple of the baseline such as "0.5x"`, th.String(), m)
	}
}

// probe checks a probe trigger's HTTP check.
func (v *validator) probe(p fieldPath, pr rollback.ProbeSpec) {
	switch {
	case pr.URL == "":
		v.addf(p.key("url"), `missing; give the path to check on the service, such as "/readyz"`)
	case !strings.HasPrefix(pr.URL, "/"):
		v.addf(p.key("url"), `%q must start with "/": a probe checks a path on its service, such as "/readyz"`, pr.URL)
	}
	if pr.Service != "" {
		v.serviceRef(p.key("service"), pr.Service, sortedKeys(v.s.System.Services), "the service to probe")
	}
	for _, d := range []struct {
		key  string
		d    time.Duration
		hint string
	}{
		{"interval", pr.Interval, `use how often to check, such as "1s"`},
		{"timeout", pr.Timeout, `use how long one check may take, such as "500ms"`},
		{"for", pr.For, `use how long checks must keep failing, such as "2s", or 0 to fire on the first`},
	} {
		if d.d < 0 {
			v.negative(p.key(d.key), d.d, d.hint)
		}
	}
	if pr.Status != 0 && (pr.Status < 100 || pr.Status > 599) {
		v.addf(p.key("status"), "%d is not an HTTP status; use the healthy status, such as 200, or leave it out for any 2xx", pr.Status)
	}
	switch {
	case pr.JSONField != "" && pr.Equals == "" && pr.NotEquals == "":
		v.addf(p.key("jsonField"), "nothing to compare it with; add equals or notEquals")
	case pr.JSONField != "" && pr.Equals != "" && pr.NotEquals != "":
		v.addf(p.key("notEquals"), "has both equals and notEquals; keep one")
	case pr.JSONField == "" && pr.Equals != "":
		v.addf(p.key("equals"), "compares a field of the JSON answer; add jsonField, such as checks.db")
	case pr.JSONField == "" && pr.NotEquals != "":
		v.addf(p.key("notEquals"), "compares a field of the JSON answer; add jsonField, such as checks.db")
	}
}

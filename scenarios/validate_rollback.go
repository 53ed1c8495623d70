package scenarios

import (
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/rollback"
)

// rollback checks the triggers and the plan; deployed lists the services
// the timeline deploys, the only ones a plan can roll back.
func (v *validator) rollback(deployed []string) {
	for i, t := range v.s.Rollback.Triggers {
		v.trigger(pathOf("rollback", "triggers").index(i), t)
	}
	for i, a := range v.s.Rollback.Plan {
		v.action(pathOf("rollback", "plan").index(i), a, deployed)
	}
}

// trigger checks a trigger's metric, its one threshold and the threshold's
// unit, and its window.
func (v *validator) trigger(p fieldPath, t rollback.TriggerSpec) {
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

// unit checks that a threshold is written in its metric's unit.
func (v *validator) unit(p fieldPath, m rollback.Metric, th rollback.Threshold) {
	switch {
	case m == rollback.ErrorRate && th.Unit != "fraction":
		v.addf(p, `%q does not fit %s, a fraction of requests; write a percentage such as "5%%" or a fraction such as 0.05`, th.String(), m)
	case m.IsLatency() && th.Unit != "duration":
		v.addf(p, `%q does not fit %s, a latency; write a duration such as "250ms"`, th.String(), m)
	case m == rollback.Throughput && th.Unit != "number":
		v.addf(p, `%q does not fit %s, in requests per second; write a number such as 50`, th.String(), m)
	}
}

// action checks a plan action and the service it rolls back.
func (v *validator) action(p fieldPath, a rollback.ActionSpec, deployed []string) {
	switch {
	case a.Action == "":
		v.addf(p.key("action"), "missing; use one of: %s", strings.Join(actions(), ", "))
	case !slices.Contains(actions(), string(a.Action)):
		v.addf(p.key("action"), "%s", unknownValue("action", string(a.Action), actions()))
	}
	services := sortedKeys(v.s.System.Services)
	switch {
	case a.Service == "":
		v.addf(p.key("service"), "missing; name the service to roll back%s", oneOf(deployed))
	case !slices.Contains(services, a.Service):
		v.addf(p.key("service"), "%s", undefined("service", a.Service, services, "system.services"))
	case !slices.Contains(deployed, a.Service) && len(deployed) == 0:
		v.addf(p.key("service"), "the timeline deploys no service, so %q has no previous version; add a deploy step for it", a.Service)
	case !slices.Contains(deployed, a.Service):
		v.addf(p.key("service"), "the timeline never deploys %q, so it has no previous version; name a service a deploy step switches (%s)", a.Service, strings.Join(deployed, ", "))
	}
	if a.Timeout < 0 {
		v.negative(p.key("timeout"), a.Timeout, `use how long the action may take, such as "30s", or leave it out`)
	}
}

package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
)

// MaxReplicas is the most instances one service may run at once.
const MaxReplicas = 16

// Fronted reports whether the drill puts a traffic front before the
// service: it has more than one replica, or a deploy step or rollback
// action switches it by a strategy other than recreate.
func Fronted(s *Scenario, service string) bool {
	if s.System.Services[service].Replicas > 1 {
		return true
	}
	for _, st := range s.Timeline {
		if st.Deploy != nil && st.Deploy.Service == service && st.Deploy.Strategy.NeedsFront() {
			return true
		}
	}
	for _, a := range s.Rollback.Plan {
		if a.Service == service && a.Strategy.NeedsFront() {
			return true
		}
	}
	return false
}

// Replicas is the number of instances the service runs (at least 1).
func Replicas(spec sut.ServiceSpec) int { return max(spec.Replicas, 1) }

// deploys checks replicas, strategies and their parameters, the canary
// scope of triggers and the scope of the rollback: everything a traffic
// front needs, against the services it fronts.
func (v *validator) deploys() {
	canaries := false
	for _, name := range sortedKeys(v.s.System.Services) {
		v.fronted(pathOf("system", "services", name), name)
	}
	for i, st := range v.s.Timeline {
		if st.Deploy == nil {
			continue
		}
		p := pathOf("timeline").index(i).key("deploy")
		v.strategy(p, st.Deploy.Service, st.Deploy.Spec)
		canaries = canaries || st.Deploy.Strategy == deploy.Canary
	}
	for i, a := range v.s.Rollback.Plan {
		p := pathOf("rollback", "plan").index(i)
		if a.Strategy == "" || a.Action != rollback.RedeployPrevious {
			continue
		}
		switch {
		case !slices.Contains(deploy.Strategies(), string(a.Strategy)):
			v.addf(p.key("strategy"), "%s", unknownValue("strategy", string(a.Strategy), rollbackStrategies()))
		case a.Strategy == deploy.Canary:
			v.addf(p.key("strategy"), "a rollback cannot be a canary: a canary in progress is rolled back by shifting its traffic back; use one of: %s", strings.Join(rollbackStrategies(), ", "))
		}
	}
	for i, t := range v.s.Rollback.Triggers {
		v.triggerScope(pathOf("rollback", "triggers").index(i), t, canaries)
	}
	for i, st := range v.s.Timeline {
		if st.Inject != nil && st.Inject.Replicas != "" {
			v.faultReplicas(pathOf("timeline").index(i).key("inject"), *st.Inject)
		}
	}
	v.rollbackScope()
}

func rollbackStrategies() []string {
	return []string{string(deploy.Recreate), string(deploy.Rolling), string(deploy.BlueGreen)}
}

// fronted checks a service's replicas and what a front before it needs.
func (v *validator) fronted(p fieldPath, name string) {
	svc := v.s.System.Services[name]
	switch {
	case svc.Replicas < 0:
		v.addf(p.key("replicas"), "%d is negative; use how many instances run at once, at least 1", svc.Replicas)
		return
	case svc.Replicas > MaxReplicas:
		v.addf(p.key("replicas"), "%d is more than %d; run at most %d instances of one service", svc.Replicas, MaxReplicas, MaxReplicas)
		return
	}
	if !Fronted(v.s, name) {
		return
	}
	why := "its replicas"
	if svc.Replicas <= 1 {
		why = "its deploy strategy"
	}
	if svc.DataDir {
		v.addf(p.key("dataDir"), "a service with a data directory cannot run several instances at once (%s need a traffic front over instances that would share the data); remove dataDir, or deploy %s with strategy recreate and one replica", why, name)
	}
	if len(svc.Ports) > 0 {
		v.addf(p.key("ports"), "a service behind a traffic front (%s) has one port, the front's; remove ports", why)
	}
	if svc.Group != "" {
		v.addf(p.key("group"), "a service behind a traffic front (%s) cannot be in a start group; remove group", why)
	}
	if v.s.System.Runtime == faults.RuntimeDocker {
		for i, l := range v.s.System.Links {
			if l.To == name {
				v.addf(pathOf("system", "links").index(i).key("to"), "on the docker runtime a link cannot go to %s, which is behind a traffic front in the harness (%s) that containers cannot reach; call it from the load only, or use runtime: process", name, why)
			}
		}
	}
}

// strategy checks the strategy of a deploy step and its parameters.
func (v *validator) strategy(p fieldPath, service string, d deploy.Spec) {
	svc, ok := v.s.System.Services[service]
	if !ok {
		return
	}
	replicas := Replicas(svc)
	if d.Strategy != "" && !slices.Contains(deploy.Strategies(), string(d.Strategy)) {
		v.addf(p.key("strategy"), "%s", unknownValue("strategy", string(d.Strategy), deploy.Strategies()))
		return
	}
	s := d.Strategy.OrRecreate()
	if s != deploy.Rolling {
		for _, f := range []struct {
			key string
			set bool
		}{{"maxUnavailable", d.MaxUnavailable != nil}, {"maxSurge", d.MaxSurge != nil}} {
			if f.set {
				v.addf(p.key(f.key), "only a rolling deploy reads %s; remove it or set strategy: rolling", f.key)
			}
		}
	} else {
		v.batch(p, d, replicas)
	}
	if s != deploy.Canary {
		if len(d.Steps) > 0 {
			v.addf(p.key("steps"), "only a canary deploy reads steps; remove them or set strategy: canary")
		}
		return
	}
	v.canarySteps(p.key("steps"), d.Steps)
}

// batch checks the batch sizes of a rolling deploy.
func (v *validator) batch(p fieldPath, d deploy.Spec, replicas int) {
	for _, f := range []struct {
		key string
		n   *int
	}{{"maxUnavailable", d.MaxUnavailable}, {"maxSurge", d.MaxSurge}} {
		switch {
		case f.n == nil:
		case *f.n < 0:
			v.addf(p.key(f.key), "%d is negative; use a number of replicas from 0 to %d", *f.n, replicas)
		case *f.n > replicas:
			v.addf(p.key(f.key), "%d is more than the service's %d replica(s); use a number from 0 to %d", *f.n, replicas, replicas)
		}
	}
	if d.MaxUnavailable != nil && d.MaxSurge != nil && *d.MaxUnavailable == 0 && *d.MaxSurge == 0 {
		v.addf(p, "maxUnavailable and maxSurge are both 0: the deploy could never replace a replica; let one of them be at least 1")
	}
}

// canarySteps checks a canary's weights (above 0, increasing, at most
// 100%) and pauses.
func (v *validator) canarySteps(p fieldPath, steps []deploy.CanaryStep) {
	if len(steps) == 0 {
		v.addf(p, "a canary needs steps, such as [{weight: 10%%, pause: 5s}, {weight: 50%%, pause: 5s}]")
		return
	}
	prev := 0.0
	for i, st := range steps {
		sp := p.index(i)
		switch w := st.Weight.Percent; {
		case w <= 0:
			v.addf(sp.key("weight"), "%s sends the canary nothing; use a weight above 0%%, such as 10%%", weightText(st.Weight))
		case w <= prev:
			v.addf(sp.key("weight"), "%s is not above the previous step's %s; weights must increase", weightText(st.Weight), fmt.Sprint(prev)+"%")
		}
		prev = max(prev, st.Weight.Percent)
		if st.Pause < 0 {
			v.negative(sp.key("pause"), st.Pause, `use how long the weight holds before the next step, such as "5s"`)
		}
	}
}

func weightText(w deploy.Weight) string {
	if w.String() == "" {
		return "0%"
	}
	return w.String()
}

// triggerScope checks the scope of a trigger: a threshold on error_rate,
// status_5xx or throughput, in a drill with a canary.
func (v *validator) triggerScope(p fieldPath, t rollback.TriggerSpec, canaries bool) {
	for i, child := range t.Any {
		v.triggerScope(p.key("any").index(i), child, canaries)
	}
	for i, child := range t.All {
		v.triggerScope(p.key("all").index(i), child, canaries)
	}
	switch {
	case t.Scope == "":
	case t.Scope != rollback.ScopeCanary:
		v.addf(p.key("scope"), "%s", unknownValue("scope", t.Scope, []string{rollback.ScopeCanary}))
	case t.Kind() != rollback.KindThreshold:
		v.addf(p.key("scope"), "only a threshold (metric with above or below) can be scoped to the canary; remove scope")
	case t.Metric.IsLatency():
		v.addf(p.key("scope"), "metric %s cannot be scoped to the canary (its latencies are not kept per version); use error_rate, status_5xx or throughput", t.Metric)
	case !canaries:
		v.addf(p.key("scope"), "no deploy step of the timeline is a canary, so there is no canary traffic to watch; add strategy: canary to a deploy or remove scope")
	}
}

// rollbackScope checks the services a partial rollback names, and that
// the plan's actions stay within them.
func (v *validator) rollbackScope() {
	scope := v.s.Rollback.Scope
	if len(scope) == 0 {
		return
	}
	services := sortedKeys(v.s.System.Services)
	p := pathOf("rollback", "scope")
	for i, name := range scope {
		switch {
		case !slices.Contains(services, name):
			v.addf(p.index(i), "%s", undefined("service", name, services, "system.services"))
		case slices.Contains(scope[:i], name):
			v.addf(p.index(i), "%q is listed twice; list each service once", name)
		}
	}
	for i, a := range v.s.Rollback.Plan {
		if a.Service != "" && !slices.Contains(scope, a.Service) && slices.Contains(services, a.Service) {
			v.addf(pathOf("rollback", "plan").index(i).key("service"), "%s is outside rollback.scope (%s): a partial rollback leaves it as it is; add it to scope or remove the action", a.Service, strings.Join(scope, ", "))
		}
	}
}

// faultReplicas checks the replica selection of a process fault: a count
// or share, on a service with several instances.
func (v *validator) faultReplicas(p fieldPath, f faults.Spec) {
	svc, ok := v.s.System.Services[f.Service]
	if !ok || !f.OnService() {
		return
	}
	if _, err := faults.PickReplicas(f.Replicas, MaxReplicas); err != nil {
		v.addf(p.key("replicas"), "%v", err)
		return
	}
	if Replicas(svc) < 2 {
		v.addf(p.key("replicas"), "service %q runs one instance; set replicas: 2 or more on it, or remove replicas from the fault", f.Service)
	}
}

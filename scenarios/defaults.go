package scenarios

import (
	"cmp"
	"fmt"
	"github.com/faultdrill/faultdrill/deploy"
	"slices"
	"strconv"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/verify"
)

// The default values; doc.go lists them in one table. Those a leaf package
// owns are taken from it.
const (
	defaultRuntime            = faults.RuntimeProcess
	defaultRTOFrom            = "rollback-start"
	defaultPassScore          = 80
	defaultLoadTimeout        = 2 * time.Second
	defaultHealth             = "/healthz"
	defaultStartTimeout       = 10 * time.Second
	defaultDockerStartTimeout = 30 * time.Second // sut/docker.DefaultStartTimeout
	defaultDockerPort         = 8080             // sut/docker.DefaultPort
	defaultStopGrace          = 5 * time.Second
	defaultDirection          = faults.Both
	defaultToxicity           = 1.0
	defaultTriggerFor         = time.Second
	defaultProbeInterval      = rollback.DefaultProbeInterval
	defaultHealFaults         = "after"
	defaultApprovalTimeout    = rollback.DefaultApprovalTimeout
	defaultActionTimeout      = rollback.DefaultTimeout
	defaultReadConcurrent     = 16
	defaultDuplicatesField    = verify.DefaultDuplicatesField
	defaultLinearizeTimeout   = verify.DefaultLinearizabilityTimeout
)

// ApplyDefaults fills every field left empty with its default (see the
// table in the package documentation) and sets each service's Name from its
// key. It is idempotent: applying it twice changes nothing more.
func (s *Scenario) ApplyDefaults() {
	if s.System.Runtime == "" {
		s.System.Runtime = defaultRuntime
	}
	objectiveDefaults(&s.Objectives)
	harnessDefaults(&s.Harness)
	for name, svc := range s.System.Services {
		s.System.Services[name] = serviceDefaults(name, svc, s.System.Runtime)
	}
	loadDefaults(&s.Load)
	for i := range s.Setup {
		actionDefaults(&s.Setup[i])
	}
	for i := range s.Timeline {
		stepDefaults(&s.Timeline[i], s.System.Services)
	}
	rollbackDefaults(&s.Rollback, s)
	verifyDefaults(&s.Verify, s)
}

// objectiveDefaults fills in the objectives left out.
func objectiveDefaults(o *Objectives) {
	if o.RTOFrom == "" {
		o.RTOFrom = defaultRTOFrom
	}
	if o.PassScore == 0 {
		o.PassScore = defaultPassScore
	}
	if o.SLO.ErrorRate.Unit == "" {
		o.SLO.ErrorRate = threshold("1%")
	}
	if o.ErrorBudget.Unit == "" {
		o.ErrorBudget = threshold(defaultErrorBudget())
	}
	for part, w := range reports.DefaultWeights() {
		if _, set := o.Weights[part]; !set {
			if o.Weights == nil {
				o.Weights = map[string]float64{}
			}
			o.Weights[part] = w
		}
	}
}

// harnessDefaults fills in the harness's tolerances.
func harnessDefaults(h *Harness) {
	if h.LagTolerance == 0 {
		h.LagTolerance = reports.DefaultLagTolerance
	}
	if h.StepTolerance == 0 {
		h.StepTolerance = reports.DefaultStepTolerance
	}
}

// defaultErrorBudget is reports.DefaultErrorBudget written as a
// percentage: "5%".
func defaultErrorBudget() string {
	return strconv.FormatFloat(reports.DefaultErrorBudget*100, 'f', -1, 64) + "%"
}

// threshold parses a threshold written as a constant.
func threshold(text string) rollback.Threshold {
	t, _ := rollback.ParseThreshold(text) // a constant that parses
	return t
}

// serviceDefaults returns svc, named name, with its defaults filled in for
// the runtime that runs it.
func serviceDefaults(name string, svc sut.ServiceSpec, runtime string) sut.ServiceSpec {
	svc.Name = name
	if svc.Health == "" {
		svc.Health = defaultHealth
	}
	if svc.StartTimeout == 0 {
		svc.StartTimeout = defaultStartTimeout
		if runtime == faults.RuntimeDocker {
			svc.StartTimeout = defaultDockerStartTimeout
		}
	}
	if svc.StopGrace == 0 {
		svc.StopGrace = defaultStopGrace
	}
	if runtime == faults.RuntimeDocker {
		for v, vs := range svc.Versions {
			if vs.Port == 0 {
				vs.Port = defaultDockerPort
				svc.Versions[v] = vs
			}
		}
	}
	return svc
}

// loadDefaults fills in the load's request timeout and stream methods.
func loadDefaults(l *LoadSpec) {
	if l.Timeout == 0 {
		l.Timeout = defaultLoadTimeout
	}
	for i := range l.Streams {
		st := &l.Streams[i]
		if st.Method != "" {
			continue
		}
		st.Method = "GET"
		if st.Writes {
			st.Method = "PUT"
		}
	}
}

// stepDefaults fills in the defaults of one timeline step.
func stepDefaults(st *Step, services map[string]sut.ServiceSpec) {
	if f := st.Inject; f != nil && f.Kind != "" && (f.Link != "" || f.Service != "") {
		*f = faults.Defaults(*f)
	}
	if p := st.Partition; p != nil {
		*p = faults.PartitionDefaults(*p)
	}
	if sn := st.Snapshot; sn != nil && sn.Name == "" {
		sn.Name = sn.Service
	}
	if a := st.Action; a != nil {
		actionDefaults(a)
	}
	if st.Timeout == 0 {
		st.Timeout = stepTimeout(*st, services)
	}
}

// stepGrace is what a step's deadline allows beyond the bounds of its own
// work (service starts and stops, action attempts): the harness's own
// calls, such as to toxiproxy.
const stepGrace = 15 * time.Second

// stepTimeout is the default deadline of a step: its kind's own bounds
// plus stepGrace; 0 for a wait, which has no work to bound.
func stepTimeout(st Step, services map[string]sut.ServiceSpec) time.Duration {
	// A service's switch: stop (its grace) then start (its start timeout).
	switchOf := func(name string) time.Duration {
		svc := services[name]
		return svc.StopGrace + svc.StartTimeout
	}
	slowest := time.Duration(0)
	for name := range services {
		slowest = max(slowest, switchOf(name))
	}
	switch {
	case st.Deploy != nil:
		// A rolling deploy switches batch after batch; a canary also
		// holds each of its weights for its pause.
		d := switchOf(st.Deploy.Service)
		if st.Deploy.Strategy == deploy.Rolling {
			d *= time.Duration(Replicas(services[st.Deploy.Service]))
		}
		for _, c := range st.Deploy.Steps {
			d += c.Pause
		}
		return d + stepGrace
	case st.Snapshot != nil:
		return switchOf(st.Snapshot.Service) + time.Minute + stepGrace
	case st.Inject != nil && st.Inject.OnService():
		return switchOf(st.Inject.Service) + stepGrace
	case st.Inject != nil, st.Partition != nil:
		return stepGrace
	case st.Heal != "":
		return slowest + stepGrace // healing a kill starts the service again
	case st.Action != nil:
		a := st.Action
		attempt := a.Timeout
		switch {
		case a.Until != nil:
			// Polling ends at its timeout, plus the request in flight.
			attempt = cmp.Or(a.Until.Timeout, rollback.DefaultUntilTimeout) + cmp.Or(a.Timeout, defaultActionTimeout)
		case attempt == 0:
			attempt = switchOf(a.Service)
		}
		tries := time.Duration(1 + max(a.Retries, 0))
		return tries*attempt + (tries-1)*a.RetryDelay + stepGrace
	}
	return 0
}

// rollbackDefaults fills in the triggers, the plan, the approval and when
// faults are healed.
func rollbackDefaults(r *rollback.Spec, s *Scenario) {
	for i := range r.Triggers {
		triggerDefaults(&r.Triggers[i], s.Load.Target)
	}
	if len(r.Plan) == 0 && len(r.Triggers) > 0 {
		r.Plan = rollback.DefaultPlan(r.InScope(deployedServices(s)))
	}
	for i := range r.Plan {
		actionDefaults(&r.Plan[i])
	}
	if r.HealFaults == "" {
		r.HealFaults = defaultHealFaults
	}
	if r.Approval != nil && r.Approval.Timeout == 0 {
		r.Approval.Timeout = defaultApprovalTimeout
	}
}

// deployedServices lists the defined services the timeline deploys, in
// the order of their first deploy.
func deployedServices(s *Scenario) []string {
	var out []string
	for _, st := range s.Timeline {
		if d := st.Deploy; d != nil && !slices.Contains(out, d.Service) {
			if _, ok := s.System.Services[d.Service]; ok {
				out = append(out, d.Service)
			}
		}
	}
	return out
}

// triggerDefaults fills in a trigger's window count, its probe's settings
// and its name; target is the load's target, the service a probe polls by
// default. A trigger that is not exactly one kind is left for validation
// to report.
func triggerDefaults(t *rollback.TriggerSpec, target string) {
	kinds := triggerKinds(*t)
	if len(kinds) != 1 {
		return
	}
	switch kinds[0] {
	case "metric":
		if t.For == 0 {
			t.For = defaultTriggerFor
		}
		if t.Name == "" && t.Metric != "" && (t.Above == nil) != (t.Below == nil) {
			t.Name = rollback.TriggerName(*t)
		}
		return
	case "any", "all":
		for i := range t.Any {
			triggerDefaults(&t.Any[i], target)
		}
		for i := range t.All {
			triggerDefaults(&t.All[i], target)
		}
	case "probe":
		p := t.Probe
		if p.Service == "" {
			p.Service = target
		}
		if p.Interval == 0 {
			p.Interval = defaultProbeInterval
		}
		if p.Timeout == 0 && p.Interval > 0 {
			p.Timeout = p.Interval
		}
	}
	if t.Name == "" {
		t.Name = rollback.TriggerName(*t)
	}
}

// actionDefaults fills in an action's method, timeout, snapshot name and
// polling.
func actionDefaults(a *rollback.ActionSpec) {
	switch a.Action {
	case rollback.Flag, rollback.HTTP:
		if a.Method == "" {
			a.Method = "GET"
			if a.Action == rollback.Flag {
				a.Method = "POST"
			}
		}
	case rollback.RestoreSnapshot:
		if a.Snapshot == "" {
			a.Snapshot = a.Service
		}
	}
	if u := a.Until; u != nil {
		if u.Interval == 0 {
			u.Interval = rollback.DefaultUntilInterval
		}
		if u.Timeout == 0 {
			u.Timeout = rollback.DefaultUntilTimeout
		}
	}
	switch a.Action {
	case rollback.Flag, rollback.HTTP, rollback.Command, rollback.MigrateDown:
		if a.Timeout == 0 {
			a.Timeout = defaultActionTimeout
		}
	}
}

// verifyDefaults fills in the verifiers' settings that only apply when
// the verifier is on.
func verifyDefaults(v *verify.Spec, s *Scenario) {
	if d := &v.Durability; !d.Read.IsZero() && d.Concurrency == 0 {
		d.Concurrency = defaultReadConcurrent
	}
	if d := &v.Duplicates; d.Enabled() {
		if d.Concurrency == 0 {
			d.Concurrency = defaultReadConcurrent
		}
		if d.Field == "" {
			d.Field = defaultDuplicatesField
		}
	}
	if l := &v.Linearizability; !l.Disabled && l.Timeout == 0 && hasKeyValueStream(s) {
		l.Timeout = defaultLinearizeTimeout
	}
}

// FaultName is the name a network fault gets when the scenario gives it
// none: "KIND@LINK", such as "latency@api-to-store" (process faults are
// named "KIND@SERVICE"; see faults.Defaults).
func FaultName(kind faults.Kind, link string) string {
	return fmt.Sprintf("%s@%s", kind, link)
}

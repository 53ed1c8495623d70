// Package rollback decides when a drill rolls back and carries the
// rollback out. Triggers watch live load windows (thresholds, absolute or
// relative to a baseline, alone or combined with any/all), poll an HTTP
// probe, or fire at a planned offset; an Approver may have to agree; then
// the plan's actions run in order, each with its own timeout and retries,
// and can be run twice to prove they are idempotent.
package rollback

import (
	"slices"
	"time"
)

// Spec is the rollback policy of a drill.
type Spec struct {
	// Enabled turns automatic rollback on; nil means true.
	Enabled *bool `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	// Triggers start the rollback; the first one to fire wins.
	Triggers []TriggerSpec `yaml:"triggers,omitempty" json:"triggers,omitempty"`
	// Approval, when set, makes the rollback wait for an Approver once a
	// trigger fires.
	Approval *ApprovalSpec `yaml:"approval,omitempty" json:"approval,omitempty"`
	// Plan is the list of actions run when a trigger fires. When empty, the
	// plan redeploys the previous version of every service the timeline
	// deployed, in reverse order.
	Plan []ActionSpec `yaml:"plan,omitempty" json:"plan,omitempty"`
	// Runbook is a Markdown runbook, relative to the scenario's folder,
	// walked step by step instead of a plan when a trigger fires: its
	// sh and faultdrill blocks run as actions, its other steps are
	// answered by a person (or --answers, or --auto).
	Runbook string `yaml:"runbook,omitempty" json:"runbook,omitempty"`
	// VerifyIdempotent runs the plan a second time (ExecuteTwice) and
	// compares the state digests taken after each run.
	VerifyIdempotent bool `yaml:"verifyIdempotent,omitempty" json:"verifyIdempotent,omitempty"`
	// HealFaults says whether active faults are healed "before" the plan
	// runs or left in place until "after" it (default): a rollback under
	// an active partition is the harder, truer test.
	HealFaults string `yaml:"healFaults,omitempty" json:"healFaults,omitempty"`
	// Scope names the services that roll back (a partial rollback): the
	// default plan redeploys only these, and a plan's actions may only
	// name these; the other services stay as they are. Empty: every
	// service the timeline deployed.
	Scope []string `yaml:"scope,omitempty" json:"scope,omitempty"`
}

// InScope keeps, in order, the services a partial rollback names (all of
// them when Scope is empty).
func (s Spec) InScope(services []string) []string {
	if len(s.Scope) == 0 {
		return services
	}
	var out []string
	for _, name := range services {
		if slices.Contains(s.Scope, name) {
			out = append(out, name)
		}
	}
	return out
}

// IsEnabled reports whether automatic rollback is on.
func (s Spec) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// ApprovalSpec says who must approve a rollback and how long to wait.
type ApprovalSpec struct {
	// Role names the rollback owner, such as "on-call SRE".
	Role string `yaml:"role" json:"role"`
	// Timeout bounds the wait; no decision by then means not approved.
	// 0 means DefaultApprovalTimeout.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// DefaultApprovalTimeout is how long Ask waits for a decision when the
// spec sets no timeout.
const DefaultApprovalTimeout = 5 * time.Minute

// Metric names a figure of a live load window.
type Metric string

// Metrics a threshold trigger can watch.
const (
	ErrorRate  Metric = "error_rate" // failed+indeterminate over all, a fraction
	P50        Metric = "p50"
	P90        Metric = "p90"
	P99        Metric = "p99"
	Throughput Metric = "throughput" // completed requests per second
	Status5xx  Metric = "status_5xx" // responses with a 5xx status over all, a fraction
	Status4xx  Metric = "status_4xx" // responses with a 4xx status over all, a fraction
)

// IsLatency reports whether the metric is a latency quantile.
func (m Metric) IsLatency() bool { return m == P50 || m == P90 || m == P99 }

// IsRatio reports whether the metric is a fraction of the window's
// requests.
func (m Metric) IsRatio() bool { return m == ErrorRate || m == Status5xx || m == Status4xx }

// TriggerSpec is one trigger. It is exactly one of:
//   - a threshold: Metric with Above or Below, held for For;
//   - a composite: Any or All of child triggers, each held for its own For;
//   - a probe: Probe, an HTTP check polled at an interval (see RunProbe);
//   - a planned rollback: At, an offset on the drill's clock (see DueAt).
type TriggerSpec struct {
	// Name labels the trigger in the journal and the report.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Metric is what a threshold watches, over 1 s windows of the load.
	Metric Metric `yaml:"metric,omitempty" json:"metric,omitempty"`
	// Above fires when the metric is above this limit; Below when under
	// it. A threshold sets exactly one of them.
	Above *Threshold `yaml:"above,omitempty" json:"above,omitempty"`
	Below *Threshold `yaml:"below,omitempty" json:"below,omitempty"`
	// For is how long the condition must hold; it is counted in whole 1 s
	// windows and defaults to one window. A composite ignores its own For:
	// its children's count.
	For time.Duration `yaml:"for,omitempty" json:"for,omitempty"`
	// Any fires when one of its children holds. Children are thresholds
	// (or composites of them); probe and planned children never hold.
	Any []TriggerSpec `yaml:"any,omitempty" json:"any,omitempty"`
	// All fires when every child holds at the same time. A spec with both
	// Any and All uses Any.
	All []TriggerSpec `yaml:"all,omitempty" json:"all,omitempty"`
	// Probe polls the SUT over HTTP.
	Probe *ProbeSpec `yaml:"probe,omitempty" json:"probe,omitempty"`
	// At fires at this offset of the drill's clock: a planned rollback.
	At *time.Duration `yaml:"at,omitempty" json:"at,omitempty"`
	// Scope narrows a threshold to part of the traffic: "canary" computes
	// the metric over the requests whose answer named the version of the
	// canary in progress (from the version header), and holds no value
	// while no canary runs. Empty: every request.
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`
}

// ScopeCanary is the Scope of a threshold over a canary's own traffic.
const ScopeCanary = "canary"

// TriggerKind says how a trigger is evaluated, and so who evaluates it:
// the Watcher (threshold, composite), RunProbe (probe) or DueAt (at).
type TriggerKind string

// Trigger kinds.
const (
	KindThreshold TriggerKind = "threshold"
	KindComposite TriggerKind = "composite"
	KindProbe     TriggerKind = "probe"
	KindAt        TriggerKind = "at"
)

// Kind returns how the trigger is evaluated. A spec that sets several
// kinds is taken as the first of at, probe, composite, threshold.
func (s TriggerSpec) Kind() TriggerKind {
	switch {
	case s.At != nil:
		return KindAt
	case s.Probe != nil:
		return KindProbe
	case len(s.Any) > 0 || len(s.All) > 0:
		return KindComposite
	}
	return KindThreshold
}

// Metrics lists every metric a threshold can watch.
func Metrics() []Metric {
	return []Metric{ErrorRate, P50, P90, P99, Throughput, Status5xx, Status4xx}
}

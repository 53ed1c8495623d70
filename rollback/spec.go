// Package rollback decides when a drill rolls back (triggers over live load
// windows) and carries out the rollback plan (actions).
package rollback

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Spec is the rollback policy of a drill.
type Spec struct {
	// Enabled turns automatic rollback on; nil means true.
	Enabled *bool `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	// Triggers start the rollback; the first one to fire wins.
	Triggers []TriggerSpec `yaml:"triggers,omitempty" json:"triggers,omitempty"`
	// Plan is the list of actions run when a trigger fires. When empty, the
	// plan redeploys the previous version of every service the timeline
	// deployed, in reverse order.
	Plan []ActionSpec `yaml:"plan,omitempty" json:"plan,omitempty"`
}

// IsEnabled reports whether automatic rollback is on.
func (s Spec) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Metric names a figure of a live load window.
type Metric string

// Metrics a threshold trigger can watch.
const (
	ErrorRate  Metric = "error_rate" // failed+indeterminate over all, a fraction
	P50        Metric = "p50"
	P90        Metric = "p90"
	P99        Metric = "p99"
	Throughput Metric = "throughput" // completed requests per second
)

// IsLatency reports whether the metric is a latency quantile.
func (m Metric) IsLatency() bool { return m == P50 || m == P90 || m == P99 }

// TriggerSpec fires when Metric stays above (or below) a threshold for For.
// Exactly one of Above and Below is set.
type TriggerSpec struct {
	Name   string     `yaml:"name,omitempty" json:"name,omitempty"`
	Metric Metric     `yaml:"metric" json:"metric"`
	Above  *Threshold `yaml:"above,omitempty" json:"above,omitempty"`
	Below  *Threshold `yaml:"below,omitempty" json:"below,omitempty"`
	// For is how long the condition must hold; it is counted in whole 1 s
	// windows and defaults to one window.
	For time.Duration `yaml:"for,omitempty" json:"for,omitempty"`
}

// Threshold is a trigger's limit as written in the scenario: "5%" or 0.05
// for a fraction, "250ms" for a latency, a plain number for a throughput.
type Threshold struct {
	// Value is the limit in the metric's unit: a fraction, seconds, or
	// requests per second.
	Value float64
	// Unit is "fraction", "duration" or "number", from how it was written.
	Unit string
	text string
}

// String returns the threshold as it was written.
func (t Threshold) String() string { return t.text }

// MarshalText implements encoding.TextMarshaler.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.text), nil }

// UnmarshalText reads "5%", "0.05", "250ms" or "80".
func (t *Threshold) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasSuffix(s, "%") {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || !finite(v) || v < 0 || v > 100 {
			return fmt.Errorf("threshold %q: want a percentage between 0%% and 100%%", s)
		}
		*t = Threshold{Value: v / 100, Unit: "fraction", text: s}
		return nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if !finite(v) || v < 0 {
			return fmt.Errorf("threshold %q: want a positive number", s)
		}
		unit := "number"
		if v <= 1 && strings.Contains(s, ".") {
			unit = "fraction"
		}
		*t = Threshold{Value: v, Unit: unit, text: s}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("threshold %q: want a percentage (5%%), a duration (250ms) or a number", s)
	}
	*t = Threshold{Value: d.Seconds(), Unit: "duration", text: s}
	return nil
}

// ActionKind names a rollback action.
type ActionKind string

// Rollback actions.
const (
	// RedeployPrevious stops the service and starts the version it ran
	// before the last deploy, on the same data directory.
	RedeployPrevious ActionKind = "redeploy-previous"
)

// ActionSpec is one step of a rollback plan.
type ActionSpec struct {
	Action  ActionKind `yaml:"action" json:"action"`
	Service string     `yaml:"service" json:"service"`
	// Timeout bounds the action; 0 uses the service's start timeout.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ParseThreshold reads a threshold as UnmarshalText does.
func ParseThreshold(s string) (Threshold, error) {
	var t Threshold
	err := t.UnmarshalText([]byte(s))
	return t, err
}

// Package deploy names the strategies by which a service switches from one
// version to another, and the parameters of each: recreate (stop, then
// start), rolling (a batch of replicas at a time), blue-green (the new set
// beside the old, then one switch of the traffic front) and canary
// (traffic weights shifted in steps). It holds the scenario types only;
// the drill engine carries the strategies out.
package deploy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Strategy is how a service switches versions.
type Strategy string

// Strategies.
const (
	// Recreate stops every instance, then starts the new version (the
	// default; the service is down in between).
	Recreate Strategy = "recreate"
	// Rolling replaces the replicas a batch at a time, each new one
	// healthy before the next old one stops.
	Rolling Strategy = "rolling"
	// BlueGreen starts the new set beside the old, switches the front to
	// it at once and stops the old set.
	BlueGreen Strategy = "blue-green"
	// Canary starts the new set beside the old and shifts the front's
	// traffic to it by weight, step by step.
	Canary Strategy = "canary"
)

// Strategies lists the known strategies.
func Strategies() []string {
	return []string{string(Recreate), string(Rolling), string(BlueGreen), string(Canary)}
}

// OrRecreate returns s, or Recreate when s is empty.
func (s Strategy) OrRecreate() Strategy {
	if s == "" {
		return Recreate
	}
	return s
}

// NeedsFront reports whether the strategy shifts traffic between
// instances, which needs a front before the service.
func (s Strategy) NeedsFront() bool { return s != "" && s != Recreate }

// Spec is the strategy of one deploy or rollback, with its parameters.
type Spec struct {
	// Strategy is recreate (default), rolling, blue-green or canary.
	Strategy Strategy `yaml:"strategy,omitempty" json:"strategy,omitempty"`
	// MaxUnavailable is how many replicas a rolling deploy may stop before
	// their replacements are healthy (default 0; 1 when maxSurge is 0).
	MaxUnavailable *int `yaml:"maxUnavailable,omitempty" json:"maxUnavailable,omitempty"`
	// MaxSurge is how many replicas above the service's count a rolling
	// deploy may start at once (default 1).
	MaxSurge *int `yaml:"maxSurge,omitempty" json:"maxSurge,omitempty"`
	// Steps are the traffic weights of a canary, in order: each sends
	// weight of the service's requests to the new version, then pauses.
	// After the last step the new version takes all the traffic and the
	// old instances stop.
	Steps []CanaryStep `yaml:"steps,omitempty" json:"steps,omitempty"`
}

// Batch returns the rolling batch sizes of spec for replicas replicas: how
// many may be down, and how many extra may run, at once.
func (s Spec) Batch(replicas int) (unavailable, surge int) {
	surge = 1
	if s.MaxSurge != nil {
		surge = *s.MaxSurge
	}
	if s.MaxUnavailable != nil {
		unavailable = *s.MaxUnavailable
	} else if surge == 0 {
		unavailable = 1
	}
	return min(unavailable, replicas), min(surge, replicas)
}

// CanaryStep is one step of a canary.
type CanaryStep struct {
	// Weight is the share of requests the new version takes, such as 10%.
	Weight Weight `yaml:"weight" json:"weight"`
	// Pause is how long the weight holds before the next step.
	Pause time.Duration `yaml:"pause,omitempty" json:"pause,omitempty"`
}

// Weight is a share of traffic, written as a percentage such as "10%".
type Weight struct {
	// Percent is the share in percent, 0 to 100.
	Percent float64
	text    string
}

// Pct returns the weight of p percent.
func Pct(p float64) Weight {
	return Weight{Percent: p, text: strconv.FormatFloat(p, 'g', -1, 64) + "%"}
}

// String returns the weight as written.
func (w Weight) String() string { return w.text }

// MarshalText implements encoding.TextMarshaler.
func (w Weight) MarshalText() ([]byte, error) { return []byte(w.text), nil }

// UnmarshalText reads "10%" or "12.5%".
func (w *Weight) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	num, ok := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if !ok || err != nil || v < 0 || v > 100 || v != v {
		return fmt.Errorf("weight %q: want a percentage between 0%% and 100%%, such as 10%%", s)
	}
	*w = Weight{Percent: v, text: s}
	return nil
}

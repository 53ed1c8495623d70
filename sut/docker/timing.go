package docker

import (
	"fmt"
	"strings"
	"time"
)

// Operations a Timing measures.
const (
	// OpStart is Start: from the call until the container answers its
	// health path.
	OpStart = "start"
	// OpStop is Stop: from the call until the container is removed.
	OpStop = "stop"
)

// Phases of a start and of a stop, in the order they run.
const (
	// PhasePrepare: image lookup, command expansion, data volume and host
	// port checks.
	PhasePrepare = "prepare"
	// PhaseCreate: the engine creates the container (network attach and
	// port bindings included).
	PhaseCreate = "create"
	// PhaseRun: the engine starts the container's process.
	PhaseRun = "run"
	// PhaseHealth: from the process start until the health path answers.
	PhaseHealth = "health"
	// PhaseSettle: pid and host port looked up, exit watcher registered.
	PhaseSettle = "settle"
	// PhaseTerm: from SIGTERM until the container's process exited.
	PhaseTerm = "sigterm-exit"
	// PhaseLogs: the container's output saved to its log file.
	PhaseLogs = "logs"
	// PhaseRemove: the container removed.
	PhaseRemove = "remove"
)

// Phase is how long one phase of a start or stop took.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Timing is how long one start or stop of a service's container took,
// phase by phase: where the seconds of a version switch go.
type Timing struct {
	Service, Version string
	// Op is OpStart or OpStop.
	Op     string
	Phases []Phase
}

// Total is the sum of the phases.
func (t Timing) Total() time.Duration {
	var d time.Duration
	for _, p := range t.Phases {
		d += p.Duration
	}
	return d
}

// Phase returns the duration of the named phase (0 when it did not run).
func (t Timing) Phase(name string) time.Duration {
	for _, p := range t.Phases {
		if p.Name == name {
			return p.Duration
		}
	}
	return 0
}

// String is "stop api v1 in 412ms (sigterm-exit 300ms, logs 12ms, …)".
func (t Timing) String() string {
	parts := make([]string, len(t.Phases))
	for i, p := range t.Phases {
		parts[i] = fmt.Sprintf("%s %s", p.Name, p.Duration.Round(time.Millisecond))
	}
	return fmt.Sprintf("%s %s %s in %s (%s)", t.Op, t.Service, t.Version,
		t.Total().Round(time.Millisecond), strings.Join(parts, ", "))
}

// stopwatch times the phases of one operation. It is used by one
// goroutine at a time (hooks of a start run on the caller's goroutine).
type stopwatch struct {
	t    Timing
	last time.Time
}

func newStopwatch(op, service, version string) *stopwatch {
	return &stopwatch{t: Timing{Service: service, Version: version, Op: op}, last: time.Now()}
}

// lap ends the named phase now and starts the next one.
func (s *stopwatch) lap(name string) {
	now := time.Now()
	s.t.Phases = append(s.t.Phases, Phase{Name: name, Duration: now.Sub(s.last)})
	s.last = now
}

// report hands the timing to the runtime's OnTiming, if any.
func (r *Runtime) report(s *stopwatch) {
	if r.onTiming != nil {
		r.onTiming(s.t)
	}
}

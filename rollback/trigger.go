package rollback

import (
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// Firing records a trigger that fired: when its condition was first
// breached, when it had held long enough, and the value that made it fire.
type Firing struct {
	Trigger string `json:"trigger"`
	// FirstBreach is the start of the first window of the breaching streak.
	FirstBreach time.Duration `json:"firstBreach"`
	// At is the end of the window that completed the streak.
	At time.Duration `json:"at"`
	// Value is the metric's value in that window, in the metric's unit.
	Value float64 `json:"value"`
	// Windows is how many consecutive windows breached.
	Windows int `json:"windows"`
}

// Watcher evaluates threshold triggers over live 1 s load windows.
// It is not safe for concurrent use: feed it from the goroutine that
// receives the windows.
type Watcher struct {
	triggers []*threshold
}

type threshold struct {
	spec   TriggerSpec
	need   int
	streak int
	first  time.Duration
}

// NewWatcher returns a watcher over the given triggers.
func NewWatcher(specs []TriggerSpec) *Watcher {
	w := &Watcher{}
	for _, s := range specs {
		need := int((s.For + time.Second - 1) / time.Second)
		if need < 1 {
			need = 1
		}
		w.triggers = append(w.triggers, &threshold{spec: s, need: need})
	}
	return w
}

// Observe feeds one window to every trigger and returns the first one that
// fires. A window with no completed request neither breaches nor resets a
// streak, except for a throughput trigger, for which it is a zero.
func (w *Watcher) Observe(win load.Window) (Firing, bool) {
	for _, t := range w.triggers {
		value, ok := MetricValue(t.spec.Metric, win)
		if !ok {
			continue
		}
		if !Breaches(t.spec, value) {
			t.streak = 0
			continue
		}
		if t.streak == 0 {
			t.first = win.Start
		}
		t.streak++
		if t.streak >= t.need {
			return Firing{
				Trigger:     TriggerName(t.spec),
				FirstBreach: t.first,
				At:          win.Start + time.Second,
				Value:       value,
				Windows:     t.streak,
			}, true
		}
	}
	return Firing{}, false
}

// Breaches reports whether value is past the trigger's threshold.
func Breaches(s TriggerSpec, value float64) bool {
	if s.Above != nil {
		return value > s.Above.Value
	}
	if s.Below != nil {
		return value < s.Below.Value
	}
	return false
}

// MetricValue returns a window's figure for the metric, in the unit of its
// thresholds: a fraction, seconds, or requests per second. ok is false when
// the window has no data for the metric.
func MetricValue(m Metric, win load.Window) (value float64, ok bool) {
	if m == Throughput {
		return float64(win.Count), true
	}
	if win.Count == 0 {
		return 0, false
	}
	switch m {
	case ErrorRate:
		return win.ErrorRate, true
	case P50:
		return win.P50.Seconds(), true
	case P90:
		return win.P90.Seconds(), true
	case P99:
		return win.P99.Seconds(), true
	}
	return 0, false
}

// TriggerName returns the trigger's name, or one derived from its
// condition, such as "error_rate above 5%".
func TriggerName(s TriggerSpec) string {
	if s.Name != "" {
		return s.Name
	}
	switch {
	case s.Above != nil:
		return fmt.Sprintf("%s above %s", s.Metric, s.Above)
	case s.Below != nil:
		return fmt.Sprintf("%s below %s", s.Metric, s.Below)
	}
	return string(s.Metric)
}

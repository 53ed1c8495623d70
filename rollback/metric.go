package rollback

import (
	"fmt"
	"strings"

	"github.com/faultdrill/faultdrill/load"
)

// Breaches reports whether value is past the trigger's absolute
// threshold. A baseline-relative threshold never breaches here: the
// Watcher resolves it against its baseline.
func Breaches(s TriggerSpec, value float64) bool {
	limit, ok := limitOf(s, nil)
	return ok && beyond(s, value, limit)
}

// limitOf returns the trigger's threshold in the metric's unit: the
// value as written, or factor × the metric's baseline value. ok is false
// when there is no threshold, or it is relative and the baseline is
// missing or has no value for the metric.
func limitOf(s TriggerSpec, baseline *load.Window) (float64, bool) {
	t := s.Above
	if t == nil {
		t = s.Below
	}
	switch {
	case t == nil:
		return 0, false
	case !t.Relative():
		return t.Value, true
	case baseline == nil:
		return 0, false
	}
	base, ok := MetricValue(s.Metric, *baseline)
	if !ok {
		return 0, false
	}
	return t.Value * base, true
}

// beyond compares strictly: above breaches past the limit, below under it.
func beyond(s TriggerSpec, value, limit float64) bool {
	if s.Above != nil {
		return value > limit
	}
	return s.Below != nil && value < limit
}

// MetricValue returns a window's figure for the metric, in the unit of its
// thresholds: a fraction, seconds, or requests per second. ok is false
// when the window has no data for the metric.
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
	case Status5xx:
		return float64(win.Classes["5xx"]) / float64(win.Count), true
	case Status4xx:
		return float64(win.Classes["4xx"]) / float64(win.Count), true
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
// condition, such as "error_rate above 5%", "any(p99 above 3x, status_5xx
// above 1%)", "probe /healthz" or "at 30s".
func TriggerName(s TriggerSpec) string {
	if s.Name != "" {
		return s.Name
	}
	switch s.Kind() {
	case KindAt:
		return "at " + s.At.String()
	case KindProbe:
		return ProbeName(*s.Probe)
	case KindComposite:
		op, children := "any", s.Any
		if len(s.All) > 0 {
			op, children = "all", s.All
		}
		names := make([]string, len(children))
		for i, c := range children {
			names[i] = TriggerName(c)
		}
		return op + "(" + strings.Join(names, ", ") + ")"
	}
	switch {
	case s.Above != nil:
		return fmt.Sprintf("%s above %s", s.Metric, s.Above)
	case s.Below != nil:
		return fmt.Sprintf("%s below %s", s.Metric, s.Below)
	}
	return string(s.Metric)
}

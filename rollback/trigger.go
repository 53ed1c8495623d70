package rollback

import (
	"fmt"
	"strconv"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// Firing records a trigger that fired: when its condition was first
// breached, when it had held long enough, and the value that made it fire.
type Firing struct {
	Trigger string `json:"trigger"`
	// FirstBreach is the start of the first window of the breaching streak
	// (for All, of the child that breached last; for a probe, the first
	// failed check).
	FirstBreach time.Duration `json:"firstBreach"`
	// At is the end of the window that completed the streak, or the time
	// a probe or planned trigger fired.
	At time.Duration `json:"at"`
	// Value is the metric's value in that window, in the metric's unit (a
	// probe: the HTTP status, 0 when no response).
	Value float64 `json:"value"`
	// Limit is the threshold the value was compared with, in the same
	// unit; for a baseline-relative threshold, factor × baseline.
	Limit float64 `json:"limit,omitempty"`
	// Windows is how many consecutive windows breached (a probe: failed
	// checks in a row).
	Windows int `json:"windows"`
	// Detail says what was seen, in words.
	Detail string `json:"detail,omitempty"`
	// Causes are the children of a composite trigger that held.
	Causes []Firing `json:"causes,omitempty"`
}

// Watcher evaluates threshold and composite triggers over live 1 s load
// windows; it ignores probe and planned triggers. A baseline-relative
// threshold is not evaluated (it neither breaches nor resets) until the
// watcher has a baseline. It is not safe for concurrent use: feed it from
// the goroutine that receives the windows.
type Watcher struct {
	conds    []*cond
	baseline *load.Window
	canary   string
}

// SetCanary names the version of the canary in progress, whose traffic
// the thresholds scoped to the canary watch; "" when none runs (they then
// neither breach nor reset).
func (w *Watcher) SetCanary(version string) { w.canary = version }

// cond is the running state of one trigger or composite child.
type cond struct {
	spec     TriggerSpec
	need     int
	streak   int
	first    time.Duration
	value    float64
	limit    float64
	last     time.Duration // start of the last window observed
	children []*cond
}

// NewWatcher returns a watcher over the window triggers among specs.
// baseline may be nil and given later with SetBaseline.
func NewWatcher(specs []TriggerSpec, baseline *load.Window) *Watcher {
	w := &Watcher{}
	w.SetBaseline(baseline)
	for _, s := range specs {
		if k := s.Kind(); k == KindThreshold || k == KindComposite {
			w.conds = append(w.conds, newCond(s))
		}
	}
	return w
}

func newCond(s TriggerSpec) *cond {
	need := int((s.For + time.Second - 1) / time.Second)
	c := &cond{spec: s, need: max(need, 1)}
	children := s.Any
	if len(children) == 0 {
		children = s.All
	}
	for _, child := range children {
		c.children = append(c.children, newCond(child))
	}
	return c
}

// SetBaseline sets (or, with nil, clears) the window that relative
// thresholds are multiples of: one that reads like a 1 s window, such as
// load.Baseline makes of the windows before the first fault.
func (w *Watcher) SetBaseline(baseline *load.Window) {
	if baseline == nil {
		w.baseline = nil
		return
	}
	b := *baseline
	w.baseline = &b
}

// Observe feeds one window to every trigger and returns the first one, in
// spec order, that holds. A window with no completed request neither
// breaches nor resets a streak, except for a throughput trigger, for which
// it is a zero. A partial window (the load stopped within it) is ignored:
// it never counts towards a trigger's duration.
func (w *Watcher) Observe(win load.Window) (Firing, bool) {
	if win.Partial {
		return Firing{}, false
	}
	for _, c := range w.conds {
		c.observe(win, w.baseline, w.canary)
	}
	for _, c := range w.conds {
		if f, ok := c.firing(); ok {
			f.At = win.Start + load.WindowSize
			return f, true
		}
	}
	return Firing{}, false
}

// observe updates the streaks of c and its children with one window.
func (c *cond) observe(win load.Window, baseline *load.Window, canary string) {
	c.last = win.Start
	if len(c.children) > 0 {
		for _, child := range c.children {
			child.observe(win, baseline, canary)
		}
		return
	}
	if c.spec.Scope == ScopeCanary {
		if canary == "" {
			return
		}
		win = win.Version(canary)
	}
	value, ok := MetricValue(c.spec.Metric, win)
	if !ok {
		return
	}
	limit, ok := limitOf(c.spec, baseline)
	if !ok {
		return
	}
	if !beyond(c.spec, value, limit) {
		c.streak = 0
		return
	}
	if c.streak == 0 {
		c.first = win.Start
	}
	c.streak++
	c.value, c.limit = value, limit
}

// firing returns the firing of c when it holds now.
func (c *cond) firing() (Firing, bool) {
	switch {
	case len(c.spec.Any) > 0:
		for _, child := range c.children {
			if f, ok := child.firing(); ok {
				return c.composite([]Firing{f}), true
			}
		}
		return Firing{}, false
	case len(c.spec.All) > 0:
		causes := make([]Firing, 0, len(c.children))
		for _, child := range c.children {
			f, ok := child.firing()
			if !ok {
				return Firing{}, false
			}
			causes = append(causes, f)
		}
		return c.composite(causes), true
	case c.streak >= c.need:
		return Firing{
			Trigger: TriggerName(c.spec), FirstBreach: c.first, At: c.last + load.WindowSize,
			Value: c.value, Limit: c.limit, Windows: c.streak, Detail: c.detail(),
		}, true
	}
	return Firing{}, false
}

// composite returns the firing of a composite whose causes hold: its
// breach began when the last of them began, and it carries the first
// cause's value.
func (c *cond) composite(causes []Firing) Firing {
	f := causes[0]
	f.Trigger = TriggerName(c.spec)
	f.Causes = causes
	for _, cause := range causes[1:] {
		f.FirstBreach = max(f.FirstBreach, cause.FirstBreach)
		f.Windows = min(f.Windows, cause.Windows)
	}
	return f
}

// detail says in words what a firing threshold saw, such as "p99 900ms
// above 300ms (3x the baseline) for 2 window(s)".
func (c *cond) detail() string {
	dir, t := "above", c.spec.Above
	if t == nil {
		dir, t = "below", c.spec.Below
	}
	limit := formatValue(c.spec.Metric, c.limit)
	if t.Relative() {
		limit += " (" + t.String() + " the baseline)"
	}
	return fmt.Sprintf("%s %s %s %s for %d window(s)", c.spec.Metric, formatValue(c.spec.Metric, c.value), dir, limit, c.streak)
}

// formatValue writes a metric's value in its unit.
func formatValue(m Metric, v float64) string {
	switch {
	case m.IsLatency():
		return time.Duration(v * float64(time.Second)).Round(time.Microsecond).String()
	case m.IsRatio():
		return strconv.FormatFloat(v*100, 'g', 4, 64) + "%"
	case m == Throughput:
		return strconv.FormatFloat(v, 'g', 6, 64) + "/s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

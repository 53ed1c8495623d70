package verify

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// sloMetric is one quantity an SLO can limit.
type sloMetric struct {
	name    string
	latency bool
	get     func(w *load.Window) float64
}

// sloMetrics are the limitable quantities, in report order.
var sloMetrics = [...]sloMetric{
	{name: "errorRate", get: func(w *load.Window) float64 { return w.ErrorRate }},
	{name: "p50", latency: true, get: func(w *load.Window) float64 { return float64(w.P50) }},
	{name: "p90", latency: true, get: func(w *load.Window) float64 { return float64(w.P90) }},
	{name: "p99", latency: true, get: func(w *load.Window) float64 { return float64(w.P99) }},
}

// raw returns the spec's text for metric name.
func (s SLOSpec) raw(name string) string {
	switch name {
	case "errorRate":
		return s.ErrorRate
	case "p50":
		return s.P50
	case "p90":
		return s.P90
	case "p99":
		return s.P99
	}
	return ""
}

// format writes a value of metric m for a person.
func (m sloMetric) format(v float64) string {
	if m.latency {
		return formatLatency(v)
	}
	return formatRate(v)
}

// sloLimits are the parsed limits of a spec, by metric index; a missing
// limit is absent from the map.
type sloLimits struct {
	byMetric   map[int]limit
	compliance float64
}

func (l sloLimits) relative() bool {
	for _, lim := range l.byMetric {
		if lim.factor > 0 {
			return true
		}
	}
	return false
}

// Validate reports every unreadable limit of s, each wrapping
// ErrInvalidSpec; it returns nil for a spec SLO accepts.
func (s SLOSpec) Validate() error {
	_, err := s.limits()
	return err
}

func (s SLOSpec) limits() (sloLimits, error) {
	out := sloLimits{byMetric: map[int]limit{}, compliance: 1}
	var errs []error
	for i, m := range sloMetrics {
		raw := s.raw(m.name)
		if raw == "" {
			continue
		}
		parse := parseRateLimit
		if m.latency {
			parse = parseLatencyLimit
		}
		lim, err := parse(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("verify: slo.%s: %w: %w", m.name, ErrInvalidSpec, err))
			continue
		}
		out.byMetric[i] = lim
	}
	if s.Compliance != "" {
		c, err := parseShare(s.Compliance)
		if err != nil {
			errs = append(errs, fmt.Errorf("verify: slo.compliance: %w: %w", ErrInvalidSpec, err))
		}
		out.compliance = c
	}
	if s.Window < 0 {
		errs = append(errs, fmt.Errorf("verify: slo.window: %w: %s is negative", ErrInvalidSpec, s.Window))
	}
	return out, errors.Join(errs...)
}

// SLOViolation is one limit one window missed.
type SLOViolation struct {
	// Start is the start of the 1 s window, on the drill's clock.
	Start  time.Duration `json:"start"`
	Metric string        `json:"metric"`
	Value  string        `json:"value"`
	Limit  string        `json:"limit"`
}

// SLO checks the 1 s windows that start in [from, to) — the time after the
// rollback, cut to spec.Window when it is set — against the spec's limits.
// Relative limits ("2x") multiply the baseline window's value. Windows in
// which no request completed are counted apart and not judged. The verdict
// is Success when at least spec.Compliance of the judged windows meet
// every limit, Failure otherwise, and Unknown when the spec cannot be read,
// no window could be judged, or a relative limit has no baseline.
func SLO(windows []load.Window, from, to time.Duration, spec SLOSpec, baseline *load.Window) Result {
	res := Result{Name: NameSLO}
	lims, err := spec.limits()
	if err != nil {
		res.Verdict, res.Summary = Unknown, err.Error()
		return res
	}
	if len(lims.byMetric) == 0 {
		res.Verdict, res.Summary = Skipped, "no SLO limit is set"
		return res
	}
	if spec.Window > 0 && from+spec.Window < to {
		to = from + spec.Window
	}
	if lims.relative() && (baseline == nil || baseline.Count == 0) {
		res.Verdict, res.Summary = Unknown, "relative SLO limits need a baseline, and none was captured before the fault"
		return res
	}

	// effective limits, by metric index
	effective := map[int]float64{}
	limitText := map[string]string{}
	for i, lim := range lims.byMetric {
		m := sloMetrics[i]
		var base float64
		if baseline != nil {
			base = m.get(baseline)
		}
		effective[i] = lim.of(base)
		limitText[m.name] = m.format(effective[i])
		if lim.factor > 0 {
			limitText[m.name] = fmt.Sprintf("%s (%s × baseline %s)", m.format(effective[i]), spec.raw(m.name), m.format(base))
		}
	}

	var judged, compliant, empty int
	worst := make([]float64, len(sloMetrics))
	var violations []SLOViolation
	for i := range windows {
		w := &windows[i]
		if w.Start < from || w.Start >= to {
			continue
		}
		if w.Count == 0 {
			empty++
			continue
		}
		judged++
		ok := true
		for k, m := range sloMetrics {
			v := m.get(w)
			worst[k] = max(worst[k], v)
			lim, set := effective[k]
			if !set || v <= lim {
				continue
			}
			ok = false
			if len(violations) < maxListed {
				violations = append(violations, SLOViolation{Start: w.Start, Metric: m.name, Value: m.format(v), Limit: m.format(lim)})
			}
		}
		if ok {
			compliant++
		}
	}

	worstText := map[string]string{}
	for k, m := range sloMetrics {
		worstText[m.name] = m.format(worst[k])
	}
	res.Evidence = map[string]any{
		"from":      from.String(),
		"to":        to.String(),
		"windows":   judged,
		"compliant": compliant,
		"empty":     empty,
		"limits":    limitText,
		"worst":     worstText,
	}
	if lims.compliance < 1 {
		res.Evidence["compliance"] = formatRate(lims.compliance)
	}
	if len(violations) > 0 {
		res.Evidence["violations"] = violations
	}
	if baseline != nil && lims.relative() {
		res.Evidence["baseline"] = map[string]string{
			"errorRate": formatRate(baseline.ErrorRate), "p50": formatLatency(float64(baseline.P50)),
			"p90": formatLatency(float64(baseline.P90)), "p99": formatLatency(float64(baseline.P99)),
		}
	}

	limited := limitedSummary(lims, limitText)
	switch {
	case judged == 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("no request completed between %s and %s, so the SLO (%s) could not be judged", from, to, limited)
	case float64(compliant) >= lims.compliance*float64(judged):
		res.Verdict = Success
		res.Summary = fmt.Sprintf("%d of %d windows between %s and %s met the SLO (%s)", compliant, judged, from, to, limited)
	default:
		res.Verdict = Failure
		res.Summary = fmt.Sprintf("%d of %d windows between %s and %s missed the SLO (%s); worst %s",
			judged-compliant, judged, from, to, limited, worstOfViolated(violations, worstText))
	}
	return res
}

// limitedSummary lists the limits in metric order: "errorRate ≤ 1%, p99 ≤ 250ms".
func limitedSummary(lims sloLimits, text map[string]string) string {
	var parts []string
	for i, m := range sloMetrics {
		if _, ok := lims.byMetric[i]; ok {
			parts = append(parts, m.name+" ≤ "+strings.SplitN(text[m.name], " ", 2)[0])
		}
	}
	return strings.Join(parts, ", ")
}

// worstOfViolated names the worst value of each violated metric.
func worstOfViolated(violations []SLOViolation, worst map[string]string) string {
	var parts []string
	seen := map[string]bool{}
	for _, m := range sloMetrics {
		for _, v := range violations {
			if v.Metric == m.name && !seen[m.name] {
				seen[m.name] = true
				parts = append(parts, m.name+" "+worst[m.name])
			}
		}
	}
	return strings.Join(parts, ", ")
}

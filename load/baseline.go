package load

import (
	"math"
	"time"
)

// MeaningfulShortfall is how far below the configured rate the load may
// run before the first fault and still make a meaningful drill: 10%.
const MeaningfulShortfall = 0.10

// Baseline returns the typical second of load before the first fault: the
// aggregate of the windows that end at or before before, skipping the
// first window (the warm-up, in which the load started). windows are a
// run's windows in order, as History.Windows or OnWindow give them; pass
// the load's end as before when the drill injects no fault. It returns
// false when no such window exists.
//
// The result reads like one 1 s window, so that it compares with live
// windows: Start is the first aggregated window's start; the counts
// (Count, Acknowledged, Failed, Indeterminate and Classes) are per-second
// means, rounded; ErrorRate is over all the aggregated ops; P50, P90 and
// P99 are the windows' percentiles averaged with their counts as weights
// (windows keep no raw latencies to merge).
func Baseline(windows []Window, before time.Duration) (Window, bool) {
	sel := baselineWindows(windows, before)
	if len(sel) == 0 {
		return Window{}, false
	}
	var total Window
	var p50, p90, p99 float64
	for _, w := range sel {
		total.Count += w.Count
		total.Acknowledged += w.Acknowledged
		total.Failed += w.Failed
		total.Indeterminate += w.Indeterminate
		for class, n := range w.Classes {
			if total.Classes == nil {
				total.Classes = make(map[string]int)
			}
			total.Classes[class] += n
		}
		c := float64(w.Count)
		p50, p90, p99 = p50+c*float64(w.P50), p90+c*float64(w.P90), p99+c*float64(w.P99)
	}
	n := float64(len(sel))
	perSecond := func(v int) int { return int(math.Round(float64(v) / n)) }
	b := Window{
		Start:         sel[0].Start,
		Count:         perSecond(total.Count),
		Acknowledged:  perSecond(total.Acknowledged),
		Failed:        perSecond(total.Failed),
		Indeterminate: perSecond(total.Indeterminate),
	}
	for class, v := range total.Classes {
		if b.Classes == nil {
			b.Classes = make(map[string]int, len(total.Classes))
		}
		b.Classes[class] = perSecond(v)
	}
	if total.Count > 0 {
		c := float64(total.Count)
		b.ErrorRate = float64(total.Failed+total.Indeterminate) / c
		b.P50 = time.Duration(math.Round(p50 / c))
		b.P90 = time.Duration(math.Round(p90 / c))
		b.P99 = time.Duration(math.Round(p99 / c))
	}
	return b, true
}

// Meaningful reports whether the load reached its configured rate before
// the first fault, at before: ok is false when the rate achieved over the
// baseline windows (those Baseline aggregates) is more than
// MeaningfulShortfall below the rate wanted, since then the load
// generator, not the system under test, was the bottleneck. Both rates are
// in requests per second, over all of spec's streams.
//
// wanted is the configured rate averaged over the baseline windows; for a
// ramping stream the ramp is taken to start with the first window, which
// places it within a second of the load's real start. With no baseline
// window there is no evidence: ok is false, achieved is 0 and wanted is
// the sum of the streams' starting rates.
func Meaningful(spec Spec, windows []Window, before time.Duration) (ok bool, achieved, wanted float64) {
	sel := baselineWindows(windows, before)
	if len(sel) == 0 {
		for _, st := range spec.Streams {
			wanted += st.Rate.PerSecond()
		}
		return false, 0, wanted
	}
	pacers := make([]rampPacer, len(spec.Streams))
	for i, st := range spec.Streams {
		pacers[i] = newRampPacer(st, spec.Duration)
	}
	count := 0
	for _, w := range sel {
		count += w.Count
		mid := w.Start + WindowSize/2 - windows[0].Start
		for _, p := range pacers {
			wanted += p.Rate(mid)
		}
	}
	n := float64(len(sel))
	achieved, wanted = float64(count)/n, wanted/n
	return achieved >= wanted*(1-MeaningfulShortfall), achieved, wanted
}

// baselineWindows returns the windows after the first that end at or
// before before, up to the first partial one (the load stopped within
// it: it holds less than a second of load).
func baselineWindows(windows []Window, before time.Duration) []Window {
	if len(windows) < 2 {
		return nil
	}
	rest := windows[1:]
	n := 0
	for n < len(rest) && rest[n].Start+WindowSize <= before && !rest[n].Partial {
		n++
	}
	return rest[:n]
}

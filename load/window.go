package load

import (
	"slices"
	"time"
)

// WindowSize is the length of one aggregation window.
const WindowSize = time.Second

// Aggregate returns the statistics of the ops that completed in [from, to):
// counts per outcome and per status class, the error rate, and exact p50,
// p90 and p99 latencies (nearest rank over End-Start). The window's Start
// is from. ops is not modified.
func Aggregate(ops []Op, from, to time.Duration) Window {
	var acc accumulator
	for i := range ops {
		if ops[i].End >= from && ops[i].End < to {
			acc.add(&ops[i])
		}
	}
	return acc.window(from)
}

// Windows returns the 1 s windows [0,1s), [1s,2s), … whose start is before
// until; it returns nil when until is not positive.
func Windows(ops []Op, until time.Duration) []Window {
	if until <= 0 {
		return nil
	}
	return windowsBetween(ops, 0, windowFloor(until-1)+WindowSize)
}

// windowsBetween returns the 1 s windows from first (a multiple of
// WindowSize) up to, not including, end, in one pass over ops.
func windowsBetween(ops []Op, first, end time.Duration) []Window {
	if end <= first {
		return nil
	}
	accs := make([]accumulator, (end-first)/WindowSize)
	for i := range ops {
		if k := windowFloor(ops[i].End-first) / WindowSize; k >= 0 && int64(k) < int64(len(accs)) {
			accs[k].add(&ops[i])
		}
	}
	out := make([]Window, len(accs))
	for k := range accs {
		out[k] = accs[k].window(first + time.Duration(k)*WindowSize)
	}
	return out
}

// markPartial marks the windows that end after stopped, when the load
// stopped sending, as partial, and returns them.
func markPartial(ws []Window, stopped time.Duration) []Window {
	for i := range ws {
		if ws[i].Start+WindowSize > stopped {
			ws[i].Partial = true
		}
	}
	return ws
}

// historyWindows returns the windows that span ops: from the window of the
// earliest start to the window of the latest end.
func historyWindows(ops []Op) []Window {
	if len(ops) == 0 {
		return nil
	}
	first, last := ops[0].Start, ops[0].End
	for i := range ops {
		first, last = min(first, ops[i].Start), max(last, ops[i].End)
	}
	return windowsBetween(ops, windowFloor(first), windowFloor(last)+WindowSize)
}

// windowFloor rounds d down to a multiple of WindowSize, towards minus
// infinity.
func windowFloor(d time.Duration) time.Duration {
	f := d / WindowSize * WindowSize
	if f > d {
		f -= WindowSize
	}
	return f
}

// accumulator gathers the ops of one window.
type accumulator struct {
	w         Window
	latencies []time.Duration
}

func (a *accumulator) add(op *Op) {
	a.w.Count++
	switch op.Outcome {
	case Acknowledged:
		a.w.Acknowledged++
	case Failed:
		a.w.Failed++
	case Indeterminate:
		a.w.Indeterminate++
	}
	if a.w.Classes == nil {
		a.w.Classes = make(map[string]int, 2)
	}
	a.w.Classes[statusClass(op.Code)]++
	if op.Version != "" {
		if a.w.Versions == nil {
			a.w.Versions = make(map[string]VersionCounts, 2)
		}
		vc := a.w.Versions[op.Version]
		vc.Count++
		if op.Outcome != Acknowledged {
			vc.Failed++
		}
		if op.Code/100 == 5 {
			vc.Status5xx++
		}
		a.w.Versions[op.Version] = vc
	}
	a.latencies = append(a.latencies, op.End-op.Start)
}

// window returns the finished window starting at start.
func (a *accumulator) window(start time.Duration) Window {
	w := a.w
	w.Start = start
	if w.Count == 0 {
		return w
	}
	w.ErrorRate = float64(w.Failed+w.Indeterminate) / float64(w.Count)
	slices.Sort(a.latencies)
	w.P50 = percentile(a.latencies, 50)
	w.P90 = percentile(a.latencies, 90)
	w.P99 = percentile(a.latencies, 99)
	return w
}

// percentile returns the nearest-rank p-th percentile of sorted, which
// must not be empty: the smallest value with at least p% of values at or
// below it.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// statusClass names the class of an HTTP status: "2xx" … "5xx", or
// "error" when there was no (valid) response.
func statusClass(code uint16) string {
	switch code / 100 {
	case 2:
		return "2xx"
	case 3:
		return "3xx"
	case 4:
		return "4xx"
	case 5:
		return "5xx"
	}
	return "error"
}

package history

import (
	"slices"
	"time"
)

// Stat is the median and 90th percentile of a duration over the runs
// that measured it.
type Stat struct {
	N      int
	Median time.Duration
	P90    time.Duration
}

func statOf(ds []time.Duration) Stat {
	if len(ds) == 0 {
		return Stat{}
	}
	return Stat{N: len(ds), Median: percentile(ds, 50), P90: percentile(ds, 90)}
}

// Figures are the figures of a group of runs (a scenario's, or a
// service's) over a window.
type Figures struct {
	// Group is the scenario or service name.
	Group string
	Runs  int
	// PerWeek is how many drills ran per week of the window: rehearsal
	// frequency.
	PerWeek  float64
	PassRate float64
	Rollback Stat
	// Detection is fault onset to trigger fired.
	Detection Stat
	RTO       Stat
	// MTTR is fault onset to recovered.
	MTTR Stat
	// Checked is how many runs had their data checked; Inconsistent how
	// many of those found it inconsistent.
	Checked, Inconsistent int
	// LostWrites is the sum of acknowledged writes lost.
	LostWrites int
}

// InconsistencyRate is the share of checked runs whose data was
// inconsistent; ok is false when no run was checked.
func (f Figures) InconsistencyRate() (rate float64, ok bool) {
	if f.Checked == 0 {
		return 0, false
	}
	return float64(f.Inconsistent) / float64(f.Checked), true
}

func figuresOf(group string, runs []Run, window time.Duration) Figures {
	f := Figures{Group: group, Runs: len(runs)}
	var rb, det, rto, mttr []time.Duration
	passed := 0
	for _, r := range runs {
		if r.Passed {
			passed++
		}
		for _, m := range []struct {
			d  *time.Duration
			to *[]time.Duration
		}{{r.Rollback, &rb}, {r.Detection, &det}, {r.RTO, &rto}, {r.MTTR, &mttr}} {
			if m.d != nil {
				*m.to = append(*m.to, *m.d)
			}
		}
		if r.Inconsistent != nil {
			f.Checked++
			if *r.Inconsistent {
				f.Inconsistent++
			}
		}
		if r.LostWrites != nil {
			f.LostWrites += *r.LostWrites
		}
	}
	if len(runs) > 0 {
		f.PassRate = float64(passed) / float64(len(runs))
	}
	if weeks := window.Hours() / (24 * 7); weeks > 0 {
		f.PerWeek = float64(len(runs)) / weeks
	}
	f.Rollback, f.Detection, f.RTO, f.MTTR = statOf(rb), statOf(det), statOf(rto), statOf(mttr)
	return f
}

// Trends are the figures of the runs of a window, per scenario and per
// service, and per bucket of time for the charts.
type Trends struct {
	Since, Until time.Time
	Runs         int
	ByScenario   []Figures
	ByService    []Figures
	// Bucket is the width of one point of the charts.
	Bucket time.Duration
	// Buckets are the starts of the chart points, oldest first.
	Buckets []time.Time
	// Series holds, per scenario, its figures in each bucket (a zero
	// Figures where it did not run).
	Series map[string][]Figures
}

// Compute computes the trends of runs (oldest first) over [since, until).
// A zero since starts at the oldest run; a zero until is now.
func Compute(runs []Run, since, until time.Time) Trends {
	if until.IsZero() {
		until = time.Now()
	}
	if since.IsZero() {
		since = until.AddDate(0, 0, -90)
		if len(runs) > 0 && runs[0].Started.Before(since) {
			since = runs[0].Started
		}
	}
	window := until.Sub(since)
	t := Trends{Since: since, Until: until, Runs: len(runs), Series: map[string][]Figures{}}
	byScenario, byService := map[string][]Run{}, map[string][]Run{}
	for _, r := range runs {
		byScenario[r.Scenario] = append(byScenario[r.Scenario], r)
		for _, s := range r.Services {
			byService[s] = append(byService[s], r)
		}
	}
	for _, name := range sortedNames(byScenario) {
		t.ByScenario = append(t.ByScenario, figuresOf(name, byScenario[name], window))
	}
	for _, name := range sortedNames(byService) {
		t.ByService = append(t.ByService, figuresOf(name, byService[name], window))
	}
	// About 30 points per chart, whole days at least.
	t.Bucket = max(24*time.Hour, (window / 30).Truncate(24*time.Hour))
	n := int((window + t.Bucket - 1) / t.Bucket)
	for i := range n {
		t.Buckets = append(t.Buckets, since.Add(time.Duration(i)*t.Bucket))
	}
	for name, rs := range byScenario {
		per := make([][]Run, n)
		for _, r := range rs {
			if i := int(r.Started.Sub(since) / t.Bucket); i >= 0 && i < n {
				per[i] = append(per[i], r)
			}
		}
		series := make([]Figures, n)
		for i := range per {
			series[i] = figuresOf(name, per[i], t.Bucket)
		}
		t.Series[name] = series
	}
	return t
}

func sortedNames(m map[string][]Run) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

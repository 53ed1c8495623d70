package history

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// DefaultFactor is how many times its trailing median a figure may grow
// before the run is flagged as a regression.
const DefaultFactor = 2.0

// DefaultTrailing is how many earlier runs of a scenario the trailing
// median is taken over.
const DefaultTrailing = 10

// MinTrailing is how many earlier measures a figure needs before a
// regression of it is flagged: fewer make no median worth comparing to.
const MinTrailing = 2

// Regression is a figure of a run that got worse than the earlier runs of
// its scenario.
type Regression struct {
	// Figure is "rto", "detection", "rollback" or "integrity".
	Figure string
	// Value and Median are the run's figure and the trailing median of
	// the earlier runs (durations only).
	Value, Median time.Duration
	// Runs is how many earlier measures the median was taken over.
	Runs int
	// Factor is the factor that was exceeded.
	Factor float64
	// PreviousGood is the newest earlier run that passed with clean data;
	// nil when there is none.
	PreviousGood *Run
}

// String says what regressed, against what, and which run was last good.
func (g Regression) String() string {
	var s string
	if g.Figure == "integrity" {
		s = "integrity turned from clean to violated"
	} else {
		s = fmt.Sprintf("%s %s is %.1f× the trailing median %s of the %d run(s) before (limit %g×)",
			figureNames[g.Figure], round(g.Value), float64(g.Value)/float64(g.Median), round(g.Median), g.Runs, g.Factor)
	}
	if g.PreviousGood != nil {
		return s + fmt.Sprintf("; previous good run %s (%s)", g.PreviousGood.ID, g.PreviousGood.Dir)
	}
	return s + "; no earlier run passed"
}

var figureNames = map[string]string{"rto": "RTO", "detection": "detection time", "rollback": "rollback duration"}

// Regressions compares cur with earlier runs of its scenario (prev, oldest
// first; only their last DefaultTrailing count): RTO, detection time and
// rollback duration worse than factor × their trailing median, and data
// that turned from clean to inconsistent since the previous run that
// checked it.
func Regressions(cur Run, prev []Run, factor float64) []Regression {
	if factor <= 1 {
		factor = DefaultFactor
	}
	if len(prev) > DefaultTrailing {
		prev = prev[len(prev)-DefaultTrailing:]
	}
	var good *Run
	for i := len(prev) - 1; i >= 0; i-- {
		if prev[i].Passed && (prev[i].Inconsistent == nil || !*prev[i].Inconsistent) {
			good = &prev[i]
			break
		}
	}
	var out []Regression
	for _, f := range []struct {
		name string
		get  func(Run) *time.Duration
	}{
		{"rto", func(r Run) *time.Duration { return r.RTO }},
		{"detection", func(r Run) *time.Duration { return r.Detection }},
		{"rollback", func(r Run) *time.Duration { return r.Rollback }},
	} {
		v := f.get(cur)
		if v == nil {
			continue
		}
		var earlier []time.Duration
		for _, r := range prev {
			if d := f.get(r); d != nil {
				earlier = append(earlier, *d)
			}
		}
		if len(earlier) < MinTrailing {
			continue
		}
		m := percentile(earlier, 50)
		if m > 0 && float64(*v) > factor*float64(m) {
			out = append(out, Regression{Figure: f.name, Value: *v, Median: m, Runs: len(earlier), Factor: factor, PreviousGood: good})
		}
	}
	if cur.Inconsistent != nil && *cur.Inconsistent {
		for i := len(prev) - 1; i >= 0; i-- {
			if inc := prev[i].Inconsistent; inc != nil {
				if !*inc {
					out = append(out, Regression{Figure: "integrity", Factor: factor, PreviousGood: good})
				}
				break
			}
		}
	}
	return out
}

// percentile returns the p-th percentile of ds by nearest rank.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// round shortens a duration for a sentence.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// RecordAndCompare records run and returns its regressions against the
// last DefaultTrailing runs of its scenario started before it.
func (s *Store) RecordAndCompare(ctx context.Context, run Run, factor float64) ([]Regression, error) {
	prev, err := s.List(ctx, Filter{Scenario: run.Scenario, Before: run.Started, Limit: DefaultTrailing})
	if err != nil {
		return nil, err
	}
	if _, err := s.Record(ctx, run); err != nil {
		return nil, err
	}
	return Regressions(run, prev, factor), nil
}

package drill

import (
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// measure derives recovery, RTO, detection time, rollback duration and lost
// writes from the report's phases, windows and verifiers.
func measure(rep *reports.Report, sc *scenarios.Scenario) {
	p := &rep.Phases
	m := &rep.Measures
	rep.MeasurePhases()
	if p.LoadEnd != nil {
		from := recoveryFrom(p)
		if at, ok := Recovered(rep.Windows, from, *p.LoadEnd, meetsSLO(sc.Objectives.SLO)); ok {
			p.Recovered = &at
			origin, name := rtoOrigin(p, sc.Objectives.RTOFrom)
			m.RTO, m.RTOFrom = ptr(max(0, at-origin)), name
		}
	}
	for _, v := range rep.Verifiers {
		// Lost writes are a measure only when durability read them all
		// back: otherwise they were not checked, which is not zero.
		if v.Name == verify.NameDurability && v.Decided() && !v.Coverage.Short() {
			if n, ok := v.Evidence["lost"].(int); ok {
				m.LostWrites = &n
			}
		}
	}
}

// recoveryFrom is the moment from which recovery is looked for: the end of
// the rollback, or the fault onset when no rollback completed, or the start
// of the load when nothing was disrupted.
func recoveryFrom(p *reports.Phases) time.Duration {
	switch {
	case p.RollbackEnd != nil:
		return *p.RollbackEnd
	case p.FaultOnset != nil:
		return *p.FaultOnset
	case p.LoadStart != nil:
		return *p.LoadStart
	}
	return 0
}

// rtoOrigin is where the RTO is counted from, and that phase's name: the
// rollback's start or the fault onset, as the scenario states, or the
// fault onset when no rollback started, or the load's start when nothing
// was disrupted.
func rtoOrigin(p *reports.Phases, from string) (time.Duration, string) {
	switch {
	case from != "fault-onset" && p.RollbackStart != nil:
		return *p.RollbackStart, "rollback-start"
	case p.FaultOnset != nil:
		return *p.FaultOnset, "fault-onset"
	case p.LoadStart != nil:
		return *p.LoadStart, "load-start"
	}
	return 0, "drill-start"
}

// Recovered returns when the system recovered: the start of the first
// complete 1 s window ending after from such that it and every later
// complete window before loadEnd meet the SLO (no earlier than from). A
// system that is still failing when the load ends never recovered.
func Recovered(windows []load.Window, from, loadEnd time.Duration, meets func(load.Window) bool) (time.Duration, bool) {
	var at time.Duration
	found := false
	for _, w := range windows {
		if w.Start+time.Second <= from || w.Start+time.Second > loadEnd {
			continue
		}
		if !meets(w) {
			found = false
			continue
		}
		if !found {
			at, found = max(w.Start, from), true
		}
	}
	return at, found
}

// meetsSLO returns the test of a window against the scenario's SLO.
func meetsSLO(slo scenarios.SLO) func(load.Window) bool {
	return func(w load.Window) bool {
		if w.Count == 0 || w.ErrorRate > slo.ErrorRate.Value {
			return false
		}
		return slo.P99 == 0 || w.P99 <= slo.P99
	}
}

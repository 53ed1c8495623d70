package reports

import (
	"fmt"
	"strings"
	"time"
)

// fact is one labelled value of a report, as the renderers list them.
type fact struct {
	Name  string
	Value string
}

// phaseFacts lists the drill's milestones that happened, in drill order.
func phaseFacts(r *Report) []fact {
	p := r.Phases
	var fs []fact
	for _, ph := range []struct {
		name string
		at   *time.Duration
	}{
		{"load start", p.LoadStart}, {"fault onset", p.FaultOnset}, {"first breach", p.FirstBreach},
		{"trigger fired", p.TriggerFired}, {"rollback start", p.RollbackStart}, {"rollback end", p.RollbackEnd},
		{"recovered", p.Recovered}, {"load end", p.LoadEnd},
	} {
		if ph.at != nil {
			fs = append(fs, fact{ph.name, at(*ph.at)})
		}
	}
	return fs
}

// measureFacts lists the drill's measures against their objectives.
func measureFacts(r *Report) []fact {
	m, o := r.Measures, r.Objectives
	detection := "no trigger fired"
	if m.DetectionTime != nil {
		detection = m.DetectionTime.Round(msRound).String()
		if o.Detection > 0 {
			detection += fmt.Sprintf(" (objective %s)", o.Detection)
		}
	}
	rollback := "no rollback"
	if m.RollbackDuration != nil {
		rollback = m.RollbackDuration.Round(msRound).String()
	}
	rto := fmt.Sprintf("not recovered (objective %s)", o.RTO)
	if m.RTO != nil {
		rto = fmt.Sprintf("%s (objective %s, from %s)", m.RTO.Round(msRound), o.RTO, orDash(o.RTOFrom))
	}
	l := r.Load
	return []fact{
		{"detection time", detection},
		{"rollback duration", rollback},
		{"RTO", rto},
		{"lost writes", fmt.Sprintf("%d acknowledged (RPO %d)", m.LostWrites, o.RPO)},
		{"load", fmt.Sprintf("%d operations: %d acknowledged, %d failed, %d indeterminate (%.0f req/s)",
			l.Ops, l.Acknowledged, l.Failed, l.Indeterminate, l.Rate)},
	}
}

// lost is the list of lost writes a report carries as evidence.
type lost struct {
	// Total is how many acknowledged writes were lost.
	Total int
	// IDs are the ids the evidence lists, possibly fewer than Total.
	IDs []string
}

// lostWrites returns the lost writes the durability verifier listed.
func lostWrites(r *Report) lost {
	l := lost{Total: r.Measures.LostWrites}
	v, ok := find(r.Verifiers, "durability")
	if !ok {
		return l
	}
	if n, ok := evidenceNumber(v.Evidence, "lost"); ok && int(n) > l.Total {
		l.Total = int(n)
	}
	switch ids := v.Evidence["lostIds"].(type) {
	case []string:
		l.IDs = ids
	case []any:
		for _, id := range ids {
			l.IDs = append(l.IDs, fmt.Sprint(id))
		}
	}
	l.Total = max(l.Total, len(l.IDs))
	return l
}

// statusText is the drill's status as a word in capitals, for headings.
func statusText(s Status) string {
	if s == "" {
		return "UNKNOWN"
	}
	return strings.ToUpper(string(s))
}

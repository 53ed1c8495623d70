package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
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
		{"trigger fired", p.TriggerFired}, {"approved", p.Approved}, {"rollback start", p.RollbackStart},
		{"rollback end", p.RollbackEnd}, {"recovered", p.Recovered}, {"load end", p.LoadEnd},
	} {
		if ph.at != nil {
			fs = append(fs, fact{ph.name, r.offset(*ph.at)})
		}
	}
	return fs
}

// measureFacts lists the drill's measures against their objectives. A
// measure that was not taken says so and why: never a zero.
func measureFacts(r *Report) []fact {
	fs := []fact{
		{"detection time", detectionText(r)},
		{"rollback duration", rollbackText(r)},
		{"RTO", rtoText(r)},
		{"lost writes", lostText(r)},
		{"load", loadText(r)},
		{"load generator", lagText(r)},
	}
	for _, b := range r.BlastRadius {
		fs = append(fs, fact{"blast radius", blastText(b)})
	}
	return fs
}

// blastText says what a bad version served before its rollback.
func blastText(b BlastRadius) string {
	return fmt.Sprintf("%s %s served %d of %d requests (%.1f%%) and %d of %d writes (%.1f%%) before its rollback; %d answered 5xx",
		b.Service, b.Version, b.Requests, b.TotalRequests, b.RequestShare*100, b.Writes, b.TotalWrites, b.WriteShare*100, b.Errors)
}

func detectionText(r *Report) string {
	m, o := r.Measures, r.Objectives
	switch {
	case m.DetectionTime != nil && o.Detection > 0:
		return fmt.Sprintf("%s (objective %s)", m.DetectionTime.Round(msRound), o.Detection)
	case m.DetectionTime != nil:
		return m.DetectionTime.Round(msRound).String()
	case len(r.EarlyTriggers) > 0 && r.Trigger == nil:
		return "none: the only trigger fired before the fault onset (no detection credit)"
	case r.Phases.FaultOnset == nil:
		return "not measured: no fault onset"
	}
	return "no trigger fired after the fault onset"
}

func rollbackText(r *Report) string {
	switch {
	case r.Measures.RollbackDuration != nil:
		return r.Measures.RollbackDuration.Round(msRound).String()
	case r.Phases.RollbackStart != nil:
		return "did not complete"
	}
	return "no rollback"
}

func rtoText(r *Report) string {
	m, o := r.Measures, r.Objectives
	objective := "no objective"
	if o.RTO > 0 {
		objective = "objective " + o.RTO.String()
	}
	switch {
	case m.RTO != nil:
		return fmt.Sprintf("%s (%s, counted from %s)", m.RTO.Round(msRound), objective, orDash(m.RTOFrom))
	case r.Phases.LoadEnd == nil:
		return fmt.Sprintf("not measured: the load did not run to its end (%s)", objective)
	}
	return fmt.Sprintf("never recovered before the load ended (%s)", objective)
}

// lostText says how many acknowledged writes were lost, only when the
// durability verifier read them back; otherwise "not checked" and why.
func lostText(r *Report) string {
	if n := r.Measures.LostWrites; n != nil {
		return fmt.Sprintf("%d acknowledged writes (RPO %d)", *n, r.Objectives.RPO)
	}
	v, ok := find(r.Verifiers, verify.NameDurability)
	switch {
	case ok:
		return fmt.Sprintf("not checked: durability %s: %s", v.Verdict, v.Summary)
	case len(r.Verifiers) == 0:
		return "not checked: the drill did not reach its verifiers"
	}
	return "not checked: no durability verifier ran (set verify.durability)"
}

func loadText(r *Report) string {
	l := r.Load
	if r.Phases.LoadStart == nil {
		return "did not run"
	}
	return fmt.Sprintf("%d operations: %d acknowledged, %d failed, %d indeterminate (%.0f req/s)",
		l.Ops, l.Acknowledged, l.Failed, l.Indeterminate, l.Rate)
}

func lagText(r *Report) string {
	h := r.Harness
	switch {
	case r.Phases.LoadStart != nil && h.Lag.Hits == 0 && r.Status == Killed && r.Load.Ops > 0:
		return "not measured: the harness was killed before it summed its lag"
	case r.Phases.LoadStart == nil || h.Lag.Hits == 0:
		return "not measured: no request was sent"
	}
	return fmt.Sprintf("at most %s behind its schedule, %d of %d requests more than 100ms late (tolerance %s)",
		h.Lag.Max.Round(msRound), h.Lag.Late, h.Lag.Hits, h.LagTolerance)
}

// stepFact is one timeline step or rollback action as the renderers list
// it.
type stepFact struct {
	Label    string // "step 3" or "rollback 1"
	At       string // its planned offset, or when it started
	What     string
	Status   rollback.StepStatus
	Note     string // why it failed, was skipped or did not run; lateness
	Optional bool
	Tone     string
	Took     time.Duration // how long its work took; 0 when it did not run
}

// stepFacts lists the setup actions, the timeline's steps, then the
// rollback's actions.
func stepFacts(r *Report) []stepFact {
	fs := actionFacts(r, "setup", r.Setup)
	for _, s := range r.Steps {
		f := stepFact{Label: fmt.Sprintf("step %d", s.Index), What: s.What, Status: s.Status, Optional: s.Optional,
			Tone: stepTone(s.Status, s.Optional)}
		if s.Start != nil && s.End != nil && *s.End > *s.Start {
			f.Took = *s.End - *s.Start
		}
		switch {
		case s.Planned != nil:
			f.At = loadOffset(*s.Planned)
		case s.Start != nil:
			f.At = r.offset(*s.Start)
		}
		var notes []string
		if s.Reason != "" {
			notes = append(notes, s.Reason)
		}
		if s.Cause != "" && s.Status.Failed() {
			notes = append(notes, "cause: "+string(s.Cause))
		}
		if s.Late != nil && *s.Late >= 10*time.Millisecond {
			notes = append(notes, fmt.Sprintf("took effect %s after its planned offset", s.Late.Round(msRound)))
		}
		if s.Optional {
			notes = append(notes, "optional")
		}
		f.Note = strings.Join(notes, "; ")
		fs = append(fs, f)
	}
	return append(fs, actionFacts(r, "rollback", r.Actions)...)
}

// actionFacts lists actions of a plan, labelled "LABEL 1", "LABEL 2", ….
func actionFacts(r *Report, label string, actions []rollback.ActionResult) []stepFact {
	var fs []stepFact
	for i, a := range actions {
		what := fmt.Sprintf("%s %s", a.Action, orDash(a.Service))
		if a.From != "" || a.To != "" {
			what += fmt.Sprintf(" %s → %s", orDash(a.From), orDash(a.To))
		}
		note := a.Error
		if note == "" {
			note = a.Skipped
		}
		if a.Optional {
			note = strings.TrimPrefix(note+"; optional", "; ")
		}
		fs = append(fs, stepFact{Label: fmt.Sprintf("%s %d", label, i+1), At: r.offset(a.Start), What: what,
			Status: a.Status, Note: note, Optional: a.Optional, Tone: stepTone(a.Status, a.Optional), Took: max(a.End-a.Start, 0)})
	}
	return fs
}

// stepCounts sums the steps and actions up by status: "5 done, 1 failed".
func stepCounts(fs []stepFact) string {
	order := []rollback.StepStatus{rollback.StepDone, rollback.StepFailed, rollback.StepTimedOut, rollback.StepSkipped, rollback.StepNotRun}
	n := map[rollback.StepStatus]int{}
	for _, f := range fs {
		n[f.Status]++
	}
	var parts []string
	for _, s := range order {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// verdictText is the verdict in one line: the class, what it means, and
// the exit code a CLI gives it.
func verdictText(o Outcome) string {
	return fmt.Sprintf("%s — %s (exit %d)", o.Class, o.Class.Meaning(), o.Class.ExitCode())
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
	var l lost
	if n := r.Measures.LostWrites; n != nil {
		l.Total = *n
	}
	v, ok := find(r.Verifiers, verify.NameDurability)
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

// stepTone is the CSS class of a step's status.
func stepTone(s rollback.StepStatus, optional bool) string {
	switch {
	case s == rollback.StepDone:
		return "ok"
	case s == rollback.StepSkipped:
		return "skip"
	case optional:
		return "warn"
	}
	return "bad"
}

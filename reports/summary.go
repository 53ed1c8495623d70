package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
)

// msRound is the precision of durations shown to people.
const msRound = time.Millisecond

// WriteSummary writes the short human summary of a drill: the verdict,
// what was deployed and injected and when, when the trigger fired, how
// every step ended, the measures (each labelled "not measured" or "not
// checked" when it was not taken), every verifier, the score, the
// warnings and the reasons, and the verdict's class with its exit code.
func WriteSummary(w io.Writer, r *Report, reportPath string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "drill %s — %s (seed %d)\n", r.Drill.Scenario, strings.ToUpper(string(r.Status)), r.Drill.Seed)
	fmt.Fprintf(&b, "  (%s)\n", r.clockNote())
	for _, ev := range timeline(r) {
		fmt.Fprintf(&b, "  %-9s %s\n", r.offset(ev.t), ev.what)
	}
	if r.Trigger == nil {
		b.WriteString("  trigger   none fired after the fault onset\n")
	}
	steps := stepFacts(r)
	if len(steps) > 0 {
		fmt.Fprintf(&b, "  %-17s %s\n", "steps", stepCounts(steps))
		for _, s := range steps {
			if s.Status != "done" {
				fmt.Fprintf(&b, "  %-17s %s %s %s: %s\n", "", s.Label, s.What, s.Status, s.Note)
			}
		}
	}
	if p := r.Phases.FaultOnset; p != nil {
		fmt.Fprintf(&b, "  %-17s %s\n", "fault onset", r.offset(*p))
	}
	for _, f := range measureFacts(r) {
		fmt.Fprintf(&b, "  %-17s %s\n", f.Name, f.Value)
	}
	for _, v := range r.Verifiers {
		name := v.Name
		if v.Advisory {
			name += " (advisory)"
		}
		fmt.Fprintf(&b, "  %-17s %s — %s\n", name, v.Verdict, v.Summary)
	}
	if r.Score.NoData {
		fmt.Fprintf(&b, "  %-17s not scored: no part had data (pass mark %d)\n", "score", r.Score.PassScore)
	} else {
		fmt.Fprintf(&b, "  %-17s %d / 100 (pass mark %d)\n", "score", r.Score.Value, r.Score.PassScore)
	}
	for _, warning := range r.Outcome.Warnings {
		fmt.Fprintf(&b, "  ! %s\n", warning)
	}
	for _, reason := range r.Outcome.Reasons {
		fmt.Fprintf(&b, "  ✗ %s\n", reason)
	}
	fmt.Fprintf(&b, "  %-17s %s\n", "verdict", verdictText(r.Outcome))
	if reportPath != "" {
		fmt.Fprintf(&b, "  %-17s %s\n", "report", reportPath)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type event struct {
	t    time.Duration
	what string
}

// timeline lists the drill's deploys, faults and triggers in time order.
func timeline(r *Report) []event {
	var evs []event
	for _, d := range r.Deploys {
		how := d.By
		if d.Strategy != "" && d.Strategy != "recreate" {
			how += ", " + d.Strategy
		}
		what := fmt.Sprintf("deploy %s %s → %s (%s)", d.Service, orDash(d.From), d.To, how)
		if d.Error != "" {
			what += " — failed: " + d.Error
		}
		evs = append(evs, event{d.Start, what})
	}
	for _, f := range r.Faults {
		evs = append(evs, event{f.Start, fmt.Sprintf("fault %s on %s injected", f.Kind, f.Link)})
		if f.End != nil {
			evs = append(evs, event{*f.End, fmt.Sprintf("fault %s on %s healed", f.Kind, f.Link)})
		}
	}
	for _, t := range r.EarlyTriggers {
		evs = append(evs, event{t.At, fmt.Sprintf("trigger %q fired before the fault onset (breached since %s)", t.Trigger, r.offset(t.FirstBreach))})
	}
	if t := r.Trigger; t != nil {
		first := t.FirstBreach
		if p := r.Phases.FirstBreach; p != nil {
			first = *p // a breaching window may start before the fault did; the breach did not
		}
		evs = append(evs, event{t.At, fmt.Sprintf("trigger %q fired (breached since %s)", t.Trigger, r.offset(first))})
	}
	if a := r.Approval; a != nil {
		evs = append(evs, event{a.Decided, approvalText(a)})
	}
	if s := r.Signal; s != nil {
		evs = append(evs, event{s.At, fmt.Sprintf("%s received: the drill stops", s.Name)})
	}
	slices.SortStableFunc(evs, func(a, b event) int { return cmp.Compare(a.t, b.t) })
	return evs
}

// offset writes an offset from the drill's start as people read it: from
// the start of the load, the origin of a scenario's at: offsets ("t+15s",
// "t-1.2s" during set-up); from the drill's start when the load never
// started.
func (r *Report) offset(d time.Duration) string {
	if r.Phases.LoadStart != nil {
		return loadOffset(d - *r.Phases.LoadStart)
	}
	return loadOffset(d)
}

// loadOffset writes an offset from the load start: "t+15s", "t-1.2s".
func loadOffset(d time.Duration) string {
	d = d.Round(10 * time.Millisecond)
	if d < 0 {
		return "t" + d.String()
	}
	return "t+" + d.String()
}

// clockNote says what t+ offsets count from.
func (r *Report) clockNote() string {
	if r.Phases.LoadStart != nil {
		return fmt.Sprintf("t+ counts from the load start, like the scenario's at:; set-up took %s", r.Phases.LoadStart.Round(msRound))
	}
	return "t+ counts from the drill's start: the load never started"
}

// approvalText says who decided the rollback and how long the decision
// took: "rollback approved by alice (sre) after 4.2s: reason".
func approvalText(a *rollback.Approval) string {
	decision := "refused"
	if a.Approved {
		decision = "approved"
	}
	who := orDash(a.By)
	if a.Role != "" {
		who += " (" + a.Role + ")"
	}
	text := fmt.Sprintf("rollback %s by %s after %s", decision, who, max(a.Decided-a.Requested, 0).Round(msRound))
	if a.Auto {
		text += ", automatically"
	}
	if a.Rationale != "" {
		text += ": " + a.Rationale
	}
	return text
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// msRound is the precision of durations shown to people.
const msRound = time.Millisecond

// WriteSummary writes the short human summary of a drill: what was
// deployed, when the fault started, when the trigger fired, how long the
// rollback took, whether the system came back healthy, how many
// acknowledged writes were lost, the score and the verdict.
func WriteSummary(w io.Writer, r *Report, reportPath string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "drill %s — %s (seed %d)\n", r.Drill.Scenario, strings.ToUpper(string(r.Status)), r.Drill.Seed)
	for _, ev := range timeline(r) {
		fmt.Fprintf(&b, "  %-9s %s\n", at(ev.t), ev.what)
	}
	if r.Trigger == nil {
		b.WriteString("  trigger   none fired\n")
	}
	line("fault onset", r.Phases.FaultOnset, &b)
	dur("detection time", r.Measures.DetectionTime, &b)
	dur("rollback took", r.Measures.RollbackDuration, &b)
	if r.Measures.RTO != nil {
		fmt.Fprintf(&b, "  %-15s %s (objective %s, from %s)\n", "RTO", r.Measures.RTO.Round(msRound), r.Objectives.RTO, r.Objectives.RTOFrom)
	} else {
		fmt.Fprintf(&b, "  %-15s not recovered (objective %s)\n", "RTO", r.Objectives.RTO)
	}
	for _, v := range r.Verifiers {
		fmt.Fprintf(&b, "  %-15s %s — %s\n", v.Name, v.Verdict, v.Summary)
	}
	fmt.Fprintf(&b, "  %-15s %d acknowledged, %d failed, %d indeterminate (%.0f req/s)\n", "load",
		r.Load.Acknowledged, r.Load.Failed, r.Load.Indeterminate, r.Load.Rate)
	fmt.Fprintf(&b, "  %-15s %d acknowledged writes (RPO %d)\n", "lost", r.Measures.LostWrites, r.Objectives.RPO)
	fmt.Fprintf(&b, "  %-15s %d / 100 (pass mark %d)\n", "score", r.Score.Value, r.Score.PassScore)
	for _, reason := range r.Outcome.Reasons {
		fmt.Fprintf(&b, "  ✗ %s\n", reason)
	}
	if reportPath != "" {
		fmt.Fprintf(&b, "  report          %s\n", reportPath)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type event struct {
	t    time.Duration
	what string
}

// timeline lists the drill's deploys, faults and trigger in time order.
func timeline(r *Report) []event {
	var evs []event
	for _, d := range r.Deploys {
		what := fmt.Sprintf("deploy %s %s → %s (%s)", d.Service, orDash(d.From), d.To, d.By)
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
	if t := r.Trigger; t != nil {
		evs = append(evs, event{t.At, fmt.Sprintf("trigger %q fired (breached since %s)", t.Trigger, at(t.FirstBreach))})
	}
	slices.SortStableFunc(evs, func(a, b event) int { return cmp.Compare(a.t, b.t) })
	return evs
}

func at(d time.Duration) string { return "t+" + d.Round(10*time.Millisecond).String() }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func line(name string, d *time.Duration, b *strings.Builder) {
	if d != nil {
		fmt.Fprintf(b, "  %-15s %s\n", name, at(*d))
	}
}

func dur(name string, d *time.Duration, b *strings.Builder) {
	if d != nil {
		fmt.Fprintf(b, "  %-15s %s\n", name, d.Round(msRound))
	}
}

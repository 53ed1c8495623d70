package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Rehearsal is the walk of a Markdown runbook that a trigger started:
// every step with who did it, when, how long it took against its
// expected time, and how it ended.
type Rehearsal struct {
	// Runbook is the runbook file, as the scenario names it.
	Runbook string `json:"runbook"`
	// SHA256 is the digest of the runbook file that was rehearsed.
	SHA256 string `json:"sha256"`
	// Revision is the last git commit that changed the runbook, when it is
	// in a git checkout; Modified says it has changed since.
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Title    string `json:"title,omitempty"`
	// Mode says who answered the manual steps: terminal, answers or auto.
	Mode string `json:"mode"`
	// Steps are the runbook's steps, in order; those after a failed one
	// are not-run.
	Steps []RehearsalStep `json:"steps"`
	// Expected is the sum of the steps' expected durations; Took the sum
	// of their durations (simulated ones included).
	Expected time.Duration `json:"expected"`
	Took     time.Duration `json:"took"`
	// RTO is the scenario's RTO objective, which Expected and Took must
	// fit in; 0 when it sets none.
	RTO time.Duration `json:"rto,omitempty"`
	// Decision is the time from the trigger to the approval (or to the
	// start of the walk when no approval was asked).
	Decision *time.Duration `json:"decision,omitempty"`
	// Failure says why the rehearsal failed; empty when it passed.
	Failure string `json:"failure,omitempty"`
}

// RehearsalStep is one step of a rehearsed runbook. Start and End are on
// the rehearsal's clock: the drill's, plus the simulated time of the
// manual steps before (answered from a file or taken as expected).
type RehearsalStep struct {
	Number  int    `json:"number"`
	Line    int    `json:"line"`
	Section string `json:"section,omitempty"`
	Title   string `json:"title"`
	// Kind is manual, sh or action.
	Kind string `json:"kind"`
	Role string `json:"role,omitempty"`
	// Who carried the step out: a name, or "faultdrill" for an automated
	// step.
	Who      string        `json:"who,omitempty"`
	Start    time.Duration `json:"start"`
	End      time.Duration `json:"end"`
	Duration time.Duration `json:"duration"`
	Expect   time.Duration `json:"expect,omitempty"`
	// Simulated is set when Duration was answered, not lived.
	Simulated bool `json:"simulated,omitempty"`
	// Outcome is done, failed, skipped or not-run.
	Outcome string `json:"outcome"`
	Note    string `json:"note,omitempty"`
}

// Slowest returns up to n steps that ran, longest first; the ones over
// their expected time come before the rest.
func (h *Rehearsal) Slowest(n int) []RehearsalStep {
	var ran []RehearsalStep
	for _, s := range h.Steps {
		if s.Outcome == "done" || s.Outcome == "failed" {
			ran = append(ran, s)
		}
	}
	slices.SortStableFunc(ran, func(a, b RehearsalStep) int {
		return cmp.Compare(b.Duration, a.Duration)
	})
	return ran[:min(n, len(ran))]
}

// failures lists why the rehearsal fails the drill, for the steps gate.
func (h *Rehearsal) failures() []string {
	if h == nil || h.Failure == "" {
		return nil
	}
	return []string{"runbook " + h.Runbook + ": " + h.Failure}
}

// mdRehearsal writes the runbook's steps, the decision time and the
// slowest steps.
func mdRehearsal(b *strings.Builder, r *Report) {
	h := r.Rehearsal
	if h == nil {
		return
	}
	fmt.Fprintf(b, "### Runbook %s\n\n", md(h.Runbook))
	fmt.Fprintf(b, "Runbook SHA-256 %s", short(h.SHA256))
	if h.Revision != "" {
		fmt.Fprintf(b, ", git %s", short(h.Revision))
		if h.Modified {
			b.WriteString(" (modified since)")
		}
	}
	b.WriteString(". ")
	switch {
	case h.Decision != nil && r.Approval != nil:
		fmt.Fprintf(b, "Decision time (trigger → approval): **%s**. ", h.Decision.Round(time.Millisecond))
	case h.Decision != nil:
		fmt.Fprintf(b, "Decision time (trigger → first step): %s, no approval asked. ", h.Decision.Round(time.Millisecond))
	}
	fmt.Fprintf(b, "Steps took %s against %s expected", h.Took.Round(time.Millisecond), h.Expected)
	if h.RTO > 0 {
		fmt.Fprintf(b, " (RTO %s)", h.RTO)
	}
	fmt.Fprintf(b, "; manual steps answered by %s.", md(h.Mode))
	if h.Failure != "" {
		fmt.Fprintf(b, " **Failed:** %s.", md(h.Failure))
	}
	b.WriteString("\n\n| # | line | step | kind | role | who | start | duration | expected | outcome | note |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range h.Steps {
		took := s.Duration.Round(time.Millisecond).String()
		if s.Simulated {
			took += " (simulated)"
		}
		start := r.offset(s.Start)
		if s.Outcome == "not-run" {
			start, took = "—", "—"
		}
		fmt.Fprintf(b, "| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Number, s.Line, md(s.Title), s.Kind,
			md(s.Role), md(s.Who), start, took, expectText(s.Expect), s.Outcome, md(s.Note))
	}
	if slow := h.Slowest(3); len(slow) > 0 {
		b.WriteString("\nSlowest steps: ")
		for i, s := range slow {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(b, "%d. %s %s", s.Number, md(s.Title), s.Duration.Round(time.Millisecond))
			if s.Expect > 0 && s.Duration > s.Expect {
				fmt.Fprintf(b, " (%.1f× its expected %s)", float64(s.Duration)/float64(s.Expect), s.Expect)
			}
		}
		b.WriteString(".\n")
	}
	b.WriteString("\n")
}

// rehearsalCases are the JUnit testcases of a rehearsed runbook: one per
// step, timed by its duration (simulated or lived), and one for the
// rehearsal when it failed for a reason no step holds (the RTO).
func rehearsalCases(class string, h *Rehearsal) []junitCase {
	if h == nil {
		return nil
	}
	var cases []junitCase
	stepFailed := false
	for _, s := range h.Steps {
		c := junitCase{Name: fmt.Sprintf("step %d (line %d) %s", s.Number, s.Line, s.Title), Classname: class,
			Time: seconds(s.Duration.Seconds())}
		switch s.Outcome {
		case "done":
		case "skipped", "not-run":
			c.Skipped = &junitSkipped{Message: s.Outcome + ": " + s.Note}
		default:
			stepFailed = true
			c.Failure = &junitProblem{Message: s.Outcome + ": " + s.Note, Type: "runbook-step", Body: xmlSafe(h.Failure)}
		}
		cases = append(cases, c)
	}
	if h.Failure != "" && !stepFailed {
		cases = append(cases, junitCase{Name: "runbook " + h.Runbook, Classname: class, Time: seconds(h.Took.Seconds()),
			Failure: &junitProblem{Message: h.Failure, Type: "runbook", Body: xmlSafe(h.Failure)}})
	}
	return cases
}

// outcomeTone is the badge colour of a step's outcome.
func outcomeTone(outcome string) string {
	switch outcome {
	case "done":
		return "ok"
	case "failed", "timed-out":
		return "bad"
	}
	return "warn"
}

func expectText(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return d.String()
}

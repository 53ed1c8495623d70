package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/runbook"
	"github.com/faultdrill/faultdrill/scenarios"
)

// writeRunbookSteps lists the steps of the scenario's runbook with their
// lines, kinds, roles and expected times, and the total against the RTO.
func writeRunbookSteps(w io.Writer, sc *scenarios.Scenario) {
	rb, err := runbook.Load(sc.RunbookPath())
	if err != nil {
		fmt.Fprintf(w, "  runbook %s: %s\n", term.Escape(sc.Rollback.Runbook), term.EscapeText(err.Error()))
		return
	}
	fmt.Fprintf(w, "  runbook %s (%d steps), walked when a trigger fires:\n", term.Escape(sc.Rollback.Runbook), len(rb.Steps))
	for _, st := range rb.Steps {
		fmt.Fprintf(w, "    %d. line %d  %-6s %s%s\n", st.Number, st.Line, st.Kind, term.Escape(st.Title), stepDetail(st))
	}
	total := rb.TotalExpected()
	fmt.Fprintf(w, "  expected in all: %s", total)
	if rto := sc.Objectives.RTO; rto > 0 {
		fmt.Fprintf(w, " (RTO %s)", rto)
		if total > rto {
			fmt.Fprint(w, " — over the RTO: the rehearsal fails")
		}
	}
	fmt.Fprintln(w)
}

// stepDetail is " (role, expect 30s)" for a step that names them.
func stepDetail(st runbook.Step) string {
	var parts []string
	if st.Role != "" {
		parts = append(parts, term.Escape(st.Role))
	}
	if st.Expect > 0 {
		parts = append(parts, "expect "+st.Expect.Round(time.Second).String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

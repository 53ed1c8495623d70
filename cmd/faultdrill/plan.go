package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
)

func plan(_ context.Context, args []string, e env) int {
	fs := newFlags("plan", "FILE", "Print what a drill would do, with every default filled in, without starting anything.",
		"faultdrill plan scenarios/examples/ledger-bad-release.yaml", e.stderr)
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) != 1 {
		fmt.Fprintln(e.stderr, "faultdrill plan: give exactly one scenario file, e.g. faultdrill plan scenarios/examples/ledger-bad-release.yaml")
		return exitInvalid
	}
	sc, err := scenarios.Load(files[0])
	if err != nil {
		fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
		return exitInvalid
	}
	// The plan echoes names, commands and paths from the scenario.
	var b strings.Builder
	writePlan(&b, sc)
	fmt.Fprint(e.stdout, term.EscapeText(b.String()))
	return exitPassed
}

// writePlan prints the resolved scenario: the system in start order, the
// load, the timeline at absolute offsets, the rollback policy, verifiers
// and objectives.
func writePlan(w io.Writer, sc *scenarios.Scenario) {
	fmt.Fprintf(w, "drill %s", sc.Metadata.Name)
	if sc.Metadata.Owner != "" {
		fmt.Fprintf(w, " (owner %s)", sc.Metadata.Owner)
	}
	fmt.Fprintf(w, "\n\nsystem (runtime %s), started in this order:\n", sc.System.Runtime)
	for _, group := range scenarios.StartGroups(sc) {
		if len(group) > 1 {
			fmt.Fprintf(w, "  together (group %s):\n", sc.System.Services[group[0]].Group)
		}
		for _, name := range group {
			s := sc.System.Services[name]
			health := s.Health
			if s.HealthPort != "" {
				health += " on port " + s.HealthPort
			}
			fmt.Fprintf(w, "  %-10s initial %s, health %s, start timeout %s, stop grace %s, data dir %t\n",
				name, s.Initial, health, s.StartTimeout, s.StopGrace, s.DataDir)
			if len(s.Ports) > 0 {
				fmt.Fprintf(w, "    ports    %s (the first is ${addr})\n", strings.Join(s.Ports, ", "))
			}
			for _, v := range sortedKeys(s.Versions) {
				fmt.Fprintf(w, "    %-8s %s\n", v, strings.Join(s.Versions[v].Command, " "))
			}
		}
	}
	for _, l := range sc.System.Links {
		to := l.To
		if l.Port != "" {
			to += " port " + l.Port
		}
		fmt.Fprintf(w, "  link %s: %s → %s through toxiproxy\n", l.Name, l.From, to)
	}
	target := sc.Load.Target
	if sc.Load.Port != "" {
		target += " port " + sc.Load.Port
	}
	fmt.Fprintf(w, "\nload on %s for %s (request timeout %s):\n", target, sc.Load.Duration, sc.Load.Timeout)
	for _, s := range sc.Load.Streams {
		kind := "reads"
		if s.Writes {
			kind = "writes"
		}
		fmt.Fprintf(w, "  %-10s %s %s %s (%s)\n", s.Name, s.Rate, s.Method, s.Path, kind)
	}
	fmt.Fprintln(w, "\ntimeline (offsets from the start of the load):")
	var cursor time.Duration
	for _, st := range sc.Timeline {
		if st.At != nil {
			cursor = *st.At
		}
		bounds := ""
		if st.Timeout > 0 {
			bounds = " — timeout " + st.Timeout.String()
		}
		if st.Optional {
			bounds += ", optional"
		}
		fmt.Fprintf(w, "  t+%-7s %s%s\n", cursor, describeStep(st), bounds)
		cursor += st.Wait
	}
	fmt.Fprintf(w, "  t+%-7s load ends, faults healed, verifiers run\n", sc.Load.Duration)
	writeRollbackPlan(w, sc)
	fmt.Fprintln(w, "\nverifiers:")
	if !sc.Verify.Health.Disabled {
		fmt.Fprintf(w, "  health     every service's health endpoint answers 2xx (timeout %s)\n", orDefault(sc.Verify.Health.Timeout, "10s"))
	}
	if d := sc.Verify.Durability; !d.Read.IsZero() {
		fmt.Fprintf(w, "  durability every acknowledged write is read back with %s (%d at once)\n", d.Read, d.Concurrency)
	}
	o := sc.Objectives
	fmt.Fprintf(w, "\nobjectives: RTO %s from %s, RPO %d lost writes, SLO error rate ≤ %s", o.RTO, o.RTOFrom, o.RPO, o.SLO.ErrorRate)
	if o.SLO.P99 > 0 {
		fmt.Fprintf(w, " and p99 ≤ %s", o.SLO.P99)
	}
	fmt.Fprintf(w, ", pass score %d\n", o.PassScore)
	h := sc.Harness
	fmt.Fprintf(w, "harness: void if the load generator falls more than %s behind its schedule or a step takes effect more than %s after its at:\n",
		h.LagTolerance, h.StepTolerance)
}

func writeRollbackPlan(w io.Writer, sc *scenarios.Scenario) {
	rb := sc.Rollback
	fmt.Fprintf(w, "\nrollback (enabled %t):\n", rb.IsEnabled())
	for _, t := range rb.Triggers {
		fmt.Fprintf(w, "  trigger %q held for %s\n", rollback.TriggerName(t), t.For)
	}
	actions := rb.Plan
	if len(actions) == 0 {
		var deployed []string
		for _, st := range sc.Timeline {
			if st.Deploy != nil {
				deployed = append(deployed, st.Deploy.Service)
			}
		}
		actions = rollback.DefaultPlan(deployed)
		fmt.Fprintln(w, "  plan (default: undo the timeline's deploys in reverse order):")
	} else {
		fmt.Fprintln(w, "  plan:")
	}
	for i, a := range actions {
		fmt.Fprintf(w, "    %d. %s %s\n", i+1, a.Action, a.Service)
	}
}

func describeStep(st scenarios.Step) string {
	switch {
	case st.Deploy != nil:
		return fmt.Sprintf("deploy %s %s", st.Deploy.Service, st.Deploy.Version)
	case st.Inject != nil:
		f := st.Inject
		d := fmt.Sprintf("inject %s %s on %s (%s, toxicity %g", f.Name, f.Kind, f.Link, f.Direction, f.Toxicity)
		if f.Latency > 0 {
			d += fmt.Sprintf(", %s ± %s", f.Latency, f.Jitter)
		}
		if f.Duration > 0 {
			d += ", healed after " + f.Duration.String()
		}
		return d + ")"
	case st.Heal != "":
		return "heal " + st.Heal
	case st.Wait > 0:
		return "wait " + st.Wait.String()
	}
	return "nothing"
}

func orDefault(d time.Duration, def string) string {
	if d == 0 {
		return def
	}
	return d.String()
}

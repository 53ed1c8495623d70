package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
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
	// The plan echoes names, commands and paths from the scenario: secret
	// values redacted, control characters escaped.
	var b strings.Builder
	writePlan(&b, sc)
	fmt.Fprint(drill.Secrets(sc, nil).Writer(e.stdout), term.EscapeText(b.String()))
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
			if scenarios.Fronted(sc, name) {
				fmt.Fprintf(w, "    front    %d replica(s), each on its own port, behind a traffic front on ${addr}\n", scenarios.Replicas(s))
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
	if len(sc.Setup) > 0 {
		fmt.Fprintln(w, "\nset-up, once every service is healthy and before the load:")
		for i, a := range sc.Setup {
			fmt.Fprintf(w, "  %d. %s\n", i+1, describeAction(a))
		}
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
	writeVerifierPlan(w, sc)
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

// writeVerifierPlan prints the verifiers a drill runs, in the order it
// runs them (drill.PlanVerifiers, the list the drill itself uses).
func writeVerifierPlan(w io.Writer, sc *scenarios.Scenario) {
	fmt.Fprintln(w, "\nverifiers, in the order they run:")
	planned := drill.PlanVerifiers(sc)
	width := 0
	for _, v := range planned {
		width = max(width, len(v.Name))
	}
	for _, v := range planned {
		var notes []string
		if v.Advisory {
			notes = append(notes, "advisory: warns, decides nothing")
		}
		if len(v.Needs) > 0 {
			notes = append(notes, "skipped unless "+strings.Join(v.Needs, ", ")+" succeeds")
		}
		what := verifierText(sc, v.Name)
		if len(notes) > 0 {
			what += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(w, "  %-*s  %-11s %s\n", width, v.Name, v.Stage, what)
	}
}

// verifierText says what a verifier checks, with the scenario's settings.
func verifierText(sc *scenarios.Scenario, name string) string {
	spec := sc.Verify
	switch {
	case name == verify.NameLoadRate:
		return "the load reached its rate before the first fault (else the drill is void)"
	case name == verify.NameDurability:
		d := spec.Durability
		if d.Read.IsZero() {
			return fmt.Sprintf("every acknowledged write is in the list %s", d.List)
		}
		return fmt.Sprintf("every acknowledged write is read back with %s (%d at once)", d.Read, d.Concurrency)
	case name == verify.NameDuplicates:
		return "no write was applied twice"
	case strings.HasPrefix(name, verify.InvariantPrefix):
		return "the invariant holds after the drill"
	case name == verify.NameLinearizability:
		return "the history of reads and writes is linearizable (porcupine, timeout " + orDefault(spec.Linearizability.Timeout, "default") + ")"
	case name == verify.NameHealth:
		return "every service's health endpoint answers 2xx (timeout " + orDefault(spec.Health.Timeout, "10s") + ")"
	case name == verify.NameSLO:
		return "the windows after the recovery meet the SLO"
	case name == verify.NameStaleReads:
		return "no read after the recovery returned an overwritten value"
	case name == verify.NameMixedVersions:
		return "the versions that answered are the ones expected"
	case name == "rollback-idempotent":
		return "the rollback plan run twice leaves the same state"
	}
	return ""
}

func writeRollbackPlan(w io.Writer, sc *scenarios.Scenario) {
	rb := sc.Rollback
	fmt.Fprintf(w, "\nrollback (enabled %t):\n", rb.IsEnabled())
	for _, t := range rb.Triggers {
		scope := ""
		if t.Scope != "" {
			scope = ", over the " + t.Scope + "'s own traffic"
		}
		fmt.Fprintf(w, "  trigger %q held for %s%s\n", rollback.TriggerName(t), t.For, scope)
	}
	if len(rb.Scope) > 0 {
		fmt.Fprintf(w, "  scope: only %s roll(s) back; the other services stay as they are\n", strings.Join(rb.Scope, ", "))
	}
	if a := rb.Approval; a != nil {
		timeout := a.Timeout
		if timeout <= 0 {
			timeout = rollback.DefaultApprovalTimeout
		}
		fmt.Fprintf(w, "  approval by %s before the plan runs (no decision within %s: not approved)\n", cmp.Or(a.Role, "the rollback owner"), timeout)
	}
	if rb.Runbook != "" {
		writeRunbookSteps(w, sc)
		return
	}
	actions := rb.Plan
	if len(actions) == 0 {
		var deployed []string
		for _, st := range sc.Timeline {
			if st.Deploy != nil {
				deployed = append(deployed, st.Deploy.Service)
			}
		}
		actions = rollback.DefaultPlan(rb.InScope(deployed))
		fmt.Fprintln(w, "  plan (default: undo the timeline's deploys in reverse order):")
	} else {
		fmt.Fprintln(w, "  plan:")
	}
	for i, a := range actions {
		fmt.Fprintf(w, "    %d. %s\n", i+1, describeAction(a))
	}
	if rb.VerifyIdempotent {
		fmt.Fprintln(w, "  then the plan runs a second time, to prove it idempotent")
	}
}

// describeAction says what an action does, without its headers or body
// (which may hold secrets).
func describeAction(a rollback.ActionSpec) string {
	d := string(a.Action)
	if a.Name != "" {
		d += " " + a.Name + ":"
	}
	if a.Service != "" {
		d += " " + a.Service
	}
	if a.Version != "" {
		d += " at " + a.Version
	}
	if a.Strategy != "" {
		d += " by " + string(a.Strategy)
	}
	switch {
	case a.URL != "":
		d += " " + strings.TrimSpace(a.Method+" "+a.URL)
		if a.Status != 0 {
			d += fmt.Sprintf(" (expects %d)", a.Status)
		}
		if len(a.Expect) > 0 {
			d += fmt.Sprintf(", %d assertion(s) on the answer", len(a.Expect))
		}
		if a.Until != nil {
			d += ", repeated until they hold"
		}
	case len(a.Command) > 0:
		d += " " + strings.Join(a.Command, " ")
	case a.Snapshot != "":
		d += " from snapshot " + a.Snapshot
	}
	if a.Retries > 0 {
		d += fmt.Sprintf(", %d retries", a.Retries)
	}
	if a.Optional {
		d += ", optional"
	}
	return d
}

func describeStep(st scenarios.Step) string {
	switch {
	case st.Deploy != nil:
		return describeDeploy(*st.Deploy)
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
	case st.Partition != nil:
		return describePartition(*st.Partition)
	case st.Snapshot != nil:
		return fmt.Sprintf("snapshot %s's data as %q", st.Snapshot.Service, cmp.Or(st.Snapshot.Name, st.Snapshot.Service))
	case st.Action != nil:
		return "action " + describeAction(*st.Action)
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

// describePartition says where a partition cuts and for how long.
func describePartition(p faults.PartitionSpec) string {
	var cut string
	switch {
	case p.Isolate != "":
		cut = "isolate " + p.Isolate + " from every peer"
	case len(p.Split) == 2:
		cut = fmt.Sprintf("split [%s] from [%s]", strings.Join(p.Split[0], ", "), strings.Join(p.Split[1], ", "))
	default:
		cut = "cut " + strings.Join(p.Between, " from ")
	}
	d := fmt.Sprintf("partition %s: %s (mode %s", p.Name, cut, p.Mode)
	if p.Duration > 0 {
		d += ", healed after " + p.Duration.String()
	}
	return d + ")"
}

// describeDeploy says how a deploy step switches its service.
func describeDeploy(d scenarios.Deploy) string {
	s := fmt.Sprintf("deploy %s %s", d.Service, d.Version)
	switch d.Strategy {
	case "", deploy.Recreate:
		return s
	case deploy.Rolling:
		// Validation keeps both within the service's replicas: no clipping.
		unavailable, surge := d.Batch(scenarios.MaxReplicas)
		return fmt.Sprintf("%s by rolling (maxUnavailable %d, maxSurge %d)", s, unavailable, surge)
	case deploy.Canary:
		var steps []string
		for _, st := range d.Steps {
			steps = append(steps, fmt.Sprintf("%s for %s", st.Weight, st.Pause))
		}
		return fmt.Sprintf("%s by canary (%s, then all)", s, strings.Join(steps, ", "))
	}
	return s + " by " + string(d.Strategy)
}

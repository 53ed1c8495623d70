package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// Class is why a drill ended as it did. Each class has its own exit code
// (ExitCode), so that a pipeline can tell outcomes apart without parsing
// output. The verdict, the status, the exit code and every rendering come
// from the one Outcome that Judge decides.
type Class string

// Classes. When several apply, the first in Ranked names the drill's
// class; every one of them still gives its reason. A finding outranks a
// doubt: unverified comes last, when everything that could be checked
// passed.
const (
	ClassPassed Class = "passed"
	// ClassError: faultdrill itself could not run the drill or carry out
	// one of its steps (toxiproxy did not answer, a process could not be
	// signalled).
	ClassError Class = "error"
	// ClassInterrupted: stopped by a signal before it ended.
	ClassInterrupted Class = "interrupted"
	// ClassKilled: the harness died before the drill ended (SIGKILL, out
	// of memory); its report was rebuilt by faultdrill cleanup.
	ClassKilled Class = "killed"
	// ClassIntegrity: an integrity verifier failed — acknowledged writes
	// lost beyond the RPO, duplicates, a broken invariant, a
	// non-linearizable history, stale reads, a non-idempotent rollback.
	ClassIntegrity Class = "integrity"
	// ClassVoid: the harness could not hold the drill — the load generator
	// fell behind its schedule, the load did not reach its rate, a step
	// took effect later than its tolerance or never ran — so the system
	// cannot be judged on its recovery.
	ClassVoid Class = "void"
	// ClassUnverified: a verifier could not check what it was asked (its
	// verdict unknown or timed out, or it checked fewer items than it
	// should), or nothing was verified at all.
	ClassUnverified Class = "unverified"
	// ClassRTO: not recovered within the RTO objective, or never.
	ClassRTO Class = "rto"
	// ClassSLO: the slo verifier failed after the rollback.
	ClassSLO Class = "slo"
	// ClassFailed: anything else that fails a drill — a service unhealthy
	// afterwards, a step or rollback action the system refused, a trigger
	// that fired before the fault, another verifier failed, the score
	// below the pass mark.
	ClassFailed Class = "failed"
)

// Ranked lists the failing classes from the one that wins to the one that
// yields.
func Ranked() []Class {
	return []Class{ClassError, ClassInterrupted, ClassKilled, ClassIntegrity, ClassVoid, ClassRTO, ClassSLO, ClassFailed, ClassUnverified}
}

// Exit codes of each class; ExitInvalid is the CLI's own, for bad input.
const (
	ExitPassed      = 0
	ExitError       = 1
	ExitInvalid     = 2
	ExitFailed      = 3
	ExitIntegrity   = 4
	ExitRTO         = 5
	ExitSLO         = 6
	ExitUnverified  = 7
	ExitVoid        = 8
	ExitInterrupted = 130
	// ExitKilled is what a shell reports for a process killed with
	// SIGKILL (128+9); a rebuilt report of a killed drill has it too.
	ExitKilled = 137
)

// ExitCode is the process exit code of a drill of class c; an unknown
// class is a harness error.
func (c Class) ExitCode() int {
	switch c {
	case ClassPassed:
		return ExitPassed
	case ClassIntegrity:
		return ExitIntegrity
	case ClassVoid:
		return ExitVoid
	case ClassUnverified:
		return ExitUnverified
	case ClassRTO:
		return ExitRTO
	case ClassSLO:
		return ExitSLO
	case ClassFailed:
		return ExitFailed
	case ClassInterrupted:
		return ExitInterrupted
	case ClassKilled:
		return ExitKilled
	}
	return ExitError
}

// Meaning says in a few words what a class means, for summaries and help.
func (c Class) Meaning() string {
	switch c {
	case ClassPassed:
		return "the drill passed"
	case ClassError:
		return "harness error: faultdrill could not run the drill or carry out a step"
	case ClassInterrupted:
		return "interrupted by a signal"
	case ClassKilled:
		return "the harness was killed before the drill ended: report rebuilt from its journal and history"
	case ClassIntegrity:
		return "integrity violated"
	case ClassVoid:
		return "the harness could not hold the drill: void, judge nothing from it"
	case ClassUnverified:
		return "could not verify: a check could not read or judge what it was asked"
	case ClassRTO:
		return "RTO missed"
	case ClassSLO:
		return "SLO missed after the rollback"
	case ClassFailed:
		return "the drill failed"
	}
	return "unknown class"
}

// rank is the position of c in Ranked; passed and unknown classes rank
// last.
func rank(c Class) int {
	if i := slices.Index(Ranked(), c); i >= 0 {
		return i
	}
	return len(Ranked())
}

// GateState is how one gate of the verdict ended.
type GateState string

// Gate states. A skipped gate had nothing to check.
const (
	GatePassed  GateState = "passed"
	GateFailed  GateState = "failed"
	GateSkipped GateState = "skipped"
)

// Gate is one pass/fail check the verdict is made of.
type Gate struct {
	Name   string    `json:"name"`
	State  GateState `json:"state"`
	Detail string    `json:"detail"`
	// Class is the class a failed gate gives the drill.
	Class Class `json:"class,omitempty"`
	// Reasons say, one sentence each, why a failed gate failed.
	Reasons []string `json:"reasons,omitempty"`
}

// Names of the gates, in the order reports list them.
const (
	GateSteps        = "steps"
	GateIntegrity    = "integrity"
	GateHarness      = "harness"
	GateVerification = "verification"
	GateBaseline     = "baseline"
	GateRTO          = "rto"
	GateSLO          = "slo"
	GateHealth       = "health"
	GateChecks       = "checks"
	GateScore        = "score"
)

// Cause says who made a step fail: faultdrill itself, or the system under
// test (or the user's own command).
type Cause string

// Causes.
const (
	CauseHarness Cause = "harness"
	CauseSystem  Cause = "system"
)

// Default tolerances of the harness's own lag.
const (
	// DefaultLagTolerance is how far the load generator may fall behind
	// its schedule before the drill is void.
	DefaultLagTolerance = time.Second
	// DefaultStepTolerance is how long after its planned offset a timeline
	// step may take effect before the drill is void.
	DefaultStepTolerance = time.Second
)

// decide runs every gate; the failed gate of the highest-ranked class names
// the drill's class, and every failed gate gives its reasons.
func decide(r *Report, rto, slo, health Component) Outcome {
	var reasons []string
	class := ClassPassed
	fail := func(c Class, reason string) {
		reasons = append(reasons, reason)
		if class == ClassPassed || rank(c) < rank(class) {
			class = c
		}
	}
	switch r.Status {
	case Errored:
		fail(ClassError, "the harness could not complete the drill: "+r.Error)
	case Interrupted:
		what := "the drill was interrupted before it ended"
		if r.Signal != nil {
			what += fmt.Sprintf(" (%s at %s)", r.Signal.Name, r.offset(r.Signal.At))
		}
		fail(ClassInterrupted, what)
	case Killed:
		fail(ClassKilled, "the harness was killed before the drill ended: "+r.Error)
	}
	gates := []Gate{
		stepsGate(r), integrityGate(r.Verifiers), harnessGate(r), verificationGate(r.Verifiers),
		baselineGate(r), rtoGate(rto, r.Objectives), sloGate(r.Verifiers, slo), healthGate(health),
		checksGate(r.Verifiers), scoreGate(r.Score),
	}
	for i, g := range gates {
		// A killed drill's figures stop at its last sign of life: whatever
		// they say, they do not judge the whole drill.
		killed := r.Status == Killed && (wholeDrillGate(g.Name) || g.Name == GateVerification)
		if killed && g.State != GateSkipped || g.State == GateFailed && incomplete(r.Status) &&
			(wholeDrillGate(g.Name) || g.Name == GateVerification && len(r.Verifiers) == 0) {
			// Judged on a drill that did not run to its end, these would
			// only repeat the one cause already given.
			gates[i] = Gate{Name: g.Name, State: GateSkipped, Detail: "not judged: the drill did not complete (" + g.Detail + ")"}
			continue
		}
		if g.State == GateFailed {
			for _, reason := range g.Reasons {
				fail(g.Class, reason)
			}
		}
	}
	return Outcome{Passed: class == ClassPassed, Class: class, Reasons: reasons, Gates: gates, Warnings: warnings(r)}
}

// incomplete reports whether a drill of status s did not run to its end.
func incomplete(s Status) bool {
	return s == Errored || s == Interrupted || s == Killed
}

// wholeDrillGate reports whether a gate judges figures only a drill that
// ran to its end has: the RTO, the SLO after the rollback, the score. (So
// is the verification gate when no verifier ran at all.)
func wholeDrillGate(name string) bool {
	return name == GateRTO || name == GateSLO || name == GateScore
}

// failedGate returns the failed gate name with its class and reasons, the
// detail summing them up.
func failedGate(name string, class Class, reasons []string) Gate {
	return Gate{Name: name, State: GateFailed, Class: class, Reasons: reasons, Detail: strings.Join(reasons, "; ")}
}

// stepsGate fails on every timeline step and rollback action that failed
// or timed out and is not optional: a harness error when faultdrill could
// not act, a failed drill when the system (or the user's command) refused.
func stepsGate(r *Report) Gate {
	class := ClassFailed
	var reasons []string
	for _, s := range r.Steps {
		if s.Optional || !s.Status.Failed() {
			continue
		}
		if s.Cause == CauseHarness {
			class = ClassError
		}
		reasons = append(reasons, fmt.Sprintf("step %d (%s) %s: %s", s.Index, s.What, s.Status, s.Reason))
	}
	for _, a := range r.Setup {
		if !a.Optional && a.Status.Failed() {
			reasons = append(reasons, fmt.Sprintf("setup action %s %s %s: %s; the drill stopped before its load", a.Action, orDash(a.Service), a.Status, a.Error))
		}
	}
	for _, a := range r.Actions {
		if a.Optional || !a.Status.Failed() {
			continue
		}
		reasons = append(reasons, fmt.Sprintf("rollback action %s %s %s: %s", a.Action, orDash(a.Service), a.Status, a.Error))
	}
	reasons = append(reasons, r.Rehearsal.failures()...)
	if len(reasons) > 0 {
		return failedGate(GateSteps, class, reasons)
	}
	n := len(r.Setup) + len(r.Steps) + len(r.Actions)
	if n == 0 {
		return Gate{Name: GateSteps, State: GateSkipped, Detail: "no timeline step and no rollback action"}
	}
	return Gate{Name: GateSteps, State: GatePassed, Detail: fmt.Sprintf("%d step(s) and action(s), none failed", n)}
}

// integrityGate fails on every integrity verifier that found a violation.
func integrityGate(results []verify.Result) Gate {
	var ran, reasons []string
	for _, v := range results {
		if !v.Integrity || v.Advisory {
			continue
		}
		ran = append(ran, v.Name)
		if v.Verdict == verify.Failure {
			reasons = append(reasons, v.Name+": "+v.Summary)
		}
	}
	switch {
	case len(reasons) > 0:
		return failedGate(GateIntegrity, ClassIntegrity, reasons)
	case len(ran) == 0:
		return Gate{Name: GateIntegrity, State: GateSkipped, Detail: "no integrity verifier ran: integrity not checked"}
	}
	return Gate{Name: GateIntegrity, State: GatePassed, Detail: "no integrity verifier found a violation: " + strings.Join(ran, ", ")}
}

// harnessGate fails when faultdrill itself could not hold the drill: the
// load assumption failed, the load generator fell behind its schedule, or
// a step took effect late or never ran.
func harnessGate(r *Report) Gate {
	var reasons []string
	if v, ok := find(r.Verifiers, verify.NameLoadRate); ok && v.Verdict != verify.Success && !v.Advisory {
		reasons = append(reasons, fmt.Sprintf("%s %s: %s", verify.NameLoadRate, v.Verdict, v.Summary))
	}
	h := r.Harness
	if tol := cmp.Or(h.LagTolerance, DefaultLagTolerance); h.Lag.Max > tol {
		reasons = append(reasons, fmt.Sprintf("the load generator fell up to %s behind its schedule (%d of %d requests sent more than 100ms late; tolerance %s): the machine could not drive the load",
			h.Lag.Max.Round(msRound), h.Lag.Late, h.Lag.Hits, tol))
	}
	tol := cmp.Or(h.StepTolerance, DefaultStepTolerance)
	for _, s := range r.Steps {
		switch {
		case s.Optional:
		case s.Status == rollback.StepNotRun && r.Status == Killed:
			// Not the harness falling behind: it died; the killed class says so.
		case s.Status == rollback.StepNotRun:
			reasons = append(reasons, fmt.Sprintf("step %d (%s) never ran: %s", s.Index, s.What, s.Reason))
		case s.Late != nil && *s.Late > tol:
			reasons = append(reasons, fmt.Sprintf("step %d (%s) took effect %s after its planned %s (tolerance %s)",
				s.Index, s.What, s.Late.Round(msRound), loadOffset(*s.Planned), tol))
		}
	}
	if len(reasons) > 0 {
		return failedGate(GateHarness, ClassVoid, reasons)
	}
	return Gate{Name: GateHarness, State: GatePassed, Detail: fmt.Sprintf("load generator at most %s behind its schedule, every step on time",
		h.Lag.Max.Round(msRound))}
}

// verificationGate fails when a verifier that decides could not verify
// what it was asked, or when no verifier decided anything.
func verificationGate(results []verify.Result) Gate {
	var reasons []string
	decided := 0
	for _, v := range results {
		if v.Advisory || v.Name == verify.NameLoadRate {
			continue
		}
		switch {
		case v.Verdict == verify.Unknown || v.Verdict == verify.Timeout:
			reasons = append(reasons, fmt.Sprintf("%s could not verify (%s): %s", v.Name, v.Verdict, v.Summary))
		case v.Coverage.Short() && v.Verdict != verify.Failure:
			reasons = append(reasons, fmt.Sprintf("%s checked only %s", v.Name, v.Coverage))
		case v.Decided():
			decided++
		}
	}
	switch {
	case len(reasons) > 0:
		return failedGate(GateVerification, ClassUnverified, reasons)
	case decided == 0:
		return failedGate(GateVerification, ClassUnverified, []string{"no verifier reached a verdict: the drill checked nothing"})
	}
	return Gate{Name: GateVerification, State: GatePassed, Detail: fmt.Sprintf("%d verifier(s) reached a verdict on all they were asked", decided)}
}

// baselineGate fails when a trigger fired before the fault onset, unless
// the scenario expects the system to be unhealthy then.
func baselineGate(r *Report) Gate {
	if len(r.EarlyTriggers) == 0 {
		return Gate{Name: GateBaseline, State: GatePassed, Detail: "no trigger fired before the fault onset"}
	}
	var reasons []string
	for _, f := range r.EarlyTriggers {
		reasons = append(reasons, fmt.Sprintf("trigger %q fired at %s, before the fault onset: the system was already failing (%s)",
			f.Trigger, r.offset(f.At), f.Detail))
	}
	if r.Objectives.ExpectUnhealthyBeforeFault {
		return Gate{Name: GateBaseline, State: GatePassed, Detail: "expected by the scenario: " + strings.Join(reasons, "; ")}
	}
	return failedGate(GateBaseline, ClassFailed, reasons)
}

func rtoGate(rto Component, o Objectives) Gate {
	g := Gate{Name: GateRTO, Detail: rto.Detail}
	switch {
	case rto.NoData:
		g.State = GateSkipped
	case o.RTO <= 0:
		g.State, g.Detail = GateSkipped, "no RTO objective set; "+rto.Detail
	case rto.Value < 1:
		return failedGate(GateRTO, ClassRTO, []string{"rto: " + rto.Detail})
	default:
		g.State = GatePassed
	}
	return g
}

func sloGate(results []verify.Result, slo Component) Gate {
	v, ok := find(results, PartSLO)
	switch {
	case ok && v.Verdict == verify.Failure && !v.Advisory:
		return failedGate(GateSLO, ClassSLO, []string{"slo: " + v.Summary})
	case slo.NoData:
		return Gate{Name: GateSLO, State: GateSkipped, Detail: slo.Detail}
	}
	return Gate{Name: GateSLO, State: GatePassed, Detail: slo.Detail}
}

func healthGate(health Component) Gate {
	g := Gate{Name: GateHealth, Detail: health.Detail}
	switch {
	case health.NoData:
		g.State = GateSkipped
	case health.Value < 1:
		return failedGate(GateHealth, ClassFailed, []string{"health: " + health.Detail})
	default:
		g.State = GatePassed
	}
	return g
}

// checksGate fails on every other verifier that decides and failed: those
// that are neither integrity, nor slo, health or the load assumption,
// which have gates of their own.
func checksGate(results []verify.Result) Gate {
	var ran, reasons []string
	for _, v := range results {
		if v.Integrity || v.Advisory || v.Name == PartSLO || v.Name == PartHealth || v.Name == verify.NameLoadRate {
			continue
		}
		ran = append(ran, v.Name)
		if v.Verdict == verify.Failure {
			reasons = append(reasons, v.Name+": "+v.Summary)
		}
	}
	switch {
	case len(reasons) > 0:
		return failedGate(GateChecks, ClassFailed, reasons)
	case len(ran) == 0:
		return Gate{Name: GateChecks, State: GateSkipped, Detail: "no other verifier ran"}
	}
	return Gate{Name: GateChecks, State: GatePassed, Detail: "none failed: " + strings.Join(ran, ", ")}
}

func scoreGate(s Score) Gate {
	if s.NoData {
		return failedGate(GateScore, ClassFailed, []string{"no part of the score had data: nothing was measured to score"})
	}
	if s.Value < s.PassScore {
		return failedGate(GateScore, ClassFailed, []string{fmt.Sprintf("score %d is below the pass mark %d", s.Value, s.PassScore)})
	}
	return Gate{Name: GateScore, State: GatePassed, Detail: fmt.Sprintf("score %d reaches the pass mark %d", s.Value, s.PassScore)}
}

// warnings lists what advisory verifiers and optional steps found: shown
// everywhere, deciding nothing.
func warnings(r *Report) []string {
	var ws []string
	for _, v := range r.Verifiers {
		if v.Advisory && v.Verdict != verify.Success {
			ws = append(ws, fmt.Sprintf("advisory %s %s: %s", v.Name, v.Verdict, v.Summary))
		}
	}
	for _, s := range r.Steps {
		if s.Optional && (s.Status.Failed() || s.Status == rollback.StepNotRun) {
			ws = append(ws, fmt.Sprintf("optional step %d (%s) %s: %s", s.Index, s.What, s.Status, s.Reason))
		}
	}
	for _, a := range r.Actions {
		if a.Optional && a.Status.Failed() {
			ws = append(ws, fmt.Sprintf("optional rollback action %s %s %s: %s", a.Action, orDash(a.Service), a.Status, a.Error))
		}
	}
	if r.Objectives.ExpectUnhealthyBeforeFault {
		for _, f := range r.EarlyTriggers {
			ws = append(ws, fmt.Sprintf("trigger %q fired at %s, before the fault onset (expected by the scenario)", f.Trigger, r.offset(f.At)))
		}
	}
	return ws
}

// find returns the first result of the named verifier.
func find(results []verify.Result, name string) (verify.Result, bool) {
	for _, v := range results {
		if v.Name == name {
			return v, true
		}
	}
	return verify.Result{}, false
}

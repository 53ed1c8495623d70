// Package reports scores a drill and writes what it found: report.json, the
// versioned record every other format is rendered from, and a summary a
// person reads on the terminal.
package reports

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/faultdrill/faultdrill/internal/boundedread"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// Schema is the version of the report.json format. Durations and offsets
// in it are nanoseconds; offsets count from the drill's start.
const Schema = "faultdrill.report/v1"

// FileName is the report's name inside a drill folder.
const FileName = "report.json"

// Report is everything a drill found, as written to report.json.
type Report struct {
	Schema string `json:"schema"`
	Drill  Drill  `json:"drill"`
	// Inputs are what the drill was run with beyond its scenario file.
	Inputs     Inputs           `json:"inputs"`
	Status     Status           `json:"status"`
	Partial    bool             `json:"partial,omitempty"`
	Error      string           `json:"error,omitempty"`
	Objectives Objectives       `json:"objectives"`
	Phases     Phases           `json:"phases"`
	Measures   Measures         `json:"measures"`
	Trigger    *rollback.Firing `json:"trigger,omitempty"`
	// Approval is the rollback owner's decision, when the scenario asked
	// for one.
	Approval *rollback.Approval `json:"approval,omitempty"`
	// EarlyTriggers are triggers that fired before the fault onset: the
	// system was already failing. They get no detection credit and start
	// no rollback.
	EarlyTriggers []rollback.Firing `json:"earlyTriggers,omitempty"`
	// Setup are the actions run before the load to make the system ready.
	Setup []rollback.ActionResult `json:"setup,omitempty"`
	// Steps are the timeline's steps, each with how it ended.
	Steps []Step `json:"steps,omitempty"`
	// Actions are the rollback plan's actions, each with how it ended.
	Actions []rollback.ActionResult `json:"actions,omitempty"`
	Deploys []Deploy                `json:"deploys,omitempty"`
	// BlastRadius is, per service behind a traffic front that rolled
	// back, what the version rolled back from served before it was.
	BlastRadius []BlastRadius `json:"blastRadius,omitempty"`
	Faults      []Fault       `json:"faults,omitempty"`
	Load        LoadSummary   `json:"load"`
	Windows     []load.Window `json:"windows,omitempty"`

	// Rehearsal is the walk of the rollback's Markdown runbook, when the
	// scenario has one instead of a plan.
	Rehearsal *Rehearsal `json:"rehearsal,omitempty"`

	// Baseline aggregates the load windows before the fault onset.
	Baseline *load.Window `json:"baseline,omitempty"`
	// Harness is how well faultdrill itself held the drill.
	Harness Harness `json:"harness"`
	// Signal is the signal that interrupted the drill, when one did.
	Signal    *Signal         `json:"signal,omitempty"`
	Verifiers []verify.Result `json:"verifiers,omitempty"`
	Score     Score           `json:"score"`
	Outcome   Outcome         `json:"outcome"`
}

// Drill identifies one run of a scenario.
type Drill struct {
	ID       string `json:"id"`
	Scenario string `json:"scenario"`
	File     string `json:"file"`
	// Digest is the SHA-256 of the scenario file's bytes.
	Digest  string    `json:"digest"`
	Seed    uint64    `json:"seed"`
	Runtime string    `json:"runtime"`
	Started time.Time `json:"started"`
	// Duration is how long the whole drill took, set-up and verification
	// included.
	Duration time.Duration `json:"duration"`
	Dir      string        `json:"dir"`
}

// Inputs are everything a drill was run with beyond the bytes of its
// scenario file (kept as scenario.yaml in the drill folder), so that
// `faultdrill run --replay DIR` reruns it with exactly the same inputs.
type Inputs struct {
	// Vars are the --var overrides, by name; the scenario's own vars are
	// in its file.
	Vars map[string]string `json:"vars,omitempty"`
	// Seed seeds every random choice of the drill.
	Seed uint64 `json:"seed"`
	// Runtime is the runtime the services ran on (process or docker).
	Runtime string `json:"runtime"`
	// Toxiproxy is the URL of the user's toxiproxy server, when the drill
	// used one instead of its embedded server.
	Toxiproxy string `json:"toxiproxy,omitempty"`
	// Approve is how rollbacks that need approval were approved: prompt or
	// auto.
	Approve string `json:"approve,omitempty"`
	// Version is the faultdrill version that ran the drill: its main
	// module's version, or "devel" for a build from a working tree.
	Version string `json:"version"`
	// ReplayOf is the id of the drill this one replays (run --replay).
	ReplayOf string `json:"replayOf,omitempty"`
}

// Redacted is the value a secret input is written as; --replay cannot
// reuse it.
const Redacted = "***"

// Status is how a drill ended.
type Status string

// Statuses.
const (
	Passed      Status = "passed"
	Failed      Status = "failed"
	Errored     Status = "error"
	Interrupted Status = "interrupted"
	// Killed: the harness died (SIGKILL, out of memory, a power cut)
	// before it wrote its report; faultdrill cleanup rebuilt the report
	// from the journal, history and fault ledger it left.
	Killed Status = "killed"
)

// Objectives are the scenario's objectives as the drill applied them.
type Objectives struct {
	RTO          time.Duration `json:"rto"`
	RTOFrom      string        `json:"rtoFrom"`
	RPO          int           `json:"rpo"`
	PassScore    int           `json:"passScore"`
	SLOErrorRate float64       `json:"sloErrorRate"`
	SLOP99       time.Duration `json:"sloP99,omitempty"`
	// Detection is the longest acceptable time from fault onset to a
	// trigger firing; 0 means no objective.
	Detection time.Duration `json:"detection,omitempty"`
	// ErrorBudget is the share of operations that may fail or end
	// indeterminate during the drill, a fraction in (0,1]; 0 means
	// DefaultErrorBudget.
	ErrorBudget float64 `json:"errorBudget,omitempty"`
	// Weights override the default weight of score parts by name ("rto",
	// "slo", "health", "detection", "errorBudget"); parts not named keep
	// their default (see DefaultWeights).
	Weights map[string]float64 `json:"weights,omitempty"`
	// ExpectUnhealthyBeforeFault accepts triggers firing before the fault
	// onset (the baseline gate then passes, with a warning).
	ExpectUnhealthyBeforeFault bool `json:"expectUnhealthyBeforeFault,omitempty"`
}

// Phases are the offsets at which a drill's milestones happened; a nil
// phase did not happen.
type Phases struct {
	LoadStart     *time.Duration `json:"loadStart,omitempty"`
	FaultOnset    *time.Duration `json:"faultOnset,omitempty"`
	FirstBreach   *time.Duration `json:"firstBreach,omitempty"`
	TriggerFired  *time.Duration `json:"triggerFired,omitempty"`
	Approved      *time.Duration `json:"approved,omitempty"`
	RollbackStart *time.Duration `json:"rollbackStart,omitempty"`
	RollbackEnd   *time.Duration `json:"rollbackEnd,omitempty"`
	Recovered     *time.Duration `json:"recovered,omitempty"`
	LoadEnd       *time.Duration `json:"loadEnd,omitempty"`
}

// Measures are the figures derived from the phases.
type Measures struct {
	// DetectionTime is fault onset to trigger fired.
	DetectionTime *time.Duration `json:"detectionTime,omitempty"`
	// RollbackDuration is rollback start to rollback end (every action done,
	// every redeployed service healthy).
	RollbackDuration *time.Duration `json:"rollbackDuration,omitempty"`
	// RTO is the recovery time, counted from RTOFrom to Recovered.
	RTO *time.Duration `json:"rto,omitempty"`
	// RTOFrom is the phase the RTO was really counted from:
	// "rollback-start", "fault-onset" (as the scenario asks, or when no
	// rollback started) or "load-start" (nothing was disrupted).
	RTOFrom string `json:"rtoFrom,omitempty"`
	// LostWrites is how many acknowledged writes durability read back and
	// did not find; nil when no durability verifier read them all back
	// (not configured, or it could not decide): not checked, never zero.
	LostWrites *int `json:"lostWrites,omitempty"`
	// FlagPropagation is the time from a rollback's feature-flag flip to
	// the moment every later response reported the new flag value.
	FlagPropagation *time.Duration `json:"flagPropagation,omitempty"`
}

// Step is one timeline step and how it ended. Offsets are from the drill's
// start, like every offset of the report, except Planned, which is the
// step's at: from the start of the load, as written in the scenario.
type Step struct {
	// Index is the step's position in the timeline, from 1.
	Index int `json:"index"`
	// Kind is deploy, inject, partition, snapshot, action, heal or wait.
	Kind string `json:"kind"`
	// What says what the step does, in a few words.
	What string `json:"what"`
	// Planned is the step's at: offset from the load start, when it has
	// one.
	Planned *time.Duration `json:"planned,omitempty"`
	// Start and End bound the step's work; nil when it did not run.
	Start *time.Duration `json:"start,omitempty"`
	End   *time.Duration `json:"end,omitempty"`
	// Late is how long after its planned offset the step took effect.
	Late   *time.Duration      `json:"late,omitempty"`
	Status rollback.StepStatus `json:"status"`
	// Cause says who made a failed step fail: the harness or the system.
	Cause Cause `json:"cause,omitempty"`
	// Reason says why the step failed, was skipped or did not run.
	Reason   string `json:"reason,omitempty"`
	Optional bool   `json:"optional,omitempty"`
}

// Harness is how well faultdrill held the drill: how far its load generator
// fell behind its schedule, and the tolerances that judge it and the
// lateness of steps (see the harness gate).
type Harness struct {
	Lag           load.Lag      `json:"lag"`
	LagTolerance  time.Duration `json:"lagTolerance"`
	StepTolerance time.Duration `json:"stepTolerance"`
}

// Signal is a signal that interrupted the drill, and when it arrived.
type Signal struct {
	Name string        `json:"name"`
	At   time.Duration `json:"at"`
}

// Deploy is a version switch of a service, by the timeline or a rollback.
type Deploy struct {
	Service string        `json:"service"`
	From    string        `json:"from,omitempty"`
	To      string        `json:"to"`
	By      string        `json:"by"` // "timeline", "rollback" (redeploy-previous), "start" or "restore" (actions)
	Start   time.Duration `json:"start"`
	End     time.Duration `json:"end"`
	Error   string        `json:"error,omitempty"`
	// Strategy is how the switch was made: recreate, rolling, blue-green,
	// canary, or canary-abort (a canary's traffic shifted back, nothing
	// restarted).
	Strategy string `json:"strategy,omitempty"`
	// Phases are the switch's timings, for strategies that run versions
	// side by side.
	Phases *SwitchPhases `json:"phases,omitempty"`
}

// SwitchPhases are the timings of one switch behind a traffic front.
type SwitchPhases struct {
	// StartNew is the start of the new instances until they are healthy.
	StartNew time.Duration `json:"startNew"`
	// Switch is the change of the front's pool (or weights).
	Switch time.Duration `json:"switch"`
	// StopOld is the stop of the instances that no longer serve.
	StopOld time.Duration `json:"stopOld"`
}

// BlastRadius is what a bad version of one service served before it was
// rolled back, as the service's traffic front counted it.
type BlastRadius struct {
	Service string `json:"service"`
	// Version is the version rolled back from.
	Version string `json:"version"`
	// Requests and Writes are the requests (and the non-GET/HEAD ones
	// among them) the version answered; Errors those it answered 5xx.
	Requests int64 `json:"requests"`
	Writes   int64 `json:"writes"`
	Errors   int64 `json:"errors"`
	// TotalRequests and TotalWrites are what the front answered, every
	// version together, by the end of the rollback.
	TotalRequests int64 `json:"totalRequests"`
	TotalWrites   int64 `json:"totalWrites"`
	// RequestShare and WriteShare are Requests/TotalRequests and
	// Writes/TotalWrites (0 when the total is 0).
	RequestShare float64 `json:"requestShare"`
	WriteShare   float64 `json:"writeShare"`
	// Source is where the counts come from: "front" (the service's
	// traffic front) or "history" (the load's operations whose answer
	// named the version, for the load's target without a front).
	Source string `json:"source"`
}

// Fault is one injected fault and when it was active.
type Fault struct {
	Name  string         `json:"name"`
	Kind  string         `json:"kind"`
	Link  string         `json:"link"`
	Start time.Duration  `json:"start"`
	End   *time.Duration `json:"end,omitempty"`
}

// LoadSummary counts the operations of the drill.
type LoadSummary struct {
	Ops           int     `json:"ops"`
	Acknowledged  int     `json:"acknowledged"`
	Failed        int     `json:"failed"`
	Indeterminate int     `json:"indeterminate"`
	Rate          float64 `json:"rate"` // achieved requests per second
	History       string  `json:"history,omitempty"`
}

// MeasurePhases derives from the phases what they alone decide: the
// detection time (fault onset to trigger) and the rollback's duration.
func (r *Report) MeasurePhases() {
	p, m := r.Phases, &r.Measures
	if p.FaultOnset != nil && p.TriggerFired != nil {
		d := *p.TriggerFired - *p.FaultOnset
		m.DetectionTime = &d
	}
	if p.RollbackStart != nil && p.RollbackEnd != nil {
		d := *p.RollbackEnd - *p.RollbackStart
		m.RollbackDuration = &d
	}
}

// SummarizeLoad counts ops by outcome; ran is how long the load ran, over
// which Rate is taken (none when 0).
func SummarizeLoad(ops []load.Op, ran time.Duration) LoadSummary {
	s := LoadSummary{Ops: len(ops)}
	for _, op := range ops {
		switch op.Outcome {
		case load.Acknowledged:
			s.Acknowledged++
		case load.Failed:
			s.Failed++
		case load.Indeterminate:
			s.Indeterminate++
		}
	}
	if ran > 0 {
		s.Rate = float64(s.Ops) / ran.Seconds()
	}
	return s
}

// Outcome is the drill's verdict and the exit class a CLI maps to its code.
type Outcome struct {
	Passed bool  `json:"passed"`
	Class  Class `json:"class"`
	// Reasons say, one sentence each, why the drill failed.
	Reasons []string `json:"reasons,omitempty"`
	// Gates are the pass/fail checks the verdict was made of.
	Gates []Gate `json:"gates,omitempty"`
	// Warnings are what advisory verifiers and optional steps found: shown
	// everywhere, deciding nothing.
	Warnings []string `json:"warnings,omitempty"`
}

// StartFileName is the report a drill writes as it starts: its scenario,
// inputs, start time and planned steps, for faultdrill cleanup to rebuild
// the report of a drill killed before its end.
const StartFileName = "report.start.json"

// Write writes the report as indented JSON to dir/report.json, atomically.
func Write(dir string, r *Report) (string, error) {
	return writeJSON(filepath.Join(dir, FileName), r)
}

// WriteStart writes the report of a drill that is starting to
// dir/report.start.json, atomically and fsync'd.
func WriteStart(dir string, r *Report) (string, error) {
	return writeJSON(filepath.Join(dir, StartFileName), r)
}

func writeJSON(path string, r *Report) (string, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("reports: encode: %w", err)
	}
	tmp := path + ".tmp"
	if err := writeSynced(tmp, append(b, '\n')); err != nil {
		return "", fmt.Errorf("reports: write: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("reports: write: %w", err)
	}
	return path, nil
}

// ErrSchema means a report.json is of another schema version than this
// faultdrill reads.
var ErrSchema = errors.New("unsupported report schema")

// MaxReportSize is the largest report.json Read accepts, in bytes: a
// report of a long drill is a few MiB at most, and a larger file (or an
// endless device) is refused before it is decoded.
const MaxReportSize = 16 << 20

// Read reads a report.json, refusing one over MaxReportSize with an error
// that matches boundedread.ErrTooLarge.
func Read(path string) (*Report, error) {
	b, err := boundedread.File(path, MaxReportSize)
	if err != nil {
		return nil, fmt.Errorf("reports: %s: %w", path, err)
	}
	return Decode(path, b)
}

// Decode decodes the report.json in b; name names it in errors.
func Decode(name string, b []byte) (*Report, error) {
	if len(b) > MaxReportSize {
		return nil, fmt.Errorf("reports: %s: %w", name, &boundedread.TooLargeError{Limit: MaxReportSize})
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("reports: %s: %w", name, err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("reports: %s: schema %q, this faultdrill reads %q: %w", name, r.Schema, Schema, ErrSchema)
	}
	return &r, nil
}

// writeSynced writes b to path and fsyncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm.File)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

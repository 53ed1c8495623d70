package scenarios

import (
	"time"

	"github.com/faultdrill/faultdrill/deploy"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/verify"
)

// APIVersion is the scenario format version this package reads.
const APIVersion = "faultdrill/v1"

// Scenario is one drill, as written in a scenario file.
type Scenario struct {
	// APIVersion is the format version of the file: faultdrill/v1.
	APIVersion string     `yaml:"apiVersion" json:"apiVersion"`
	Metadata   Metadata   `yaml:"metadata" json:"metadata"`
	Objectives Objectives `yaml:"objectives,omitempty" json:"objectives,omitempty"`
	System     System     `yaml:"system" json:"system"`
	Load       LoadSpec   `yaml:"load" json:"load"`
	// Setup runs once every service is healthy and before the load starts:
	// actions that make the system ready to be drilled (a warm-up write, a
	// schema, seed data). One that fails stops the drill before its load.
	Setup    []rollback.ActionSpec `yaml:"setup,omitempty" json:"setup,omitempty"`
	Timeline []Step                `yaml:"timeline,omitempty" json:"timeline,omitempty"`
	Rollback rollback.Spec         `yaml:"rollback,omitempty" json:"rollback,omitempty"`
	Verify   verify.Spec           `yaml:"verify,omitempty" json:"verify,omitempty"`
	Harness  Harness               `yaml:"harness,omitempty" json:"harness,omitempty"`
	// Vars are values expanded as ${NAME} in commands, env, urls and
	// bodies; --var NAME=VALUE overrides one at run time.
	Vars map[string]string `yaml:"vars,omitempty" json:"vars,omitempty"`
	// Secrets names vars whose values are redacted (as ***) in everything
	// the drill records, besides those whose name holds token, password,
	// secret or key. The values still reach the system under test.
	Secrets []string `yaml:"secrets,omitempty" json:"secrets,omitempty"`

	// Path is the file the scenario was read from; Dir is its folder,
	// against which relative paths in commands are resolved.
	Path string `yaml:"-" json:"-"`
	Dir  string `yaml:"-" json:"-"`
	// at holds the position of every node of the file, for problems found
	// after parsing (Programs).
	at positions
}

// Metadata names and describes a scenario.
type Metadata struct {
	// Name is a short name of the drill, such as checkout-bad-release; it
	// names the drill's folder and its reports.
	Name string `yaml:"name" json:"name"`
	// Description says what the drill shows, in a sentence.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Owner is the team the drill belongs to.
	Owner string `yaml:"owner,omitempty" json:"owner,omitempty"`
}

// Objectives are what the drill must achieve to pass.
type Objectives struct {
	// RTO is the longest acceptable recovery time.
	RTO time.Duration `yaml:"rto,omitempty" json:"rto,omitempty"`
	// RTOFrom is where recovery time is counted from: "rollback-start"
	// (default) or "fault-onset".
	RTOFrom string `yaml:"rtoFrom,omitempty" json:"rtoFrom,omitempty"`
	// RPO is how many acknowledged writes may be lost (default 0).
	RPO int `yaml:"rpo,omitempty" json:"rpo,omitempty"`
	// PassScore is the score, 0 to 100, a drill must reach to pass.
	PassScore int `yaml:"passScore,omitempty" json:"passScore,omitempty"`
	// SLO is the service level the system must return to; recovery is the
	// first 1 s window from which every window meets it.
	SLO SLO `yaml:"slo,omitempty" json:"slo,omitempty"`
	// Detection is the longest acceptable time from fault onset to a
	// trigger firing; 0 sets no objective.
	Detection time.Duration `yaml:"detection,omitempty" json:"detection,omitempty"`
	// ErrorBudget is the share of requests that may fail during the whole
	// drill (default 5%).
	ErrorBudget rollback.Threshold `yaml:"errorBudget,omitempty" json:"errorBudget,omitempty"`
	// Weights override the score's default weights by part name: rto, slo,
	// health, detection, errorBudget.
	Weights map[string]float64 `yaml:"weights,omitempty" json:"weights,omitempty"`
	// ExpectUnhealthyBeforeFault accepts a threshold or probe trigger
	// firing before the fault onset (a system already failing under the
	// load alone); by default that fails the drill.
	ExpectUnhealthyBeforeFault bool `yaml:"expectUnhealthyBeforeFault,omitempty" json:"expectUnhealthyBeforeFault,omitempty"`
}

// Harness sets how much lag of faultdrill itself a drill tolerates before
// it is void: the harness, not the system, could not hold it.
type Harness struct {
	// LagTolerance is how far the load generator may fall behind its
	// schedule (default 1s).
	LagTolerance time.Duration `yaml:"lagTolerance,omitempty" json:"lagTolerance,omitempty"`
	// StepTolerance is how long after its at: offset a timeline step may
	// take effect (default 1s).
	StepTolerance time.Duration `yaml:"stepTolerance,omitempty" json:"stepTolerance,omitempty"`
}

// SLO is a service level a 1 s load window meets when its error rate and
// p99 latency are within these limits.
type SLO struct {
	// ErrorRate is the highest acceptable error rate (default 1%).
	ErrorRate rollback.Threshold `yaml:"errorRate,omitempty" json:"errorRate,omitempty"`
	// P99 is the highest acceptable p99 latency; 0 means no limit.
	P99 time.Duration `yaml:"p99,omitempty" json:"p99,omitempty"`
}

// System is the system under test: its services and the links between them.
type System struct {
	// Runtime runs the services: "process" (default).
	Runtime  string                     `yaml:"runtime,omitempty" json:"runtime,omitempty"`
	Services map[string]sut.ServiceSpec `yaml:"services" json:"services"`
	Links    []faults.LinkSpec          `yaml:"links,omitempty" json:"links,omitempty"`
	// Toxiproxy selects the toxiproxy server the links go through: the
	// embedded one (default) or a server the user already runs.
	Toxiproxy Toxiproxy `yaml:"toxiproxy,omitempty" json:"toxiproxy,omitempty"`
}

// Toxiproxy names a toxiproxy server.
type Toxiproxy struct {
	// URL is the API of a running toxiproxy server, such as
	// http://127.0.0.1:8474; empty starts an embedded one.
	URL string `yaml:"url,omitempty" json:"url,omitempty"`
}

// LoadSpec is the drill's load: the service it targets and its streams.
// (It is not named Load: that is the function that reads a scenario file.)
type LoadSpec struct {
	// Target is the service that receives the load.
	Target string `yaml:"target" json:"target"`
	// Port names the target's port the load goes to (one of its ports);
	// empty for its main port.
	Port      string `yaml:"port,omitempty" json:"port,omitempty"`
	load.Spec `yaml:",inline" json:",inline"`
}

// Step is one step of the timeline. Exactly one of Deploy, Inject,
// Partition, Snapshot, Action, Heal and Wait is set. A step with At runs
// at that offset from the start of the load; a step without it runs right
// after the previous one.
type Step struct {
	At     *time.Duration `yaml:"at,omitempty" json:"at,omitempty"`
	Deploy *Deploy        `yaml:"deploy,omitempty" json:"deploy,omitempty"`
	Inject *faults.Spec   `yaml:"inject,omitempty" json:"inject,omitempty"`
	// Partition cuts several links at once: isolate a service, split the
	// system in two, or cut one pair.
	Partition *faults.PartitionSpec `yaml:"partition,omitempty" json:"partition,omitempty"`
	// Snapshot copies a service's data directory, with a SHA-256 manifest,
	// for a later restore-snapshot rollback action.
	Snapshot *Snapshot `yaml:"snapshot,omitempty" json:"snapshot,omitempty"`
	// Action runs one action of the rollback vocabulary (an HTTP call, a
	// command, a feature-flag flip, ...) as a step: whatever else a runbook
	// needs.
	Action *rollback.ActionSpec `yaml:"action,omitempty" json:"action,omitempty"`
	// Heal names a fault injected earlier.
	Heal string `yaml:"heal,omitempty" json:"heal,omitempty"`
	// Wait pauses the timeline.
	Wait time.Duration `yaml:"wait,omitempty" json:"wait,omitempty"`
	// Optional lets the drill pass when the step fails or times out: its
	// failure is reported as a warning.
	Optional bool `yaml:"optional,omitempty" json:"optional,omitempty"`
	// Timeout bounds the step's work; 0 takes the default of its kind (see
	// the package documentation).
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// Snapshot names a snapshot of one service's data directory. The service is
// stopped while its data is copied, then started again at the same version.
type Snapshot struct {
	// Service is the service whose data directory is copied.
	Service string `yaml:"service" json:"service"`
	// Name identifies the snapshot for restore-snapshot actions; it
	// defaults to the service's name.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
}

// Deploy switches a service to a version.
type Deploy struct {
	// Service is the service to switch.
	Service string `yaml:"service" json:"service"`
	// Version is the version to switch it to, one of its versions.
	Version string `yaml:"version" json:"version"`
	// Strategy, maxUnavailable, maxSurge and steps say how the switch is
	// made (default recreate: stop, then start).
	deploy.Spec `yaml:",inline" json:",inline"`
}

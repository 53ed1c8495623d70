// Package verify proves, with evidence, whether the system under test came
// back to a known-good state after a drill.
package verify

import "time"

// Spec selects and configures the verifiers of a drill.
type Spec struct {
	// Health checks every service's health endpoint after the drill; on
	// unless Disabled.
	Health HealthSpec `yaml:"health,omitempty" json:"health,omitempty"`
	// Durability reads back every acknowledged write; on when Read is set.
	Durability DurabilitySpec `yaml:"durability,omitempty" json:"durability,omitempty"`
}

// HealthSpec configures the health verifier.
type HealthSpec struct {
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// Timeout bounds the wait for every service to answer healthy.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// DurabilitySpec configures the durability (RPO) verifier.
type DurabilitySpec struct {
	// Read is the request that reads one write back, "METHOD /path/{id}";
	// a 2xx answer means the write is present, 404 that it is lost.
	Read string `yaml:"read,omitempty" json:"read,omitempty"`
	// Concurrency is how many reads run at once (default 16).
	Concurrency int `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
}

// Verdict is the outcome of one verifier.
type Verdict string

// Verdicts. Unknown means the verifier could not decide (for example the
// system did not answer); it never counts as Success.
const (
	Success Verdict = "success"
	Failure Verdict = "failure"
	Timeout Verdict = "timeout"
	Unknown Verdict = "unknown"
	Skipped Verdict = "skipped"
)

// Result is one verifier's verdict with its evidence.
type Result struct {
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	// Summary is one sentence a person reads in the report.
	Summary string `json:"summary"`
	// Integrity marks verifiers whose failure fails the drill whatever the
	// score (lost writes beyond the RPO, duplicates, broken invariants).
	Integrity bool `json:"integrity,omitempty"`
	// Evidence holds the figures and ids behind the verdict.
	Evidence map[string]any `json:"evidence,omitempty"`
}

// Package verify proves, with evidence, whether the system under test came
// back to a known-good state after a drill.
//
// Each verifier is a plain function that returns a Result. RunAll runs a
// list of them in the order that makes their verdicts trustworthy:
// assumptions first, then integrity, then the rest.
package verify

import (
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/httpapi"
)

// Spec selects and configures the verifiers of a drill.
type Spec struct {
	// Health checks every service's health endpoint after the drill; on
	// unless Disabled.
	Health HealthSpec `yaml:"health,omitempty" json:"health,omitempty"`
	// Durability reads back every acknowledged write; on when Read or List
	// is set.
	Durability DurabilitySpec `yaml:"durability,omitempty" json:"durability,omitempty"`
	// SLO checks error rate and latency after the rollback; on when any
	// limit is set.
	SLO SLOSpec `yaml:"slo,omitempty" json:"slo,omitempty"`
	// Invariants are values read from the system and compared to an
	// expected value or to themselves before the drill.
	Invariants []Invariant `yaml:"invariants,omitempty" json:"invariants,omitempty"`
	// Duplicates reads back every acknowledged write and fails on any that
	// was applied more than once; on when Read is set.
	Duplicates DuplicatesSpec `yaml:"duplicates,omitempty" json:"duplicates,omitempty"`
	// Linearizability checks the key-value operations of the history with
	// porcupine; on when the history has key-value operations, unless
	// Disabled.
	Linearizability LinearizabilitySpec `yaml:"linearizability,omitempty" json:"linearizability,omitempty"`
	// StaleReads looks for reads after the rollback that returned an
	// overwritten value; on when the history has key-value reads, unless
	// Disabled.
	StaleReads StaleReadsSpec `yaml:"staleReads,omitempty" json:"staleReads,omitempty"`
	// MixedVersions classifies failed requests by the version that served
	// them; informational unless MaxFailures is set.
	MixedVersions MixedVersionsSpec `yaml:"mixedVersions,omitempty" json:"mixedVersions,omitempty"`
}

// HealthSpec configures the health verifier.
type HealthSpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Disabled turns the verifier off.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// Timeout bounds the wait for every service to answer healthy.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// DurabilitySpec configures the durability (RPO) verifier.
type DurabilitySpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Read is the request that reads one write back, a template using
	// {id} (the write's request id; {value} is the same), written
	// "METHOD /path/{id}" or as a mapping with a body and headers.
	Read httpapi.Request `yaml:"read,omitzero" json:"read,omitzero"`
	// List is the request that lists every stored id at once, answering a
	// JSON array of ids or one id per line. When set, Durability makes
	// this one request instead of one Read per write.
	List httpapi.Request `yaml:"list,omitzero" json:"list,omitzero"`
	// Response says what a read's answer means: which statuses say the
	// write is there (default 2xx) and which say it is absent — lost
	// (default 404, or a JSON-path predicate).
	Response httpapi.Response `yaml:"response,omitempty" json:"response,omitzero"`
	// Concurrency is how many reads run at once (default 16).
	Concurrency int `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	// ExpectedLossAfter, set by the engine when a snapshot was restored, is
	// when that snapshot was taken: writes acknowledged after it were
	// rolled back with it, so their loss is expected and counted apart;
	// loss of a write acknowledged before it is a bug.
	ExpectedLossAfter *time.Duration `yaml:"-" json:"-"`
}

// Enabled reports whether the durability verifier runs.
func (d DurabilitySpec) Enabled() bool { return !d.Read.IsZero() || !d.List.IsZero() }

// SLOSpec configures the SLO verifier: limits that every window after the
// rollback must meet. A limit is absolute ("1%" or "0.01" for the error
// rate, "250ms" for a latency) or relative to the baseline captured before
// the fault ("2x": at most twice the baseline's value).
type SLOSpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// ErrorRate limits the share of failed and indeterminate requests.
	ErrorRate string `yaml:"errorRate,omitempty" json:"errorRate,omitempty"`
	// P50, P90 and P99 limit the latency quantiles.
	P50 string `yaml:"p50,omitempty" json:"p50,omitempty"`
	P90 string `yaml:"p90,omitempty" json:"p90,omitempty"`
	P99 string `yaml:"p99,omitempty" json:"p99,omitempty"`
	// Window is how long after the rollback the SLO is checked; 0 checks
	// until the load ends.
	Window time.Duration `yaml:"window,omitempty" json:"window,omitempty"`
	// Compliance is the share of 1 s windows that must meet every limit,
	// such as "95%" (default "100%").
	Compliance string `yaml:"compliance,omitempty" json:"compliance,omitempty"`
}

// Enabled reports whether any limit is set.
func (s SLOSpec) Enabled() bool {
	return s.ErrorRate != "" || s.P50 != "" || s.P90 != "" || s.P99 != ""
}

// Invariant is a value read from the system under test, by HTTP or SQL,
// that must equal Equals after the drill, or be Unchanged from before it.
// Exactly one of HTTP and SQL, and one of Equals and Unchanged, is set.
type Invariant struct {
	// Name identifies the invariant in reports: "balance-sum".
	Name string     `yaml:"name" json:"name"`
	HTTP *HTTPProbe `yaml:"http,omitempty" json:"http,omitempty"`
	SQL  *SQLProbe  `yaml:"sql,omitempty" json:"sql,omitempty"`
	// Equals is the value expected after the drill; numbers compare by
	// value ("100" equals "100.00").
	Equals string `yaml:"equals,omitempty" json:"equals,omitempty"`
	// Unchanged expects the value after the drill to equal the value
	// measured before it.
	Unchanged bool `yaml:"unchanged,omitempty" json:"unchanged,omitempty"`
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
}

// HTTPProbe reads a value from a JSON answer of the system under test.
type HTTPProbe struct {
	// Path is the path requested with GET on the target, "/accounts/acct-1".
	Path string `yaml:"path" json:"path"`
	// JSONPath selects the value in the answer: "$.balance",
	// "balance.total" or "$.items[0].amount".
	JSONPath string `yaml:"jsonPath" json:"jsonPath"`
}

// SQLProbe reads a value from the system's SQL store: the first column of
// the first row of Query. The database is opened read-only.
type SQLProbe struct {
	// Driver is "sqlite" or "postgres".
	Driver string `yaml:"driver" json:"driver"`
	// DSN is the database: a file path for sqlite (it may use
	// ${data_dir.SERVICE}, which the engine expands), a connection URL or
	// key=value string for postgres.
	DSN string `yaml:"dsn" json:"dsn"`
	// Query is one read-only statement returning one value.
	Query string `yaml:"query" json:"query"`
}

// DuplicatesSpec configures the duplicates verifier.
type DuplicatesSpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Read is the request that reads one write back, a template using
	// {id}, answering a JSON object.
	Read httpapi.Request `yaml:"read,omitzero" json:"read,omitzero"`
	// Response says which answers mean the write is absent (default 404):
	// Durability's concern, not a duplicate.
	Response httpapi.Response `yaml:"response,omitempty" json:"response,omitzero"`
	// Field is the JSON path of the number of times the write was applied
	// (default "applied"); a value above 1 is a duplicate.
	Field string `yaml:"field,omitempty" json:"field,omitempty"`
	// Concurrency is how many reads run at once (default 16).
	Concurrency int `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
}

// Enabled reports whether the duplicates verifier runs.
func (d DuplicatesSpec) Enabled() bool { return !d.Read.IsZero() }

// LinearizabilitySpec configures the linearizability verifier.
type LinearizabilitySpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Disabled turns the verifier off.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// Timeout bounds the check (default DefaultLinearizabilityTimeout);
	// a check cut short is Unknown, never Success.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// StaleReadsSpec configures the stale-reads verifier.
type StaleReadsSpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Disabled turns the verifier off.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// MixedVersionsSpec configures the mixed-versions verifier.
type MixedVersionsSpec struct {
	// Advisory makes the verifier's verdict a warning: shown everywhere,
	// never deciding the drill's outcome.
	Advisory bool `yaml:"advisory,omitempty" json:"advisory,omitempty"`
	// Disabled turns the verifier off.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// MaxFailures, when set, is how many requests may fail; more is a
	// Failure. Unset, the verifier only informs.
	MaxFailures *int `yaml:"maxFailures,omitempty" json:"maxFailures,omitempty"`
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
	// Advisory marks a verifier the scenario made advisory: its verdict is
	// shown as a warning and never decides the drill's outcome.
	Advisory bool `json:"advisory,omitempty"`
	// Coverage, when set, says how much of what the verifier was asked to
	// check it actually checked.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Evidence holds the figures and ids behind the verdict.
	Evidence map[string]any `json:"evidence,omitempty"`
	// Duration is how long the check took.
	Duration time.Duration `json:"duration,omitempty"`
}

// Decided reports whether the verifier reached a verdict on what it was
// asked: Success or Failure. Unknown, Timeout and Skipped did not.
func (r Result) Decided() bool { return r.Verdict == Success || r.Verdict == Failure }

// Coverage counts what a verifier checked against what it was asked to
// check, such as acknowledged writes read back or keys judged.
type Coverage struct {
	// Checked is how many items the verifier could judge.
	Checked int `json:"checked"`
	// Expected is how many items it was asked to judge.
	Expected int `json:"expected"`
	// Unit names the items: "acknowledged writes", "keys".
	Unit string `json:"unit"`
}

// Short reports whether fewer items were checked than expected, or none
// at all: the verifier could not verify what it was asked.
func (c *Coverage) Short() bool { return c != nil && (c.Checked < c.Expected || c.Expected == 0) }

// String says "1484 of 1484 acknowledged writes".
func (c *Coverage) String() string {
	return fmt.Sprintf("%d of %d %s", c.Checked, c.Expected, c.Unit)
}

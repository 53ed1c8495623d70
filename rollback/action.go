package rollback

import (
	"time"

	"github.com/faultdrill/faultdrill/deploy"
)

// ActionKind names a rollback action.
type ActionKind string

// Rollback actions.
const (
	// RedeployPrevious stops the service and starts the version it ran
	// before the last deploy, on the same data directory.
	RedeployPrevious ActionKind = "redeploy-previous"
	// Flag flips a feature flag with an HTTP call (Method, URL, Body).
	// ExpectFlags names the value responses report once the flip has
	// propagated (see FlagPropagation).
	Flag ActionKind = "flag"
	// Command runs a command (Command, Env, Dir) and captures its output.
	Command ActionKind = "command"
	// HTTP makes any HTTP call and checks its status.
	HTTP ActionKind = "http"
	// MigrateDown runs the service's down-migration command and records
	// its schema before and after.
	MigrateDown ActionKind = "migrate-down"
	// RestoreSnapshot restores a snapshot of the service's data directory
	// taken earlier in the timeline: stop, verify and restore, start (at
	// Version when set, else at the version it ran).
	RestoreSnapshot ActionKind = "restore-snapshot"
	// Stop stops the service; it stays down until a start action, a
	// restore or a deploy starts it.
	Stop ActionKind = "stop"
	// Start starts the service at Version (default: the version it ran
	// last) and waits until it is healthy; one already running at another
	// version is switched to it.
	Start ActionKind = "start"
)

// ActionKinds lists every action, in the order the documentation gives them.
func ActionKinds() []ActionKind {
	return []ActionKind{RedeployPrevious, Flag, Command, HTTP, MigrateDown, RestoreSnapshot, Stop, Start}
}

// DefaultTimeout bounds one attempt of a flag, command, http or
// migrate-down action that sets no timeout. Redeploy, restore, stop and
// start actions without a timeout use the caller's context, which bounds
// service starts.
const DefaultTimeout = 30 * time.Second

// ActionSpec is one step of a rollback plan. Which fields apply depends on
// the action; the rest are left empty.
type ActionSpec struct {
	// Action is what to do: redeploy-previous, flag, command, http,
	// migrate-down, restore-snapshot, stop or start.
	Action ActionKind `yaml:"action" json:"action"`
	// Name labels the step in the journal and the report.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Service is the service the action works on: the one to redeploy,
	// restore, stop or start, whose address a path URL is relative to, or whose schema a
	// migrate-down records.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Timeout bounds each attempt; see DefaultTimeout for 0.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Retries is how many more attempts follow a failed one (0: one
	// attempt in all). A corrupt snapshot, a missing previous version or a
	// malformed action is never retried.
	Retries int `yaml:"retries,omitempty" json:"retries,omitempty"`
	// RetryDelay is the pause before each retry; 0 retries at once.
	RetryDelay time.Duration `yaml:"retryDelay,omitempty" json:"retryDelay,omitempty"`
	// Idempotent declares whether running the action twice leaves the same
	// state as running it once; nil means it does. ExecuteTwice skips, in
	// its second run, the actions declared not to be.
	Idempotent *bool `yaml:"idempotent,omitempty" json:"idempotent,omitempty"`
	// Optional lets the plan go on when the action fails: its failure is
	// reported but does not fail the drill.
	Optional bool `yaml:"optional,omitempty" json:"optional,omitempty"`

	// Method, URL, Headers, Body and Status describe the call of a flag or
	// http action. URL is a path on the service's address ("/flags/x") or
	// an absolute URL on a loopback host. Method defaults to POST for a
	// flag and GET for http; Status is the expected status, 0 for any 2xx.
	Method  string            `yaml:"method,omitempty" json:"method,omitempty"`
	URL     string            `yaml:"url,omitempty" json:"url,omitempty"`
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    string            `yaml:"body,omitempty" json:"body,omitempty"`
	Status  int               `yaml:"status,omitempty" json:"status,omitempty"`
	// ExpectFlags is the X-Flags value, or one comma-separated item of it
	// such as "bad-path=false", that responses report once a flag flip has
	// propagated (see FlagPropagation).
	ExpectFlags string `yaml:"expectFlags,omitempty" json:"expectFlags,omitempty"`
	// Expect lists assertions on the JSON body of an http action's
	// response; the action fails when one does not hold.
	Expect []Expectation `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Until makes an http action repeat its request until the status and
	// every Expect hold, or its timeout ends; Timeout then bounds each
	// request.
	Until *UntilSpec `yaml:"until,omitempty" json:"until,omitempty"`

	// Command is the argv of a command or migrate-down action, run
	// directly (use ["sh", "-c", "..."] for a shell), with Env added to
	// the harness's environment, in Dir (default: the harness's).
	Command []string          `yaml:"command,omitempty" json:"command,omitempty"`
	Env     map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	Dir     string            `yaml:"dir,omitempty" json:"dir,omitempty"`
	// Database is the SQLite file whose schema a migrate-down records; when
	// empty, the schema is read through Env.SchemaOf.
	Database string `yaml:"database,omitempty" json:"database,omitempty"`

	// Snapshot names the snapshot a restore-snapshot action restores.
	Snapshot string `yaml:"snapshot,omitempty" json:"snapshot,omitempty"`
	// Version is the version a start action starts (default: the one the
	// service ran last) or a restore-snapshot starts the service at once
	// the data is back (default: the one it ran).
	Version string `yaml:"version,omitempty" json:"version,omitempty"`
	// Strategy is how a redeploy-previous switches the service back:
	// recreate (default), rolling or blue-green. A service in the middle
	// of a canary is rolled back by shifting its traffic back to the
	// stable version, whatever the strategy.
	Strategy deploy.Strategy `yaml:"strategy,omitempty" json:"strategy,omitempty"`
}

// IsIdempotent reports whether the action is declared idempotent.
func (a ActionSpec) IsIdempotent() bool { return a.Idempotent == nil || *a.Idempotent }

// attemptTimeout returns the bound of one attempt, 0 for none. A polling
// http action is bounded by its until timeout instead.
func (a ActionSpec) attemptTimeout() time.Duration {
	switch {
	case a.Timeout > 0:
		return a.Timeout
	case a.Action == RedeployPrevious || a.Action == RestoreSnapshot || a.Action == Stop || a.Action == Start || a.Until != nil:
		return 0
	}
	return DefaultTimeout
}

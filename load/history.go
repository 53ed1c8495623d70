package load

import "time"

// Outcome is what the client knows about a request's effect on the system.
type Outcome uint8

// Outcomes of one operation, as seen at the client boundary.
const (
	// Acknowledged: the system answered 2xx; a write must now be durable.
	Acknowledged Outcome = iota + 1
	// Failed: the system answered an error, or the request was never sent
	// (connection refused); a failed write must not count as lost.
	Failed
	// Indeterminate: the request timed out or the connection broke after it
	// was sent; it may or may not have taken effect, and is never counted as
	// lost nor as acknowledged.
	Indeterminate
)

// String returns the outcome's stable name, as used in reports.
func (o Outcome) String() string {
	switch o {
	case Acknowledged:
		return "acknowledged"
	case Failed:
		return "failed"
	case Indeterminate:
		return "indeterminate"
	}
	return "unknown"
}

// Op is one operation recorded at the client boundary. Start and End are
// offsets from the drill's monotonic base time.
//
// Strings that repeat across ops (Stream, Version, Flags, ErrClass and the
// keys) are shared, and a write's Value is its ID, so that a recorded op
// costs well under 256 bytes of memory.
type Op struct {
	ID     string        `json:"id"`
	Stream string        `json:"stream"`
	Start  time.Duration `json:"start"`
	End    time.Duration `json:"end"`
	Code   uint16        `json:"code,omitempty"`
	// Outcome is what the client knows of the op's effect.
	Outcome Outcome `json:"outcome"`
	// Write marks an op of a stream with Writes set.
	Write bool `json:"write,omitempty"`
	// HasValue reports that Value is known: always for a write, and for a
	// read whose response carried X-Value (empty there, the read found
	// nothing).
	HasValue bool   `json:"hasValue,omitempty"`
	ErrClass string `json:"err,omitempty"`     // "", "timeout", "refused", "reset", "http", "other"
	Version  string `json:"version,omitempty"` // from the X-Version response header, when present
	// Key is the key a key-value stream addressed ("{key}"), empty otherwise.
	Key string `json:"key,omitempty"`
	// Value is what a write wrote (its request id, by convention) or what a
	// read returned (the X-Value response header); see HasValue.
	Value string `json:"value,omitempty"`
	// Flags is the X-Flags response header: the feature flags the service
	// that answered had on; empty when absent.
	Flags string `json:"flags,omitempty"`
}

// Window aggregates the operations that completed in one 1 s window
// [Start, Start+1s) of the drill's clock.
type Window struct {
	Start         time.Duration `json:"start"`
	Count         int           `json:"count"`
	Acknowledged  int           `json:"acknowledged"`
	Failed        int           `json:"failed"`
	Indeterminate int           `json:"indeterminate"`
	// ErrorRate is (Failed+Indeterminate)/Count, 0 when Count is 0.
	ErrorRate float64       `json:"errorRate"`
	P50       time.Duration `json:"p50"`
	P90       time.Duration `json:"p90"`
	P99       time.Duration `json:"p99"`
	// Status classes: "2xx", "3xx", "4xx", "5xx", and "error" for no response.
	Classes map[string]int `json:"classes,omitempty"`
	// Partial marks a window the load did not run through: it ended (or
	// was stopped) before the window's end. Its figures cover less than a
	// second and never count towards a trigger's duration.
	Partial bool `json:"partial,omitempty"`
	// Versions breaks the window down by the version each answer named
	// (requests without one are left out): the traffic of a canary.
	Versions map[string]VersionCounts `json:"versions,omitempty"`
}

// VersionCounts are the requests of a window that one version answered.
type VersionCounts struct {
	Count int `json:"count"`
	// Failed counts the failed and indeterminate ones.
	Failed int `json:"failed"`
	// Status5xx counts the answers with a 5xx status.
	Status5xx int `json:"status5xx"`
}

// Version returns the part of w that version answered, as a window of
// its own: counts, error rate and 5xx class (no latencies).
func (w Window) Version(version string) Window {
	vc := w.Versions[version]
	out := Window{Start: w.Start, Count: vc.Count, Failed: vc.Failed, Acknowledged: vc.Count - vc.Failed, Partial: w.Partial}
	if vc.Count > 0 {
		out.ErrorRate = float64(vc.Failed) / float64(vc.Count)
		out.Classes = map[string]int{"5xx": vc.Status5xx}
	}
	return out
}

// Lag is how far the load generator fell behind its own schedule: the
// harness's lag, not the system's. In an open model a request goes out
// when it is due whatever the system does, so a request sent late means
// the generator itself could not keep up (a starved machine, too high a
// rate for it).
type Lag struct {
	// Max is the longest a request went out after it was due.
	Max time.Duration `json:"max"`
	// Late counts the requests sent more than LateHit after they were due.
	Late int `json:"late"`
	// Hits counts every request sent.
	Hits int `json:"hits"`
}

// LateHit is how far behind its schedule a request must go out to count
// as late in Lag.Late.
const LateHit = 100 * time.Millisecond

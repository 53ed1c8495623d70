package load

import (
	"fmt"

	"github.com/faultdrill/faultdrill/httpapi"
	"strconv"
	"strings"
	"time"
)

// Spec describes the load of one drill: one or more named streams that run
// side by side for Duration.
type Spec struct {
	// Duration is how long load runs, counted from the start of the load.
	Duration time.Duration `yaml:"duration" json:"duration"`
	// Timeout bounds one request; a request that times out is indeterminate.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Streams are the request streams; each has its own rate and template.
	Streams []StreamSpec `yaml:"streams" json:"streams"`
}

// StreamSpec is one request stream: a rate, a request template and the
// rules that read its answers. Path, Body and header values are an
// httpapi request template: "{id}" is the operation's unique request id,
// "{key}" (with Keys set) the key it addresses, "{value}" what a write
// writes (its id), each through functions such as "{key|base64}".
type StreamSpec struct {
	// Name identifies the stream in the history and the report.
	Name string `yaml:"name" json:"name"`
	// Rate is the stream's rate, or its starting rate when RampTo is set.
	Rate Rate `yaml:"rate" json:"rate"`
	// RampTo, when set, makes the rate go linearly from Rate to RampTo over
	// RampOver, and then hold at RampTo. It may be lower than Rate.
	RampTo Rate `yaml:"rampTo,omitempty" json:"rampTo,omitzero"`
	// RampOver is how long the ramp lasts; 0 means the whole duration of
	// the load. A ramp longer than the load is cut short by its end.
	RampOver time.Duration `yaml:"rampOver,omitempty" json:"rampOver,omitempty"`
	// Method, Path, Body and Headers are the request template of the
	// stream (Method defaults to GET; Path holds the query).
	Method  string            `yaml:"method,omitempty" json:"method,omitempty"`
	Path    string            `yaml:"path" json:"path"`
	Body    string            `yaml:"body,omitempty" json:"body,omitempty"`
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Writes marks a stream whose acknowledged requests are durable writes
	// that the durability verifier must find again afterwards. By
	// convention a write writes its request id ("{id}") as the value.
	Writes bool `yaml:"writes,omitempty" json:"writes,omitempty"`
	// Keys, when positive, makes the stream a key-value stream over the
	// keys k0 … k<Keys-1>: each request addresses one, drawn from a
	// generator seeded with the run's seed, and "{key}" is replaced by it.
	Keys int `yaml:"keys,omitempty" json:"keys,omitempty"`
	// Resend is the chance that a request is sent a second time, right
	// after, with the same id, as a client retrying after a timeout does: a
	// system whose writes are idempotent applies each id once.
	Resend float64 `yaml:"resend,omitempty" json:"resend,omitempty"`
	// Response says what the stream's answers mean: which statuses
	// acknowledge, which mean absent, where a read's value and the serving
	// version are. The defaults are the demo's conventions (2xx, 404,
	// X-Value, X-Version).
	Response httpapi.Response `yaml:"response,omitempty" json:"response,omitzero"`
	// AbsentOK says whether, for a read stream, an answer meaning "absent"
	// is a valid answer (acknowledged: a read that found nothing, as a key
	// never written reads) or a failure; default true. A write stream's
	// answers are judged by their status alone.
	AbsentOK *bool `yaml:"absentOk,omitempty" json:"absentOk,omitempty"`
}

// Request returns the stream's request template; an empty method is PUT
// for a write stream and GET otherwise, an empty path "/".
func (st StreamSpec) Request() httpapi.Request {
	r := httpapi.Request{Method: st.Method, Path: st.Path, Headers: st.Headers, Body: st.Body}
	if r.Method == "" {
		r.Method = "GET"
		if st.Writes {
			r.Method = "PUT"
		}
	}
	if r.Path == "" {
		r.Path = "/"
	}
	return r
}

// absentIsOK reports whether an absent answer to a read acknowledges (see
// AbsentOK).
func (st StreamSpec) absentIsOK() bool { return st.AbsentOK == nil || *st.AbsentOK }

// Rate is a request rate such as "100/s" or "600/m".
type Rate struct {
	Freq int
	Per  time.Duration
}

// IsZero reports an unset rate (no ramp, for StreamSpec.RampTo).
func (r Rate) IsZero() bool { return r == Rate{} }

// PerSecond returns the rate as requests per second.
func (r Rate) PerSecond() float64 {
	if r.Per <= 0 {
		return 0
	}
	return float64(r.Freq) / r.Per.Seconds()
}

// String formats the rate as FREQ/UNIT, the form UnmarshalText reads.
func (r Rate) String() string {
	switch r.Per {
	case time.Second:
		return fmt.Sprintf("%d/s", r.Freq)
	case time.Minute:
		return fmt.Sprintf("%d/m", r.Freq)
	case time.Hour:
		return fmt.Sprintf("%d/h", r.Freq)
	}
	return fmt.Sprintf("%d/%s", r.Freq, r.Per)
}

// MarshalText implements encoding.TextMarshaler.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads "N/s", "N/m", "N/h", "N/250ms" or a bare "N" (per second).
func (r *Rate) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	num, unit, found := strings.Cut(s, "/")
	freq, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || freq <= 0 {
		return fmt.Errorf("rate %q: want a positive whole number of requests such as \"100/s\"", s)
	}
	per := time.Second
	if found {
		switch u := strings.TrimSpace(unit); u {
		case "s":
			per = time.Second
		case "m":
			per = time.Minute
		case "h":
			per = time.Hour
		default:
			d, err := time.ParseDuration(u)
			if err != nil || d <= 0 {
				return fmt.Errorf("rate %q: unit %q is not s, m, h or a positive duration", s, u)
			}
			per = d
		}
	}
	*r = Rate{Freq: freq, Per: per}
	return nil
}

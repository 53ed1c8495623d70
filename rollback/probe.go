package rollback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrBadSpec means a trigger or an action is missing what it needs to run,
// such as a probe with no URL or a command with no argv.
var ErrBadSpec = errors.New("incomplete spec")

// DefaultProbeInterval is how often a probe polls when its spec says
// nothing.
const DefaultProbeInterval = time.Second

// maxBody bounds how much of a response body is read or kept.
const maxBody = 1 << 20

// ProbeSpec is an HTTP check of the SUT that a probe trigger polls. It
// states what a healthy answer looks like; the trigger fires once checks
// have failed without a break for For.
type ProbeSpec struct {
	// URL is the path to GET on the service, such as "/healthz".
	URL string `yaml:"url" json:"url"`
	// Service is the service to probe; empty means the load target. The
	// engine turns it into the base URL given to RunProbe.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Interval between checks; 0 means DefaultProbeInterval.
	Interval time.Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// Timeout bounds one check; 0 means the interval.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Status is the healthy status; 0 means any 2xx.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// JSONField is a dot-separated path into the JSON body, such as
	// "checks.db"; with it, Equals or NotEquals is compared with the
	// field's value (a string as is, anything else as its JSON text).
	JSONField string `yaml:"jsonField,omitempty" json:"jsonField,omitempty"`
	Equals    string `yaml:"equals,omitempty" json:"equals,omitempty"`
	NotEquals string `yaml:"notEquals,omitempty" json:"notEquals,omitempty"`
	// For is how long checks must keep failing; 0 fires on the first
	// failed check.
	For time.Duration `yaml:"for,omitempty" json:"for,omitempty"`
}

// ProbeName names a probe by what it checks, such as "probe /healthz" or
// "probe /status status!=degraded".
func ProbeName(p ProbeSpec) string {
	name := "probe " + p.URL
	switch {
	case p.JSONField != "" && p.NotEquals != "":
		name += " " + p.JSONField + "!=" + p.NotEquals
	case p.JSONField != "":
		name += " " + p.JSONField + "==" + p.Equals
	case p.Status != 0:
		name += fmt.Sprintf(" status %d", p.Status)
	}
	return name
}

// check validates the spec.
func (p ProbeSpec) check() error {
	switch {
	case p.URL == "":
		return fmt.Errorf("%w: probe has no url", ErrBadSpec)
	case p.Interval < 0 || p.Timeout < 0 || p.For < 0:
		return fmt.Errorf("%w: probe %s: negative interval, timeout or for", ErrBadSpec, p.URL)
	case p.JSONField != "" && (p.Equals == "") == (p.NotEquals == ""):
		return fmt.Errorf("%w: probe %s: jsonField needs exactly one of equals or notEquals", ErrBadSpec, p.URL)
	}
	return nil
}

// RunProbe polls baseURL+spec.URL with GET, at once and then every
// interval, until the checks have failed without a break for spec.For; it
// then calls fire once and returns nil. A check fails when the request
// fails or times out, the status is not the healthy one, or the JSON field
// is missing or compares wrong. clock gives the drill's offsets for the
// firing. RunProbe returns ctx's error when ctx ends first, and wraps
// ErrBadSpec when the spec cannot run. Run it in its own goroutine.
func RunProbe(ctx context.Context, baseURL string, spec ProbeSpec, clock func() time.Duration, fire func(Firing)) error {
	if err := spec.check(); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	interval := spec.Interval
	if interval == 0 {
		interval = DefaultProbeInterval
	}
	timeout := spec.Timeout
	if timeout == 0 {
		timeout = interval
	}
	url := strings.TrimSuffix(baseURL, "/") + "/" + strings.TrimPrefix(spec.URL, "/")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var failed int
	var first time.Duration
	for {
		status, detail, ok := probeOnce(ctx, client, url, spec, timeout)
		now := clock()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case ok:
			failed = 0
		default:
			if failed == 0 {
				first = now
			}
			failed++
			if now-first >= spec.For {
				fire(Firing{Trigger: ProbeName(spec), FirstBreach: first, At: now, Value: float64(status),
					Windows: failed, Detail: detail})
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// probeOnce makes one check and returns the status (0 when there was no
// response), what was seen, and whether it was healthy.
func probeOnce(ctx context.Context, client *http.Client, url string, spec ProbeSpec, timeout time.Duration) (int, string, bool) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "GET " + url + ": " + err.Error(), false
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "GET " + url + ": " + err.Error(), false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, fmt.Sprintf("GET %s: %d, body: %v", url, resp.StatusCode, err), false
	}
	healthy := resp.StatusCode/100 == 2
	if spec.Status != 0 {
		healthy = resp.StatusCode == spec.Status
	}
	if !healthy {
		return resp.StatusCode, fmt.Sprintf("GET %s answered %d", url, resp.StatusCode), false
	}
	if spec.JSONField == "" {
		return resp.StatusCode, "", true
	}
	got, err := jsonField(body, spec.JSONField)
	switch {
	case err != nil:
		return resp.StatusCode, fmt.Sprintf("GET %s: %v", url, err), false
	case spec.NotEquals != "" && got == spec.NotEquals:
		return resp.StatusCode, fmt.Sprintf("GET %s: %s is %q", url, spec.JSONField, got), false
	case spec.Equals != "" && got != spec.Equals:
		return resp.StatusCode, fmt.Sprintf("GET %s: %s is %q, want %q", url, spec.JSONField, got, spec.Equals), false
	}
	return resp.StatusCode, "", true
}

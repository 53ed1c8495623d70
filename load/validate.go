package load

import (
	"github.com/faultdrill/faultdrill/httpapi"

	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one request when Spec.Timeout is 0.
const DefaultTimeout = 2 * time.Second

// maxRate is the highest rate one stream may ask for: vegeta's constant
// pacer needs at least 1 ns between hits, and a laptop needs far more.
const maxRate = 1_000_000

// Validate reports every problem of s at once, each wrapping
// ErrInvalidSpec; it returns nil for a spec that Run accepts.
func (s Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("load: %w: "+format, append([]any{ErrInvalidSpec}, args...)...))
	}
	if s.Duration <= 0 {
		bad("duration %s: want a positive duration such as 60s", s.Duration)
	}
	if s.Timeout < 0 {
		bad("timeout %s: want a positive duration, or none for the default %s", s.Timeout, DefaultTimeout)
	}
	if len(s.Streams) == 0 {
		bad("no streams: add at least one stream with a name, a rate and a path")
	}
	seen := make(map[string]bool, len(s.Streams))
	for i, st := range s.Streams {
		if seen[st.Name] {
			bad("stream %d: name %q is used twice; stream names must be unique", i+1, st.Name)
		}
		seen[st.Name] = true
		for _, err := range st.problems() {
			bad("stream %d (%q): %s", i+1, st.Name, err)
		}
	}
	return errors.Join(errs...)
}

// problems lists what is wrong with one stream, as sentences.
func (st StreamSpec) problems() []string {
	var out []string
	if !isIDSafe(st.Name) {
		out = append(out, "name: use letters, digits, '.', '_' or '-' (it prefixes every request id)")
	}
	switch perSec := st.Rate.PerSecond(); {
	case st.Rate.Freq <= 0 || st.Rate.Per <= 0:
		out = append(out, fmt.Sprintf("rate %s: want a positive rate such as \"100/s\"", st.Rate))
	case perSec > maxRate:
		out = append(out, fmt.Sprintf("rate %s: at most %d/s per stream", st.Rate, maxRate))
	}
	out = append(out, st.rampProblems()...)
	switch {
	case st.Resend < 0 || st.Resend >= 1 || st.Resend != st.Resend:
		out = append(out, fmt.Sprintf("resend %g: want a fraction in [0, 1), such as 0.05", st.Resend))
	case st.Keys < 0:
		out = append(out, fmt.Sprintf("keys %d: want a positive number of keys, or none", st.Keys))
	}
	switch t, err := httpapi.Compile(st.Request()); {
	case err != nil:
		out = append(out, err.Error())
	case st.Keys == 0 && t.Uses(httpapi.PlaceKey):
		out = append(out, "{key} is used but keys is not set: set keys to the number of keys to spread requests over")
	}
	if _, err := st.Response.Compile(); err != nil {
		out = append(out, "response: "+err.Error())
	}
	if st.Method != "" && !isToken(st.Method) {
		out = append(out, fmt.Sprintf("method %q: not an HTTP method", st.Method))
	}
	if st.Path != "" && !strings.HasPrefix(st.Path, "/") {
		out = append(out, fmt.Sprintf("path %q: must start with /", st.Path))
	}
	if strings.ContainsAny(st.Path, " \t\r\n#") {
		out = append(out, fmt.Sprintf("path %q: must not contain spaces, control characters or '#'", st.Path))
	}
	for k, v := range st.Headers {
		if !isToken(k) {
			out = append(out, fmt.Sprintf("header %q: not a valid header name", k))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			out = append(out, fmt.Sprintf("header %q: value must not contain line breaks", k))
		}
	}
	return out
}

// rampProblems lists what is wrong with a stream's ramp, as sentences.
func (st StreamSpec) rampProblems() []string {
	var out []string
	switch perSec := st.RampTo.PerSecond(); {
	case st.RampTo.IsZero():
		if st.RampOver != 0 {
			out = append(out, fmt.Sprintf("rampOver %s: set rampTo, the rate to ramp to", st.RampOver))
		}
	case st.RampTo.Freq <= 0 || st.RampTo.Per <= 0:
		out = append(out, fmt.Sprintf("rampTo %s: want a positive rate such as \"500/s\"", st.RampTo))
	case perSec > maxRate:
		out = append(out, fmt.Sprintf("rampTo %s: at most %d/s per stream", st.RampTo, maxRate))
	}
	if st.RampOver < 0 {
		out = append(out, fmt.Sprintf("rampOver %s: want a positive duration, or none to ramp over the whole load", st.RampOver))
	}
	return out
}

// parseTarget checks the base URL of the service under load: an absolute
// http or https URL without query or fragment, on loopback unless
// allowNonLoopback is set.
func parseTarget(raw string, allowNonLoopback bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("load: %w %q: %w", ErrInvalidTarget, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("load: %w %q: want a base URL such as http://127.0.0.1:8080", ErrInvalidTarget, raw)
	}
	if !allowNonLoopback && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("load: target %q: %w; load only targets 127.0.0.0/8, ::1 or localhost unless non-loopback targets are allowed explicitly",
			raw, ErrNotLoopback)
	}
	return u, nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
// Names other than localhost are not resolved: they are not loopback.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// isIDSafe reports whether s is non-empty and made only of characters that
// need no escaping in a URL path, a header or JSON.
func isIDSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isToken reports whether s is an RFC 9110 token (methods, header names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

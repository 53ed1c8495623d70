package faults

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Defaults returns s with its defaults filled: Name "KIND@LINK",
// Direction Both and Toxicity 1. It does not validate.
func Defaults(s Spec) Spec {
	if s.Name == "" {
		s.Name = string(s.Kind) + "@" + s.Link
	}
	if s.Direction == "" {
		s.Direction = Both
	}
	if s.Toxicity == 0 {
		s.Toxicity = 1
	}
	return s
}

// Validate reports every problem of s at once, joined; each is a
// *SpecError matching ErrInvalidSpec. Zero values that Defaults fills
// (Name, Direction, Toxicity) are valid.
func (s Spec) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &SpecError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if s.Name != "" && !validName(s.Name, "._@:-") {
		bad("name", "%q must start with a letter or digit and hold only letters, digits and . _ @ : -", s.Name)
	}
	if s.Link == "" {
		bad("link", "is required")
	} else if !validName(s.Link, "._-") {
		bad("link", "%q must start with a letter or digit and hold only letters, digits and . _ -", s.Link)
	}
	switch s.Kind {
	case Latency, Blackhole, Down:
	case "":
		bad("kind", "is required: one of latency, blackhole, down")
	default:
		bad("kind", "%q is unknown: use latency, blackhole or down", s.Kind)
	}
	switch s.Direction {
	case "", Both:
	case Upstream, Downstream:
		if s.Kind == Down {
			bad("direction", "a down link is down both ways: leave direction empty or use both")
		}
	default:
		bad("direction", "%q is unknown: use both, upstream or downstream", s.Direction)
	}
	switch {
	case math.IsNaN(s.Toxicity) || s.Toxicity < 0 || s.Toxicity > 1:
		bad("toxicity", "%v must be in (0, 1]", s.Toxicity)
	case s.Kind == Down && s.Toxicity != 0 && s.Toxicity != 1:
		bad("toxicity", "a down link refuses every connection: leave toxicity empty or use 1")
	}
	if s.Kind == Latency && s.Latency < time.Millisecond {
		bad("latency", "%v must be at least 1ms for kind latency", s.Latency)
	}
	if s.Kind != Latency && s.Kind != "" && (s.Latency != 0 || s.Jitter != 0) {
		bad("latency", "latency and jitter apply only to kind latency")
	}
	if s.Jitter < 0 {
		bad("jitter", "%v must not be negative", s.Jitter)
	}
	if s.Duration < 0 {
		bad("duration", "%v must not be negative", s.Duration)
	}
	return errors.Join(errs...)
}

// validName reports whether name starts with an ASCII letter or digit and
// holds only those and the given punctuation. Names end up in toxiproxy
// URL paths, so anything else is refused.
func validName(name, punct string) bool {
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if alnum {
			continue
		}
		if i == 0 || !strings.ContainsRune(punct, r) {
			return false
		}
	}
	return name != ""
}

package faults

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Defaults returns s with its defaults filled: Name "KIND@LINK" (or
// "KIND@SERVICE" for a process fault) and, for network faults, Direction
// Both and Toxicity 1. It does not validate.
func Defaults(s Spec) Spec {
	if s.Name == "" {
		where := s.Link
		if s.OnService() {
			where = s.Service
		}
		s.Name = string(s.Kind) + "@" + where
	}
	if s.OnService() {
		return s
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
// *SpecError matching ErrInvalidSpec, whose Field is the scenario key.
// Zero values that Defaults fills (Name, Direction, Toxicity) are valid. A
// parameter that the kind does not read is an error.
func (s Spec) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &SpecError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if s.Name != "" && !validName(s.Name, "._@:-") {
		bad("name", "%q must start with a letter or digit and hold only letters, digits and . _ @ : -", s.Name)
	}
	k, known := lookup(s.Kind)
	switch {
	case s.Kind == "":
		bad("kind", "is required: one of %s", kindList())
	case !known:
		bad("kind", "%q is unknown: use one of %s", s.Kind, kindList())
	}
	checkTarget(s, k, known, bad)
	checkDirection(s, k, known, bad)
	checkToxicity(s, k, known, bad)
	if known {
		for _, p := range params() {
			if p.set(s) && !slices.Contains(k.params, p.key) {
				bad(p.key, "%s applies only to kind %s", p.key, kindsReading(p.key))
			}
		}
		k.check(s, bad)
	}
	switch {
	case s.Duration < 0:
		bad("duration", "%v must not be negative", s.Duration)
	case s.Duration > 0 && s.Instant():
		bad("duration", "a %s is over once done: it takes no duration", describeInstant(s))
	}
	return errors.Join(errs...)
}

// checkTarget checks Link or Service, whichever the kind acts on. An
// unknown kind is taken as a network kind unless it names a service.
func checkTarget(s Spec, k kind, known bool, bad reporter) {
	onService := k.onService || (!known && s.Link == "" && s.Service != "")
	target, other := "link", "service"
	value, otherValue := s.Link, s.Service
	if onService {
		target, other = other, target
		value, otherValue = otherValue, value
	}
	switch {
	case value == "":
		bad(target, "is required")
	case !validName(value, "._-"):
		bad(target, "%q must start with a letter or digit and hold only letters, digits and . _ -", value)
	}
	if otherValue != "" && known {
		bad(other, "kind %s acts on a %s, not a %s", s.Kind, target, other)
	}
}

func checkDirection(s Spec, k kind, known bool, bad reporter) {
	switch s.Direction {
	case "", Both:
	case Upstream, Downstream:
		if known && !k.oneWay {
			bad("direction", "kind %s acts both ways: leave direction empty or use both", s.Kind)
		}
	default:
		bad("direction", "%q is unknown: use both, upstream or downstream", s.Direction)
	}
}

func checkToxicity(s Spec, k kind, known bool, bad reporter) {
	switch {
	case math.IsNaN(s.Toxicity) || s.Toxicity < 0 || s.Toxicity > 1:
		bad("toxicity", "%v must be in (0, 1]", s.Toxicity)
	case known && !k.partial && s.Toxicity != 0 && s.Toxicity != 1:
		bad("toxicity", "kind %s affects everything: leave toxicity empty or use 1", s.Kind)
	}
}

func describeInstant(s Spec) string {
	if s.Kind == Kill {
		return "kill with restart"
	}
	return string(s.Kind)
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

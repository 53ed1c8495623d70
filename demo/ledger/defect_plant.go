package ledger

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bounds on defect values.
const (
	// maxDelay bounds the latency defect, well under any drill's patience.
	maxDelay = time.Minute
	// maxCacheTTL bounds the stale-cache defect.
	maxCacheTTL = time.Hour
)

// Plant adds one defect, given in its flag form NAME[=VALUE], to d, for a
// process of the given tier; NoDefect ("none") plants nothing. It fails
// with ErrUnknownDefect, ErrDefectTier or ErrDefectValue; the message names
// the defect, ready to follow a flag.
func (d *Defects) Plant(tier Tier, spec string) error {
	name, value, hasValue := strings.Cut(strings.TrimSpace(spec), "=")
	if name == NoDefect {
		if hasValue {
			return fmt.Errorf("%w: %s takes no value", ErrDefectValue, name)
		}
		return nil
	}
	kind, ok := findDefect(name)
	if !ok {
		return fmt.Errorf("%w %q (known: %s, or %s)", ErrUnknownDefect, name, strings.Join(DefectNames(""), ", "), NoDefect)
	}
	if !kind.accepts(tier) {
		return tierError(kind, tier)
	}
	switch {
	case kind.value == "" && hasValue:
		return fmt.Errorf("%w: %s takes no value", ErrDefectValue, name)
	case !hasValue:
		value = kind.value
	}
	if err := kind.set(d, value); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// only fails with ErrDefectTier when d holds a defect tier does not accept.
func (d Defects) only(tier Tier) error {
	for _, k := range catalog() {
		if _, planted := k.show(d); planted && !k.accepts(tier) {
			return fmt.Errorf("ledger: %w", tierError(k, tier))
		}
	}
	return nil
}

func tierError(k defectKind, tier Tier) error {
	return fmt.Errorf("%w: %s belongs to the %s tier, not %s", ErrDefectTier, k.name, k.tier, tier)
}

// String returns the planted defects in flag form, comma separated, or
// "none" for the clean release.
func (d Defects) String() string {
	var on []string
	for _, k := range catalog() {
		v, planted := k.show(d)
		switch {
		case !planted:
		case v == "":
			on = append(on, k.name)
		default:
			on = append(on, k.name+"="+v)
		}
	}
	if len(on) == 0 {
		return NoDefect
	}
	return strings.Join(on, ",")
}

func findDefect(name string) (defectKind, bool) {
	for _, k := range catalog() {
		if k.name == name {
			return k, true
		}
	}
	return defectKind{}, false
}

// parseFraction reads a fraction in [0, 1].
func parseFraction(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return 0, fmt.Errorf("%w: %q is not a fraction between 0 and 1", ErrDefectValue, v)
	}
	return f, nil
}

func formatFraction(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// parseDelay reads a positive duration up to limit.
func parseDelay(v string, limit time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > limit {
		return 0, fmt.Errorf("%w: %q is not a duration between 0 and %s, such as 400ms", ErrDefectValue, v, limit)
	}
	return d, nil
}

// parseFlagName reads the name of a feature flag.
func parseFlagName(v string) (string, error) {
	if err := checkName("flag", v, MaxFlagLen); err != nil {
		return "", fmt.Errorf("%w: %w", ErrDefectValue, err)
	}
	return v, nil
}

package ledger

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Tier names one tier of the ledger; every defect lives in exactly one.
type Tier string

// The two tiers.
const (
	TierAPI   Tier = "api"
	TierStore Tier = "store"
)

// Defects are the faults planted in one release of a tier, chosen with
// --defect flags. The zero value is the clean release.
type Defects struct {
	// ErrorSpike is the fraction of data requests the api answers 500
	// without forwarding them (api tier).
	ErrorSpike float64
	// Latency delays every data request at the api before it is handled
	// (api tier).
	Latency time.Duration
	// LostWrites is the fraction of writes the api acknowledges with 201
	// but never forwards: acknowledged, not durable (api tier).
	LostWrites float64
	// DoubleApply makes the store insert a retried write a second time
	// instead of answering the entry it already holds (store tier).
	DoubleApply bool
}

// defectKind is one entry of the defect catalog. To add a defect, add a
// field to Defects, an entry here, and the behaviour in its tier.
type defectKind struct {
	name string
	tier Tier
	// value is the default used when the flag has no =VALUE; "" marks a
	// switch that takes no value.
	value string
	set   func(d *Defects, value string) error
	// show returns the flag form's value, and whether the defect is on.
	show func(d Defects) (string, bool)
}

// catalog lists every defect by its stable name, as used in flags and
// reports.
func catalog() []defectKind {
	return []defectKind{
		{
			name: "error-spike", tier: TierAPI, value: "0.5",
			set:  func(d *Defects, v string) (err error) { d.ErrorSpike, err = parseFraction(v); return err },
			show: func(d Defects) (string, bool) { return formatFraction(d.ErrorSpike), d.ErrorSpike > 0 },
		},
		{
			name: "latency", tier: TierAPI, value: "400ms",
			set:  func(d *Defects, v string) (err error) { d.Latency, err = parseDelay(v); return err },
			show: func(d Defects) (string, bool) { return d.Latency.String(), d.Latency > 0 },
		},
		{
			name: "lost-writes", tier: TierAPI, value: "0.2",
			set:  func(d *Defects, v string) (err error) { d.LostWrites, err = parseFraction(v); return err },
			show: func(d Defects) (string, bool) { return formatFraction(d.LostWrites), d.LostWrites > 0 },
		},
		{
			name: "double-apply", tier: TierStore,
			set:  func(d *Defects, _ string) error { d.DoubleApply = true; return nil },
			show: func(d Defects) (string, bool) { return "", d.DoubleApply },
		},
	}
}

// DefectNames returns the name of every known defect of a tier, in
// catalog order; an empty tier returns them all.
func DefectNames(tier Tier) []string {
	var names []string
	for _, k := range catalog() {
		if tier == "" || k.tier == tier {
			names = append(names, k.name)
		}
	}
	return names
}

// Plant adds one defect, given in its flag form NAME[=VALUE], to d, for a
// process of the given tier. It fails with ErrUnknownDefect, ErrDefectTier
// or ErrDefectValue; the message names the defect, ready to follow a flag.
func (d *Defects) Plant(tier Tier, spec string) error {
	name, value, hasValue := strings.Cut(strings.TrimSpace(spec), "=")
	kind, ok := findDefect(name)
	if !ok {
		return fmt.Errorf("%w %q (known: %s)", ErrUnknownDefect, name, strings.Join(DefectNames(""), ", "))
	}
	if kind.tier != tier {
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

// only fails with ErrDefectTier when d holds a defect of another tier.
func (d Defects) only(tier Tier) error {
	for _, k := range catalog() {
		if _, planted := k.show(d); planted && k.tier != tier {
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
		return "none"
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

// maxDelay bounds the latency defect, well under any drill's patience.
const maxDelay = time.Minute

// parseDelay reads a positive duration up to maxDelay.
func parseDelay(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > maxDelay {
		return 0, fmt.Errorf("%w: %q is not a duration between 0 and %s, such as 400ms", ErrDefectValue, v, maxDelay)
	}
	return d, nil
}

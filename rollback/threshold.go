package rollback

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Threshold units, from how a threshold was written.
const (
	UnitFraction = "fraction" // "5%" or 0.05
	UnitDuration = "duration" // "250ms", in seconds
	UnitNumber   = "number"   // 80
	UnitBaseline = "baseline" // "3x": a multiple of the metric in the baseline window
)

// Threshold is a trigger's limit as written in the scenario: "5%" or 0.05
// for a fraction, "250ms" for a latency, a plain number for a throughput,
// or "3x" for three times the metric's value in the baseline window.
type Threshold struct {
	// Value is the limit in the metric's unit: a fraction, seconds, or
	// requests per second; for UnitBaseline, the factor.
	Value float64
	// Unit is UnitFraction, UnitDuration, UnitNumber or UnitBaseline.
	Unit string
	text string
}

// String returns the threshold as it was written.
func (t Threshold) String() string { return t.text }

// Relative reports whether the threshold is a multiple of a baseline.
func (t Threshold) Relative() bool { return t.Unit == UnitBaseline }

// MarshalText implements encoding.TextMarshaler.
func (t Threshold) MarshalText() ([]byte, error) { return []byte(t.text), nil }

// UnmarshalText reads "5%", "0.05", "250ms", "80" or "3x".
func (t *Threshold) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasSuffix(s, "%") {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || !finite(v) || v < 0 || v > 100 {
			return fmt.Errorf("threshold %q: want a percentage between 0%% and 100%%", s)
		}
		*t = Threshold{Value: v / 100, Unit: UnitFraction, text: s}
		return nil
	}
	if f, ok := strings.CutSuffix(s, "x"); ok {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !finite(v) || v < 0 {
			return fmt.Errorf("threshold %q: want a positive multiple of the baseline, such as \"3x\" or \"0.5x\"", s)
		}
		*t = Threshold{Value: v, Unit: UnitBaseline, text: s}
		return nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if !finite(v) || v < 0 {
			return fmt.Errorf("threshold %q: want a positive number", s)
		}
		unit := UnitNumber
		if v <= 1 && strings.Contains(s, ".") {
			unit = UnitFraction
		}
		*t = Threshold{Value: v, Unit: unit, text: s}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("threshold %q: want a percentage (5%%), a duration (250ms), a number or a multiple of the baseline (3x)", s)
	}
	*t = Threshold{Value: d.Seconds(), Unit: UnitDuration, text: s}
	return nil
}

// ParseThreshold reads a threshold as UnmarshalText does.
func ParseThreshold(s string) (Threshold, error) {
	var t Threshold
	err := t.UnmarshalText([]byte(s))
	return t, err
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

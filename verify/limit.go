package verify

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// limit is one parsed SLO limit: an absolute value, or a factor of the
// baseline's value.
type limit struct {
	// factor is the multiple of the baseline allowed; 0 for an absolute limit.
	factor float64
	// value is the absolute limit: a fraction for a rate, nanoseconds for a
	// latency.
	value float64
}

// of returns the limit in effect given the baseline's value.
func (l limit) of(base float64) float64 {
	if l.factor > 0 {
		return l.factor * base
	}
	return l.value
}

// parseFactor reads a relative limit such as "2x" or "1.5x".
func parseFactor(s string) (limit, bool, error) {
	num, ok := strings.CutSuffix(s, "x")
	if !ok {
		return limit{}, false, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return limit{}, true, fmt.Errorf("%q: want a positive multiple of the baseline such as \"2x\"", s)
	}
	return limit{factor: f}, true, nil
}

// parseRateLimit reads an error-rate limit: "1%", "0.01" or "2x".
func parseRateLimit(s string) (limit, error) {
	s = strings.TrimSpace(s)
	if l, ok, err := parseFactor(s); ok {
		return l, err
	}
	v, err := parseShare(s)
	if err != nil {
		return limit{}, err
	}
	return limit{value: v}, nil
}

// parseLatencyLimit reads a latency limit: "250ms" or "2x".
func parseLatencyLimit(s string) (limit, error) {
	s = strings.TrimSpace(s)
	if l, ok, err := parseFactor(s); ok {
		return l, err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return limit{}, fmt.Errorf("%q: want a positive duration such as \"250ms\", or a multiple of the baseline such as \"2x\"", s)
	}
	return limit{value: float64(d)}, nil
}

// parseShare reads a share of a whole: "1%", "95%" or "0.01".
func parseShare(s string) (float64, error) {
	s = strings.TrimSpace(s)
	num, percent := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if percent {
		v /= 100
	}
	if err != nil || v < 0 || v > 1 || math.IsNaN(v) {
		return 0, fmt.Errorf("%q: want a share between 0%% and 100%%, such as \"1%%\" or 0.01", s)
	}
	return v, nil
}

// formatRate writes a fraction as a percentage: 0.0125 → "1.25%".
func formatRate(v float64) string {
	return strconv.FormatFloat(v*100, 'f', -1, 64) + "%"
}

// formatLatency writes nanoseconds as a duration rounded to 0.1 ms.
func formatLatency(v float64) string {
	d := time.Duration(v)
	if d > time.Millisecond {
		d = d.Round(100 * time.Microsecond)
	}
	return d.String()
}

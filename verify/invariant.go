package verify

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Validate reports what makes inv unusable, each problem wrapping
// ErrInvalidSpec; it returns nil for an invariant MeasureInvariant and
// CheckInvariant accept.
func (inv Invariant) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("verify: invariant %q: %w: "+format, append([]any{inv.Name, ErrInvalidSpec}, args...)...))
	}
	if strings.TrimSpace(inv.Name) == "" {
		bad("no name; name it so reports can refer to it, such as \"balance-sum\"")
	}
	switch {
	case inv.HTTP == nil && inv.SQL == nil:
		bad("no probe; set http (path and jsonPath) or sql (driver, dsn and query)")
	case inv.HTTP != nil && inv.SQL != nil:
		bad("both http and sql are set; keep one")
	case inv.HTTP != nil:
		if !strings.HasPrefix(inv.HTTP.Path, "/") {
			bad("http.path %q must start with \"/\"", inv.HTTP.Path)
		}
		if _, err := parseJSONPath(inv.HTTP.JSONPath); err != nil {
			errs = append(errs, err)
		}
	case inv.SQL != nil:
		if _, err := sqlDriver(inv.SQL.Driver); err != nil {
			errs = append(errs, err)
		}
		if strings.TrimSpace(inv.SQL.DSN) == "" {
			bad("sql.dsn is empty")
		}
		if strings.TrimSpace(inv.SQL.Query) == "" {
			bad("sql.query is empty")
		}
	}
	switch {
	case inv.Equals == "" && !inv.Unchanged:
		bad("nothing to compare to; set equals to the expected value, or unchanged: true")
	case inv.Equals != "" && inv.Unchanged:
		bad("both equals and unchanged are set; keep one")
	}
	return errors.Join(errs...)
}

// MeasureInvariant reads the invariant's value now: over HTTP from
// baseURL (the target service) or with a read-only SQL query. The engine
// calls it once before the drill for Unchanged invariants, and once after.
func MeasureInvariant(ctx context.Context, baseURL string, inv Invariant) (string, error) {
	if err := inv.Validate(); err != nil {
		return "", err
	}
	if inv.HTTP != nil {
		return measureHTTP(ctx, baseURL, *inv.HTTP)
	}
	return measureSQL(ctx, *inv.SQL)
}

// CheckInvariant judges the value measured after the drill: against
// inv.Equals, or against before when inv.Unchanged. err is the error of
// either measurement; it makes the verdict Unknown. Numbers compare by
// value, so "100" equals "100.00" and "1e2"; anything else compares as
// text.
func CheckInvariant(inv Invariant, before, after string, err error) Result {
	res := Result{Name: InvariantPrefix + inv.Name, Integrity: true, Evidence: map[string]any{}}
	if verr := inv.Validate(); verr != nil {
		res.Verdict, res.Summary = Unknown, verr.Error()
		return res
	}
	res.Evidence["probe"] = inv.describe()
	if err != nil {
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("invariant %s could not be measured: %v", inv.Name, err)
		res.Evidence["error"] = err.Error()
		return res
	}
	res.Evidence["after"] = after
	want, what := inv.Equals, "expected"
	if inv.Unchanged {
		want, what = before, "before the drill"
		res.Evidence["before"] = before
	} else {
		res.Evidence["expected"] = want
	}
	if sameValue(after, want) {
		res.Verdict = Success
		res.Summary = fmt.Sprintf("invariant %s holds: %s, as %s", inv.Name, quoteValue(after), what)
		return res
	}
	res.Verdict = Failure
	res.Summary = fmt.Sprintf("invariant %s broken: %s after the drill, %s %s", inv.Name, quoteValue(after), quoteValue(want), what)
	return res
}

// describe says where the value is read, for the evidence.
func (inv Invariant) describe() string {
	if inv.HTTP != nil {
		return fmt.Sprintf("GET %s %s", inv.HTTP.Path, inv.HTTP.JSONPath)
	}
	return fmt.Sprintf("%s: %s", inv.SQL.Driver, inv.SQL.Query)
}

// sameValue compares two measured values: by value when both are decimal
// numbers, as text otherwise.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !decimal.MatchString(a) || !decimal.MatchString(b) {
		return false
	}
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}

// decimal matches a decimal number with an optional exponent.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// quoteValue quotes a value for a sentence, shortened when long.
func quoteValue(v string) string {
	const maxLen = 80
	if len(v) > maxLen {
		v = v[:maxLen] + "…"
	}
	return fmt.Sprintf("%q", v)
}

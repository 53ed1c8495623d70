package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/load"
)

// DefaultDuplicatesField is the JSON path of the applied count when
// DuplicatesSpec.Field is empty.
const DefaultDuplicatesField = "applied"

// Duplicate is one write the system applied more than once.
type Duplicate struct {
	ID      string `json:"id"`
	Applied string `json:"applied"`
}

// Duplicates reads back every acknowledged write with spec.Read and looks
// at the number at spec.Field in the answer: above 1, the write was
// applied more than once (a retry or a replay applied it again), which is
// a Failure. An answer meaning absent (spec.Response; 404 by default) is
// counted as missing (Durability's concern); any other
// failed read, or an answer without a number at Field, leaves the write
// unverified and the verdict Unknown when nothing is duplicated, as does
// a drill with no acknowledged write; Coverage counts the writes checked.
func Duplicates(ctx context.Context, baseURL string, spec DuplicatesSpec, ops []load.Op) Result {
	res := Result{Name: NameDuplicates, Integrity: true}
	t, err := CompileRead(spec.Read)
	if err == nil {
		_, err = parseJSONPath(spec.field())
	}
	var rules *httpapi.Rules
	if err == nil {
		if rules, err = spec.Response.Compile(); err != nil {
			err = fmt.Errorf("verify: duplicates: %w: %w", ErrInvalidSpec, err)
		}
	}
	if err != nil {
		res.Verdict, res.Summary = Unknown, err.Error()
		return res
	}
	var c writeCheck
	acked, _ := c.indexWrites(ops)
	var dups []Duplicate
	var missing, unverified []string
	problems := map[string]string{}
	fetchEach(ctx, baseURL, t, acked, spec.Concurrency, true, func(id string, r reply) {
		n, err := appliedCount(r, rules, spec.field())
		switch {
		case errors.Is(err, errMissing):
			missing = append(missing, id)
		case err != nil:
			unverified = append(unverified, id)
			if len(problems) < 3 {
				problems[id] = err.Error()
			}
		case isAbove1(n):
			dups = append(dups, Duplicate{ID: id, Applied: n})
		}
	})
	slices.SortFunc(dups, func(a, b Duplicate) int { return strings.Compare(a.ID, b.ID) })
	slices.Sort(missing)
	slices.Sort(unverified)

	res.Evidence = map[string]any{
		"checked":    len(acked),
		"duplicates": len(dups),
		"missing":    len(missing),
		"unverified": len(unverified),
		"field":      spec.field(),
	}
	if len(dups) > 0 {
		ids := make([]string, 0, min(len(dups), maxListed))
		for _, d := range dups[:min(len(dups), maxListed)] {
			ids = append(ids, d.ID)
		}
		res.Evidence["duplicateIds"] = ids
		res.Evidence["applied"] = dups[:min(len(dups), maxListed)]
	}
	if len(unverified) > 0 {
		res.Evidence["unverifiedIds"] = firstN(unverified, maxListed)
		res.Evidence["problems"] = problems
	}
	// A missing write is Durability's concern, not a write left unchecked.
	present := len(acked) - len(missing)
	res.Coverage = &Coverage{Checked: present - len(unverified), Expected: present, Unit: "acknowledged writes present"}
	switch {
	case len(acked) == 0:
		res.Verdict = Unknown
		res.Summary = "no acknowledged write to read back: duplicates checked nothing"
	case len(dups) > 0:
		res.Verdict = Failure
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes were applied more than once", len(dups), len(acked))
	case len(unverified) > 0:
		res.Verdict = Unknown
		res.Summary = fmt.Sprintf("%d of %d acknowledged writes could not be checked for duplicates", len(unverified), len(acked))
	default:
		res.Verdict = Success
		res.Summary = fmt.Sprintf("none of %d acknowledged writes was applied more than once", len(acked)-len(missing))
	}
	return res
}

func (s DuplicatesSpec) field() string {
	if s.Field == "" {
		return DefaultDuplicatesField
	}
	return s.Field
}

// errMissing marks a read whose answer means absent.
var errMissing = errors.New("not found")

// appliedCount returns the number at field in a read's answer.
func appliedCount(r reply, rules *httpapi.Rules, field string) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	switch a := rules.Read(r.code, r.header, r.body); {
	case a.Absent:
		return "", errMissing
	case !a.Ack:
		return "", fmt.Errorf("%w: status %d", ErrBadResponse, r.code)
	}
	v, err := selectJSON(r.body, field)
	if err != nil {
		return "", err
	}
	if !decimal.MatchString(v) {
		return "", fmt.Errorf("%w: %s is %q, not a number", ErrBadResponse, field, v)
	}
	return v, nil
}

// isAbove1 reports whether the decimal number n is greater than 1.
func isAbove1(n string) bool {
	f, err := strconv.ParseFloat(n, 64)
	return err == nil && f > 1
}

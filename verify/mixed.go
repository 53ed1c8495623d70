package verify

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// NoVersion labels requests that carried no version: no answer came, or
// the service does not send an X-Version header.
const NoVersion = "(none)"

// VersionStats is what one version served: its requests, the failed ones
// by status ("error" for no answer), and the span between the first and
// the last answer it gave.
type VersionStats struct {
	Version  string         `json:"version"`
	Requests int            `json:"requests"`
	Failed   int            `json:"failed"`
	Codes    map[string]int `json:"codes,omitempty"`
	First    time.Duration  `json:"first"`
	Last     time.Duration  `json:"last"`
}

// MixedVersions classifies the failed and indeterminate requests of ops by
// the version that served them (Op.Version; NoVersion when none), and
// finds when more than one version answered. With no version in any
// answer there is nothing to classify by: Skipped, saying so. It informs (Success) unless
// spec.MaxFailures is set, in which case more failed requests than that is
// a Failure. Pass the operations of the window of interest, such as from
// the deployment to the end of the rollback.
func MixedVersions(ops []load.Op, spec MixedVersionsSpec) Result {
	res := Result{Name: NameMixedVersions}
	if !slices.ContainsFunc(ops, func(op load.Op) bool { return op.Version != "" }) {
		res.Verdict = Skipped
		res.Summary = "no answer said which version served it (the X-Version header by default): set response.version on the load's streams to know"
		return res
	}
	stats := versionStats(ops)
	failed := 0
	for _, s := range stats {
		failed += s.Failed
	}
	res.Evidence = map[string]any{
		"requests": len(ops),
		"failed":   failed,
		"versions": stats,
	}
	mixed := mixedSpan(stats)
	if mixed != nil {
		res.Evidence["mixedFrom"], res.Evidence["mixedTo"] = mixed[0].String(), mixed[1].String()
	}
	if spec.MaxFailures != nil {
		res.Evidence["maxFailures"] = *spec.MaxFailures
	}

	res.Summary = fmt.Sprintf("%d of %d requests failed%s", failed, len(ops), failedByVersion(stats))
	if mixed != nil {
		res.Summary += fmt.Sprintf("; more than one version answered between %s and %s", mixed[0].Round(time.Millisecond), mixed[1].Round(time.Millisecond))
	}
	res.Verdict = Success
	if spec.MaxFailures != nil && failed > *spec.MaxFailures {
		res.Verdict = Failure
		res.Summary += fmt.Sprintf(" (at most %d allowed)", *spec.MaxFailures)
	}
	return res
}

// versionStats groups ops by version, versions sorted by name with
// NoVersion last.
func versionStats(ops []load.Op) []VersionStats {
	byVersion := map[string]*VersionStats{}
	for i := range ops {
		op := &ops[i]
		v := op.Version
		if v == "" {
			v = NoVersion
		}
		s := byVersion[v]
		if s == nil {
			s = &VersionStats{Version: v, First: op.End, Last: op.End}
			byVersion[v] = s
		}
		s.Requests++
		s.First, s.Last = min(s.First, op.End), max(s.Last, op.End)
		if op.Outcome == load.Acknowledged {
			continue
		}
		s.Failed++
		if s.Codes == nil {
			s.Codes = map[string]int{}
		}
		code := "error"
		if op.Code != 0 {
			code = strconv.Itoa(int(op.Code))
		}
		s.Codes[code]++
	}
	out := make([]VersionStats, 0, len(byVersion))
	for _, s := range byVersion {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b VersionStats) int {
		if (a.Version == NoVersion) != (b.Version == NoVersion) {
			if a.Version == NoVersion {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Version, b.Version)
	})
	return out
}

// mixedSpan returns the first and last instants at which the answer spans
// of two or more versions overlap, or nil when they never do.
func mixedSpan(stats []VersionStats) []time.Duration {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, s := range stats {
		if s.Version != NoVersion {
			edges = append(edges, edge{s.First, +1}, edge{s.Last, -1})
		}
	}
	// at equal instants, opening comes first: spans that touch overlap
	slices.SortFunc(edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(b.delta, a.delta))
	})
	var span []time.Duration
	open := 0
	for _, e := range edges {
		open += e.delta
		switch {
		case e.delta > 0 && open == 2 && span == nil:
			span = []time.Duration{e.at, e.at}
		case e.delta < 0 && open == 1:
			span[1] = e.at
		}
	}
	return span
}

// failedByVersion writes ": v2 9 of 400, (none) 3 of 3" for the versions
// with failures.
func failedByVersion(stats []VersionStats) string {
	var parts []string
	for _, s := range stats {
		if s.Failed > 0 {
			parts = append(parts, fmt.Sprintf("%s %d of %d", s.Version, s.Failed, s.Requests))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

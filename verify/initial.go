package verify

import (
	"github.com/faultdrill/faultdrill/httpapi"

	"context"
	"fmt"
	"slices"
)

// StartedFrom checks the assumption that the system under test starts the
// drill empty, or from its seed: the ids that the list request ("GET
// /entries") returns before the load starts are exactly seed (none when
// seed is empty). The engine calls it before the load and wraps the result
// with Assume. The verdict is Failure with the unexpected and the missing
// ids listed, Unknown when the list request fails.
func StartedFrom(ctx context.Context, baseURL string, list httpapi.Request, seed []string) Result {
	res := Result{Name: NameInitialState}
	ids, err := ListIDs(ctx, baseURL, list)
	if err != nil {
		res.Verdict, res.Summary = Unknown, fmt.Sprintf("the initial state could not be listed: %v", err)
		return res
	}
	want := make(map[string]bool, len(seed))
	for _, id := range seed {
		want[id] = true
	}
	got := make(map[string]bool, len(ids))
	var extra, missing []string
	for _, id := range ids {
		got[id] = true
		if !want[id] {
			extra = append(extra, id)
		}
	}
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(extra)
	extra = slices.Compact(extra)
	slices.Sort(missing)
	res.Evidence = map[string]any{"listed": len(got), "seed": len(want), "unexpected": len(extra), "missing": len(missing)}
	if len(extra) > 0 {
		res.Evidence["unexpectedIds"] = firstN(extra, maxListed)
	}
	if len(missing) > 0 {
		res.Evidence["missingIds"] = firstN(missing, maxListed)
	}
	start := "empty"
	if len(want) > 0 {
		start = fmt.Sprintf("from its seed of %d ids", len(want))
	}
	if len(extra) == 0 && len(missing) == 0 {
		res.Verdict, res.Summary = Success, "the system started "+start
		return res
	}
	res.Verdict = Failure
	res.Summary = fmt.Sprintf("the system did not start %s: %d unexpected ids, %d seed ids missing", start, len(extra), len(missing))
	return res
}

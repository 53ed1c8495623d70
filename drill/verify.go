package drill

import (
	"context"
	"sort"

	"github.com/faultdrill/faultdrill/verify"
)

// verify runs the scenario's verifiers against the live system and the
// recorded history, and journals each verdict.
func (r *run) verify(ctx context.Context) {
	spec := r.sc.Verify
	var results []verify.Result
	if !spec.Health.Disabled {
		results = append(results, verify.Health(ctx, r.healthEndpoints(), spec.Health.Timeout))
	}
	if spec.Durability.Read != "" && r.history != nil {
		addr, err := r.runtime.Addr(r.sc.Load.Target)
		if err == nil {
			results = append(results, verify.Durability(ctx, "http://"+addr, spec.Durability, r.history.Ops, r.sc.Objectives.RPO))
		}
	}
	for _, res := range results {
		r.journal.Add("verify."+string(res.Verdict), res.Name+": "+res.Summary, map[string]any{"verifier": res.Name})
	}
	r.report.Verifiers = results
}

func (r *run) healthEndpoints() []verify.Endpoint {
	var eps []verify.Endpoint
	for name, svc := range r.sc.System.Services {
		addr, err := r.runtime.Addr(name)
		if err != nil {
			continue
		}
		eps = append(eps, verify.Endpoint{Service: name, URL: "http://" + addr + svc.Health})
	}
	sort.Slice(eps, func(i, j int) bool { return eps[i].Service < eps[j].Service })
	return eps
}

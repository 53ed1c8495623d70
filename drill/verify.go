package drill

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/verify"
)

// invariantValue is an invariant's value measured before the drill.
type invariantValue struct {
	value string
	err   error
}

// measureInvariants reads every invariant before the load starts, so that
// "unchanged" can be judged afterwards.
func (r *run) measureInvariants(ctx context.Context) map[string]invariantValue {
	before := map[string]invariantValue{}
	for _, inv := range r.sc.Verify.Invariants {
		inv, err := r.expandInvariant(inv)
		if err != nil {
			before[inv.Name] = invariantValue{err: err}
			continue
		}
		v, err := r.measureInvariant(ctx, inv)
		before[inv.Name] = invariantValue{v, err}
		r.journal.Add("invariant.before", fmt.Sprintf("%s = %s%s", inv.Name, v, errSuffix(errText(err))), nil)
	}
	return before
}

func (r *run) measureInvariant(ctx context.Context, inv verify.Invariant) (string, error) {
	base, err := r.targetURL()
	if err != nil {
		return "", err
	}
	return verify.MeasureInvariant(ctx, base, inv)
}

// expandInvariant expands ${data_dir.SERVICE} and the like in a SQL DSN.
func (r *run) expandInvariant(inv verify.Invariant) (verify.Invariant, error) {
	if inv.SQL == nil {
		return inv, nil
	}
	sql := *inv.SQL
	dsn, err := sut.Expand(sql.DSN, r.expandVars(""))
	if err != nil {
		return inv, fmt.Errorf("drill: invariant %s: %w", inv.Name, err)
	}
	sql.DSN = dsn
	inv.SQL = &sql
	return inv, nil
}

// verify runs the scenario's verifiers in order — assumptions, then
// integrity, then the rest — against the live system and the recorded
// history, and journals each verdict.
func (r *run) verify(ctx context.Context, before map[string]invariantValue) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	checks := r.checks(ctx, before)
	results := verify.RunAll(ctx, checks)
	advisory := r.advisory()
	for i := range results {
		results[i].Advisory = advisory[results[i].Name]
	}
	for _, res := range results {
		r.journal.Add("verify."+string(res.Verdict), res.Name+": "+res.Summary, map[string]any{"verifier": res.Name})
	}
	r.report.Verifiers = results
}

// checks lists the verifiers the scenario asks for (PlanVerifiers), each
// with what it runs; the key-value ones only when the load recorded
// key-value operations.
func (r *run) checks(ctx context.Context, before map[string]invariantValue) []verify.Check {
	spec := r.sc.Verify
	ops := r.history.Ops
	base, _ := r.targetURL()
	runs := map[string]func(context.Context) verify.Result{
		verify.NameDurability: func(ctx context.Context) verify.Result {
			d := spec.Durability
			r.mu.Lock()
			d.ExpectedLossAfter = r.restored
			r.mu.Unlock()
			return verify.Durability(ctx, base, d, ops, r.sc.Objectives.RPO)
		},
		verify.NameDuplicates: func(ctx context.Context) verify.Result {
			return verify.Duplicates(ctx, base, spec.Duplicates, ops)
		},
		nameIdempotent: r.idempotencyCheck,
		verify.NameLinearizability: func(context.Context) verify.Result {
			return verify.Linearizable(ops, spec.Linearizability.Timeout, filepath.Join(r.dir, "linearizability.html"))
		},
		verify.NameHealth: func(ctx context.Context) verify.Result {
			return verify.Health(ctx, r.healthEndpoints(), spec.Health.Timeout)
		},
		verify.NameSLO: func(context.Context) verify.Result {
			from, to := r.afterRecoveryWindow()
			return verify.SLO(r.history.Windows, from, to, spec.SLO, r.report.Baseline)
		},
		verify.NameStaleReads: func(context.Context) verify.Result {
			from, _ := r.afterRecoveryWindow()
			return verify.StaleReads(ops, from)
		},
		verify.NameMixedVersions: func(context.Context) verify.Result {
			return verify.MixedVersions(ops, spec.MixedVersions)
		},
	}
	for _, inv := range spec.Invariants {
		runs[verify.InvariantPrefix+inv.Name] = func(ctx context.Context) verify.Result {
			inv, err := r.expandInvariant(inv)
			var after string
			if err == nil {
				after, err = r.measureInvariant(ctx, inv)
			}
			b := before[inv.Name]
			if b.err != nil && inv.Unchanged {
				err = fmt.Errorf("before the drill: %w", b.err)
			}
			return verify.CheckInvariant(inv, b.value, after, err)
		}
	}
	hasKV := hasKeyValueOps(ops)
	var checks []verify.Check
	for _, v := range PlanVerifiers(r.sc) {
		switch {
		case v.Name == verify.NameLoadRate:
			checks = append(checks, verify.Assume(r.loadMeaningful()))
		case v.KeyValue && !hasKV:
		default:
			checks = append(checks, verify.Check{Name: v.Name, Stage: v.Stage, Needs: v.Needs, Run: runs[v.Name]})
		}
	}
	return checks
}

// NotChecked is the summary of a verifier that a drill killed before its
// verification never ran.
const NotChecked = "not checked: the drill was killed before its verifiers ran"

// plannedVerifiers lists the verifiers the scenario asks for
// (PlanVerifiers, without the load-rate assumption), each not checked yet,
// for the report a drill writes as it starts: cleanup rebuilds the report
// of a killed drill from it.
func (r *run) plannedVerifiers() []verify.Result {
	var planned []verify.Result
	for _, v := range PlanVerifiers(r.sc) {
		if v.Stage == verify.Assumptions {
			continue
		}
		planned = append(planned, verify.Result{Name: v.Name, Verdict: verify.Skipped, Summary: NotChecked,
			Integrity: v.Stage == verify.Integrity, Advisory: v.Advisory})
	}
	return planned
}

// verifyTimeout bounds the whole verification: a system that stopped
// answering cannot hold a drill forever; what is left unchecked when it
// runs out is a timeout, which fails the drill as unverified.
const verifyTimeout = 5 * time.Minute

// advisory lists the verifiers the scenario made advisory, by result name.
func (r *run) advisory() map[string]bool {
	adv := map[string]bool{}
	for _, v := range PlanVerifiers(r.sc) {
		adv[v.Name] = v.Advisory
	}
	return adv
}

// loadMeaningful is the assumption that the load generator, not the
// system, set the pace: the rate before the first fault reached the
// configured rate within 10%. When no complete window came before the
// first fault there is no rate to measure; the generator's own lag behind
// its schedule is then the evidence.
func (r *run) loadMeaningful() verify.Result {
	before := r.journal.Now()
	if onset := r.onset(); onset != nil {
		before = *onset
	}
	res := verify.Result{Name: verify.NameLoadRate}
	if _, measurable := load.Baseline(r.history.Windows, before); !measurable {
		lag, tol := r.history.Lag, r.sc.Harness.LagTolerance
		res.Evidence = map[string]any{"lag": lag.Max.String(), "lagTolerance": tol.String()}
		if lag.Hits > 0 && lag.Max <= tol {
			res.Verdict = verify.Success
			res.Summary = fmt.Sprintf("no complete window before the first fault to measure the rate on; the load generator kept its schedule (at most %s behind)",
				lag.Max.Round(time.Millisecond))
			return res
		}
		res.Verdict = verify.Failure
		res.Summary = fmt.Sprintf("no complete window before the first fault to measure the rate on, and the load generator fell %s behind its schedule",
			lag.Max.Round(time.Millisecond))
		return res
	}
	ok, achieved, wanted := load.Meaningful(r.sc.Load.Spec, r.history.Windows, before)
	res.Evidence = map[string]any{"achieved": achieved, "wanted": wanted}
	if ok {
		res.Verdict = verify.Success
		res.Summary = fmt.Sprintf("the load reached %.0f of %.0f req/s before the first fault", achieved, wanted)
		return res
	}
	res.Verdict = verify.Failure
	res.Summary = fmt.Sprintf("the load reached only %.0f of %.0f req/s before the first fault: the drill did not put the system under the load it asked for, so it cannot be judged, and checks that need a meaningful load are skipped", achieved, wanted)
	return res
}

// idempotencyCheck re-runs the rollback plan and compares state digests.
func (r *run) idempotencyCheck(ctx context.Context) verify.Result {
	res := verify.Result{Name: nameIdempotent, Integrity: true}
	r.mu.Lock()
	ran := r.plan != nil
	r.mu.Unlock()
	if !ran {
		res.Verdict, res.Summary = verify.Skipped, "no rollback ran, so there was nothing to run twice"
		return res
	}
	first, second, results, err := r.verifyIdempotent(ctx)
	res.Evidence = map[string]any{"firstDigest": first, "secondDigest": second, "rerun": results}
	switch {
	case err != nil:
		res.Verdict, res.Summary = verify.Unknown, fmt.Sprintf("running the rollback again failed: %v", err)
	case first != second:
		res.Verdict = verify.Failure
		res.Summary = "running the rollback plan a second time changed the state: the plan is not idempotent"
	default:
		res.Verdict = verify.Success
		res.Summary = "running the rollback plan a second time left the same state digest"
	}
	return res
}

// afterRecoveryWindow is the stretch of the load judged for the SLO and
// stale reads: from the end of the rollback (or the fault onset, or the
// start of the load) to the end of the load.
func (r *run) afterRecoveryWindow() (from, to time.Duration) {
	p := r.report.Phases
	from = recoveryFrom(&p)
	to = r.journal.Now()
	if p.LoadEnd != nil {
		to = *p.LoadEnd
	}
	return from, to
}

func hasKeyValueOps(ops []load.Op) bool {
	for _, op := range ops {
		if op.Key != "" {
			return true
		}
	}
	return false
}

func (r *run) healthEndpoints() []verify.Endpoint {
	var eps []verify.Endpoint
	for name, svc := range r.sc.System.Services {
		base, err := r.portURL(name, svc.HealthPort)
		if err != nil {
			continue
		}
		eps = append(eps, verify.Endpoint{Service: name, URL: base + svc.Health})
	}
	sort.Slice(eps, func(i, j int) bool { return eps[i].Service < eps[j].Service })
	return eps
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

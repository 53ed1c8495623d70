package drill

import (
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// PlannedVerifier is one verifier a drill of a scenario runs, in the order
// it runs. `faultdrill plan` prints this list, and a drill builds its
// checks from it, so the two cannot disagree.
type PlannedVerifier struct {
	Name  string
	Stage verify.Stage
	// Needs names the earlier checks that must succeed for this one to
	// mean anything; otherwise it is skipped with the reason.
	Needs []string
	// Advisory verifiers warn and decide nothing.
	Advisory bool
	// KeyValue is true for the verifiers that run only when the load
	// recorded key-value operations (a stream with keys).
	KeyValue bool
}

// keyValueLoad reports whether the load of sc reads or writes keys, which
// linearizability and stale reads judge.
func keyValueLoad(sc *scenarios.Scenario) bool {
	for _, s := range sc.Load.Streams {
		if s.Keys > 0 {
			return true
		}
	}
	return false
}

// nameIdempotent names the check of the rollback's idempotency, which the
// engine itself provides.
const nameIdempotent = "rollback-idempotent"

// PlanVerifiers lists the verifiers a drill of sc runs, stage by stage:
// the assumption that the load was meaningful first, then the integrity
// checks, then the rest. Linearizability and stale reads are listed when
// the load has a stream of keys (at run time they also need its
// operations recorded).
func PlanVerifiers(sc *scenarios.Scenario) []PlannedVerifier {
	spec := sc.Verify
	meaningful := []string{verify.NameLoadRate}
	out := []PlannedVerifier{{Name: verify.NameLoadRate, Stage: verify.Assumptions}}
	add := func(v PlannedVerifier, on, advisory bool) {
		if on {
			v.Advisory = advisory
			out = append(out, v)
		}
	}
	add(PlannedVerifier{Name: verify.NameDurability, Stage: verify.Integrity}, spec.Durability.Enabled(), spec.Durability.Advisory)
	add(PlannedVerifier{Name: verify.NameDuplicates, Stage: verify.Integrity}, spec.Duplicates.Enabled(), spec.Duplicates.Advisory)
	for _, inv := range spec.Invariants {
		add(PlannedVerifier{Name: verify.InvariantPrefix + inv.Name, Stage: verify.Integrity}, true, inv.Advisory)
	}
	add(PlannedVerifier{Name: nameIdempotent, Stage: verify.Integrity}, sc.Rollback.VerifyIdempotent, false)
	kv := keyValueLoad(sc)
	add(PlannedVerifier{Name: verify.NameLinearizability, Stage: verify.Integrity, Needs: meaningful, KeyValue: true},
		kv && !spec.Linearizability.Disabled, spec.Linearizability.Advisory)
	add(PlannedVerifier{Name: verify.NameHealth, Stage: verify.Others}, !spec.Health.Disabled, spec.Health.Advisory)
	add(PlannedVerifier{Name: verify.NameSLO, Stage: verify.Others, Needs: meaningful}, spec.SLO.Enabled(), spec.SLO.Advisory)
	add(PlannedVerifier{Name: verify.NameStaleReads, Stage: verify.Others, KeyValue: true}, kv && !spec.StaleReads.Disabled, spec.StaleReads.Advisory)
	add(PlannedVerifier{Name: verify.NameMixedVersions, Stage: verify.Others}, !spec.MixedVersions.Disabled, spec.MixedVersions.Advisory)
	return out
}

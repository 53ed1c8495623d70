package scenarios

import (
	"maps"
	"slices"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// The words a scenario may use where a field takes one of a fixed set. Each
// is a function so that no caller can change the set; validation and the
// JSON Schema both read them from here, and the sets a leaf package owns
// come from that package.

func runtimes() []string { return []string{faults.RuntimeProcess, faults.RuntimeDocker} }

func rtoFroms() []string { return []string{"rollback-start", "fault-onset"} }

// faultKinds lists every fault kind, network kinds first (faults.Kinds).
func faultKinds() []string { return words(faults.Kinds()) }

func directions() []string {
	return []string{string(faults.Both), string(faults.Upstream), string(faults.Downstream)}
}

// partitionModes are the faults a partition puts on each link it cuts.
func partitionModes() []string { return []string{string(faults.Blackhole), string(faults.Down)} }

// metrics lists what a threshold trigger can watch (rollback.Metrics).
func metrics() []string { return words(rollback.Metrics()) }

// actions lists the rollback actions (rollback.ActionKinds).
func actions() []string { return words(rollback.ActionKinds()) }

// healFaultsWhen says when a rollback heals the active faults.
func healFaultsWhen() []string { return []string{"before", "after"} }

// scoreParts names the parts of the score that weights may set.
func scoreParts() []string { return slices.Sorted(maps.Keys(reports.DefaultWeights())) }

func sqlDrivers() []string { return []string{verify.DriverSQLite, verify.DriverPostgres} }

func httpMethods() []string {
	return []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
}

// builtinVars are the ${name} expansions the runtime sets for every service
// command, besides ${link.NAME}; scenario vars cannot override them.
func builtinVars() []string { return []string{"port", "addr", "data_dir", "service", "version"} }

// words converts a list of named string types to plain strings.
func words[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

package scenarios

import (
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/rollback"
)

// The words a scenario may use where a field takes one of a fixed set. Each
// is a function so that no caller can change the set; validation and the
// JSON Schema both read them from here.

func runtimes() []string { return []string{"process", "docker"} }

func rtoFroms() []string { return []string{"rollback-start", "fault-onset"} }

func faultKinds() []string {
	return []string{string(faults.Latency), string(faults.Blackhole), string(faults.Down)}
}

func directions() []string {
	return []string{string(faults.Both), string(faults.Upstream), string(faults.Downstream)}
}

func metrics() []string {
	return []string{
		string(rollback.ErrorRate), string(rollback.P50), string(rollback.P90),
		string(rollback.P99), string(rollback.Throughput),
	}
}

func actions() []string { return []string{string(rollback.RedeployPrevious)} }

func httpMethods() []string {
	return []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
}

// builtinVars are the ${name} expansions the runtime sets for every service
// command, besides ${link.NAME}; scenario vars cannot override them.
func builtinVars() []string { return []string{"port", "addr", "data_dir", "service", "version"} }

package verify

// Names of the verifiers, as they appear in Result.Name and in reports.
// An invariant's result is named InvariantPrefix followed by its name.
const (
	NameHealth          = "health"
	NameDurability      = "durability"
	NameSLO             = "slo"
	NameDuplicates      = "duplicates"
	NameLinearizability = "linearizability"
	NameStaleReads      = "stale-reads"
	NameMixedVersions   = "mixed-versions"
	NameInitialState    = "initial-state"
	// NameLoadRate is the assumption that the load reached its rate, which
	// the engine checks first.
	NameLoadRate    = "load-rate"
	InvariantPrefix = "invariant/"
)

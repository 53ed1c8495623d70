package faults

// pauseKind stops every process of a service until the fault is healed
// (ProcessTarget.Pause, then Resume). The group it stopped is written to the
// ledger so that a cleanup after a crash can resume it.
func pauseKind() kind {
	return kind{
		name: Pause, onService: true, params: []string{"replicas"},
		check: func(Spec, reporter) {},
	}
}

package faults

// restartKind stops a service gracefully and starts the same version again
// (ProcessTarget.Restart). It is instant: nothing is left to heal.
func restartKind() kind {
	return kind{
		name: Restart, onService: true, params: []string{"replicas"},
		check: func(Spec, reporter) {},
	}
}

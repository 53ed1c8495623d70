package faults

// killKind kills a service (ProcessTarget.Kill). With restart it is started
// again at once and the fault is instant; without, the service stays down
// until the fault is healed, which starts it again (ProcessTarget.Restart).
func killKind() kind {
	return kind{
		name: Kill, onService: true,
		params: []string{"restart", "replicas"},
		check:  func(Spec, reporter) {},
	}
}

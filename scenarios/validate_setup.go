package scenarios

// setup checks the actions that make the system ready before the load:
// like a timeline's first action step, they can build on nothing the
// drill does.
func (v *validator) setup() {
	for i, a := range v.s.Setup {
		v.action(pathOf("setup").index(i), a, actionScope{inTimeline: true, snapshots: map[string]snapshotFact{}})
	}
}

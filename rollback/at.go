package rollback

import "time"

// DueAt returns the firing of a planned trigger (one with At) once now,
// an offset on the drill's clock, has reached At. It is false for other
// triggers and before the offset; the engine calls it from its clock.
func DueAt(s TriggerSpec, now time.Duration) (Firing, bool) {
	if s.At == nil || now < *s.At {
		return Firing{}, false
	}
	return Firing{
		Trigger: TriggerName(s), FirstBreach: *s.At, At: now,
		Detail: "planned rollback at t+" + s.At.String(),
	}, true
}

// NextAt returns the earliest At among the planned triggers, so the
// engine knows when to wake; ok is false when there is none.
func NextAt(specs []TriggerSpec) (time.Duration, bool) {
	var next time.Duration
	found := false
	for _, s := range specs {
		if s.At != nil && (!found || *s.At < next) {
			next, found = *s.At, true
		}
	}
	return next, found
}

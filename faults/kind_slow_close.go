package faults

import "time"

// slowCloseKind delays the close of a connection by delay (toxiproxy's
// slow_close toxic, in milliseconds).
func slowCloseKind() kind {
	return kind{
		name: SlowClose, oneWay: true, partial: true,
		params: []string{"delay"},
		check: func(s Spec, bad reporter) {
			if s.Delay < time.Millisecond {
				bad("delay", "%v must be at least 1ms for kind slow_close", s.Delay)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "slow_close", map[string]any{"delay": s.Delay.Milliseconds()}
		},
	}
}

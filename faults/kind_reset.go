package faults

import "time"

// resetKind resets connections once data arrives, after timeout
// (toxiproxy's reset_peer toxic, in milliseconds; 0 resets at once).
func resetKind() kind {
	return kind{
		name: Reset, oneWay: true, partial: true,
		params: []string{"timeout"},
		check: func(s Spec, bad reporter) {
			if s.Timeout < 0 || (s.Timeout > 0 && s.Timeout < time.Millisecond) {
				bad("timeout", "%v must be 0 (reset at once) or at least 1ms", s.Timeout)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "reset_peer", map[string]any{"timeout": s.Timeout.Milliseconds()}
		},
	}
}

package faults

import "time"

// latencyKind delays each chunk of data by latency ± jitter (toxiproxy's
// latency toxic, in milliseconds).
func latencyKind() kind {
	return kind{
		name: Latency, oneWay: true, partial: true,
		params: []string{"latency", "jitter"},
		check: func(s Spec, bad reporter) {
			if s.Latency < time.Millisecond {
				bad("latency", "%v must be at least 1ms for kind latency", s.Latency)
			}
			if s.Jitter < 0 {
				bad("jitter", "%v must not be negative", s.Jitter)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "latency", map[string]any{"latency": s.Latency.Milliseconds(), "jitter": s.Jitter.Milliseconds()}
		},
	}
}

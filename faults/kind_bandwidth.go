package faults

// bandwidthKind limits the link to rate KB/s (toxiproxy's bandwidth toxic;
// 1 KB = 1000 bytes).
func bandwidthKind() kind {
	return kind{
		name: Bandwidth, oneWay: true, partial: true,
		params: []string{"rate"},
		check: func(s Spec, bad reporter) {
			if s.Rate < 1 {
				bad("rate", "%d must be at least 1 (KB/s) for kind bandwidth", s.Rate)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "bandwidth", map[string]any{"rate": s.Rate}
		},
	}
}

package faults

// limitDataKind closes a connection once bytes bytes went through it
// (toxiproxy's limit_data toxic). Each direction counts its own bytes.
func limitDataKind() kind {
	return kind{
		name: LimitData, oneWay: true, partial: true,
		params: []string{"bytes"},
		check: func(s Spec, bad reporter) {
			if s.Bytes < 1 {
				bad("bytes", "%d must be at least 1 for kind limit_data", s.Bytes)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "limit_data", map[string]any{"bytes": s.Bytes}
		},
	}
}

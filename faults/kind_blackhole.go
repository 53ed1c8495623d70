package faults

// blackholeKind holds connections open and drops their data: toxiproxy's
// timeout toxic with timeout 0 (never close).
func blackholeKind() kind {
	return kind{
		name: Blackhole, oneWay: true, partial: true,
		check: func(Spec, reporter) {},
		toxic: func(Spec) (string, map[string]any) {
			return "timeout", map[string]any{"timeout": 0}
		},
	}
}

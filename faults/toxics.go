package faults

// toxic is one toxiproxy toxic that a fault adds to its link's proxy.
type toxic struct {
	name     string
	kind     string // toxiproxy toxic type
	stream   string // "upstream" or "downstream"
	toxicity float32
	attrs    map[string]any
}

// toxicsFor returns the toxics that realise s (with defaults filled) on its
// link; a Down fault has none, since it disables the proxy instead. Toxic
// names are the fault name plus the stream, so they are unique per proxy as
// long as fault names are.
func toxicsFor(s Spec) []toxic {
	var kind string
	var attrs map[string]any
	switch s.Kind {
	case Latency:
		kind = "latency"
		attrs = map[string]any{"latency": s.Latency.Milliseconds(), "jitter": s.Jitter.Milliseconds()}
	case Blackhole:
		kind = "timeout"
		attrs = map[string]any{"timeout": 0} // 0: hold the connection open, drop the data
	default:
		return nil
	}
	out := make([]toxic, 0, 2)
	for _, stream := range streams(s.Direction) {
		out = append(out, toxic{
			name:     s.Name + "_" + stream,
			kind:     kind,
			stream:   stream,
			toxicity: float32(s.Toxicity),
			attrs:    attrs,
		})
	}
	return out
}

// streams maps a direction to toxiproxy stream names. Upstream is
// caller→service, downstream service→caller.
func streams(d Direction) []string {
	switch d {
	case Upstream:
		return []string{"upstream"}
	case Downstream:
		return []string{"downstream"}
	default:
		return []string{"upstream", "downstream"}
	}
}

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
// link: one per chosen stream. Kinds that are not toxics (down, process
// kinds) have none. Toxic names are the fault name plus the stream, so they
// are unique per proxy as long as fault names are.
func toxicsFor(s Spec) []toxic {
	k, ok := lookup(s.Kind)
	if !ok || k.toxic == nil {
		return nil
	}
	typ, attrs := k.toxic(s)
	out := make([]toxic, 0, 2)
	for _, stream := range streams(s.Direction) {
		out = append(out, toxic{
			name:     s.Name + "_" + stream,
			kind:     typ,
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

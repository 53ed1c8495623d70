package faults

// downKind disables the link's proxy: new connections are refused and open
// ones closed, both ways and for every connection. It is not a toxic (see
// applyFault).
func downKind() kind {
	return kind{
		name:  Down,
		check: func(Spec, reporter) {},
	}
}

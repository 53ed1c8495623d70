// Package load generates open-model HTTP load with vegeta and records every
// operation at the client boundary, so verifiers can judge what the system
// under test acknowledged.
//
// # Load
//
// A Spec names one or more streams; each sends requests at its own rate,
// constant or a linear ramp (StreamSpec.RampTo, RampOver), whatever the
// answers (open model). Every request carries a unique id minted from the
// run's seed ("{id}" in the path, body or headers, and the X-Request-Id
// header); a key-value stream (StreamSpec.Keys) also names one of its keys
// ("{key}"). Run records one Op per request: id, stream, start and end as
// offsets from the drill's base time, status, outcome and error class
// (Classify), and from the response the X-Version, X-Flags and, for reads,
// X-Value headers. Live 1 s windows go to Options.OnWindow as the load
// runs; Baseline and Meaningful judge the windows before the first fault.
//
// # History format
//
// Options.HistoryWriter and WriteHistory write a history as JSON lines,
// one object per line, with short keys; ReadHistory reads it back, and
// also reads the older format (one Op per line with its long JSON names).
// The first line names the format:
//
//	{"format":"faultdrill-history","version":1}
//
// Then one line per op, in the order they were recorded (about the order
// they completed):
//
//	{"i":"w-000042-9f3a1c2e","s":"w","b":3005123456,"e":3009876543,"c":200,"o":"a","v":"v2","k":"k7","w":1}
//	{"i":"r-000108-0c1d2e3f","s":"r","b":3010000000,"e":3011000000,"c":200,"o":"a","k":"k7","x":"w-000042-9f3a1c2e","f":"dark-mode"}
//
// with these keys, those with an empty value left out:
//
//	i  request id                    s  stream
//	b  start, ns from the base time  e  end, ns from the base time
//	c  HTTP status (none: no answer) o  outcome: a acknowledged, f failed, i indeterminate
//	r  error class (Classify)        v  X-Version of the answer
//	f  X-Flags of the answer         k  key of a key-value stream
//	w  1 for an op of a write stream
//	x  value: what a read returned (X-Value; "" when it found nothing),
//	   or what a write wrote when it is not the op's id; absent for a
//	   read without X-Value, and for a write, whose value is its id;
//	   null for a write whose value is unknown
//
// The last line, written when Run returns, counts the ops before it and
// says when the load stopped sending (ns from the base time; windows that
// end after it are partial):
//
//	{"end":2,"stopped":30001234567}
//
// A drill that dies leaves a file without it, and perhaps with its last
// line cut short; ReadHistory reads such a file, drops that line and
// reports the history as not Complete.
package load

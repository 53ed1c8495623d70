package faults

import "time"

// slicerKind cuts data into slices of averageSize ± sizeVariation bytes,
// delay apart (toxiproxy's slicer toxic; its delay is in microseconds).
func slicerKind() kind {
	return kind{
		name: Slicer, oneWay: true, partial: true,
		params: []string{"averageSize", "sizeVariation", "delay"},
		check: func(s Spec, bad reporter) {
			if s.AverageSize < 1 {
				bad("averageSize", "%d must be at least 1 (bytes) for kind slicer", s.AverageSize)
			}
			if s.SizeVariation < 0 || (s.AverageSize >= 1 && s.SizeVariation >= s.AverageSize) {
				bad("sizeVariation", "%d must be at least 0 and smaller than averageSize (%d)", s.SizeVariation, s.AverageSize)
			}
			if s.Delay < 0 || (s.Delay > 0 && s.Delay < time.Microsecond) {
				bad("delay", "%v must be 0 or at least 1µs for kind slicer", s.Delay)
			}
		},
		toxic: func(s Spec) (string, map[string]any) {
			return "slicer", map[string]any{
				"average_size":   s.AverageSize,
				"size_variation": s.SizeVariation,
				"delay":          s.Delay.Microseconds(),
			}
		},
	}
}

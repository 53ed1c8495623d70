package load

import (
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// PacerOf exposes to the tests the pacer Run uses for st in a load of the
// given duration.
func PacerOf(st StreamSpec, duration time.Duration) vegeta.Pacer { return newRampPacer(st, duration) }

// LagOf paces st's hits as vegeta would at the given elapsed times, hit n
// at elapsed[n], and returns the lag the pacer measured.
func LagOf(st StreamSpec, duration time.Duration, elapsed []time.Duration) Lag {
	var m lagMeter
	p := stoppablePacer{rampPacer: newRampPacer(st, duration), duration: duration, stop: make(chan struct{}), lag: &m}
	for n, e := range elapsed {
		p.Pace(e, uint64(n))
	}
	var l Lag
	m.addTo(&l)
	return l
}

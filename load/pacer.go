package load

import (
	"math"
	"sync/atomic"
	"time"
)

// shortWait is the longest pause left to vegeta's own, uninterruptible
// sleep; longer pauses are taken here so that a stop cuts them short.
const shortWait = 20 * time.Millisecond

// rampPacer paces hits at a rate that goes linearly from from to to (hits
// per second) over over, then holds at to; with from == to, or over 0, it
// is a constant rate. Hit n (counting from 0) is due at the instant t at
// which the hits scheduled so far, the integral of the rate, reach n+1;
// a hit that is overdue goes out at once.
type rampPacer struct {
	from, to float64
	over     time.Duration
}

// newRampPacer returns the pacer of st for a load that lasts duration.
func newRampPacer(st StreamSpec, duration time.Duration) rampPacer {
	p := rampPacer{from: st.Rate.PerSecond(), to: st.Rate.PerSecond()}
	if !st.RampTo.IsZero() {
		p.to = st.RampTo.PerSecond()
		p.over = st.RampOver
		if p.over <= 0 {
			p.over = duration
		}
	}
	if p.over <= 0 {
		p.to = p.from
	}
	return p
}

// Pace implements vegeta.Pacer.
func (p rampPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	due, ok := p.due(float64(hits) + 1)
	if !ok {
		return 0, true
	}
	return max(due-elapsed, 0), false
}

// Rate implements vegeta.Pacer: the rate in hits per second at elapsed.
func (p rampPacer) Rate(elapsed time.Duration) float64 {
	if elapsed >= p.over {
		return p.to
	}
	return p.from + (p.to-p.from)*max(elapsed.Seconds(), 0)/p.over.Seconds()
}

// hits returns how many hits are scheduled in the first t of the attack.
func (p rampPacer) hits(t time.Duration) float64 {
	secs, over := max(t.Seconds(), 0), p.over.Seconds()
	if secs >= over {
		return (p.from+p.to)/2*over + p.to*(secs-over)
	}
	return p.from*secs + (p.to-p.from)/over*secs*secs/2
}

// due returns the instant at which the hits scheduled reach h, and false
// when that instant is beyond what a time.Duration holds.
func (p rampPacer) due(h float64) (time.Duration, bool) {
	var secs float64
	over := p.over.Seconds()
	switch rampHits := (p.from + p.to) / 2 * over; {
	case p.from <= 0 || p.to <= 0:
		return 0, false
	case h <= rampHits && p.from != p.to:
		// h = from·t + k·t²/2 with k the slope; this root form stays
		// accurate when k is tiny or negative.
		k := (p.to - p.from) / over
		secs = 2 * h / (p.from + math.Sqrt(max(p.from*p.from+2*k*h, 0)))
	case h <= rampHits:
		secs = h / p.from
	default:
		secs = over + (h-rampHits)/p.to
	}
	if secs*1e9 >= math.MaxInt64 {
		return 0, false
	}
	return time.Duration(secs * 1e9), true
}

// stoppablePacer paces like its rampPacer, but stops at once when stop is
// closed and never schedules a hit after the attack's duration (vegeta
// would otherwise sleep through both); it measures, in lag, how late each
// hit goes out.
type stoppablePacer struct {
	rampPacer
	duration time.Duration
	stop     <-chan struct{}
	lag      *lagMeter
}

// Pace implements vegeta.Pacer. vegeta calls it once per hit, from one
// goroutine, and sends the hit as soon as it returns a zero wait.
func (p stoppablePacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	wait, stop := p.rampPacer.Pace(elapsed, hits)
	if stop || elapsed+wait > p.duration {
		return 0, true
	}
	if wait == 0 {
		if due, ok := p.due(float64(hits) + 1); ok {
			p.lag.observe(elapsed - due)
		}
	} else {
		p.lag.observe(0)
	}
	if wait <= shortWait {
		select {
		case <-p.stop:
			return 0, true
		default:
			return wait, false
		}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return 0, false
	case <-p.stop:
		return 0, true
	}
}

// lagMeter records how late a stream's hits go out; safe for concurrent
// use.
type lagMeter struct {
	max, late, hits atomic.Int64
}

// observe records one hit sent late after it was due.
func (m *lagMeter) observe(late time.Duration) {
	m.hits.Add(1)
	if late > LateHit {
		m.late.Add(1)
	}
	for {
		cur := m.max.Load()
		if int64(late) <= cur || m.max.CompareAndSwap(cur, int64(late)) {
			return
		}
	}
}

// addTo merges the meter' figures into l.
func (m *lagMeter) addTo(l *Lag) {
	l.Max = max(l.Max, time.Duration(m.max.Load()))
	l.Late += int(m.late.Load())
	l.Hits += int(m.hits.Load())
}

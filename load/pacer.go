package load

import (
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// shortWait is the longest pause left to vegeta's own, uninterruptible
// sleep; longer pauses are taken here so that a stop cuts them short.
const shortWait = 20 * time.Millisecond

// stoppablePacer paces like vegeta's ConstantPacer, but stops at once when
// stop is closed and never schedules a hit after the attack's duration
// (vegeta would otherwise sleep through both).
type stoppablePacer struct {
	vegeta.ConstantPacer
	duration time.Duration
	stop     <-chan struct{}
}

// Pace implements vegeta.Pacer.
func (p stoppablePacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	wait, stop := p.ConstantPacer.Pace(elapsed, hits)
	if stop || elapsed+wait > p.duration {
		return 0, true
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

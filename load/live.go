package load

import (
	"slices"
	"time"
)

// liveGrace is how long after a window's end it is emitted, so that ops
// completing just before the boundary have been delivered.
const liveGrace = 100 * time.Millisecond

// liveWindows calls onWindow, from one goroutine, for each window of the
// drill's clock as soon as it is over (plus liveGrace), and at the end for
// the windows left.
type liveWindows struct {
	log      *opLog
	base     time.Time
	next     time.Duration // start of the next window to emit
	onWindow func(Window)

	seen    int  // ops of log already moved to pending
	pending []Op // ops not yet in an emitted window

	end  chan liveEnd
	cut  time.Duration // when the load stopped sending, once known
	done chan struct{}
}

// liveEnd tells the emitter where the load ended: the windows left end at
// end, and those ending after stopped are partial.
type liveEnd struct{ end, stopped time.Duration }

// startLive begins emitting windows from the one starting at first. With a
// nil onWindow nothing runs until finish.
func startLive(log *opLog, base time.Time, first time.Duration, onWindow func(Window)) *liveWindows {
	l := &liveWindows{log: log, base: base, next: first, onWindow: onWindow,
		end: make(chan liveEnd), done: make(chan struct{})}
	if onWindow == nil {
		close(l.done)
		return l
	}
	go l.loop()
	return l
}

func (l *liveWindows) loop() {
	defer close(l.done)
	timer := time.NewTimer(l.untilDue())
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			l.emit()
			timer.Reset(l.untilDue())
		case e := <-l.end:
			l.cut = e.stopped
			for l.next < e.end {
				l.emit()
			}
			return
		}
	}
}

// untilDue returns the time left until the next window is due.
func (l *liveWindows) untilDue() time.Duration {
	return time.Until(l.base.Add(l.next + WindowSize + liveGrace))
}

// emit aggregates and hands over the next window.
func (l *liveWindows) emit() {
	l.pending, l.seen = l.log.since(l.pending, l.seen)
	from, to := l.next, l.next+WindowSize
	w := Aggregate(l.pending, from, to)
	l.pending = slices.DeleteFunc(l.pending, func(op Op) bool { return op.End < to })
	l.next = to
	if l.cut > 0 && to > l.cut {
		w.Partial = true
	}
	l.onWindow(w)
}

// finish emits the windows that start before end, those that end after
// stopped (when the load stopped sending) marked partial, stops, and
// returns the end of the last window emitted (at least end).
func (l *liveWindows) finish(end, stopped time.Duration) time.Duration {
	if l.onWindow == nil {
		return max(l.next, end)
	}
	l.end <- liveEnd{end, stopped}
	<-l.done
	return l.next
}

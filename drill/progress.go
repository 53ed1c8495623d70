package drill

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// Progress shows a running drill so that it never looks frozen: each
// journal entry as a timestamped line, and a status line per load window.
// On a terminal the status line refreshes in place; elsewhere (CI) a plain
// status line is printed every few seconds.
type Progress struct {
	w   io.Writer
	tty bool

	mu     sync.Mutex
	status string
	lines  int
	origin time.Duration // the load's start on the drill's clock, once known
	// paused keeps the status line off the terminal while someone is
	// asked a question on it (Pause, Resume).
	paused bool
}

// LoadStarted makes later stamps count from the load's start, the origin
// of the scenario's at: offsets and of the report's t+ times; entries
// before it count from the drill's start.
func (p *Progress) LoadStarted(at time.Duration) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.origin = at
}

// plainEvery is how many windows pass between status lines off a terminal.
const plainEvery = 5

// NewProgress returns a progress writer; tty selects the refreshing form.
func NewProgress(w io.Writer, tty bool) *Progress { return &Progress{w: w, tty: tty} }

// Event prints one journal entry.
func (p *Progress) Event(e Entry) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, "[%8s] %-16s %s\n", stamp(e.T-p.origin), e.Kind, e.Msg)
	p.redraw()
}

// Window prints the status after a load window: phase, elapsed of total,
// rate, error rate, p99 and the active faults.
func (p *Progress) Window(w load.Window, elapsed, total time.Duration, phase string, faults []string) {
	if p == nil {
		return
	}
	active := "none"
	if len(faults) > 0 {
		active = strings.Join(faults, ",")
	}
	status := fmt.Sprintf("%s %s/%s  %d req/s  errors %.1f%%  p99 %s  faults: %s",
		phase, elapsed.Round(time.Second), total.Round(time.Second), w.Count, 100*w.ErrorRate,
		w.P99.Round(time.Millisecond), active)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines++
	if p.tty {
		p.clear()
		p.status = status
		p.redraw()
		return
	}
	if p.paused {
		return
	}
	if p.lines%plainEvery == 0 {
		fmt.Fprintf(p.w, "[%8s] %-16s %s\n", stamp(w.Start+time.Second-p.origin), "status", status)
	}
}

// Done ends the refreshing status line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.status = ""
}

// Pause takes the status line and status lines off the terminal until
// Resume, so that a question asked on it (the approval prompt) is not
// overwritten; journal entries are still printed, on lines of their own.
func (p *Progress) Pause() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.paused = true
}

// Resume shows the status line again.
func (p *Progress) Resume() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = false
	p.redraw()
}

func (p *Progress) clear() {
	if p.tty && p.status != "" && !p.paused {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *Progress) redraw() {
	if p.tty && p.status != "" && !p.paused {
		fmt.Fprint(p.w, p.status)
	}
}

func stamp(d time.Duration) string {
	d = d.Round(10 * time.Millisecond)
	if d < 0 {
		return "t" + d.String()
	}
	return "t+" + d.String()
}

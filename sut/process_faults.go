package sut

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/faultdrill/faultdrill/faults"
)

// signalWait bounds the wait for a paused or resumed process to change state.
const signalWait = 5 * time.Second

// *Process applies process faults for the fault controller.
var _ faults.ProcessTarget = (*Process)(nil)

// Pause stops every process of the service (SIGSTOP to its process group)
// and returns once the group leader is stopped. It returns the group for
// the fault ledger, so that a cleanup after a crash can continue it. The
// service keeps its place (Running still returns it) but answers nothing
// until Resume. Errors: ErrUnknownService, ErrNotRunning.
func (p *Process) Pause(ctx context.Context, service string) (faults.ProcessGroup, error) {
	pr, err := p.live(service, "pause")
	if err != nil {
		return faults.ProcessGroup{}, err
	}
	signalGroup(pr.pid, syscall.SIGSTOP)
	if err := waitState(ctx, pr, true); err != nil {
		return faults.ProcessGroup{}, fmt.Errorf("sut: pause %s: %w", service, err)
	}
	p.emit(pr, EventPaused, fmt.Sprintf("SIGSTOP to group %d", pr.pid))
	return faults.ProcessGroup{PGID: pr.pid, StartTicks: pr.startTicks, BootID: bootID()}, nil
}

// Resume continues every process of the service (SIGCONT to its process
// group) and returns once the group leader runs again. A service that is
// not running is left alone, without error. Errors: ErrUnknownService.
func (p *Process) Resume(ctx context.Context, service string) error {
	p.mu.Lock()
	svc, err := p.lookup(service)
	var pr *proc
	if err == nil {
		pr = svc.cur
	}
	p.mu.Unlock()
	if err != nil || pr == nil {
		return err
	}
	signalGroup(pr.pid, syscall.SIGCONT)
	if err := waitState(ctx, pr, false); err != nil {
		return fmt.Errorf("sut: resume %s: %w", service, err)
	}
	p.emit(pr, EventResumed, fmt.Sprintf("SIGCONT to group %d", pr.pid))
	return nil
}

// Kill kills the service's process group at once (SIGKILL, no grace) and
// waits until it is reaped. With restart it then starts the same version
// again, with the same expansions, and waits until it is healthy (see
// Start). Errors: ErrUnknownService, ErrNotRunning, ErrStopTimeout, and
// Start's.
func (p *Process) Kill(ctx context.Context, service string, restart bool) error {
	p.mu.Lock()
	svc, err := p.lookup(service)
	var pr *proc
	if err == nil {
		pr = svc.cur
		if pr == nil || pr.stopping {
			err = fmt.Errorf("sut: kill %s: %w", service, ErrNotRunning)
		} else {
			pr.stopping, pr.healthy = true, false
		}
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	killGroup(pr.pid)
	if !waitDone(pr, killWait) {
		return fmt.Errorf("sut: kill %s (pid %d): %w", service, pr.pid, ErrStopTimeout)
	}
	p.emit(pr, EventKilled, fmt.Sprintf("SIGKILL to group %d (%s)", pr.pid, pr.exitStatus))
	if err := p.syncPIDFile(); err != nil {
		return fmt.Errorf("sut: kill %s: %w", service, err)
	}
	if !restart {
		return nil
	}
	_, err = p.Start(ctx, service, pr.version, pr.vars)
	return err
}

// Restart stops the service gracefully if it runs (see Stop), then starts
// the version it last ran, with the same expansions, and waits until it is
// healthy. A service killed by Kill comes back this way. Errors:
// ErrUnknownService, ErrNotRunning (it never ran), and Stop's and Start's.
func (p *Process) Restart(ctx context.Context, service string) error {
	p.mu.Lock()
	svc, err := p.lookup(service)
	var last *proc
	if err == nil {
		last = svc.last
	}
	p.mu.Unlock()
	switch {
	case err != nil:
		return err
	case last == nil:
		return fmt.Errorf("sut: restart %s: never started: %w", service, ErrNotRunning)
	}
	if err := p.Stop(ctx, service); err != nil {
		return err
	}
	_, err = p.Start(ctx, service, last.version, last.vars)
	return err
}

// live returns the service's live process, which must not be stopping.
func (p *Process) live(service, verb string) (*proc, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	svc, err := p.lookup(service)
	if err != nil {
		return nil, err
	}
	if svc.cur == nil || svc.cur.stopping {
		return nil, fmt.Errorf("sut: %s %s: %w", verb, service, ErrNotRunning)
	}
	return svc.cur, nil
}

// waitState polls the group leader until it is stopped (or no longer
// stopped), bounded by ctx and signalWait. A leader that exits meanwhile
// fails with ErrNotRunning.
func waitState(ctx context.Context, pr *proc, stopped bool) error {
	ctx, cancel := context.WithTimeout(ctx, signalWait)
	defer cancel()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := readProcStat(pr.pid)
		if err != nil || st.State == 'Z' {
			return fmt.Errorf("pid %d exited: %w", pr.pid, ErrNotRunning)
		}
		if (st.State == 'T') == stopped {
			return nil
		}
		select {
		case <-pr.done:
			return fmt.Errorf("pid %d exited: %w", pr.pid, ErrNotRunning)
		case <-ctx.Done():
			return fmt.Errorf("pid %d still in state %c: %w", pr.pid, st.State, ctx.Err())
		case <-tick.C:
		}
	}
}

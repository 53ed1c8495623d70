package sut

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Stop sends SIGTERM to the service's process group, waits up to the
// service's StopGrace for the process to exit, then sends SIGKILL to the
// group (which also removes children that outlived the service) and reaps
// it. When ctx ends during the grace the group is killed at once. Stopping a
// service that is not running is a no-op; a Stop while another is in
// progress waits for it.
func (p *Process) Stop(ctx context.Context, service string) error {
	p.mu.Lock()
	svc, err := p.lookup(service)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	pr := svc.cur
	if pr == nil {
		p.mu.Unlock()
		return nil
	}
	already := pr.stopping
	pr.stopping = true
	pr.healthy = false
	p.mu.Unlock()

	if already {
		select {
		case <-pr.done:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("sut: stop %s: %w", service, ctx.Err())
		}
	}
	return p.terminate(ctx, svc, pr)
}

// terminate runs the SIGTERM, grace, SIGKILL sequence on a process already
// marked as stopping.
func (p *Process) terminate(ctx context.Context, svc *service, pr *proc) error {
	grace := svc.spec.StopGrace
	p.emit(pr, EventStopping, fmt.Sprintf("SIGTERM to group %d, grace %s", pr.pid, grace))
	signalGroup(pr.pid, syscall.SIGTERM)
	// A paused service (see Pause) must run to handle SIGTERM.
	signalGroup(pr.pid, syscall.SIGCONT)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	how := ""
	select {
	case <-pr.done:
	case <-timer.C:
		how = fmt.Sprintf("SIGKILL after a grace of %s", grace)
	case <-ctx.Done():
		how = "SIGKILL: " + ctx.Err().Error()
	}
	// Also reaches children that outlived the leader.
	killGroup(pr.pid)
	if !waitDone(pr, killWait) {
		return fmt.Errorf("sut: stop %s (pid %d): %w", svc.name, pr.pid, ErrStopTimeout)
	}
	detail := pr.exitStatus
	if how != "" {
		detail = how + " (" + pr.exitStatus + ")"
	}
	p.emit(pr, EventStopped, detail)
	if err := p.syncPIDFile(); err != nil {
		return fmt.Errorf("sut: stop %s: %w", svc.name, err)
	}
	return nil
}

// kill marks the process as stopping, SIGKILLs its group and waits (bounded)
// until it is reaped.
func (p *Process) kill(pr *proc, why string) {
	p.mu.Lock()
	pr.stopping = true
	pr.healthy = false
	p.mu.Unlock()
	killGroup(pr.pid)
	if waitDone(pr, killWait) {
		p.emit(pr, EventStopped, why+" ("+pr.exitStatus+")")
	}
}

func waitDone(pr *proc, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-pr.done:
		return true
	case <-t.C:
		return false
	}
}

// killGroup sends SIGKILL to a process group.
func killGroup(pgid int) { signalGroup(pgid, syscall.SIGKILL) }

// signalGroup signals a process group. A group that is already gone is
// fine. The group id is the pid of its leader, which the runtime started;
// after the leader is reaped the id cannot be reused while any member of
// the group is alive, so the only risk is a pid reused in the instant
// between the reap and this call, which needs a full wrap of the pid space.
func signalGroup(pgid int, sig syscall.Signal) {
	if pgid > 1 {
		// ESRCH (the group is gone) is expected; EPERM cannot happen for a
		// group this process created.
		_ = syscall.Kill(-pgid, sig)
	}
}

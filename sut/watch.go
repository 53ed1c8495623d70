package sut

import "os"

// watch reaps the process, unregisters it and reports an exit nobody asked for.
func (p *Process) watch(svc *service, pr *proc) {
	err := pr.cmd.Wait()
	pr.exitStatus = describeExit(pr.cmd.ProcessState, err)
	p.mu.Lock()
	if svc.cur == pr {
		svc.cur = nil
	}
	expected := pr.stopping
	pr.healthy = false
	p.mu.Unlock()
	if !expected {
		// Children of a crashed service would otherwise be left untracked:
		// the pid file no longer lists the group.
		killGroup(pr.pid)
	}
	// Best effort: Start, Stop and Close rewrite the file and report errors.
	_ = p.syncPIDFile()
	if !expected {
		p.emit(pr, EventExitedUnexpectedly, pr.exitStatus)
	}
	close(pr.done)
}

func describeExit(st *os.ProcessState, err error) string {
	if st != nil {
		return st.String()
	}
	if err != nil {
		return err.Error()
	}
	return "exited"
}

package sut

import (
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// newHealthClient returns the client for health checks: no proxy, no
// keep-alive (each check sees the current process, never a connection to
// the previous version), no redirects (a 3xx is not healthy).
func newHealthClient() *http.Client {
	return &http.Client{
		Timeout:   healthRequestTimeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkHealth runs one health check and describes its outcome. With no
// path, the service is healthy once its port accepts a TCP connection.
func (p *Process) checkHealth(ctx context.Context, addr, path string) (bool, string) {
	if path == "" {
		d := net.Dialer{Timeout: healthRequestTimeout}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false, err.Error()
		}
		conn.Close()
		return true, "connected"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := p.health.Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode >= 200 && resp.StatusCode < 300, resp.Status
}

// awaitHealthy polls the health endpoint (on the health port, when the
// service names one) until it answers 2xx, the process exits, the start
// timeout passes or ctx ends.
func (p *Process) awaitHealthy(ctx context.Context, svc *service, pr *proc) error {
	hctx, cancel := context.WithTimeout(ctx, svc.spec.StartTimeout)
	defer cancel()
	tick := time.NewTicker(HealthPollInterval)
	defer tick.Stop()
	addr := pr.addr
	if svc.spec.HealthPort != "" {
		p.mu.Lock()
		named, err := svc.portAddr(svc.spec.HealthPort)
		p.mu.Unlock()
		if err != nil {
			return err
		}
		addr = named
	}
	var last string
	for {
		select {
		case <-pr.done:
			return p.startFailed(pr, last)
		default:
		}
		ok, outcome := p.checkHealth(hctx, addr, svc.spec.Health)
		if ok {
			return p.markHealthy(pr)
		}
		// A check cut short by the deadline says less than the one before.
		if hctx.Err() == nil || last == "" {
			last = outcome
		}
		select {
		case <-pr.done:
			return p.startFailed(pr, last)
		case <-hctx.Done():
			reason := ErrStartTimeout
			if ctx.Err() != nil {
				reason = ctx.Err()
			}
			p.kill(pr, "killed: "+reason.Error())
			return &StartError{Service: pr.service, Version: pr.version, Reason: reason,
				LastCheck: last, LogPath: pr.logPath, LogTail: LogTail(pr.logPath, pr.logOffset)}
		case <-tick.C:
		}
	}
}

func (p *Process) markHealthy(pr *proc) error {
	p.mu.Lock()
	stopping := pr.stopping
	pr.healthy = !stopping
	p.mu.Unlock()
	if stopping {
		<-pr.done // the Stop in charge reaps it
		return p.startFailed(pr, "")
	}
	p.emit(pr, EventHealthy, "")
	return nil
}

// startFailed explains a process that was reaped before it was healthy.
func (p *Process) startFailed(pr *proc, last string) error {
	<-pr.done
	p.mu.Lock()
	reason := ErrExitedEarly
	if pr.stopping {
		reason = ErrInterrupted
	}
	p.mu.Unlock()
	return &StartError{Service: pr.service, Version: pr.version, Reason: reason, ExitStatus: pr.exitStatus,
		LastCheck: last, LogPath: pr.logPath, LogTail: LogTail(pr.logPath, pr.logOffset)}
}

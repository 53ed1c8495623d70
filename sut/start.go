package sut

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// portRetryDelay is how long a start waits before checking a busy port
// again, when the port can no longer change.
const portRetryDelay = 250 * time.Millisecond

// Start runs one version of a service and waits until its health endpoint
// answers 2xx (every HealthPollInterval, bounded by the service's
// StartTimeout and ctx). A process that exits first fails the start at once
// with a *StartError that quotes its exit status and log tail; a start that
// times out or whose ctx ends kills the process group. Starting a service
// that is running or starting fails with ErrRunning.
func (p *Process) Start(ctx context.Context, service, version string, vars map[string]string) (Instance, error) {
	svc, vs, err := p.reserve(service, version)
	if err != nil {
		return Instance{}, err
	}
	defer p.release(svc)
	pr, err := p.launch(ctx, svc, version, vs, vars)
	if err != nil {
		return Instance{}, err
	}
	if err := p.awaitHealthy(ctx, svc, pr); err != nil {
		return Instance{}, err
	}
	return pr.instance(), nil
}

// reserve marks a service as starting.
func (p *Process) reserve(service, version string) (*service, VersionSpec, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, VersionSpec{}, fmt.Errorf("sut: start %s %s: %w", service, version, ErrClosed)
	}
	svc, err := p.lookup(service)
	if err != nil {
		return nil, VersionSpec{}, err
	}
	vs, ok := svc.spec.Versions[version]
	if !ok {
		return nil, VersionSpec{}, fmt.Errorf("sut: start %s %q: %w (known: %v)",
			service, version, ErrUnknownVersion, slices.Sorted(maps.Keys(svc.spec.Versions)))
	}
	if svc.starting || svc.cur != nil {
		return nil, VersionSpec{}, fmt.Errorf("sut: start %s %s: %w", service, version, ErrRunning)
	}
	svc.starting = true
	return svc, vs, nil
}

func (p *Process) release(svc *service) {
	p.mu.Lock()
	svc.starting = false
	p.mu.Unlock()
}

// launch spawns the process and registers it; the process is not yet healthy.
func (p *Process) launch(ctx context.Context, svc *service, version string, vs VersionSpec, vars map[string]string) (*proc, error) {
	port, err := p.freePort(ctx, svc)
	if err != nil {
		return nil, fmt.Errorf("sut: start %s %s: %w", svc.name, version, err)
	}
	lp, err := p.plan(svc, version, vs, port, vars)
	if err != nil {
		return nil, err
	}
	if svc.spec.DataDir {
		if err := os.MkdirAll(p.dataDir(svc.name), perm.Dir); err != nil {
			return nil, fmt.Errorf("sut: start %s %s: data dir: %w", svc.name, version, err)
		}
	}
	pr := &proc{
		service: svc.name, version: version, addr: loopbackAddr(port), argv: lp.argv,
		vars: maps.Clone(vars), logPath: p.logPath(svc.name, version), done: make(chan struct{}),
	}
	if err := p.spawn(pr, lp); err != nil {
		return nil, fmt.Errorf("sut: start %s %s: %w", svc.name, version, err)
	}
	if st, err := readProcStat(pr.pid); err == nil {
		pr.startTicks = st.StartTicks
	}

	p.mu.Lock()
	closed := p.closed
	if !closed {
		svc.cur = pr
		svc.last = pr
		svc.handedOut = true
	}
	p.mu.Unlock()
	if closed {
		killGroup(pr.pid)
		_ = pr.cmd.Wait()
		return nil, fmt.Errorf("sut: start %s %s: %w", svc.name, version, ErrClosed)
	}
	go p.watch(svc, pr)
	p.emit(pr, EventStarted, fmt.Sprintf("%s on %s", lp.path, pr.addr))
	if err := p.syncPIDFile(); err != nil {
		p.kill(pr, "killed: pid file not written")
		return nil, fmt.Errorf("sut: start %s %s: %w", svc.name, version, err)
	}
	return pr, nil
}

// spawn starts the process in its own process group, with its output
// appended to its log.
func (p *Process) spawn(pr *proc, lp launchPlan) error {
	logf, off, err := openLog(pr.logPath, pr.service, pr.version, lp.argv, p.redact)
	if err != nil {
		return err
	}
	// The child gets its own copy of the descriptor; ours is not needed
	// after the start.
	defer logf.Close()
	pr.logOffset = off
	pr.cmd = &exec.Cmd{
		Path:   lp.path,
		Args:   lp.argv,
		Env:    lp.env,
		Dir:    lp.dir,
		Stdout: logf,
		Stderr: logf,
		SysProcAttr: &syscall.SysProcAttr{
			Setpgid:   true,
			Pdeathsig: syscall.SIGKILL,
		},
	}
	if err := p.spawner.start(pr.cmd); err != nil {
		return err
	}
	pr.pid = pr.cmd.Process.Pid
	return nil
}

// freePort returns the service's port after checking that nothing listens
// on it. A busy port is retried once: with a fresh port while the address
// has never been handed out, else after a short wait.
func (p *Process) freePort(ctx context.Context, svc *service) (int, error) {
	p.mu.Lock()
	err := svc.ensurePort()
	port, handedOut := svc.port, svc.handedOut
	p.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if err := p.probeNamed(ctx, svc); err != nil {
		return 0, err
	}
	err = ProbePort(port)
	if !errors.Is(err, ErrPortInUse) {
		return port, err
	}
	if !handedOut {
		fresh, err := AllocPort()
		if err != nil {
			return 0, err
		}
		p.mu.Lock()
		if !svc.handedOut {
			svc.port = fresh
		}
		port = svc.port
		p.mu.Unlock()
	} else if err := Sleep(ctx, portRetryDelay); err != nil {
		return 0, err
	}
	return port, ProbePort(port)
}

// probeNamed checks that nothing listens on the service's other named
// ports, waiting once for a busy one: they are handed out with every
// service's command, so they cannot change.
func (p *Process) probeNamed(ctx context.Context, svc *service) error {
	p.mu.Lock()
	ports := make([]int, 0, len(svc.named))
	for _, n := range svc.named {
		if n != svc.port {
			ports = append(ports, n)
		}
	}
	p.mu.Unlock()
	for _, port := range ports {
		if err := ProbePort(port); errors.Is(err, ErrPortInUse) {
			if err := Sleep(ctx, portRetryDelay); err != nil {
				return err
			}
		}
		if err := ProbePort(port); err != nil {
			return err
		}
	}
	return nil
}

// Sleep waits for d or until ctx ends, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

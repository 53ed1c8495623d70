package sut

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Defaults of the process runtime.
const (
	// DefaultStartTimeout bounds the wait for health when a service sets none.
	DefaultStartTimeout = 10 * time.Second
	// DefaultStopGrace is the time between SIGTERM and SIGKILL when a
	// service sets none.
	DefaultStopGrace = 5 * time.Second
	// HealthPollInterval is the time between two health checks of a start.
	HealthPollInterval = 50 * time.Millisecond
)

const (
	// killWait bounds the wait for a process to be reaped after SIGKILL.
	killWait = 5 * time.Second
	// healthRequestTimeout bounds one health check.
	healthRequestTimeout = time.Second
)

// ProcessOptions configure a Process runtime.
type ProcessOptions struct {
	// Services are the services of the system, keyed by name (the key wins
	// over ServiceSpec.Name).
	Services map[string]ServiceSpec
	// BaseDir is the folder that relative command paths (a command[0] that
	// contains "/") and relative working dirs resolve against, and the
	// working dir of a version that sets none. Default: the current folder.
	BaseDir string
	// WorkDir is the drill folder (required). Logs go to
	// WorkDir/logs/SERVICE-VERSION.log (appended; stdout and stderr), data
	// dirs to WorkDir/data/SERVICE and the pid file to WorkDir/pids.
	WorkDir string
	// Vars are extra ${name} expansions for every service (scenario vars).
	Vars map[string]string
	// OnEvent, if set, receives every lifecycle event. It is called
	// synchronously, possibly from several goroutines at once, and must not
	// block for long.
	OnEvent func(Event)
	// Redact, if set, is applied to what the runtime writes about a start
	// in a log header (the command line), so that secret values passed to
	// a service stay out of its log.
	Redact func(string) string
}

// Process is the default Runtime: each service version runs as a local
// process in its own process group, listening on a loopback port that the
// runtime allocates once per service and keeps across versions.
//
// A Process is safe for concurrent use. Close it to stop every service.
type Process struct {
	baseDir string
	workDir string
	pidPath string
	vars    map[string]string
	onEvent func(Event)
	redact  func(string) string
	spawner *spawner
	health  *http.Client

	// pidMu serialises pid file writes; it is taken before mu.
	pidMu sync.Mutex

	mu       sync.Mutex
	services map[string]*service
	closed   bool
}

var _ Runtime = (*Process)(nil)

// service is the runtime state of one service. Fields other than name and
// spec are guarded by Process.mu.
type service struct {
	name string
	spec ServiceSpec
	// port is allocated lazily and kept across versions.
	port int
	// named are the named ports (ServiceSpec.Ports), allocated with port;
	// the first is port itself.
	named map[string]int
	// handedOut is set once the address has been given to anyone (Addr or
	// a start); from then on the port never changes.
	handedOut bool
	// starting is set while a Start of this service is in progress.
	starting bool
	// cur is the live process (starting, running or stopping), nil once reaped.
	cur *proc
	// last is the latest process started, kept after it exits so that a
	// Restart knows the version and expansions to start again.
	last *proc
}

// proc is one process of one service version.
type proc struct {
	service, version string
	addr             string
	argv             []string
	vars             map[string]string // the start's extra expansions, for restarts
	cmd              *exec.Cmd
	pid              int
	startTicks       uint64
	logPath          string
	logOffset        int64

	// done is closed once the process is reaped; exitStatus is set before.
	done       chan struct{}
	exitStatus string

	// stopping and healthy are guarded by Process.mu.
	stopping bool
	healthy  bool
}

func (pr *proc) instance() Instance {
	return Instance{Service: pr.service, Version: pr.version, Addr: pr.addr, PID: pr.pid}
}

// NewProcess checks the options and returns a runtime with nothing running.
// It creates WorkDir/logs.
func NewProcess(opts ProcessOptions) (*Process, error) {
	if opts.WorkDir == "" {
		return nil, fmt.Errorf("sut: process runtime: no work dir: %w", ErrBadSpec)
	}
	workDir, err := filepath.Abs(opts.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("sut: process runtime: work dir: %w", err)
	}
	baseDir, err := filepath.Abs(cmp.Or(opts.BaseDir, "."))
	if err != nil {
		return nil, fmt.Errorf("sut: process runtime: base dir: %w", err)
	}
	if err := checkVars(opts.Vars); err != nil {
		return nil, err
	}
	services, err := newServices(opts.Services)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(workDir, "logs"), perm.Dir); err != nil {
		return nil, fmt.Errorf("sut: process runtime: %w", err)
	}
	return &Process{
		baseDir:  baseDir,
		workDir:  workDir,
		pidPath:  filepath.Join(workDir, PIDFileName),
		vars:     opts.Vars,
		onEvent:  opts.OnEvent,
		redact:   opts.Redact,
		spawner:  newSpawner(),
		health:   newHealthClient(),
		services: services,
	}, nil
}

// Addr returns 127.0.0.1:PORT for the service, allocating the port on first
// use. The address never changes afterwards.
func (p *Process) Addr(service string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	svc, err := p.lookup(service)
	if err != nil {
		return "", err
	}
	if err := svc.ensurePort(); err != nil {
		return "", err
	}
	svc.handedOut = true
	return loopbackAddr(svc.port), nil
}

// PortAddr returns 127.0.0.1:PORT of one of the service's named ports
// ("" for its main port), allocating the service's ports on first use.
func (p *Process) PortAddr(service, port string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	svc, err := p.lookup(service)
	if err != nil {
		return "", err
	}
	if err := svc.ensurePort(); err != nil {
		return "", err
	}
	svc.handedOut = true
	return svc.portAddr(port)
}

// Running returns the instance of a service that is running and healthy. It
// is false while starting, once stopping, and after an unexpected exit.
func (p *Process) Running(service string) (Instance, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	svc, ok := p.services[service]
	if !ok || svc.cur == nil || !svc.cur.healthy {
		return Instance{}, false
	}
	return svc.cur.instance(), true
}

// DataDir returns the absolute data dir of a service (WorkDir/data/SERVICE),
// which exists once the service has started. It fails with ErrNoDataDir for
// a service without dataDir.
func (p *Process) DataDir(service string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	svc, err := p.lookup(service)
	if err != nil {
		return "", err
	}
	if !svc.spec.DataDir {
		return "", fmt.Errorf("sut: data dir of %s: %w", service, ErrNoDataDir)
	}
	return p.dataDir(service), nil
}

// PIDFile returns the path of the pid file (WorkDir/pids).
func (p *Process) PIDFile() string { return p.pidPath }

// Close stops every service concurrently (see Stop; ctx bounds the graceful
// part) and then removes the pid file. Start fails with ErrClosed
// afterwards. Calling Close again is a no-op.
func (p *Process) Close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	var names []string
	for name, svc := range p.services {
		if svc.cur != nil {
			names = append(names, name)
		}
	}
	p.mu.Unlock()

	errs := make([]error, len(names)+1)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { errs[i] = p.Stop(ctx, name) })
	}
	wg.Wait()
	// Only now: ending the spawner's thread sends Pdeathsig to anything
	// it started that is still alive.
	p.spawner.quit()
	errs[len(names)] = p.syncPIDFile()
	return errors.Join(errs...)
}

// lookup returns a service; p.mu must be held.
func (p *Process) lookup(name string) (*service, error) {
	svc, ok := p.services[name]
	if !ok {
		return nil, fmt.Errorf("sut: %q: %w (known: %v)", name, ErrUnknownService, slices.Sorted(maps.Keys(p.services)))
	}
	return svc, nil
}

func (p *Process) dataDir(service string) string {
	return filepath.Join(p.workDir, "data", service)
}

func (p *Process) logPath(service, version string) string {
	return filepath.Join(p.workDir, "logs", service+"-"+version+".log")
}

func (p *Process) emit(pr *proc, kind, detail string) {
	if p.onEvent != nil {
		p.onEvent(Event{Service: pr.service, Version: pr.version, Kind: kind, Detail: detail, PID: pr.pid})
	}
}

// ensurePort allocates the service's port if it has none; p.mu must be held.
func (s *service) ensurePort() error {
	if s.port != 0 {
		return nil
	}
	port, err := AllocPort()
	if err != nil {
		return err
	}
	named := make(map[string]int, len(s.spec.Ports))
	for i, name := range s.spec.Ports {
		if i == 0 {
			named[name] = port
			continue
		}
		if named[name], err = AllocPort(); err != nil {
			return err
		}
	}
	s.port, s.named = port, named
	return nil
}

// portAddr returns the address of the named port, "" for the main one.
// ensurePort must have run.
func (s *service) portAddr(name string) (string, error) {
	if name == "" {
		return loopbackAddr(s.port), nil
	}
	port, ok := s.named[name]
	if !ok {
		return "", fmt.Errorf("sut: service %s has no port %q (its ports: %v): %w", s.name, name, s.spec.Ports, ErrBadSpec)
	}
	return loopbackAddr(port), nil
}

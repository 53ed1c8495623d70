package docker

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/faultdrill/faultdrill/sut"
)

// Runtime runs the services of one drill as containers. Each service gets
// a loopback port on the host, allocated once and bound again at every
// start, so its address stays the same across versions and restarts.
//
// A Runtime is safe for concurrent use; operations on one service are
// serialised. Close it to remove everything it created.
type Runtime struct {
	id          string
	baseDir     string
	workDir     string
	vars        map[string]string
	onEvent     func(sut.Event)
	onTiming    func(Timing)
	toxiImage   string
	keepVolumes bool
	buildLog    io.Writer
	logger      tclog.Logger
	cli         *testcontainers.DockerClient
	netName     string
	netID       string

	// toxiMu serialises StartToxiproxy; it is taken before mu.
	toxiMu sync.Mutex

	mu       sync.Mutex
	services map[string]*service
	toxi     *toxiproxy
	built    map[string]string // "service/version" → image built for it
	closed   bool
}

var _ sut.Runtime = (*Runtime)(nil)

// service is the runtime state of one service. name, spec, port and volume
// never change; the fields below op are guarded by Runtime.mu.
type service struct {
	name   string
	spec   sut.ServiceSpec
	port   int    // container port, the same for every version
	volume string // data volume, "" without a data dir

	// op serialises the operations on the service (start, stop, faults,
	// snapshots); it is taken before Runtime.mu.
	op sync.Mutex

	hostPort  int
	handedOut bool
	// image is the image of the last container, for helper containers.
	image string
	cur   *ctr
}

// ctr is one container of one service version. The fields below addr are
// guarded by Runtime.mu.
type ctr struct {
	c                *testcontainers.DockerContainer
	id               string
	service, version string
	image            string
	logPath          string
	addr             string

	pid          int
	healthy      bool
	paused       bool
	disconnected bool
	// exited is set once the container stopped by itself or by a kill
	// without restart; the container is kept until the next start or stop.
	exited     bool
	exitStatus string
	// expectExit is set before the runtime stops or kills the container.
	expectExit bool
	// stopWatch ends the watcher, whose goroutine closes watchDone.
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

func (c *ctr) instance() sut.Instance {
	return sut.Instance{Service: c.service, Version: c.version, Addr: c.addr, PID: c.pid}
}

// New checks the options, connects to the engine (ErrNoEngine when none
// answers within 5 s) and creates the drill's network,
// faultdrill-DRILLID. Nothing runs yet.
func New(ctx context.Context, opts Options) (*Runtime, error) {
	if err := checkDrillID(opts.DrillID); err != nil {
		return nil, err
	}
	if opts.WorkDir == "" {
		return nil, fmt.Errorf("docker: no work dir: %w", sut.ErrBadSpec)
	}
	workDir, err := filepath.Abs(opts.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("docker: work dir: %w", err)
	}
	baseDir, err := filepath.Abs(cmp.Or(opts.BaseDir, "."))
	if err != nil {
		return nil, fmt.Errorf("docker: base dir: %w", err)
	}
	if err := checkVars(opts.Vars); err != nil {
		return nil, err
	}
	services, err := newServices(opts.DrillID, opts.Services)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(workDir, "logs"), perm.Dir); err != nil {
		return nil, fmt.Errorf("docker: %w", err)
	}
	cli, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	r := &Runtime{
		id: opts.DrillID, baseDir: baseDir, workDir: workDir, vars: opts.Vars, onEvent: opts.OnEvent, onTiming: opts.OnTiming,
		toxiImage: cmp.Or(opts.ToxiproxyImage, ToxiproxyImage), keepVolumes: opts.KeepVolumes,
		buildLog: cmp.Or[io.Writer](opts.BuildLog, io.Discard), logger: tclog.NewNoopLogger(),
		cli: cli, netName: networkName(opts.DrillID), services: services, built: map[string]string{},
	}
	r.logEngine(ctx)
	if err := r.createNetwork(ctx); err != nil {
		cli.Close()
		return nil, err
	}
	return r, nil
}

// logEngine writes which Docker engine the drill runs on into the build
// log: the facts testcontainers would print as a banner on stderr, kept
// with the drill instead (faultdrill silences that banner).
func (r *Runtime) logEngine(ctx context.Context) {
	v, err := r.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		fmt.Fprintf(r.buildLog, "docker engine: version not known: %v\n", err)
		return
	}
	fmt.Fprintf(r.buildLog, "docker engine %s (API %s, %s/%s) at %s\n", v.Version, v.APIVersion, v.Os, v.Arch, r.cli.DaemonHost())
}

// createNetwork creates the drill's bridge network, labelled with its id.
func (r *Runtime) createNetwork(ctx context.Context) error {
	res, err := r.cli.NetworkCreate(ctx, r.netName, client.NetworkCreateOptions{
		Driver: "bridge",
		Labels: drillLabels(r.id),
	})
	if err != nil {
		return fmt.Errorf("docker: create network %s: %w", r.netName, err)
	}
	r.netID = res.ID
	return nil
}

// DrillID returns the id that labels everything the runtime creates.
func (r *Runtime) DrillID() string { return r.id }

// Network returns the name of the drill's Docker network.
func (r *Runtime) Network() string { return r.netName }

// Addr returns 127.0.0.1:PORT, the host address of the service's container
// port, allocating the host port on first use. The address stays the same
// across versions and restarts.
func (r *Runtime) Addr(service string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, err := r.lookup(service)
	if err != nil {
		return "", err
	}
	if err := svc.ensureHostPort(); err != nil {
		return "", err
	}
	svc.handedOut = true
	return loopbackAddr(svc.hostPort), nil
}

// PortAddr returns the address of a service's port: only its main port
// ("") on containers, which publish one port each.
func (r *Runtime) PortAddr(service, port string) (string, error) {
	if port != "" {
		return "", fmt.Errorf("docker: service %s: named port %q: %w", service, port, ErrNamedPorts)
	}
	return r.Addr(service)
}

// UpstreamAddr returns SERVICE:PORT, the address of the service inside the
// drill network: what a toxiproxy proxy in front of it forwards to.
func (r *Runtime) UpstreamAddr(service string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, err := r.lookup(service)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(svc.name, strconv.Itoa(svc.port)), nil
}

// Volume returns the name of the service's data volume, which Start mounts
// at DataPath. It fails with sut.ErrNoDataDir for a service without a data
// dir.
func (r *Runtime) Volume(service string) (string, error) {
	svc, err := r.dataService(service, "volume of")
	if err != nil {
		return "", err
	}
	return svc.volume, nil
}

// Running returns the instance of a service whose container is running and
// was healthy at its last start. It stays true while the container is
// paused or disconnected (faults), and turns false once it stops or exits.
func (r *Runtime) Running(service string) (sut.Instance, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svc, ok := r.services[service]
	if !ok || svc.cur == nil || !svc.cur.healthy {
		return sut.Instance{}, false
	}
	return svc.cur.instance(), true
}

// lookup returns a service; r.mu must be held.
func (r *Runtime) lookup(name string) (*service, error) {
	svc, ok := r.services[name]
	if !ok {
		return nil, fmt.Errorf("docker: %q: %w (known: %v)", name, sut.ErrUnknownService, slices.Sorted(maps.Keys(r.services)))
	}
	return svc, nil
}

// service returns a service, locking r.mu.
func (r *Runtime) service(name string) (*service, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookup(name)
}

func (r *Runtime) logPath(service, version string) string {
	return filepath.Join(r.workDir, "logs", service+"-"+version+".log")
}

// ensureHostPort allocates the service's host port if it has none; r.mu
// must be held.
func (s *service) ensureHostPort() error {
	if s.hostPort != 0 {
		return nil
	}
	port, err := sut.AllocPort()
	if err != nil {
		return err
	}
	s.hostPort = port
	return nil
}

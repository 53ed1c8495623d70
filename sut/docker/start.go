package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"

	"github.com/faultdrill/faultdrill/sut"
)

// launchSlack bounds the engine calls of a start (create, start, inspect)
// on top of the service's start timeout, so that nothing (such as a pull
// of an image removed meanwhile) can hang a start.
const launchSlack = 30 * time.Second

// Start runs one version of a service as a container on the drill network
// (alias = service name, data volume at /data) with its container port
// bound to the service's host address, and waits until its health path
// answers 2xx over HTTP (any HTTP answer when the service sets no health
// path), bounded by its StartTimeout and ctx. The image must be present
// locally (ErrNoImage otherwise, at once) or is built from the version's
// Dockerfile. A container that exits or stays unhealthy fails the start
// with a *sut.StartError quoting its log tail, and is removed. Starting a
// running service fails with sut.ErrRunning; a service whose container was
// killed (Kill without restart) or exited is started afresh.
func (r *Runtime) Start(ctx context.Context, service, version string, vars map[string]string) (sut.Instance, error) {
	svc, vs, err := r.version(service, version)
	if err != nil {
		return sut.Instance{}, err
	}
	svc.op.Lock()
	defer svc.op.Unlock()
	sw := newStopwatch(OpStart, service, version)
	if err := r.startable(ctx, svc, version); err != nil {
		return sut.Instance{}, err
	}
	image, err := r.image(ctx, svc, version, vs)
	if err != nil {
		return sut.Instance{}, err
	}
	p, err := r.plan(svc, version, vs, vars)
	if err != nil {
		return sut.Instance{}, err
	}
	if err := r.ensureVolume(ctx, svc); err != nil {
		return sut.Instance{}, err
	}
	hostPort, err := r.freeHostPort(ctx, svc)
	if err != nil {
		return sut.Instance{}, fmt.Errorf("docker: start %s %s: %w", service, version, err)
	}
	sw.lap(PhasePrepare)
	c, err := r.launch(ctx, svc, version, image, p, hostPort, sw)
	if err != nil {
		return sut.Instance{}, err
	}
	r.report(sw)
	return c.instance(), nil
}

// version looks a service and one of its versions up.
func (r *Runtime) version(service, version string) (*service, sut.VersionSpec, error) {
	svc, err := r.service(service)
	if err != nil {
		return nil, sut.VersionSpec{}, err
	}
	vs, ok := svc.spec.Versions[version]
	if !ok {
		return nil, sut.VersionSpec{}, fmt.Errorf("docker: start %s %q: %w (known: %v)",
			service, version, sut.ErrUnknownVersion, slices.Sorted(maps.Keys(svc.spec.Versions)))
	}
	return svc, vs, nil
}

// startable fails when the runtime is closed or the service runs, and
// removes the container of a service that exited. svc.op must be held.
func (r *Runtime) startable(ctx context.Context, svc *service, version string) error {
	r.mu.Lock()
	closed, cur := r.closed, svc.cur
	exited := cur != nil && cur.exited
	r.mu.Unlock()
	switch {
	case closed:
		return fmt.Errorf("docker: start %s %s: %w", svc.name, version, sut.ErrClosed)
	case cur == nil:
		return nil
	case !exited:
		return fmt.Errorf("docker: start %s %s: %w", svc.name, version, sut.ErrRunning)
	}
	return r.discard(ctx, svc, cur)
}

// launchPlan is a version's command, env and working dir, expanded.
type launchPlan struct {
	cmd     []string
	env     map[string]string
	workDir string
}

// plan expands the command and env of one version. Inside a container
// ${addr} is 0.0.0.0:PORT, ${port} the container port and ${data_dir} the
// volume's mount path.
func (r *Runtime) plan(svc *service, version string, vs sut.VersionSpec, startVars map[string]string) (launchPlan, error) {
	fail := func(err error) (launchPlan, error) {
		return launchPlan{}, fmt.Errorf("docker: %s %s: %w", svc.name, version, err)
	}
	if err := checkVars(startVars); err != nil {
		return fail(err)
	}
	vars := make(map[string]string, len(r.vars)+len(startVars)+len(reservedVars))
	maps.Copy(vars, r.vars)
	maps.Copy(vars, startVars)
	vars["port"] = strconv.Itoa(svc.port)
	vars["addr"] = "0.0.0.0:" + strconv.Itoa(svc.port)
	vars["service"] = svc.name
	vars["version"] = version
	if svc.volume != "" {
		vars["data_dir"] = DataPath
	}
	ex := func(s string) (string, error) {
		v, err := sut.Expand(s, vars)
		var xe *sut.ExpandError
		if errors.As(err, &xe) && xe.Name == "data_dir" && svc.volume == "" {
			return "", fmt.Errorf("${data_dir}: %w", sut.ErrNoDataDir)
		}
		return v, err
	}
	p := launchPlan{env: make(map[string]string, len(vs.Env)), workDir: vs.Dir}
	for _, arg := range vs.Command {
		v, err := ex(arg)
		if err != nil {
			return fail(fmt.Errorf("command: %w", err))
		}
		p.cmd = append(p.cmd, v)
	}
	for _, k := range slices.Sorted(maps.Keys(vs.Env)) {
		v, err := ex(vs.Env[k])
		if err != nil {
			return fail(fmt.Errorf("env %s: %w", k, err))
		}
		p.env[k] = v
	}
	return p, nil
}

// launch creates and starts the container and waits for its health,
// timing each phase on sw.
func (r *Runtime) launch(ctx context.Context, svc *service, version, image string, p launchPlan, hostPort int, sw *stopwatch) (*ctr, error) {
	lctx, cancel := context.WithTimeout(ctx, svc.spec.StartTimeout+launchSlack)
	defer cancel()
	c := &ctr{service: svc.name, version: version, image: image, logPath: r.logPath(svc.name, version)}
	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image:        image,
			Cmd:          p.cmd,
			Env:          p.env,
			ExposedPorts: []string{portSpec(svc.port)},
			Labels: drillLabels(r.id, LabelService, svc.name, LabelVersion, version,
				LabelRole, RoleService),
			Name:               containerName(r.id, svc.name),
			Networks:           []string{r.netName},
			NetworkAliases:     map[string][]string{r.netName: {svc.name}},
			Mounts:             r.mounts(svc),
			ConfigModifier:     func(cfg *container.Config) { cfg.WorkingDir = p.workDir },
			HostConfigModifier: bindLoopback(svc.port, hostPort),
			WaitingFor:         healthWait(svc.spec.Health, svc.port, svc.spec.StartTimeout),
			LifecycleHooks:     []testcontainers.ContainerLifecycleHooks{r.startedHook(c), lapHook(sw)},
		},
		Started: true,
		Logger:  r.logger,
	}
	tc, err := testcontainers.GenericContainer(lctx, req)
	dc, _ := tc.(*testcontainers.DockerContainer)
	if dc != nil {
		c.c, c.id = dc, dc.GetContainerID()
	}
	if err != nil {
		return nil, r.startFailed(ctx, svc, c, err)
	}
	sw.lap(PhaseHealth)
	if err := r.settle(lctx, svc, c); err != nil {
		return nil, r.startFailed(ctx, svc, c, err)
	}
	r.mu.Lock()
	svc.cur = c
	svc.image = image
	svc.handedOut = true
	r.mu.Unlock()
	r.watch(c)
	sw.lap(PhaseSettle)
	r.emitFor(c, sut.EventHealthy, c.addr)
	return c, nil
}

// settle looks the container's pid and host address up after a start and
// marks it healthy.
func (r *Runtime) settle(ctx context.Context, svc *service, c *ctr) error {
	info, err := c.c.Inspect(ctx)
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	mapped, err := c.c.MappedPort(ctx, portSpec(svc.port))
	if err != nil {
		return fmt.Errorf("mapped port: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if info.State != nil {
		c.pid = info.State.Pid
	}
	svc.hostPort = int(mapped.Num())
	c.addr = loopbackAddr(svc.hostPort)
	c.healthy, c.exited, c.expectExit, c.exitStatus = true, false, false, ""
	return nil
}

// startedHook reports each start of the container (the first one and
// restarts), before its health wait.
func (r *Runtime) startedHook(c *ctr) testcontainers.ContainerLifecycleHooks {
	return testcontainers.ContainerLifecycleHooks{
		PostStarts: []testcontainers.ContainerHook{
			func(ctx context.Context, tc testcontainers.Container) error {
				detail := fmt.Sprintf("container %s of %s", shortID(tc.GetContainerID()), c.image)
				r.emit(c.service, c.version, sut.EventStarted, detail, 0)
				return nil
			},
		},
	}
}

// lapHook ends the create phase once the container exists and the run
// phase once its process started; the health wait follows.
func lapHook(sw *stopwatch) testcontainers.ContainerLifecycleHooks {
	lap := func(name string) testcontainers.ContainerHook {
		return func(context.Context, testcontainers.Container) error {
			sw.lap(name)
			return nil
		}
	}
	return testcontainers.ContainerLifecycleHooks{
		PostCreates: []testcontainers.ContainerHook{lap(PhaseCreate)},
		PostStarts:  []testcontainers.ContainerHook{lap(PhaseRun)},
	}
}

// startFailed removes a container that did not become healthy, saving its
// logs, and explains why.
func (r *Runtime) startFailed(ctx context.Context, svc *service, c *ctr, cause error) error {
	se := &sut.StartError{Service: svc.name, Version: c.version, Reason: cause, LogPath: c.logPath}
	if c.c == nil {
		if cerrdefs.IsConflict(cause) {
			return fmt.Errorf("docker: start %s %s: %w (a leftover of an earlier run with this drill id? Cleanup removes it)",
				svc.name, c.version, cause)
		}
		return fmt.Errorf("docker: start %s %s: %w", svc.name, c.version, cause)
	}
	rmCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	if st, err := c.c.State(rmCtx); err == nil && st.Status == container.StateExited {
		se.Reason, se.ExitStatus = sut.ErrExitedEarly, fmt.Sprintf("exit code %d", st.ExitCode)
	} else if ctx.Err() != nil {
		se.Reason = ctx.Err()
	} else if errors.Is(cause, context.DeadlineExceeded) {
		se.Reason = sut.ErrStartTimeout
	}
	offset, err := r.saveLogs(rmCtx, c, "start failed: "+se.Reason.Error())
	if err == nil {
		se.LogTail = sut.LogTail(c.logPath, offset)
	}
	if err := c.c.Terminate(rmCtx, testcontainers.StopTimeout(0)); err != nil {
		return errors.Join(se, fmt.Errorf("docker: remove %s: %w", shortID(c.id), err))
	}
	r.emitFor(c, sut.EventExitedUnexpectedly, se.Reason.Error())
	return se
}

// bindLoopback binds the container port to 127.0.0.1:hostPort only.
func bindLoopback(port, hostPort int) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		p := network.MustParsePort(portSpec(port))
		hc.PortBindings = network.PortMap{p: {{HostIP: loopbackIP(), HostPort: strconv.Itoa(hostPort)}}}
	}
}

// portSpec is the "PORT/tcp" form of a container port.
func portSpec(port int) string { return strconv.Itoa(port) + "/tcp" }

// shortID is the 12-character form of a container id.
func shortID(id string) string { return id[:min(12, len(id))] }

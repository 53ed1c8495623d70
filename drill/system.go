package drill

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"path/filepath"
	"strings"
	"sync"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/front"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/snapshot"
	"github.com/faultdrill/faultdrill/sut"
)

// vars are the scenario's vars with the command line's overrides.
func (r *run) vars() map[string]string {
	vars := maps.Clone(r.sc.Vars)
	if vars == nil {
		vars = map[string]string{}
	}
	maps.Copy(vars, r.opts.Vars)
	return vars
}

// sutRuntime is what the engine asks of the runtime that runs the system
// under test: processRuntime (local processes) or dockerRuntime
// (containers).
type sutRuntime interface {
	sut.Runtime
	// Toxiproxy says where the links' proxies run: the URL of a toxiproxy
	// API the runtime started ("" leaves the choice to the engine) and the
	// host its proxies listen on ("" for the default).
	Toxiproxy(ctx context.Context) (api, listenHost string, err error)
	// Upstream is the address a link's proxy forwards to, to reach a
	// service's port ("" for its main port).
	Upstream(service, port string) (string, error)
	// LinkAddr maps the address a link's proxy listens on to the address
	// services dial to reach it.
	LinkAddr(listen string) string
	// Processes applies process faults (pause, kill, restart).
	Processes() faults.ProcessTarget
	// DataDir is the host folder of the service's data, for ${data_dir}
	// expansions; it fails when the data is not in a host folder.
	DataDir(service string) (string, error)
	// ReadData returns a folder holding the service's data as it is now —
	// the data directory itself, or a copy — and a function that releases
	// it. The folder must not be written to.
	ReadData(ctx context.Context, service string) (dir string, release func(), err error)
	// ReadsLive reports whether ReadData gives a consistent copy of a
	// running service's data; when it does not, the engine stops the
	// service before a snapshot.
	ReadsLive() bool
	// RestoreData replaces the data of the service, which must be stopped,
	// with the snapshot in snapDir; a corrupt snapshot is refused (the
	// error matches snapshot.ErrCorrupt) and the data left untouched.
	RestoreData(ctx context.Context, service, snapDir string) error
}

// processRuntime is the process runtime as the engine sees it.
type processRuntime struct{ *sut.Process }

var _ sutRuntime = processRuntime{}

func (processRuntime) Toxiproxy(context.Context) (string, string, error) { return "", "", nil }

func (p processRuntime) Upstream(service, port string) (string, error) {
	return p.PortAddr(service, port)
}

func (processRuntime) LinkAddr(listen string) string { return listen }

func (p processRuntime) Processes() faults.ProcessTarget { return p.Process }

func (p processRuntime) ReadData(_ context.Context, service string) (string, func(), error) {
	dir, err := p.DataDir(service)
	return dir, func() {}, err
}

// ReadsLive is false: a running service writes to its data directory.
func (processRuntime) ReadsLive() bool { return false }

func (p processRuntime) RestoreData(ctx context.Context, service, snapDir string) error {
	dir, err := p.DataDir(service)
	if err != nil {
		return err
	}
	return snapshot.Restore(ctx, snapDir, dir)
}

// newRuntime creates the runtime the scenario asks for; nothing starts yet.
func (r *run) newRuntime(ctx context.Context) error {
	services := map[string]sut.ServiceSpec{}
	for name, s := range r.sc.System.Services {
		s.Name = name
		services[name] = s
	}
	fronted := map[string]int{}
	for name, s := range services {
		if scenarios.Fronted(r.sc, name) {
			fronted[name] = scenarios.Replicas(s)
		}
	}
	services = fleetServices(services, fronted)
	var inner sutRuntime
	if r.sc.System.Runtime == faults.RuntimeDocker {
		rt, err := r.newDockerRuntime(ctx, services)
		if err != nil {
			return err
		}
		inner = rt
	} else {
		p, err := sut.NewProcess(sut.ProcessOptions{
			Services: services, BaseDir: r.sc.Dir, WorkDir: r.dir, Vars: r.vars(), OnEvent: r.sutEvent,
			Redact: r.secrets.Redact,
		})
		if err != nil {
			return fmt.Errorf("drill: %w", err)
		}
		inner = processRuntime{p}
	}
	if len(fronted) == 0 {
		r.runtime = inner
		return nil
	}
	fl, err := newFleet(inner, fronted, r.versionHeader())
	if err != nil {
		_ = inner.Close(ctx)
		return err
	}
	r.runtime = fl
	for name, n := range fronted {
		r.journal.Add("front.ready", fmt.Sprintf("%s: %d replica(s) behind a front at %s", name, n, fl.fronted[name].front.Addr()),
			map[string]any{"service": name, "replicas": n, "addr": fl.fronted[name].front.Addr()})
	}
	return nil
}

// versionHeader is the response header the load reads the serving
// version from: the one the scenario names, else X-Version.
func (r *run) versionHeader() string {
	for _, st := range r.sc.Load.Streams {
		if v := st.Response.Version; v != nil && v.Header != "" {
			return v.Header
		}
	}
	return front.DefaultVersionHeader
}

// startFaults starts the toxiproxy that every link goes through: the one
// the runtime runs (a container on the drill network), else the remote one
// the scenario or command line names, else an embedded one.
func (r *run) startFaults(ctx context.Context) error {
	own, listenHost, err := r.runtime.Toxiproxy(ctx)
	if err != nil {
		return fmt.Errorf("drill: start toxiproxy: %w", err)
	}
	remote := cmp.Or(own, r.opts.Toxiproxy, r.sc.System.Toxiproxy.URL)
	c, err := faults.Start(ctx, faults.Options{
		LedgerPath: filepath.Join(r.dir, FaultLedgerFile),
		Remote:     remote,
		ListenHost: listenHost,
		Processes:  r.runtime.Processes(),
		OnAutoHeal: r.autoHealed,
	})
	if err != nil {
		return fmt.Errorf("drill: start toxiproxy: %w", err)
	}
	r.faults = c
	where := "embedded toxiproxy"
	switch {
	case own != "":
		where = "toxiproxy container"
	case remote != "":
		where = "remote toxiproxy"
	}
	r.journal.Add("faults.ready", where+" at "+c.API(), map[string]any{"api": c.API(), "remote": remote != ""})
	return nil
}

// startSystem puts every link behind a proxy and starts every service at
// its initial version, callees before callers.
func (r *run) startSystem(ctx context.Context) error {
	for _, l := range faults.ExpandLinks(r.sc.System.Links) {
		upstream, err := r.runtime.Upstream(l.To, l.Port)
		if err != nil {
			return fmt.Errorf("drill: link %s: %w", l.Name, err)
		}
		listen, err := r.faults.AddLink(ctx, l, upstream)
		if err != nil {
			return fmt.Errorf("drill: link %s: %w", l.Name, err)
		}
		dial := r.runtime.LinkAddr(listen)
		r.links[l.Name] = dial
		r.journal.Add("link.ready", fmt.Sprintf("%s: %s → %s via %s", l.Name, l.From, l.To, dial),
			map[string]any{"link": l.Name, "listen": listen, "dial": dial, "upstream": upstream})
	}
	for _, group := range scenarios.StartGroups(r.sc) {
		if err := r.startGroup(ctx, group); err != nil {
			return err
		}
	}
	return nil
}

// startGroup starts the services of one start group at their initial
// versions, all at once, and waits until every one is healthy (each start
// bounded by its service's start timeout): the members of a quorum are
// healthy only once a majority of them is up. It returns the first start
// error, once every start has ended.
func (r *run) startGroup(ctx context.Context, group []string) error {
	if len(group) > 1 {
		r.journal.Add("sut.group", fmt.Sprintf("starting %s together", strings.Join(group, ", ")), map[string]any{"services": group})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(group))
	var wg sync.WaitGroup
	for i, svc := range group {
		wg.Go(func() {
			version := r.sc.System.Services[svc].Initial
			if _, err := r.runtime.Start(ctx, svc, version, r.linkVars()); err != nil {
				r.journal.Add("sut.start-failed", err.Error(), startFailure(err))
				errs[i] = fmt.Errorf("drill: %w", err)
				cancel() // the group cannot come up: stop waiting for the others
				return
			}
			r.mu.Lock()
			r.versions[svc] = []string{version}
			r.mu.Unlock()
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err // the first real failure, not a start the group canceled
		}
	}
	return errors.Join(errs...)
}

// startFailure returns the journal fields of a failed start: the service's
// log and its last lines (at most 10), which the one-line error leaves out.
func startFailure(err error) map[string]any {
	var se *sut.StartError
	if !errors.As(err, &se) {
		return nil
	}
	return map[string]any{"service": se.Service, "version": se.Version, "log": se.LogPath, "logTail": se.LogTail}
}

func (r *run) sutEvent(e sut.Event) {
	r.journal.Add("sut."+e.Kind, fmt.Sprintf("%s %s %s", e.Service, e.Version, e.Detail),
		map[string]any{"service": e.Service, "version": e.Version, "pid": e.PID})
}

// linkVars are the ${link.NAME} expansions of service commands.
func (r *run) linkVars() map[string]string {
	vars := make(map[string]string, len(r.links))
	for name, addr := range r.links {
		vars["link."+name] = addr
	}
	return vars
}

// baseURL is the address of a service as an http:// URL.
func (r *run) baseURL(service string) (string, error) { return r.portURL(service, "") }

// targetURL is the URL of the port the load goes to: the API that
// verifiers read back through.
func (r *run) targetURL() (string, error) { return r.portURL(r.sc.Load.Target, r.sc.Load.Port) }

// portURL is the address of a service's port ("" for its main port) as an
// http:// URL.
func (r *run) portURL(service, port string) (string, error) {
	addr, err := r.runtime.PortAddr(service, port)
	if err != nil {
		return "", fmt.Errorf("drill: %w", err)
	}
	return "http://" + addr, nil
}

// expandVars returns the expansions actions and verifiers may use: the
// scenario's vars, ${link.NAME}, and per service ${addr.SERVICE} and (with
// a data directory) ${data_dir.SERVICE}; for an action on one service,
// also its ${addr} and ${data_dir}.
func (r *run) expandVars(service string) map[string]string {
	vars := r.vars()
	maps.Copy(vars, r.linkVars())
	for name, spec := range r.sc.System.Services {
		if addr, err := r.runtime.Addr(name); err == nil {
			vars["addr."+name] = addr
			vars["port."+name] = portOf(addr)
			if name == service {
				vars["addr"] = addr
			}
		}
		for _, port := range spec.Ports {
			if addr, err := r.runtime.PortAddr(name, port); err == nil {
				vars["addr."+name+"."+port] = addr
				vars["port."+name+"."+port] = portOf(addr)
			}
		}
		if !spec.DataDir {
			continue
		}
		if dir, err := r.runtime.DataDir(name); err == nil {
			vars["data_dir."+name] = dir
			if name == service {
				vars["data_dir"] = dir
			}
		}
	}
	return vars
}

// portOf is the port of host:port.
func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// expandAction expands ${...} in an action's command, env, dir, URL, body,
// database and header values, and resolves a relative program path against the
// scenario's folder, as the runtime does for service commands.
func (r *run) expandAction(a rollback.ActionSpec) (rollback.ActionSpec, error) {
	vars := r.expandVars(a.Service)
	expand := func(s string) (string, error) {
		out, err := sut.Expand(s, vars)
		if err != nil {
			return "", fmt.Errorf("drill: action %s: %w", a.Action, err)
		}
		return out, nil
	}
	var err error
	out := a
	out.Command = make([]string, len(a.Command))
	for i, arg := range a.Command {
		if out.Command[i], err = expand(arg); err != nil {
			return a, err
		}
	}
	if len(out.Command) > 0 && strings.Contains(out.Command[0], "/") && !filepath.IsAbs(out.Command[0]) {
		out.Command[0] = filepath.Join(r.sc.Dir, out.Command[0])
	}
	out.Env = make(map[string]string, len(a.Env))
	for k, v := range a.Env {
		if out.Env[k], err = expand(v); err != nil {
			return a, err
		}
	}
	out.Headers = make(map[string]string, len(a.Headers))
	for k, v := range a.Headers {
		if out.Headers[k], err = expand(v); err != nil {
			return a, err
		}
	}
	for _, field := range []*string{&out.Dir, &out.URL, &out.Body, &out.Database} {
		if *field, err = expand(*field); err != nil {
			return a, err
		}
	}
	return out, nil
}

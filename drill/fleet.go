package drill

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/front"
	"github.com/faultdrill/faultdrill/sut"
)

// fleet is the runtime of a drill with fronted services (scenarios.Fronted):
// each such service runs as several instances, in replica slots the inner
// runtime knows as services of their own (api.0, api.1, …), behind a
// front.Front listening on the service's address. Every other service goes
// straight to the inner runtime. Start and Stop of a fronted service start
// and stop all its replicas (recreate); the strategies that run two
// versions side by side are the fleet's own methods.
type fleet struct {
	sutRuntime
	fronted map[string]*fleetService
}

// fleetService is one fronted service: its slots, its front and which
// slots serve which version.
type fleetService struct {
	name     string
	replicas int
	slots    []string // inner service names, 2 × replicas
	front    *front.Front

	mu sync.Mutex
	// stable is the version that takes the traffic and its slots; canary,
	// when set, is a version beside it taking canaryWeight percent.
	stable       instanceSet
	canary       *instanceSet
	canaryWeight float64
}

// instanceSet is the slots that run one version.
type instanceSet struct {
	version string
	slots   []int
}

// Phases are the timings of one switch of a fronted service.
type Phases struct {
	// StartNew is the start of the new instances until they are healthy.
	StartNew time.Duration
	// Switch is the change of the front's pool.
	Switch time.Duration
	// StopOld is the stop of the old instances.
	StopOld time.Duration
}

// drainTimeout bounds the wait for requests in flight to instances a
// switch took out of the pool, before they stop.
const drainTimeout = 5 * time.Second

// slotName names replica slot i of service.
func slotName(service string, i int) string { return service + "." + strconv.Itoa(i) }

// fleetServices splits the services of a drill: the fronted ones become
// 2 × replicas slots each (enough for a whole new set beside the old);
// the others stay as they are.
func fleetServices(services map[string]sut.ServiceSpec, fronted map[string]int) map[string]sut.ServiceSpec {
	out := make(map[string]sut.ServiceSpec, len(services))
	for name, spec := range services {
		n, ok := fronted[name]
		if !ok {
			out[name] = spec
			continue
		}
		for i := range 2 * n {
			slot := spec
			slot.Name = slotName(name, i)
			out[slot.Name] = slot
		}
	}
	return out
}

// newFleet puts a front before each fronted service of inner (whose slots
// fleetServices made); versionHeader names the header that tells the load
// which version answered.
func newFleet(inner sutRuntime, fronted map[string]int, versionHeader string) (*fleet, error) {
	f := &fleet{sutRuntime: inner, fronted: map[string]*fleetService{}}
	for _, name := range slices.Sorted(maps.Keys(fronted)) {
		fr, err := front.New(front.Options{VersionHeader: versionHeader})
		if err != nil {
			f.closeFronts(context.Background())
			return nil, fmt.Errorf("drill: front of %s: %w", name, err)
		}
		fs := &fleetService{name: name, replicas: fronted[name], front: fr}
		for i := range 2 * fronted[name] {
			fs.slots = append(fs.slots, slotName(name, i))
		}
		f.fronted[name] = fs
	}
	return f, nil
}

func (f *fleet) closeFronts(ctx context.Context) error {
	var errs []error
	for _, fs := range f.fronted {
		errs = append(errs, fs.front.Close(ctx))
	}
	return errors.Join(errs...)
}

// Close stops every instance, then the fronts.
func (f *fleet) Close(ctx context.Context) error {
	return errors.Join(f.sutRuntime.Close(ctx), f.closeFronts(ctx))
}

// service returns the fronted service of that name, if it is one.
func (f *fleet) service(name string) (*fleetService, bool) {
	fs, ok := f.fronted[name]
	return fs, ok
}

// vars adds the fronts' addresses to a start's expansions, so that
// ${addr.api} in another service's command reaches api's front.
func (f *fleet) vars(vars map[string]string) map[string]string {
	out := maps.Clone(vars)
	if out == nil {
		out = map[string]string{}
	}
	for name, fs := range f.fronted {
		out["addr."+name] = fs.front.Addr()
		out["port."+name] = portOf(fs.front.Addr())
	}
	return out
}

// Start starts a service; a fronted one starts all its replicas at
// version and the front sends them every request.
func (f *fleet) Start(ctx context.Context, service, version string, vars map[string]string) (sut.Instance, error) {
	fs, ok := f.service(service)
	if !ok {
		return f.sutRuntime.Start(ctx, service, version, f.vars(vars))
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	slots, err := f.startSet(ctx, fs, version, fs.replicas, vars)
	if err != nil {
		return sut.Instance{}, err
	}
	fs.stable = instanceSet{version: version, slots: slots}
	fs.canary = nil
	f.setPool(fs)
	return sut.Instance{Service: service, Version: version, Addr: fs.front.Addr()}, nil
}

// Stop stops every instance of a fronted service (the front then answers
// 502), or the service itself.
func (f *fleet) Stop(ctx context.Context, service string) error {
	fs, ok := f.service(service)
	if !ok {
		return f.sutRuntime.Stop(ctx, service)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return f.stopAll(ctx, fs)
}

// stopAll stops every slot of fs; fs.mu must be held.
func (f *fleet) stopAll(ctx context.Context, fs *fleetService) error {
	fs.front.Set(nil)
	all := append(slices.Clone(fs.stable.slots), canarySlots(fs)...)
	fs.stable.slots, fs.canary = nil, nil
	return f.stopSlots(ctx, fs, all)
}

func canarySlots(fs *fleetService) []int {
	if fs.canary == nil {
		return nil
	}
	return fs.canary.slots
}

func (f *fleet) Addr(service string) (string, error) {
	if fs, ok := f.service(service); ok {
		return fs.front.Addr(), nil
	}
	return f.sutRuntime.Addr(service)
}

func (f *fleet) PortAddr(service, port string) (string, error) {
	if fs, ok := f.service(service); ok && port == "" {
		return fs.front.Addr(), nil
	}
	return f.sutRuntime.PortAddr(service, port)
}

// Upstream is the front's address for a fronted service: a link to it
// goes through the front (process runtime only; validation refuses it on
// docker).
func (f *fleet) Upstream(service, port string) (string, error) {
	if fs, ok := f.service(service); ok && port == "" {
		return fs.front.Addr(), nil
	}
	return f.sutRuntime.Upstream(service, port)
}

// Running reports the stable version of a fronted service while one of
// its instances runs.
func (f *fleet) Running(service string) (sut.Instance, bool) {
	fs, ok := f.service(service)
	if !ok {
		return f.sutRuntime.Running(service)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, i := range fs.stable.slots {
		if _, ok := f.sutRuntime.Running(fs.slots[i]); ok {
			return sut.Instance{Service: service, Version: fs.stable.version, Addr: fs.front.Addr()}, true
		}
	}
	return sut.Instance{}, false
}

// Processes applies process faults to every running instance of a
// fronted service.
func (f *fleet) Processes() faults.ProcessTarget {
	return fleetFaults{f: f, inner: f.sutRuntime.Processes()}
}

// busy returns the slots of fs in use; fs.mu must be held.
func busy(fs *fleetService) []int {
	return append(slices.Clone(fs.stable.slots), canarySlots(fs)...)
}

// startSet starts n instances of version in free slots, at once, and
// waits until every one is healthy; on a failure it stops those that
// started. fs.mu must be held.
func (f *fleet) startSet(ctx context.Context, fs *fleetService, version string, n int, vars map[string]string) ([]int, error) {
	used := busy(fs)
	var free []int
	for i := range fs.slots {
		if !slices.Contains(used, i) && len(free) < n {
			free = append(free, i)
		}
	}
	if len(free) < n {
		return nil, fmt.Errorf("drill: %s: %d free replica slot(s) for %d new instance(s)", fs.name, len(free), n)
	}
	errs := make([]error, len(free))
	var wg sync.WaitGroup
	for k, i := range free {
		wg.Go(func() {
			_, errs[k] = f.sutRuntime.Start(ctx, fs.slots[i], version, f.vars(vars))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), runtimeCloseTimeout)
		defer cancel()
		_ = f.stopSlots(stopCtx, fs, free)
		return nil, err
	}
	return free, nil
}

// stopSlots drains the instances in slots (out of the front's pool
// already), then stops them, at once.
func (f *fleet) stopSlots(ctx context.Context, fs *fleetService, slots []int) error {
	var addrs []string
	for _, i := range slots {
		if addr, err := f.sutRuntime.Addr(fs.slots[i]); err == nil {
			addrs = append(addrs, addr)
		}
	}
	drainCtx, cancel := context.WithTimeout(ctx, drainTimeout)
	_ = fs.front.Drain(drainCtx, addrs) // past the bound, stop them anyway
	cancel()
	errs := make([]error, len(slots))
	var wg sync.WaitGroup
	for k, i := range slots {
		wg.Go(func() { errs[k] = f.sutRuntime.Stop(ctx, fs.slots[i]) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// setPool gives the front the stable set, and the canary by its weight.
// fs.mu must be held.
func (f *fleet) setPool(fs *fleetService) {
	groups := []front.Group{{Version: fs.stable.version, Weight: 100, Backends: f.backends(fs, fs.stable.slots)}}
	if fs.canary != nil {
		groups[0].Weight = 100 - fs.canaryWeight
		groups = append(groups, front.Group{Version: fs.canary.version, Weight: fs.canaryWeight, Backends: f.backends(fs, fs.canary.slots)})
	}
	fs.front.Set(groups)
}

func (f *fleet) backends(fs *fleetService, slots []int) []front.Backend {
	var out []front.Backend
	for _, i := range slots {
		if addr, err := f.sutRuntime.Addr(fs.slots[i]); err == nil {
			out = append(out, front.Backend{ID: fs.slots[i], Addr: addr})
		}
	}
	return out
}

// BlueGreen starts a whole new set at version beside the old one, switches
// the front to it at once, then stops the old set.
func (f *fleet) BlueGreen(ctx context.Context, service, version string, vars map[string]string) (Phases, error) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var ph Phases
	t := time.Now()
	slots, err := f.startSet(ctx, fs, version, fs.replicas, vars)
	ph.StartNew = time.Since(t)
	if err != nil {
		return ph, err
	}
	err = f.switchTo(ctx, fs, instanceSet{version: version, slots: slots}, nil, busy(fs), &ph)
	return ph, err
}

// switchTo points the front at stable (and canary; nil for none) at once,
// then drains and stops the instances in gone, timing both phases into ph.
func (f *fleet) switchTo(ctx context.Context, fs *fleetService, stable instanceSet, canary *instanceSet, gone []int, ph *Phases) error {
	t := time.Now()
	fs.stable, fs.canary = stable, canary
	f.setPool(fs)
	ph.Switch = time.Since(t)
	t = time.Now()
	err := f.stopSlots(ctx, fs, gone)
	ph.StopOld = time.Since(t)
	return err
}

// Rolling replaces the replicas a batch at a time: per batch it drains and
// stops up to maxUnavailable old instances, starts the batch's new ones
// (healthy before they get traffic), then drains and stops the rest of the
// batch's old ones. At no time do fewer than replicas − maxUnavailable
// instances serve, nor more than replicas + maxSurge run.
func (f *fleet) Rolling(ctx context.Context, service, version string, spec deploy.Spec, vars map[string]string) (Phases, error) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var ph Phases
	unavailable, surge := spec.Batch(fs.replicas)
	batch := max(unavailable+surge, 1)
	from := fs.stable.version
	fs.canary = nil
	oldSlots := slices.Clone(fs.stable.slots)
	var newSlots []int
	// The front holds both versions while they mix: weights by count.
	mix := func() {
		groups := []front.Group{}
		if len(oldSlots) > 0 {
			groups = append(groups, front.Group{Version: from, Weight: float64(len(oldSlots)), Backends: f.backends(fs, oldSlots)})
		}
		if len(newSlots) > 0 {
			groups = append(groups, front.Group{Version: version, Weight: float64(len(newSlots)), Backends: f.backends(fs, newSlots)})
		}
		t := time.Now()
		fs.front.Set(groups)
		ph.Switch += time.Since(t)
	}
	drain := func(n int) error {
		n = min(n, len(oldSlots))
		if n == 0 {
			return nil
		}
		out := oldSlots[:n]
		oldSlots = slices.Clone(oldSlots[n:])
		fs.stable.slots = slices.Concat(oldSlots, newSlots)
		mix()
		t := time.Now()
		err := f.stopSlots(ctx, fs, out)
		ph.StopOld += time.Since(t)
		return err
	}
	for len(oldSlots) > 0 {
		k := min(batch, len(oldSlots))
		down := min(unavailable, k)
		if err := drain(down); err != nil {
			return ph, err
		}
		t := time.Now()
		started, err := f.startSet(ctx, fs, version, k, vars)
		ph.StartNew += time.Since(t)
		if err != nil {
			return ph, err
		}
		newSlots = append(newSlots, started...)
		fs.stable.slots = slices.Concat(oldSlots, newSlots)
		mix()
		if err := drain(k - down); err != nil {
			return ph, err
		}
	}
	fs.stable = instanceSet{version: version, slots: newSlots}
	f.setPool(fs)
	return ph, nil
}

// StartCanary starts a whole set at version beside the stable one, with
// no traffic yet.
func (f *fleet) StartCanary(ctx context.Context, service, version string, vars map[string]string) (time.Duration, error) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	t := time.Now()
	slots, err := f.startSet(ctx, fs, version, fs.replicas, vars)
	if err != nil {
		return time.Since(t), err
	}
	fs.canary, fs.canaryWeight = &instanceSet{version: version, slots: slots}, 0
	f.setPool(fs)
	return time.Since(t), nil
}

// SetCanaryWeight sends weight percent of the requests to the canary.
func (f *fleet) SetCanaryWeight(service string, weight float64) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.canary == nil {
		return
	}
	fs.canaryWeight = weight
	f.setPool(fs)
}

// Canary returns the version of the canary of service in progress and
// the stable version beside it.
func (f *fleet) Canary(service string) (canary, stable string, ok bool) {
	fs, found := f.service(service)
	if !found {
		return "", "", false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.canary == nil {
		return "", "", false
	}
	return fs.canary.version, fs.stable.version, true
}

// PromoteCanary gives the canary all the traffic and stops the old
// stable set.
func (f *fleet) PromoteCanary(ctx context.Context, service string) (Phases, error) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var ph Phases
	if fs.canary == nil {
		return ph, fmt.Errorf("drill: %s has no canary to promote", service)
	}
	err := f.switchTo(ctx, fs, *fs.canary, nil, fs.stable.slots, &ph)
	return ph, err
}

// AbortCanary shifts all the traffic back to the stable set, at once and
// without restarting it, then stops the canary's instances.
func (f *fleet) AbortCanary(ctx context.Context, service string) (Phases, error) {
	fs := f.fronted[service]
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var ph Phases
	if fs.canary == nil {
		return ph, nil
	}
	err := f.switchTo(ctx, fs, fs.stable, nil, fs.canary.slots, &ph)
	return ph, err
}

// Counts returns what each version of a fronted service served.
func (f *fleet) Counts(service string) (map[string]front.Counts, bool) {
	fs, ok := f.service(service)
	if !ok {
		return nil, false
	}
	return fs.front.Counts(), true
}

// fleetFaults applies process faults to the instances of fronted
// services: every running one of them.
type fleetFaults struct {
	f     *fleet
	inner faults.ProcessTarget
}

// targets are the inner names a fault on target reaches: every running
// instance of a fronted service, or the first ones its replica selection
// ("api#1", "api#50%") takes.
func (ff fleetFaults) targets(target string) []string {
	service, sel, narrowed := strings.Cut(target, faults.ReplicaSep)
	fs, ok := ff.f.service(service)
	if !ok {
		return []string{target}
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []string
	for _, i := range busy(fs) {
		out = append(out, fs.slots[i])
	}
	if narrowed {
		n, err := faults.PickReplicas(sel, len(out))
		if err != nil {
			return nil
		}
		out = out[:n]
	}
	return out
}

// Pause pauses every instance; the group returned is the first one's.
func (ff fleetFaults) Pause(ctx context.Context, service string) (faults.ProcessGroup, error) {
	var first faults.ProcessGroup
	var errs []error
	for k, t := range ff.targets(service) {
		g, err := ff.inner.Pause(ctx, t)
		if k == 0 {
			first = g
		}
		errs = append(errs, err)
	}
	return first, errors.Join(errs...)
}

func (ff fleetFaults) Resume(ctx context.Context, service string) error {
	return ff.each(service, func(t string) error { return ff.inner.Resume(ctx, t) })
}

func (ff fleetFaults) Kill(ctx context.Context, service string, restart bool) error {
	return ff.each(service, func(t string) error { return ff.inner.Kill(ctx, t, restart) })
}

func (ff fleetFaults) Restart(ctx context.Context, service string) error {
	return ff.each(service, func(t string) error { return ff.inner.Restart(ctx, t) })
}

func (ff fleetFaults) each(service string, do func(string) error) error {
	targets := ff.targets(service)
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for k, t := range targets {
		wg.Go(func() { errs[k] = do(t) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

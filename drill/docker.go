package drill

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/snapshot"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

// ErrNoHostDataDir means a service's data is not in a folder of the host:
// on the docker runtime it is in a volume, so ${data_dir} cannot expand.
var ErrNoHostDataDir = errors.New("the data is in a docker volume, not in a host folder")

// BuildLogFile is where the docker runtime writes the output of the image
// builds of a drill, inside the drill folder.
const BuildLogFile = "logs/build.log"

// dockerID is what the docker runtime accepts as a drill id: it names and
// labels the drill's network, volumes and containers.
var dockerID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// checkDocker checks, before anything starts, that a drill can run on the
// docker runtime: no toxiproxy of the user's (the runtime runs its own on
// the drill network), a drill id Docker accepts, and an engine that
// answers (once, within docker.Available's deadline).
func checkDocker(ctx context.Context, sc *scenarios.Scenario, opts Options, id string) error {
	if opts.Toxiproxy != "" || sc.System.Toxiproxy.URL != "" {
		return fmt.Errorf("drill: runtime docker runs its own toxiproxy on the drill network; drop --toxiproxy and system.toxiproxy.url (%w)", ErrUnsupportedRuntime)
	}
	if !dockerID.MatchString(id) {
		return fmt.Errorf("drill: runtime docker names containers after the drill id %q, which must be at most 64 letters, digits, '.', '_' or '-', starting with a letter or digit; shorten metadata.name (%w)", id, ErrUnsupportedRuntime)
	}
	if err := docker.Available(ctx); err != nil {
		return fmt.Errorf("drill: %w", err)
	}
	return nil
}

// newDockerRuntime creates the docker runtime of the drill: its network,
// labelled with the drill id. Containers, their logs and the image build
// output go to the drill folder.
func (r *run) newDockerRuntime(ctx context.Context, services map[string]sut.ServiceSpec) (*dockerRuntime, error) {
	path := filepath.Join(r.dir, BuildLogFile)
	if err := os.MkdirAll(filepath.Dir(path), perm.Dir); err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	buildLog, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, perm.File)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	rt, err := docker.New(ctx, docker.Options{
		DrillID: r.report.Drill.ID, Services: services, BaseDir: r.sc.Dir, WorkDir: r.dir,
		Vars: r.vars(), OnEvent: r.sutEvent, OnTiming: r.sutTiming, BuildLog: buildLog,
	})
	if err != nil {
		buildLog.Close()
		return nil, fmt.Errorf("drill: %w", err)
	}
	return &dockerRuntime{Runtime: rt, workDir: r.dir, buildLog: buildLog}, nil
}

// sutTiming journals the phases of a container start or stop
// (sut.timing), so that where the seconds of a switch go shows in the
// drill's journal: each phase in milliseconds, and the total.
func (r *run) sutTiming(t docker.Timing) {
	fields := map[string]any{"service": t.Service, "version": t.Version, "op": t.Op,
		"total_ms": t.Total().Milliseconds()}
	for _, p := range t.Phases {
		fields[p.Name+"_ms"] = p.Duration.Milliseconds()
	}
	r.journal.Add("sut.timing", t.String(), fields)
}

// dockerRuntime is the docker runtime as the engine sees it: services run
// as containers, links go through a toxiproxy container on the drill
// network, data lives in volumes that are copied out to be read.
type dockerRuntime struct {
	*docker.Runtime
	workDir  string
	buildLog *os.File
}

var _ sutRuntime = (*dockerRuntime)(nil)

// Close removes the containers, volumes, network and built images, and
// closes the build log.
func (d *dockerRuntime) Close(ctx context.Context) error {
	return errors.Join(d.Runtime.Close(ctx), d.buildLog.Close())
}

// Toxiproxy starts the toxiproxy container; its proxies listen on every
// interface of the container, so that other containers reach them.
func (d *dockerRuntime) Toxiproxy(ctx context.Context) (string, string, error) {
	api, err := d.StartToxiproxy(ctx)
	return api, "0.0.0.0", err
}

func (d *dockerRuntime) Upstream(service, port string) (string, error) {
	if port != "" {
		return d.PortAddr(service, port) // refused: containers publish one port
	}
	return d.UpstreamAddr(service)
}

func (d *dockerRuntime) Processes() faults.ProcessTarget { return containerFaults{d.Runtime} }

// DataDir fails: the data is in the service's volume.
func (d *dockerRuntime) DataDir(service string) (string, error) {
	volume, err := d.Volume(service)
	if err != nil {
		return "", err
	}
	return "", fmt.Errorf("drill: %s: %w (volume %s)", service, ErrNoHostDataDir, volume)
}

// ReadData copies the service's volume into a folder of the drill (a
// running container is paused for the copy) and removes it on release.
func (d *dockerRuntime) ReadData(ctx context.Context, service string) (string, func(), error) {
	tmp, err := os.MkdirTemp(d.workDir, ".data-"+service+"-")
	if err != nil {
		return "", nil, fmt.Errorf("drill: read the data of %s: %w", service, err)
	}
	dir := filepath.Join(tmp, "data")
	if err := d.Snapshot(ctx, service, dir); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("drill: read the data of %s: %w", service, err)
	}
	return dir, func() { os.RemoveAll(tmp) }, nil
}

// ReadsLive is true: ReadData pauses a running container for the copy,
// which is then crash-consistent (SQLite recovers it as after a crash).
func (d *dockerRuntime) ReadsLive() bool { return true }

// RestoreData verifies the snapshot against its manifest, then copies its
// files into a fresh volume.
func (d *dockerRuntime) RestoreData(ctx context.Context, service, snapDir string) error {
	if err := snapshot.Verify(snapDir); err != nil {
		return fmt.Errorf("drill: restore %s: %w", service, err)
	}
	if err := d.Restore(ctx, service, filepath.Join(snapDir, snapshot.DataDir)); err != nil {
		return fmt.Errorf("drill: restore %s: %w", service, err)
	}
	return nil
}

// containerFaults applies the process faults of the faults package to
// containers: pause freezes the container, kill sends it SIGKILL, restart
// stops and starts it again.
type containerFaults struct{ rt *docker.Runtime }

var _ faults.ProcessTarget = containerFaults{}

// Pause freezes the service's container; there is no process group to
// record, so a cleanup after a crash has nothing to continue (removing
// the container ends the pause).
func (c containerFaults) Pause(ctx context.Context, service string) (faults.ProcessGroup, error) {
	return faults.ProcessGroup{}, notRunning(c.rt.Pause(ctx, service))
}

// Resume thaws a paused container; one that is not paused is left alone.
func (c containerFaults) Resume(ctx context.Context, service string) error {
	return notRunning(c.rt.Unpause(ctx, service))
}

// Kill sends SIGKILL to the container; with restart it starts it again and
// waits for its health.
func (c containerFaults) Kill(ctx context.Context, service string, restart bool) error {
	return notRunning(c.rt.Kill(ctx, service, restart))
}

// Restart stops the container gracefully (a killed one is just started)
// and starts it again, waiting for its health.
func (c containerFaults) Restart(ctx context.Context, service string) error {
	return notRunning(c.rt.StopStart(ctx, service))
}

// notRunning makes docker.ErrNotRunning match faults.ErrNotRunning too, so
// that the fault controller knows nothing was changed.
func notRunning(err error) error {
	if errors.Is(err, docker.ErrNotRunning) {
		return notRunningError{err}
	}
	return err
}

// notRunningError is a docker error that also matches faults.ErrNotRunning.
type notRunningError struct{ err error }

func (e notRunningError) Error() string        { return e.err.Error() }
func (e notRunningError) Unwrap() error        { return e.err }
func (e notRunningError) Is(target error) bool { return target == faults.ErrNotRunning }

package docker

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/sut"
)

// Defaults and fixed places of the docker runtime.
const (
	// DefaultPort is the container port of a version that sets none.
	DefaultPort = 8080
	// DataPath is where a service's data volume is mounted; ${data_dir}
	// expands to it.
	DataPath = "/data"
	// DefaultStartTimeout bounds the wait for health when a service sets
	// none. Containers start slower than processes.
	DefaultStartTimeout = 30 * time.Second
	// DefaultStopGrace is the time between SIGTERM and SIGKILL when a
	// service sets none. Docker counts it in whole seconds (rounded up).
	DefaultStopGrace = sut.DefaultStopGrace
	// ToxiproxyAlias is the toxiproxy container's name on the drill network.
	ToxiproxyAlias = "toxiproxy"
	// ToxiproxyAPIPort is toxiproxy's API port inside its container.
	ToxiproxyAPIPort = 8474
)

// Options configure a docker Runtime.
type Options struct {
	// DrillID names and labels the drill's network, volumes, containers and
	// built images (required; letters, digits, '.', '_' or '-', starting
	// with a letter or digit, at most 64 characters).
	DrillID string
	// Services are the services of the system, keyed by name (the key wins
	// over ServiceSpec.Name). Every version names an Image or a Build.
	Services map[string]sut.ServiceSpec
	// BaseDir is the folder relative build contexts resolve against.
	// Default: the current folder.
	BaseDir string
	// WorkDir is the drill folder (required). Container logs go to
	// WorkDir/logs/SERVICE-VERSION.log (appended, one section per
	// container) and WorkDir/logs/toxiproxy.log.
	WorkDir string
	// Vars are extra ${name} expansions for every service (scenario vars).
	Vars map[string]string
	// OnEvent, if set, receives every lifecycle event and container fault.
	// It is called synchronously, possibly from several goroutines at once,
	// and must not block for long.
	OnEvent func(sut.Event)
	// OnTiming, if set, receives the phases of every Start and Stop of a
	// service (not of toxiproxy) that succeeded: where the time of a
	// version switch goes. Called synchronously; it must not block.
	OnTiming func(Timing)
	// ToxiproxyImage is the image StartToxiproxy runs (default
	// ToxiproxyImage).
	ToxiproxyImage string
	// KeepVolumes keeps the data volumes on Close (Cleanup removes them
	// later); by default Close removes them.
	KeepVolumes bool
	// BuildLog receives the output of image builds (default: discarded).
	BuildLog io.Writer
}

// reservedVars are the expansions the runtime sets itself.
var reservedVars = []string{"port", "addr", "data_dir", "service", "version"}

// checkDrillID rejects ids that cannot name a Docker object.
func checkDrillID(id string) error {
	if id == "" {
		return fmt.Errorf("docker: no drill id: %w", sut.ErrBadSpec)
	}
	if len(id) > 64 || !validName(id) || !isAlnum(rune(id[0])) {
		return fmt.Errorf("docker: drill id %q: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64: %w", id, sut.ErrBadSpec)
	}
	return nil
}

// newServices checks the specs and fills in defaults.
func newServices(drillID string, specs map[string]sut.ServiceSpec) (map[string]*service, error) {
	out := make(map[string]*service, len(specs))
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		spec := specs[name]
		spec.Name = name
		port, err := checkService(spec)
		if err != nil {
			return nil, err
		}
		spec.StartTimeout = cmp.Or(spec.StartTimeout, DefaultStartTimeout)
		spec.StopGrace = cmp.Or(spec.StopGrace, DefaultStopGrace)
		svc := &service{name: name, spec: spec, port: port}
		if spec.DataDir {
			svc.volume = volumeName(drillID, name)
		}
		out[name] = svc
	}
	return out, nil
}

// checkService checks one service for the docker runtime and returns its
// container port.
func checkService(spec sut.ServiceSpec) (int, error) {
	name := spec.Name
	bad := func(format string, args ...any) (int, error) {
		return 0, fmt.Errorf("docker: service %q: %s: %w", name, fmt.Sprintf(format, args...), sut.ErrBadSpec)
	}
	switch {
	case !validName(name) || !isAlnum(rune(name[0])):
		return bad("a service name is letters, digits, '.', '_' or '-', starting with a letter or digit")
	case name == ToxiproxyAlias:
		return bad("the name %q is taken by the toxiproxy container on the drill network", ToxiproxyAlias)
	case len(spec.Versions) == 0:
		return bad("no versions")
	case spec.Health != "" && !strings.HasPrefix(spec.Health, "/"):
		return bad("health %q must be a path starting with /", spec.Health)
	case spec.StartTimeout < 0:
		return bad("negative startTimeout %s", spec.StartTimeout)
	case spec.StopGrace < 0:
		return bad("negative stopGrace %s", spec.StopGrace)
	}
	if _, ok := spec.Versions[spec.Initial]; spec.Initial != "" && !ok {
		return bad("initial version %q is not among its versions %v", spec.Initial, slices.Sorted(maps.Keys(spec.Versions)))
	}
	port := 0
	for _, v := range slices.Sorted(maps.Keys(spec.Versions)) {
		vs := spec.Versions[v]
		p, err := checkVersion(vs)
		if err != nil {
			return bad("version %q: %v", v, err)
		}
		if !validName(v) {
			return bad("version %q: a version name is letters, digits, '.', '_' or '-'", v)
		}
		if port != 0 && p != port {
			return bad("versions listen on ports %d and %d: every version of a service must use the same container port, the one its callers dial", port, p)
		}
		port = p
	}
	return port, nil
}

// checkVersion checks one version and returns its container port.
func checkVersion(vs sut.VersionSpec) (int, error) {
	switch {
	case vs.Image == "" && vs.Build == nil:
		return 0, fmt.Errorf("set image (repo:tag) or build")
	case vs.Image != "" && vs.Build != nil:
		return 0, fmt.Errorf("set image or build, not both")
	case vs.Build != nil && vs.Build.Context == "":
		return 0, fmt.Errorf("build: no context folder")
	case vs.Port < 0 || vs.Port > 65535:
		return 0, fmt.Errorf("port %d is not in 1-65535", vs.Port)
	case vs.Dir != "" && !path.IsAbs(vs.Dir):
		return 0, fmt.Errorf("dir %q: inside a container the working dir must be an absolute path", vs.Dir)
	}
	for k := range vs.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return 0, fmt.Errorf("bad env name %q", k)
		}
	}
	return cmp.Or(vs.Port, DefaultPort), nil
}

// checkVars rejects variables that cannot be expanded or that would shadow
// the runtime's own.
func checkVars(vars map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		if slices.Contains(reservedVars, name) {
			return fmt.Errorf("docker: variable %q is set by the runtime and cannot be overridden: %w", name, sut.ErrBadSpec)
		}
		if !validName(name) {
			return fmt.Errorf("docker: variable %q: a name is letters, digits, '_', '.' or '-': %w", name, sut.ErrBadSpec)
		}
	}
	return nil
}

// validName reports whether s is made of letters, digits, '.', '_' and
// '-', and is not "." or "..".
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

func isAlnum(r rune) bool {
	return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
}

package sut

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// launchPlan is a version's command with every expansion done and every
// path resolved.
type launchPlan struct {
	path string
	argv []string
	env  []string
	dir  string
}

// plan expands and resolves the command, env and working dir of one
// version, with the service listening on port.
func (p *Process) plan(svc *service, version string, vs VersionSpec, port int, startVars map[string]string) (launchPlan, error) {
	fail := func(err error) (launchPlan, error) {
		return launchPlan{}, fmt.Errorf("sut: %s %s: %w", svc.name, version, err)
	}
	if err := checkVars(startVars); err != nil {
		return fail(err)
	}
	vars := make(map[string]string, len(p.vars)+len(startVars)+len(reservedVars))
	maps.Copy(vars, p.vars)
	maps.Copy(vars, startVars)
	addrs, err := p.addrVars(svc)
	if err != nil {
		return fail(err)
	}
	maps.Copy(vars, addrs)
	vars["port"] = strconv.Itoa(port)
	vars["addr"] = loopbackAddr(port)
	vars["service"] = svc.name
	vars["version"] = version
	unavailable := map[string]error{"data_dir": ErrNoDataDir}
	if svc.spec.DataDir {
		vars["data_dir"] = p.dataDir(svc.name)
		unavailable = nil
	}
	ex := func(s string) (string, error) { return expand(s, vars, unavailable) }

	var lp launchPlan
	for _, arg := range vs.Command {
		v, err := ex(arg)
		if err != nil {
			return fail(fmt.Errorf("command: %w", err))
		}
		lp.argv = append(lp.argv, v)
	}
	if lp.path, err = resolveCommand(lp.argv[0], p.baseDir); err != nil {
		return fail(err)
	}
	lp.env = os.Environ()
	for _, k := range slices.Sorted(maps.Keys(vs.Env)) {
		v, err := ex(vs.Env[k])
		if err != nil {
			return fail(fmt.Errorf("env %s: %w", k, err))
		}
		lp.env = append(lp.env, k+"="+v)
	}
	dir, err := ex(vs.Dir)
	if err != nil {
		return fail(fmt.Errorf("dir: %w", err))
	}
	if lp.dir, err = resolveDir(dir, p.baseDir); err != nil {
		return fail(err)
	}
	return lp, nil
}

// ResolveCommand finds a service's program as a drill will: a name with a
// "/" is a path (relative to baseDir), any other name is looked up in
// $PATH. It must be an executable file; ErrMissingBinary when it is not
// there.
func ResolveCommand(name, baseDir string) (string, error) { return resolveCommand(name, baseDir) }

// resolveCommand finds the binary: a name with a "/" is a path (relative to
// baseDir), any other name is looked up in $PATH.
func resolveCommand(name, baseDir string) (string, error) {
	if !strings.Contains(name, "/") {
		path, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("%w: %q is not in $PATH", ErrMissingBinary, name)
		}
		return path, nil
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%w: %q (tried %s)", ErrMissingBinary, name, path)
	case err != nil:
		return "", fmt.Errorf("command %q: %w", name, err)
	case info.IsDir():
		return "", fmt.Errorf("%w: %q is a directory (tried %s)", ErrMissingBinary, name, path)
	case info.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("command %s is not executable: %w", path, fs.ErrPermission)
	}
	return path, nil
}

// resolveDir returns the working dir: baseDir when empty, relative paths
// against baseDir. It must exist.
func resolveDir(dir, baseDir string) (string, error) {
	switch {
	case dir == "":
		dir = baseDir
	case !filepath.IsAbs(dir):
		dir = filepath.Join(baseDir, dir)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("working dir: %w", err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("working dir %s is not a directory: %w", dir, ErrBadSpec)
	}
	return dir, nil
}

// addrVars returns the address expansions a service's command may use:
// its own named ports (${port.NAME}, ${addr.NAME}) and every service's
// main and named ports (${addr.SERVICE}, ${port.SERVICE},
// ${addr.SERVICE.NAME}, ${port.SERVICE.NAME}), which members of a cluster
// use to find each other. It allocates the ports of every service.
func (p *Process) addrVars(self *service) (map[string]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	vars := map[string]string{}
	for name, svc := range p.services {
		if err := svc.ensurePort(); err != nil {
			return nil, err
		}
		svc.handedOut = true
		vars["addr."+name] = loopbackAddr(svc.port)
		vars["port."+name] = strconv.Itoa(svc.port)
		for port, n := range svc.named {
			vars["addr."+name+"."+port] = loopbackAddr(n)
			vars["port."+name+"."+port] = strconv.Itoa(n)
			if svc == self {
				vars["addr."+port] = loopbackAddr(n)
				vars["port."+port] = strconv.Itoa(n)
			}
		}
	}
	return vars, nil
}

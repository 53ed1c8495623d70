package scenarios

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// safeName matches the names of services, versions, links and vars: they
// end up in file names, proxy names and ${...} references.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

// maxNameLen is the longest name of anything in a scenario.
const maxNameLen = 63

// nameRule says what a safe name is made of.
const nameRule = `may only use letters, digits, "-", "_" and ".", starting with a letter or digit, up to 63 characters`

// system checks the runtime, the toxiproxy server, the services and the
// links.
func (v *validator) system() {
	sys := v.s.System
	if !slices.Contains(runtimes(), sys.Runtime) {
		v.addf(pathOf("system", "runtime"), "%s", unknownValue("runtime", sys.Runtime, runtimes()))
	}
	v.toxiproxy(pathOf("system", "toxiproxy", "url"), sys.Toxiproxy.URL)
	if len(sys.Services) == 0 {
		v.addf(pathOf("system", "services"), "no services; define at least one, with a version and its command")
	}
	for _, name := range sortedKeys(sys.Services) {
		p := pathOf("system", "services", name)
		if !safeName.MatchString(name) {
			v.addf(p, "service name %q %s", name, nameRule)
		}
		v.service(p, sys.Services[name])
	}
	v.links()
	v.vars()
}

// toxiproxy checks the API address of a toxiproxy server the user runs.
func (v *validator) toxiproxy(p fieldPath, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		v.addf(p, `%q is not an http(s) URL; write the toxiproxy API's address, such as "http://127.0.0.1:8474", or leave url out to use the embedded server`, raw)
	}
}

// vars checks the names of the scenario's vars.
func (v *validator) vars() {
	for _, name := range sortedKeys(v.s.Vars) {
		p := pathOf("vars", name)
		switch {
		case slices.Contains(builtinVars(), name) || engineVar(name):
			v.addf(p, "${%s} is set by the runtime and cannot be redefined; give the var another name", name)
		case !safeName.MatchString(name):
			v.addf(p, "var name %q %s", name, nameRule)
		}
	}
	seen := map[string]bool{}
	for i, name := range v.s.Secrets {
		p := pathOf("secrets").index(i)
		switch _, ok := v.s.Vars[name]; {
		case seen[name]:
			v.addf(p, "%q is listed twice; list each secret var once", name)
		case !ok:
			v.addf(p, "%q is not a var; list the names of vars defined under vars, such as api_token", name)
		}
		seen[name] = true
	}
}

// engineVar reports whether name is one of the per-service or per-link
// expansions the engine sets: link.NAME, addr.SERVICE, data_dir.SERVICE.
func engineVar(name string) bool {
	for _, prefix := range []string{"link.", "addr.", "data_dir."} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// service checks one service and its versions.
func (v *validator) service(p fieldPath, svc sut.ServiceSpec) {
	versions := sortedKeys(svc.Versions)
	switch {
	case len(versions) == 0:
		v.addf(p.key("versions"), "no versions; define at least one, such as v1 with its command")
	case svc.Initial == "":
		v.addf(p.key("initial"), "missing; name the version to start first%s", oneOf(versions))
	case !slices.Contains(versions, svc.Initial):
		v.addf(p.key("initial"), "%s", undefined("version", svc.Initial, versions, p.key("versions").String()))
	}
	if !strings.HasPrefix(svc.Health, "/") {
		v.addf(p.key("health"), "%q must start with \"/\", such as \"/healthz\"", svc.Health)
	}
	if svc.StartTimeout < 0 {
		v.negative(p.key("startTimeout"), svc.StartTimeout, `use how long to wait for health after a start, such as "10s"`)
	}
	if svc.StopGrace < 0 {
		v.negative(p.key("stopGrace"), svc.StopGrace, `use how long to wait between SIGTERM and SIGKILL, such as "5s"`)
	}
	docker := v.s.System.Runtime == faults.RuntimeDocker
	if docker {
		v.dockerService(p, svc)
	}
	v.ports(p, svc, docker)
	for _, name := range versions {
		vp := p.key("versions").key(name)
		if !safeName.MatchString(name) {
			v.addf(vp, "version name %q %s", name, nameRule)
		}
		if docker {
			v.dockerVersion(vp, svc.Versions[name])
		} else {
			v.processVersion(vp, svc.Versions[name])
		}
		v.versionRefs(vp, svc, svc.Versions[name])
	}
}

// ports checks a service's named ports and its health port.
func (v *validator) ports(p fieldPath, svc sut.ServiceSpec, docker bool) {
	if docker && len(svc.Ports) > 0 {
		v.addf(p.key("ports"), "named ports need the process runtime: a container publishes one port; remove ports or use runtime: process")
	}
	for i, port := range svc.Ports {
		switch {
		case !portName.MatchString(port):
			v.addf(p.key("ports").index(i), "port name %q may only use letters, digits, \"-\" and \"_\", starting with a letter", port)
		case slices.Contains(svc.Ports[:i], port):
			v.addf(p.key("ports").index(i), "port %q is named twice; give each port its own name", port)
		}
	}
	if svc.HealthPort != "" && !slices.Contains(svc.Ports, svc.HealthPort) {
		v.addf(p.key("healthPort"), "%s", undefined("port", svc.HealthPort, svc.Ports, p.key("ports").String()))
	}
}

// portName is the form of a port name: it follows a dot in ${port.NAME}.
var portName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// portRef checks that port, at p, is empty or names a port of service.
func (v *validator) portRef(p fieldPath, service, port string) {
	svc, ok := v.s.System.Services[service]
	if port == "" || !ok {
		return
	}
	if !slices.Contains(svc.Ports, port) {
		if len(svc.Ports) == 0 {
			v.addf(p, "service %q names no ports; add ports: [%s, …] to it, or leave port out for its main port", service, port)
			return
		}
		v.addf(p, "service %q has no port %q%s", service, port, oneOf(svc.Ports))
	}
}

// processVersion checks what the process runtime needs of a version: the
// program to run.
func (v *validator) processVersion(p fieldPath, ver sut.VersionSpec) {
	if len(ver.Command) == 0 {
		v.addf(p.key("command"), `empty; give the program and its arguments, such as ["./bin/app", "--listen", "${addr}"]`)
	} else if strings.TrimSpace(ver.Command[0]) == "" {
		v.addf(p.key("command").index(0), "empty; the first element is the program to run")
	}
}

// versionRefs checks the ${...} references in a version's command, env
// and dir.
func (v *validator) versionRefs(p fieldPath, svc sut.ServiceSpec, ver sut.VersionSpec) {
	scope := v.serviceScope(svc)
	for i, arg := range ver.Command {
		v.refs(p.key("command").index(i), arg, scope)
	}
	for _, k := range sortedKeys(ver.Env) {
		v.refs(p.key("env").key(k), ver.Env[k], scope)
	}
	v.refs(p.key("dir"), ver.Dir, scope)
}

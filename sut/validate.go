package sut

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// reservedVars are the expansions the runtime sets itself.
var reservedVars = []string{"port", "addr", "data_dir", "service", "version"}

// newServices checks the specs and fills in defaults.
func newServices(specs map[string]ServiceSpec) (map[string]*service, error) {
	out := make(map[string]*service, len(specs))
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		spec := specs[name]
		if err := checkService(name, spec); err != nil {
			return nil, err
		}
		spec.Name = name
		if spec.StartTimeout == 0 {
			spec.StartTimeout = DefaultStartTimeout
		}
		if spec.StopGrace == 0 {
			spec.StopGrace = DefaultStopGrace
		}
		out[name] = &service{name: name, spec: spec}
	}
	return out, nil
}

func checkService(name string, spec ServiceSpec) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sut: service %q: %s: %w", name, fmt.Sprintf(format, args...), ErrBadSpec)
	}
	switch {
	case !validName(name):
		return bad("a service name is letters, digits, '.', '_' or '-'")
	case len(spec.Versions) == 0:
		return bad("no versions")
	case spec.Health != "" && !strings.HasPrefix(spec.Health, "/"):
		return bad("health %q must be a path starting with /", spec.Health)
	case spec.StartTimeout < 0:
		return bad("negative startTimeout %s", spec.StartTimeout)
	case spec.StopGrace < 0:
		return bad("negative stopGrace %s", spec.StopGrace)
	case spec.HealthPort != "" && !slices.Contains(spec.Ports, spec.HealthPort):
		return bad("healthPort %q is not one of its ports %v", spec.HealthPort, spec.Ports)
	}
	for i, port := range spec.Ports {
		switch {
		case !validPortName(port):
			return bad("port name %q: use letters, digits, '_' or '-'", port)
		case slices.Contains(spec.Ports[:i], port):
			return bad("port %q is named twice", port)
		}
	}
	if _, ok := spec.Versions[spec.Initial]; spec.Initial != "" && !ok {
		return bad("initial version %q is not among its versions %v", spec.Initial, slices.Sorted(maps.Keys(spec.Versions)))
	}
	for _, v := range slices.Sorted(maps.Keys(spec.Versions)) {
		vs := spec.Versions[v]
		if !validName(v) {
			return bad("version %q: a version name is letters, digits, '.', '_' or '-'", v)
		}
		if len(vs.Command) == 0 || vs.Command[0] == "" {
			return bad("version %q: empty command", v)
		}
		for k := range vs.Env {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				return bad("version %q: bad env name %q", v, k)
			}
		}
	}
	return nil
}

// validPortName reports whether name can name a port in ${port.NAME}:
// letters, digits, '_' and '-', no dot.
func validPortName(name string) bool {
	return name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}

// checkVars rejects variables that cannot be expanded or that would shadow
// the runtime's own.
func checkVars(vars map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		if slices.Contains(reservedVars, name) {
			return fmt.Errorf("sut: variable %q is set by the runtime and cannot be overridden: %w", name, ErrBadSpec)
		}
		if !validVarName(name) {
			return fmt.Errorf("sut: variable %q: a name is letters, digits, '_', '.' or '-': %w", name, ErrBadSpec)
		}
	}
	return nil
}

// validName reports whether a service or version name is safe in a file name.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '.' || r == '-' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

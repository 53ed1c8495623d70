package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// varScope is what a ${name} may name in one kind of field.
type varScope struct {
	// known are the names that expand.
	known []string
	// unavailable maps names that exist but do not expand here to what to
	// do about them.
	unavailable map[string]string
	// hint says, for an unknown name with no near miss, what to use.
	hint string
}

// refs checks that every ${name} in s, at p, is one the scope expands.
func (v *validator) refs(p fieldPath, s string, scope varScope) {
	names, bad := varRefs(s)
	if bad != "" {
		v.addf(p, "%s", bad)
	}
	for _, ref := range names {
		if msg, ok := scope.unavailable[ref]; ok {
			v.addf(p, "%s", msg)
			continue
		}
		if slices.Contains(scope.known, ref) {
			continue
		}
		if near := suggest(ref, scope.known); near != "" {
			v.addf(p, "unknown variable ${%s} (did you mean ${%s}?)", ref, near)
			continue
		}
		v.addf(p, "unknown variable ${%s}; %s", ref, scope.hint)
	}
}

// serviceScope is what a service's commands, env and dir may use: a
// scenario var, one the runtime sets (${data_dir} only with dataDir) or
// ${link.NAME} of a defined link.
func (v *validator) serviceScope(svc sut.ServiceSpec) varScope {
	scope := varScope{
		known: append(append(append(builtinVars(), sortedKeys(v.s.Vars)...), v.linkVars()...), v.addrVars()...),
		hint: fmt.Sprintf("define it under vars, or use ${%s}, ${link.NAME}, ${addr.SERVICE} or ${addr.SERVICE.PORT}",
			strings.Join(builtinVars(), "}, ${")),
	}
	for _, port := range svc.Ports {
		scope.known = append(scope.known, "addr."+port, "port."+port)
	}
	if !svc.DataDir {
		scope.unavailable = map[string]string{
			"data_dir": fmt.Sprintf("${data_dir} is only set for a service with a data directory; add dataDir: true to service %q", svc.Name),
		}
	}
	return scope
}

// loadScope is what a load stream's header values may use: the scenario's
// vars (a secret such as ${api_token} given with --var).
func (v *validator) loadScope() varScope {
	return varScope{known: sortedKeys(v.s.Vars), hint: "define it under vars (and give its value with --var NAME=VALUE)"}
}

// engineScope is what the engine expands in rollback actions and verifier
// settings: scenario vars, ${link.NAME}, and for every service
// ${addr.SERVICE} and, with a data directory, ${data_dir.SERVICE}. An
// action on one service (service non-empty) also gets its ${addr} and
// ${data_dir}.
func (v *validator) engineScope(service string) varScope {
	scope := varScope{
		known:       append(sortedKeys(v.s.Vars), v.linkVars()...),
		unavailable: map[string]string{},
		hint:        "define it under vars, or use ${addr.SERVICE}, ${data_dir.SERVICE}, ${link.NAME}, or ${addr} and ${data_dir} of the action's service",
	}
	scope.known = append(scope.known, v.addrVars()...)
	for _, name := range sortedKeys(v.s.System.Services) {
		if v.s.System.Services[name].DataDir {
			scope.known = append(scope.known, "data_dir."+name)
		} else {
			scope.unavailable["data_dir."+name] = fmt.Sprintf("service %q has no data directory; add dataDir: true to it", name)
		}
	}
	svc, defined := v.s.System.Services[service]
	switch {
	case service == "" || !defined:
		msg := "${%s} is the %s of the action's service, and this names none; set service, or use ${%s.SERVICE}"
		scope.unavailable["addr"] = fmt.Sprintf(msg, "addr", "address", "addr")
		scope.unavailable["data_dir"] = fmt.Sprintf(msg, "data_dir", "data directory", "data_dir")
	case !svc.DataDir:
		scope.known = append(scope.known, "addr")
		scope.unavailable["data_dir"] = fmt.Sprintf("${data_dir} is the data directory of service %q, which has none; add dataDir: true to it", service)
	default:
		scope.known = append(scope.known, "addr", "data_dir")
	}
	return scope
}

// addrVars lists the address expansions of every service: ${addr.SERVICE}
// and ${port.SERVICE}, and per named port ${addr.SERVICE.PORT} and
// ${port.SERVICE.PORT}.
func (v *validator) addrVars() []string {
	var out []string
	for _, name := range sortedKeys(v.s.System.Services) {
		out = append(out, "addr."+name, "port."+name)
		for _, port := range v.s.System.Services[name].Ports {
			out = append(out, "addr."+name+"."+port, "port."+name+"."+port)
		}
	}
	return out
}

// linkVars lists ${link.NAME} of every named link.
func (v *validator) linkVars() []string {
	var out []string
	for _, l := range faults.ExpandLinks(v.s.System.Links) {
		if l.Name != "" {
			out = append(out, "link."+l.Name)
		}
	}
	return out
}

// varRefs returns the names of the ${name} references in s, in order, as
// the runtime expands them ($$ is a literal $), and what is wrong with the
// first malformed one, if any.
func varRefs(s string) (names []string, bad string) {
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			return names, ""
		}
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "$"):
			s = rest[1:]
			continue
		case !strings.HasPrefix(rest, "{"):
			return names, `a "$" must start ${name}; write $$ for a literal $`
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return names, "unterminated ${; add the closing }"
		}
		name := rest[1:end]
		if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != "" {
			return names, fmt.Sprintf("${%s} is not a variable name; names use letters, digits, \"_\", \".\" and \"-\", as in ${port}", name)
		}
		names = append(names, name)
		s = rest[end+1:]
	}
}

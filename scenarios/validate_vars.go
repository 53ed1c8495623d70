package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/sut"
)

// refs checks that every ${name} in s is something a start expands: a
// scenario var, one the runtime sets (${data_dir} only with dataDir) or
// ${link.NAME} of a defined link.
func (v *validator) refs(p fieldPath, s string, svc sut.ServiceSpec) {
	known := v.knownVars()
	names, bad := varRefs(s)
	if bad != "" {
		v.addf(p, "%s", bad)
	}
	for _, ref := range names {
		switch {
		case ref == "data_dir" && !svc.DataDir:
			v.addf(p, "${data_dir} is only set for a service with a data directory; add dataDir: true to service %q", svc.Name)
		case slices.Contains(known, ref):
		default:
			if near := suggest(ref, known); near != "" {
				v.addf(p, "unknown variable ${%s} (did you mean ${%s}?)", ref, near)
				continue
			}
			v.addf(p, "unknown variable ${%s}; define it under vars, or use ${%s} or ${link.NAME}", ref, strings.Join(builtinVars(), "}, ${"))
		}
	}
}

// knownVars lists every name a ${...} reference may use.
func (v *validator) knownVars() []string {
	known := append(builtinVars(), sortedKeys(v.s.Vars)...)
	for _, l := range v.s.System.Links {
		if l.Name != "" {
			known = append(known, "link."+l.Name)
		}
	}
	return known
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

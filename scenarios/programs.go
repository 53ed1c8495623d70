package scenarios

import (
	"fmt"
	"strings"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// Programs checks that the program of every version of every service is
// where a drill will look for it, and executable: a path (relative to the
// scenario's folder) or a name in $PATH, after ${var} is replaced by the
// scenario's vars with overrides on top (--var). Only services that run as
// local processes are checked; a container's program is in its image. A
// program that names anything but a var (${addr}…) is not checked. It
// returns one Problem per missing program, at its first command's line; validate shows
// them as warnings (the program may be built later), run refuses to start.
func (s *Scenario) Programs(overrides map[string]string) Problems {
	if s.System.Runtime != "" && s.System.Runtime != faults.RuntimeProcess {
		return nil
	}
	vars := make(map[string]string, len(s.Vars)+len(overrides))
	for k, v := range s.Vars {
		vars[k] = v
	}
	for k, v := range overrides {
		vars[k] = v
	}
	var out Problems
	seen := map[string]bool{}
	for _, name := range sortedKeys(s.System.Services) {
		svc := s.System.Services[name]
		for _, version := range sortedKeys(svc.Versions) {
			cmd := svc.Versions[version].Command
			if len(cmd) == 0 {
				continue
			}
			program, err := sut.Expand(cmd[0], vars)
			if err != nil || strings.Contains(program, "$") || seen[program] {
				continue
			}
			seen[program] = true
			if _, err := sut.ResolveCommand(program, s.Dir); err != nil {
				p := fieldPath{}.key("system").key("services").key(name).key("versions").key(version).key("command").index(0)
				pos := s.at.lookup(p)
				out = append(out, Problem{File: s.Path, Line: pos.line, Col: pos.col,
					Message: fmt.Sprintf("%s: %v; build it, fix the path, or pass --var with its path", p, err)})
			}
		}
	}
	return out
}

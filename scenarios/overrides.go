package scenarios

import (
	"errors"
	"fmt"
)

// ErrUnknownVar means an override names a var the scenario does not
// declare: a typo would otherwise leave the scenario's own value in place
// without a word.
var ErrUnknownVar = errors.New("scenarios: unknown var")

// CheckOverrides returns an error wrapping ErrUnknownVar, with a "did you
// mean" where a declared var is close, for the first override (in name
// order) that names no var of the scenario's vars section.
func (s *Scenario) CheckOverrides(overrides map[string]string) error {
	declared := sortedKeys(s.Vars)
	for _, name := range sortedKeys(overrides) {
		if _, ok := s.Vars[name]; ok {
			continue
		}
		return fmt.Errorf("%s: --var %s: %s: %w", s.Path, name, undefined("var", name, declared, "vars:"), ErrUnknownVar)
	}
	return nil
}

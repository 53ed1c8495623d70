package scenarios

import (
	"errors"
	"path/filepath"

	"github.com/faultdrill/faultdrill/runbook"
)

// RunbookPath is the file of the rollback's runbook, resolved against the
// scenario's folder; "" when the rollback has none.
func (s *Scenario) RunbookPath() string {
	path := s.Rollback.Runbook
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(s.Dir, path)
}

// runbook checks the rollback's runbook: it replaces the plan, and it must
// read without problems, which are reported at their lines of the runbook.
func (v *validator) runbook(p fieldPath) {
	if v.s.Rollback.Runbook == "" {
		return
	}
	if len(v.s.Rollback.Plan) > 0 {
		v.addf(p.key("runbook"), "a rollback has a plan or a runbook, not both; move the plan's actions into the runbook as faultdrill blocks, or drop the runbook")
		return
	}
	_, err := runbook.Load(v.s.RunbookPath())
	var problems runbook.Problems
	switch {
	case errors.As(err, &problems):
		for _, rp := range problems {
			v.out = append(v.out, Problem{File: rp.File, Line: rp.Line, Col: 1, Message: rp.Message})
		}
	case err != nil:
		v.addf(p.key("runbook"), "%v; give the path of a Markdown file, relative to the scenario", err)
	}
}

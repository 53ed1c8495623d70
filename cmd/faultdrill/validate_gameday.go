package main

import (
	"errors"
	"fmt"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/scenarios"
)

// validateGameDay checks a game-day file and every scenario it runs, and
// writes what it finds as validate does for a scenario; ok is false when
// something is invalid.
func validateGameDay(path, format string, e env) (ok bool) {
	f, err := gameday.Load(path)
	if err != nil {
		var gp gameday.Problems
		if errors.As(err, &gp) {
			ps := make(scenarios.Problems, len(gp))
			for i, p := range gp {
				ps[i] = scenarios.Problem{File: p.File, Line: p.Line, Col: p.Col, Message: p.Message}
			}
			err = ps
		}
		reportProblem(format, path, err, e)
		return false
	}
	ok = true
	for _, d := range f.Drills {
		sc := f.ScenarioPath(d)
		s, err := scenarios.Load(sc)
		if err == nil {
			err = s.CheckOverrides(d.Vars)
		}
		if err != nil {
			reportProblem(format, sc, err, e)
			ok = false
		}
	}
	if ok {
		fmt.Fprintf(e.stdout, "%s: ok (game day of %d drill(s))\n", term.Escape(path), len(f.Drills))
	}
	return ok
}

func reportProblem(format, file string, err error, e env) {
	if format == "github" {
		writeAnnotations(e.stdout, "error", file, err)
		return
	}
	fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
}

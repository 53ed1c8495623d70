package main

import (
	"context"
	"fmt"

	"github.com/faultdrill/faultdrill/internal/buildinfo"
)

// version prints which faultdrill this is, for bug reports and for CI logs
// that must say what gated a release.
func version(_ context.Context, args []string, e env) int {
	fs := newFlags("version", "", "Print faultdrill's module version, the VCS revision it was built from, and the Go that built it.",
		"faultdrill version", e.stderr)
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	fmt.Fprintln(e.stdout, buildinfo.Read())
	return exitPassed
}

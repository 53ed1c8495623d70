package main

import "github.com/faultdrill/faultdrill/reports"

// Exit codes: a pipeline tells outcomes apart by these alone. A drill's
// code comes from its outcome's class (reports.Class.ExitCode); the CLI
// adds its own for bad input.
const (
	exitPassed      = reports.ExitPassed
	exitError       = reports.ExitError
	exitInvalid     = reports.ExitInvalid
	exitInterrupted = reports.ExitInterrupted
	// exitRegression: the drill passed, but regressed against the
	// earlier runs of its scenario (run --fail-on-regression).
	exitRegression = 9
)

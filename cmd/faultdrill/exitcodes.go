package main

import "github.com/faultdrill/faultdrill/reports"

// Exit codes: a pipeline tells outcomes apart by these alone.
const (
	exitPassed      = 0   // the drill passed
	exitError       = 1   // the harness could not run the drill
	exitInvalid     = 2   // bad command line or invalid scenario
	exitFailed      = 3   // the drill failed: unhealthy afterwards or score below the pass mark
	exitIntegrity   = 4   // acknowledged writes lost beyond the RPO
	exitRTO         = 5   // not recovered within the RTO objective
	exitSLO         = 6   // recovered, but not to the SLO after the rollback
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM
)

// exitCode maps a report's outcome class to the process exit code.
func exitCode(c reports.Class) int {
	switch c {
	case reports.ClassPassed:
		return exitPassed
	case reports.ClassIntegrity:
		return exitIntegrity
	case reports.ClassRTO:
		return exitRTO
	case reports.ClassSLO:
		return exitSLO
	case reports.ClassFailed:
		return exitFailed
	case reports.ClassInterrupted:
		return exitInterrupted
	}
	return exitError
}

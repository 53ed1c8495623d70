package sut

import (
	"errors"
	"fmt"
	"strings"

	"github.com/faultdrill/faultdrill/faults"
)

// Sentinel errors of the process runtime; match them with errors.Is.
var (
	// ErrBadSpec marks an invalid service spec or runtime option.
	ErrBadSpec = errors.New("invalid spec")
	// ErrUnknownService is returned for a service name that is not in the
	// spec. It is faults.ErrUnknownService, so that the fault controller
	// knows a process fault changed nothing.
	ErrUnknownService = faults.ErrUnknownService
	// ErrUnknownVersion is returned for a version a service does not have.
	ErrUnknownVersion = errors.New("unknown version")
	// ErrRunning is returned by Start when the service is already running
	// or starting: stop it first.
	ErrRunning = errors.New("service is already running")
	// ErrClosed is returned by Start once the runtime has been closed.
	ErrClosed = errors.New("runtime is closed")
	// ErrMissingBinary is returned when a version's command cannot be found.
	ErrMissingBinary = errors.New("binary not found")
	// ErrPortInUse is returned when a service's port is taken by another
	// process when it starts.
	ErrPortInUse = errors.New("port in use")
	// ErrExitedEarly is the reason of a StartError whose process exited
	// before its health check passed.
	ErrExitedEarly = errors.New("exited before it was healthy")
	// ErrStartTimeout is the reason of a StartError whose process did not
	// become healthy within the service's start timeout.
	ErrStartTimeout = errors.New("not healthy within the start timeout")
	// ErrInterrupted is the reason of a StartError whose process was stopped
	// (by Stop or Close) before it became healthy.
	ErrInterrupted = errors.New("stopped while starting")
	// ErrStopTimeout is returned by Stop when a process survives SIGKILL for
	// longer than the runtime waits.
	ErrStopTimeout = errors.New("process did not exit after SIGKILL")
	// ErrNotRunning is returned by Pause, Kill and Restart for a service
	// that is not running (or never ran). It is faults.ErrNotRunning, so
	// that the fault controller knows nothing was changed.
	ErrNotRunning = faults.ErrNotRunning
	// ErrUnknownVar marks a ${name} with no value.
	ErrUnknownVar = errors.New("unknown variable")
	// ErrNoDataDir marks a ${data_dir} in a service without a data dir.
	ErrNoDataDir = errors.New("service has no data dir (set dataDir: true)")
	// ErrExpandSyntax marks a malformed ${...} or a lone $.
	ErrExpandSyntax = errors.New("bad expansion syntax")
)

// StartError explains why a started service did not become healthy. Its
// Reason is ErrExitedEarly, ErrStartTimeout, ErrInterrupted or the error of
// the caller's context.
type StartError struct {
	Service, Version string
	Reason           error
	// ExitStatus is the process's exit status ("exit status 3",
	// "signal: killed"), empty while it had not exited.
	ExitStatus string
	// LastCheck is the outcome of the last health check, if any.
	LastCheck string
	// LogPath is the service's log file; LogTail its last lines written by
	// this start.
	LogPath string
	LogTail string
}

// Error reads as one line: the cause, the last health check, and the
// service's log with its last line; LogTail holds a few more lines, for
// the journal.
func (e *StartError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sut: start %s %s: %v", e.Service, e.Version, e.Reason)
	if e.ExitStatus != "" {
		fmt.Fprintf(&b, " (%s)", e.ExitStatus)
	}
	if e.LastCheck != "" {
		fmt.Fprintf(&b, "; last health check: %s", e.LastCheck)
	}
	switch last := lastLine(e.LogTail); {
	case last != "":
		fmt.Fprintf(&b, "; its log %s ends with %q", e.LogPath, last)
	case e.LogPath != "":
		fmt.Fprintf(&b, "; nothing in %s", e.LogPath)
	}
	return b.String()
}

// lastLine returns the last non-empty line of s, cut to 200 bytes.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// Unwrap returns the reason, so errors.Is(err, ErrExitedEarly) works.
func (e *StartError) Unwrap() error { return e.Reason }

// ExpandError reports a ${name} expansion that failed.
type ExpandError struct {
	// Input is the string being expanded; Offset the byte offset of the $
	// that failed.
	Input  string
	Offset int
	// Name is the variable name, when the syntax got that far.
	Name string
	// Known lists the variables that were available, for unknown names.
	Known []string
	// Err is ErrUnknownVar, ErrNoDataDir or ErrExpandSyntax.
	Err error
	// Hint says how to fix a syntax error.
	Hint string
}

// Error names the variable (or the offset of a syntax error) and the fix.
func (e *ExpandError) Error() string {
	switch {
	case e.Name != "" && errors.Is(e.Err, ErrUnknownVar):
		return fmt.Sprintf("sut: expand %q: %v ${%s} (known: %s)", e.Input, e.Err, e.Name, strings.Join(e.Known, ", "))
	case e.Name != "":
		return fmt.Sprintf("sut: expand %q: ${%s}: %v", e.Input, e.Name, e.Err)
	default:
		return fmt.Sprintf("sut: expand %q at offset %d: %v: %s", e.Input, e.Offset, e.Err, e.Hint)
	}
}

// Unwrap returns the sentinel behind the error.
func (e *ExpandError) Unwrap() error { return e.Err }

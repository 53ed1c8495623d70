// Package cleanup reverts what drills whose harness died left behind: faults
// on remote toxiproxy servers, paused process groups and leftover service
// processes. It is what `faultdrill cleanup` runs, and it is idempotent:
// what it reverts it also writes down, so a second run finds nothing.
package cleanup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// By signs the ledger lines that cleanup writes.
const By = "cleanup"

// Summary counts what a Run found and did.
type Summary struct {
	// Drills is the number of drill folders scanned.
	Drills int
	// Running is the number left alone because their harness is alive.
	Running int
	// Reverted counts faults reverted and proxies deleted on remote
	// toxiproxy servers.
	Reverted int
	// Resumed counts paused process groups continued.
	Resumed int
	// Killed counts leftover process groups killed.
	Killed int
	// Settled counts ledger entries closed with nothing left to revert
	// (faults of an embedded server, or of a service that ended with its
	// drill).
	Settled int
	// Rebuilt counts reports rebuilt for drills killed before they wrote
	// their own (status killed).
	Rebuilt int
}

func (s *Summary) add(o Summary) {
	s.Drills += o.Drills
	s.Running += o.Running
	s.Reverted += o.Reverted
	s.Resumed += o.Resumed
	s.Killed += o.Killed
	s.Settled += o.Settled
	s.Rebuilt += o.Rebuilt
}

// Run scans every drill folder under drillsDir and cleans up those whose
// harness is dead (see LockAlive; a folder without a lock counts as alive
// while the harness pid in its pid file runs). For each it reverts
// unhealed faults on remote toxiproxy servers and deletes their proxies
// (faults.Revert), continues paused process groups, kills leftover process
// groups (sut.SignalLeftover) and waits until they are gone, rebuilds the
// report of a drill killed before it wrote one (status killed), writing one
// line per action to w as "DRILL: what was done". It records each step (a
// heal line in the ledger, the pid file removed, the report written) so
// that a second Run does nothing. A missing drillsDir has nothing to clean.
//
// Errors of one drill do not stop the others; they are joined, and what
// failed is tried again by the next Run.
func Run(ctx context.Context, drillsDir string, w io.Writer) (Summary, error) {
	entries, err := os.ReadDir(drillsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Summary{}, nil
	}
	if err != nil {
		return Summary{}, fmt.Errorf("cleanup: %w", err)
	}
	var sum Summary
	var errs []error
	for _, e := range entries { // sorted by name
		if !e.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("cleanup: %w", err))
			break
		}
		d := &drill{dir: filepath.Join(drillsDir, e.Name()), name: e.Name(), w: w}
		errs = append(errs, d.clean(ctx))
		sum.add(d.sum)
	}
	return sum, errors.Join(errs...)
}

package cleanup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// File names in a drill folder that cleanup reads.
const (
	// LedgerFileName is the fault ledger (see faults.Options.LedgerPath).
	LedgerFileName = "faults.jsonl"
)

// goneWait bounds the wait for killed process groups to disappear.
const goneWait = 5 * time.Second

// drill is the cleanup of one drill folder.
type drill struct {
	dir, name string
	w         io.Writer
	sum       Summary
}

// say writes one action line.
func (d *drill) say(format string, args ...any) {
	fmt.Fprintf(d.w, "%s: %s\n", d.name, fmt.Sprintf(format, args...))
}

// clean cleans the drill unless its harness is alive.
func (d *drill) clean(ctx context.Context) error {
	d.sum.Drills = 1
	alive, who, err := d.alive()
	if err != nil {
		return err
	}
	if alive {
		d.sum.Running = 1
		d.say("running (%s): left alone", who)
		return nil
	}
	return errors.Join(d.cleanFaults(ctx), d.cleanProcesses(ctx), d.rebuildReport())
}

// alive reports whether the drill's harness still runs: it holds the lock,
// or, without a lock file, the harness pid of its pid file is alive.
func (d *drill) alive() (bool, string, error) {
	held, err := LockAlive(d.dir)
	if err != nil {
		return false, "", err
	}
	if held {
		who := "lock held"
		if info, err := ReadLock(d.dir); err == nil {
			who = "harness pid " + strconv.Itoa(info.PID)
		}
		return true, who, nil
	}
	if _, err := os.Stat(filepath.Join(d.dir, LockFileName)); err == nil {
		return false, "", nil
	}
	pid, err := sut.ReadPIDFileOwner(filepath.Join(d.dir, sut.PIDFileName))
	if err != nil || pid <= 0 {
		return false, "", nil
	}
	if syscall.Kill(pid, 0) == nil {
		return true, "no lock file, harness pid " + strconv.Itoa(pid) + " alive", nil
	}
	return false, "", nil
}

// cleanFaults reverts the unhealed faults and open links of the ledger.
func (d *drill) cleanFaults(ctx context.Context) error {
	path := filepath.Join(d.dir, LedgerFileName)
	entries, err := faults.ReadLedger(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	var errs []error
	for _, e := range faults.Unhealed(entries) {
		errs = append(errs, d.settle(path, e, d.revertFault(ctx, e)))
	}
	for _, e := range faults.OpenLinks(entries) {
		err := faults.Revert(ctx, e)
		if err == nil {
			d.sum.Reverted++
			d.say("deleted proxy %s on %s", e.Proxy, e.API)
		}
		errs = append(errs, d.settle(path, e, err))
	}
	return errors.Join(errs...)
}

// settle closes e in the ledger once it was reverted, or reports why not.
func (d *drill) settle(ledger string, e faults.LedgerEntry, reverted error) error {
	what := e.Fault.Name
	if e.Action == faults.ActionLink {
		what = "proxy " + e.Proxy
	}
	if reverted != nil {
		d.say("could not revert %s: %v", what, reverted)
		return fmt.Errorf("cleanup: %s: revert %s: %w", d.name, what, reverted)
	}
	if err := faults.MarkReverted(ledger, e, By); err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	return nil
}

// revertFault reverts one unhealed fault and says what it did.
func (d *drill) revertFault(ctx context.Context, e faults.LedgerEntry) error {
	s := e.Fault
	switch {
	case s.Kind == faults.Pause:
		return d.resume(e)
	case s.OnService():
		d.sum.Settled++
		d.say("%s: nothing to revert, %s ended with the drill", s.Name, s.Service)
	case e.Embedded:
		d.sum.Settled++
		d.say("%s: nothing to revert, it ended with the drill's embedded toxiproxy", s.Name)
	default:
		if err := faults.Revert(ctx, e); err != nil {
			return err
		}
		d.sum.Reverted++
		d.say("reverted %s (%s on proxy %s) on %s", s.Name, s.Kind, e.Proxy, e.API)
	}
	return nil
}

// resume continues the process group that a pause stopped, if it is still
// the same group.
func (d *drill) resume(e faults.LedgerEntry) error {
	g := e.Process
	if g == nil {
		d.sum.Settled++
		d.say("%s: no process group recorded (the drill died while pausing); its leftovers are killed below", e.Fault.Name)
		return nil
	}
	rec := sut.PIDRecord{Service: e.Fault.Service, PID: g.PGID, PGID: g.PGID, StartTicks: g.StartTicks, BootID: g.BootID}
	done, err := sut.SignalLeftover(rec, syscall.SIGCONT)
	if err != nil {
		return err
	}
	if done {
		d.sum.Resumed++
		d.say("resumed paused process group %d (%s)", g.PGID, e.Fault.Service)
	} else {
		d.sum.Settled++
		d.say("%s: paused process group %d is gone", e.Fault.Name, g.PGID)
	}
	return nil
}

// cleanProcesses kills the process groups of the pid file, waits until they
// are gone and removes the pid file.
func (d *drill) cleanProcesses(ctx context.Context) error {
	path := filepath.Join(d.dir, sut.PIDFileName)
	recs, err := sut.ReadPIDFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	var errs []error
	var killed []sut.PIDRecord
	for _, r := range recs {
		done, err := sut.SignalLeftover(r, syscall.SIGKILL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if done {
			killed = append(killed, r)
			d.sum.Killed++
			d.say("killed leftover process group %d (%s %s)", r.PGID, r.Service, r.Version)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	if err := awaitGone(ctx, killed); err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	return nil
}

// awaitGone waits until no live process is left in the killed groups,
// bounded by ctx and goneWait.
func awaitGone(ctx context.Context, killed []sut.PIDRecord) error {
	ctx, cancel := context.WithTimeout(ctx, goneWait)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		left, err := leftMembers(killed)
		if err != nil || len(left) == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("processes %v still alive after SIGKILL: %w", left, ctx.Err())
		case <-tick.C:
		}
	}
}

// leftMembers returns the live members of the groups of recs.
func leftMembers(recs []sut.PIDRecord) ([]int, error) {
	var left []int
	for _, r := range recs {
		pids, err := sut.GroupMembers(r.PGID)
		if err != nil {
			return nil, err
		}
		left = append(left, pids...)
	}
	return left, nil
}

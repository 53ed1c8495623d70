package faults

import "errors"

// Sentinel errors of the faults package; match them with errors.Is.
var (
	// ErrInvalidSpec is matched by every *SpecError from Spec.Validate and
	// PartitionSpec.Validate.
	ErrInvalidSpec = errors.New("faults: invalid fault spec")
	// ErrInvalidOption means an Options field is unusable.
	ErrInvalidOption = errors.New("faults: invalid option")
	// ErrInvalidLink means a link's name or upstream address is unusable.
	ErrInvalidLink = errors.New("faults: invalid link")
	// ErrUnknownLink means a fault names a link that was never added.
	ErrUnknownLink = errors.New("faults: unknown link")
	// ErrLinkExists means a link of that name was already added.
	ErrLinkExists = errors.New("faults: link already exists")
	// ErrFaultActive means a fault (or partition) of that name is already
	// injected.
	ErrFaultActive = errors.New("faults: fault already active")
	// ErrUnknownFault means no active fault or partition has that name.
	ErrUnknownFault = errors.New("faults: unknown fault")
	// ErrNoCrossingLinks means a partition cuts no link: no link joins its
	// two sides.
	ErrNoCrossingLinks = errors.New("faults: partition cuts no link")
	// ErrUnavailable means a fault kind is not supported by the runtime in
	// use (see Available).
	ErrUnavailable = errors.New("faults: fault kind unavailable")
	// ErrNoProcessTarget means a process fault was injected on a
	// Controller without Options.Processes.
	ErrNoProcessTarget = errors.New("faults: no process target for process faults")
	// ErrNotRunning is returned (wrapped) by a ProcessTarget for a service
	// that is not running; nothing was changed.
	ErrNotRunning = errors.New("service is not running")
	// ErrUnknownService is returned (wrapped) by a ProcessTarget for a
	// service it does not know; nothing was changed.
	ErrUnknownService = errors.New("unknown service")
	// ErrClosed means the Controller was closed.
	ErrClosed = errors.New("faults: controller closed")
)

// SpecError says which field of a Spec (or PartitionSpec) is wrong and why.
// It matches ErrInvalidSpec, and Field is the scenario key (e.g. "latency")
// so that a loader can point at the line that holds it.
type SpecError struct {
	Field  string
	Reason string
}

// Error returns "faults: FIELD: REASON".
func (e *SpecError) Error() string {
	return "faults: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrInvalidSpec.
func (e *SpecError) Is(target error) bool {
	return target == ErrInvalidSpec
}

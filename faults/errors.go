package faults

import "errors"

// Sentinel errors of the faults package; match them with errors.Is.
var (
	// ErrInvalidSpec is matched by every *SpecError from Spec.Validate.
	ErrInvalidSpec = errors.New("faults: invalid fault spec")
	// ErrInvalidLink means a link's name or upstream address is unusable.
	ErrInvalidLink = errors.New("faults: invalid link")
	// ErrUnknownLink means a fault names a link that was never added.
	ErrUnknownLink = errors.New("faults: unknown link")
	// ErrLinkExists means a link of that name was already added.
	ErrLinkExists = errors.New("faults: link already exists")
	// ErrFaultActive means a fault of that name is already injected.
	ErrFaultActive = errors.New("faults: fault already active")
	// ErrUnknownFault means no active fault has that name.
	ErrUnknownFault = errors.New("faults: unknown fault")
	// ErrClosed means the Controller was closed.
	ErrClosed = errors.New("faults: controller closed")
)

// SpecError says which field of a Spec is wrong and why. It matches
// ErrInvalidSpec, and Field is the scenario key (e.g. "latency") so that a
// loader can point at the line that holds it.
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

package load

import "errors"

// Sentinel errors of the load package; match them with errors.Is.
var (
	// ErrInvalidSpec reports a load spec that cannot run: a missing or
	// negative duration, a bad rate, a duplicate stream name and the like.
	ErrInvalidSpec = errors.New("invalid load spec")
	// ErrInvalidTarget reports a target that is not an absolute http or
	// https URL without query or fragment.
	ErrInvalidTarget = errors.New("invalid load target")
	// ErrNotLoopback reports a target outside 127.0.0.0/8, ::1 and
	// localhost while Options.AllowNonLoopback is not set.
	ErrNotLoopback = errors.New("load target is not a loopback address")
	// ErrBadHistory reports a history file that ReadHistory cannot read.
	ErrBadHistory = errors.New("malformed load history")
)

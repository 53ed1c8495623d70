package cleanup

import "errors"

// ErrLocked means a drill folder's lock is held by a live process: the
// drill is running.
var ErrLocked = errors.New("cleanup: drill is locked by a running harness")

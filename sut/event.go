package sut

// Event kinds reported through ProcessOptions.OnEvent.
const (
	// EventStarted: the process was spawned (not yet healthy).
	EventStarted = "started"
	// EventHealthy: the health check passed; Start is about to return.
	EventHealthy = "healthy"
	// EventStopping: SIGTERM was sent to the process group.
	EventStopping = "stopping"
	// EventStopped: the process exited after a stop and was reaped; Detail
	// says how (exit status, or killed after the grace period).
	EventStopped = "stopped"
	// EventExitedUnexpectedly: the process exited without being stopped,
	// including an exit before it became healthy.
	EventExitedUnexpectedly = "exited-unexpectedly"
	// EventPaused: the process group was stopped (SIGSTOP) by Pause.
	EventPaused = "paused"
	// EventResumed: the process group was continued (SIGCONT) by Resume.
	EventResumed = "resumed"
	// EventKilled: the process group was killed (SIGKILL) by Kill and reaped.
	EventKilled = "killed"
)

// Event is one lifecycle change of a service process, for the drill journal.
type Event struct {
	Service, Version string
	// Kind is one of the Event* constants.
	Kind string
	// Detail is a short human-readable explanation (exit status, command).
	Detail string
	PID    int
}

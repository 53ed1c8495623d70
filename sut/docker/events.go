package docker

import "github.com/faultdrill/faultdrill/sut"

// Event kinds of the docker runtime, reported through Options.OnEvent next
// to those of package sut (sut.EventStarted, sut.EventHealthy,
// sut.EventStopping, sut.EventStopped, sut.EventExitedUnexpectedly).
const (
	// EventImageBuilt: a version's image was built from its Dockerfile.
	EventImageBuilt = "image-built"
	// EventDisconnected: the container was disconnected from the drill
	// network (a partition).
	EventDisconnected = "disconnected"
	// EventReconnected: the container is back on the drill network, with
	// its alias.
	EventReconnected = "reconnected"
	// EventPaused and EventUnpaused: the container was frozen or thawed.
	EventPaused   = "paused"
	EventUnpaused = "unpaused"
	// EventKilled: the container got SIGKILL (a Kill fault).
	EventKilled = "killed"
	// EventSnapshot and EventRestored: the data volume was copied out or
	// replaced.
	EventSnapshot = "snapshot"
	EventRestored = "restored"
	// EventToxiproxyStarted: the toxiproxy container answers on its API.
	EventToxiproxyStarted = "toxiproxy-started"
)

// emit reports an event, if anyone listens.
func (r *Runtime) emit(service, version, kind, detail string, pid int) {
	if r.onEvent != nil {
		r.onEvent(sut.Event{Service: service, Version: version, Kind: kind, Detail: detail, PID: pid})
	}
}

// emitFor reports an event of a container.
func (r *Runtime) emitFor(c *ctr, kind, detail string) {
	r.emit(c.service, c.version, kind, detail, c.pid)
}

package docker

import "errors"

// Sentinel errors of the docker runtime; match them with errors.Is. The
// runtime also returns the sentinels of package sut (sut.ErrBadSpec,
// sut.ErrUnknownService, sut.ErrUnknownVersion, sut.ErrRunning,
// sut.ErrClosed, sut.ErrNoDataDir, sut.ErrStartTimeout) where they apply.
var (
	// ErrNoEngine means no Docker engine answered.
	ErrNoEngine = errors.New("no Docker engine")
	// ErrNoImage means an image is not present locally; it is never pulled.
	ErrNoImage = errors.New("image not present locally")
	// ErrBuild means an image could not be built.
	ErrBuild = errors.New("image build failed")
	// ErrRyukEnabled means testcontainers read its configuration before Ryuk
	// was disabled, so it would try to pull the Ryuk image.
	ErrRyukEnabled = errors.New("testcontainers' Ryuk is enabled")
	// ErrNotRunning is returned by a fault or a snapshot that needs a
	// container the service does not have.
	ErrNotRunning = errors.New("service is not running")
	// ErrNamedPorts means a service names ports of its own, which only
	// the process runtime gives.
	ErrNamedPorts = errors.New("named ports need the process runtime")
)

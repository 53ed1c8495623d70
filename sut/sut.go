// Package sut runs the system under test: each service at a chosen version,
// behind one Runtime interface.
package sut

import (
	"context"
	"time"
)

// ServiceSpec describes one service of the system under test.
type ServiceSpec struct {
	Name string `yaml:"-" json:"name"`
	// Health is the HTTP path that answers 2xx when the service is ready.
	Health string `yaml:"health,omitempty" json:"health,omitempty"`
	// Ports names the ports the service listens on when it has more than
	// one (a cluster member's client and peer ports): each is a loopback
	// port allocated once and kept across versions, expanded as
	// ${port.NAME} and ${addr.NAME} (and ${addr.SERVICE.NAME} elsewhere).
	// The first is the service's main port, ${port} and ${addr}.
	Ports []string `yaml:"ports,omitempty" json:"ports,omitempty"`
	// HealthPort names the port Health is requested on; default the main
	// port.
	HealthPort string `yaml:"healthPort,omitempty" json:"healthPort,omitempty"`
	// Group names the start group of the service: the services of a group
	// start together and are health-checked as a group under one deadline
	// (the members of a quorum that is healthy only once a majority is up).
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
	// DataDir gives the service a data directory that survives version
	// switches.
	DataDir bool `yaml:"dataDir,omitempty" json:"dataDir,omitempty"`
	// Replicas is how many instances of the service run at once (default
	// 1). A service with more than one, or deployed by a strategy other
	// than recreate, is reached through a traffic front on its address.
	Replicas int `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	// Initial is the version started when the drill begins.
	Initial string `yaml:"initial" json:"initial"`
	// Versions are the releases of the service, by name (e.g. v1, v2).
	Versions map[string]VersionSpec `yaml:"versions" json:"versions"`
	// StartTimeout bounds the wait for health after a start.
	StartTimeout time.Duration `yaml:"startTimeout,omitempty" json:"startTimeout,omitempty"`
	// StopGrace is the time between SIGTERM and SIGKILL on stop.
	StopGrace time.Duration `yaml:"stopGrace,omitempty" json:"stopGrace,omitempty"`
}

// VersionSpec says how one version of a service starts. In Command and Env
// values, ${port}, ${addr}, ${data_dir} and ${link.NAME} (the address a
// link's proxy listens on) are expanded at start.
type VersionSpec struct {
	// Command is the program and its arguments (process runtime), or the
	// arguments given to the image's entrypoint (docker runtime; empty keeps
	// the image's own CMD).
	Command []string `yaml:"command" json:"command"`
	// Env are the environment variables of the version's process, added
	// to faultdrill's own.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Dir is the working directory; relative paths are resolved against the
	// scenario file's folder.
	Dir string `yaml:"dir,omitempty" json:"dir,omitempty"`
	// Image names the image of this version, as repo:tag (docker runtime).
	// It must be present locally: nothing is pulled.
	Image string `yaml:"image,omitempty" json:"image,omitempty"`
	// Build builds the image of this version from a local Dockerfile
	// (docker runtime), instead of Image.
	Build *BuildSpec `yaml:"build,omitempty" json:"build,omitempty"`
	// Port is the port the service listens on inside its container (docker
	// runtime; default 8080).
	Port int `yaml:"port,omitempty" json:"port,omitempty"`
}

// BuildSpec builds a version's image from a local Dockerfile.
type BuildSpec struct {
	// Context is the build context folder; a relative path is resolved
	// against the scenario file's folder.
	Context string `yaml:"context" json:"context"`
	// Dockerfile is the Dockerfile's path inside Context (default
	// Dockerfile).
	Dockerfile string `yaml:"dockerfile,omitempty" json:"dockerfile,omitempty"`
	// Args are the build arguments (ARG values).
	Args map[string]string `yaml:"args,omitempty" json:"args,omitempty"`
}

// Instance is a running service version.
type Instance struct {
	Service string
	Version string
	// Addr is host:port the service listens on (stable across versions).
	Addr string
	PID  int
}

// Runtime starts, stops and switches the services of one drill.
type Runtime interface {
	// Start brings the service up at the given version and waits for its
	// health endpoint. vars holds extra ${name} expansions (links).
	Start(ctx context.Context, service, version string, vars map[string]string) (Instance, error)
	// Stop stops the service gracefully, then forcibly after its grace.
	Stop(ctx context.Context, service string) error
	// Addr returns the address a service listens on; it is allocated before
	// the first start and kept across versions.
	Addr(service string) (string, error)
	// PortAddr returns the address of one of a service's named ports (see
	// ServiceSpec.Ports); "" names the main port.
	PortAddr(service, port string) (string, error)
	// Running returns the running instance of a service, if any.
	Running(service string) (Instance, bool)
	// Close stops every service; it is safe to call more than once.
	Close(ctx context.Context) error
}

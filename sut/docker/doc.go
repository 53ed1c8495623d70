// Package docker is the container runtime of the system under test: each
// service version runs as a container (testcontainers-go) on one Docker
// network per drill, with a named volume per service for its data dir, a
// toxiproxy container for the links between services, and container faults
// (network disconnect, pause, kill, stop/start).
//
// Nothing is ever pulled: every image must be present locally (or built
// from a local Dockerfile), and a missing one fails at once with
// ErrNoImage. Ryuk, testcontainers' reaper, cannot be pulled either, so the
// package runs with TESTCONTAINERS_RYUK_DISABLED=true and labels everything
// it creates with the drill id instead: Cleanup removes what a killed drill
// left behind.
package docker

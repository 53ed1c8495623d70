package docker

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

const (
	// engineCheckTimeout bounds the check that an engine answers.
	engineCheckTimeout = 5 * time.Second
	// ryukEnv disables testcontainers' reaper, whose image cannot be pulled.
	ryukEnv = "TESTCONTAINERS_RYUK_DISABLED"
)

// Available checks, within 5 s, that a Docker engine answers. On failure
// it returns one sentence that names the socket or DOCKER_HOST tried and
// points at the process runtime; it matches ErrNoEngine. testcontainers
// caches the engine lookup for the whole process, errors included, so
// check once.
func Available(ctx context.Context) error {
	cli, err := connect(ctx)
	if err != nil {
		return err
	}
	return cli.Close()
}

// connect returns a client of an engine that answered a ping.
func connect(ctx context.Context) (*testcontainers.DockerClient, error) {
	if err := disableRyuk(); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, engineCheckTimeout)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(cctx)
	if err != nil {
		return nil, noEngine(ctx, err)
	}
	if _, err := cli.Ping(cctx, client.PingOptions{}); err != nil {
		cli.Close()
		return nil, noEngine(ctx, err)
	}
	return cli, nil
}

// noEngine explains a failed engine check in one sentence; ctx is the
// caller's, to tell its deadline from the check's.
func noEngine(ctx context.Context, cause error) error {
	// testcontainers falls back from DOCKER_HOST to the default socket.
	where := "the default socket " + client.DefaultDockerHost + " (DOCKER_HOST is not set)"
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		where = "DOCKER_HOST=" + h + " or the default socket " + client.DefaultDockerHost
	}
	within := ""
	if ctx.Err() == nil {
		within = " within " + engineCheckTimeout.String()
	}
	return fmt.Errorf("docker: %w answered%s at %s: %w; use runtime: process, which runs without Docker",
		ErrNoEngine, within, where, cause)
}

// disableRyuk sets TESTCONTAINERS_RYUK_DISABLED=true, which testcontainers
// reads once per process, and checks that it took effect.
func disableRyuk() error {
	if os.Getenv(ryukEnv) != "true" {
		if err := os.Setenv(ryukEnv, "true"); err != nil {
			return fmt.Errorf("docker: set %s: %w", ryukEnv, err)
		}
	}
	if !testcontainers.ReadConfig().RyukDisabled {
		return fmt.Errorf("docker: %w: testcontainers read its configuration before %s=true was set; set it in the environment",
			ErrRyukEnabled, ryukEnv)
	}
	return nil
}

package rollback

import (
	"context"
	"errors"

	"github.com/faultdrill/faultdrill/deploy"
)

// ErrNoPrevious means a redeploy-previous action found no earlier version
// of its service to go back to.
var ErrNoPrevious = errors.New("no previous version to redeploy")

// ErrUnsupported is what an Env returns from a hook it cannot provide,
// such as snapshots on a runtime without data directories.
var ErrUnsupported = errors.New("not supported by this environment")

// Releases is what a rollback needs to know of the system: which version
// each service runs and ran before, and how to switch it.
type Releases interface {
	// Previous returns the version the service ran before its current one.
	Previous(service string) (string, bool)
	// Current returns the version the service runs now.
	Current(service string) string
	// Deploy switches the service to the version and waits until it is
	// healthy.
	Deploy(ctx context.Context, service, version string) error
}

// StrategyDeployer is an Env that switches versions by a strategy other
// than recreate; a redeploy-previous that names a strategy uses it.
type StrategyDeployer interface {
	// DeployWith switches the service to version by strategy.
	DeployWith(ctx context.Context, service, version string, strategy deploy.Strategy) error
}

// Env is everything the actions need of the engine: Releases for
// redeploy-previous, and the hooks of the other actions. A hook the engine cannot provide
// returns ErrUnsupported; only the actions that need it fail.
type Env interface {
	Releases
	// BaseURL returns the base URL of a service, such as
	// "http://127.0.0.1:8081", for flag and http actions whose URL is a
	// path.
	BaseURL(service string) (string, error)
	// SchemaOf returns the schema of the service's database as text
	// (snapshot.Schema of its SQLite file does), for migrate-down actions
	// that name no database file.
	SchemaOf(ctx context.Context, service string) (string, error)
	// RestoreSnapshot stops the service, restores the snapshot the
	// timeline took under that name into the service's data directory
	// (snapshot.Restore, which refuses a corrupt one with
	// snapshot.ErrCorrupt), starts the service once, at version (its
	// current one when empty), and waits until it is healthy.
	RestoreSnapshot(ctx context.Context, service, snapshot, version string) error
	// StopService stops the service.
	StopService(ctx context.Context, service string) error
	// StartService starts the service at the version and waits until it
	// is healthy; a service running at another version is switched.
	StartService(ctx context.Context, service, version string) error
}

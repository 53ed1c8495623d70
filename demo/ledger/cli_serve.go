package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
)

const storeUsage = `Usage: ledger store --listen HOST:PORT --data DIR [--version v1] [--defect NAME[=VALUE]]...

Runs the store tier: the ledger's entries in DIR/ledger.db (SQLite, WAL),
migrated up at start. Stops gracefully on SIGTERM or SIGINT.

Flags:
  --listen HOST:PORT     address to listen on (required; port 0 picks a free one)
  --data DIR             data directory, created if missing (required)
  --version LABEL        release label echoed in X-Version and /healthz (default v1)
  --defect NAME          plant a store defect (repeatable; "none" plants nothing):
                           double-apply        a retried write is inserted again
                           migration-rewrite   migration 6 rewrites data at start: amounts
                                               become cents, old entries no longer read back

Example:
  ledger store --listen 127.0.0.1:7001 --data ./data --version v2 --defect double-apply
`

// TokenEnv is the environment variable holding the api's bearer token.
const TokenEnv = "LEDGER_API_TOKEN"

const apiUsage = `Usage: ledger api --listen HOST:PORT --store URL [flags]

Runs the api tier: a gateway that forwards to the store. It reloads the
feature flags from the store and echoes them in X-Flags on every answer.
/healthz answers while the process is up; /readyz only while the store does.
Stops gracefully on SIGTERM or SIGINT.

Flags:
  --listen HOST:PORT     address to listen on (required; port 0 picks a free one)
  --store URL            the store's base URL, such as http://127.0.0.1:7001 (required)
  --store-timeout D      bound on one forwarded request; past it the api answers 504 (default 2s)
  --flag-refresh D       how often the feature flags are reloaded from the store (default 1s)
  --version LABEL        release label echoed in X-Version and /healthz (default v1)
  --seed N               seed of the fractional defects, to replay a run (default 1)
  --defect NAME[=VALUE]  plant an api defect (repeatable; "none" plants nothing):
                           error-spike[=0.5]      that fraction of requests answered 500, not forwarded
                           latency[=400ms]        every data request delayed
                           lost-writes[=0.2]      that fraction of writes answered 201, never forwarded
                           bad-flag[=fast-path]   while that flag is on, half the writes answered 500
                           stale-cache[=2s]       GET /kv cached that long, not invalidated by PUT

Environment:
  LEDGER_API_TOKEN       when set, a data write (PUT /entries, PUT /kv) must carry
                         "Authorization: Bearer TOKEN", else it is answered 401

Example:
  ledger api --listen 127.0.0.1:7000 --store http://127.0.0.1:7001 --version v2 --defect latency=250ms
`

func runStore(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("store")
	var tf tierFlags
	tf.register(fs, TierStore)
	data := fs.String("data", "", "data `DIR` holding ledger.db, created if missing (required)")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := tf.check(positional); err != nil {
		return err
	}
	if *data == "" {
		return usagef("--data is required, such as --data ./data")
	}
	defects, err := tf.defects.plant(TierStore)
	if err != nil {
		return err
	}
	logger := newLogger(stderr)
	ln, err := net.Listen("tcp", tf.listen)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	st, err := OpenStore(ctx, StoreConfig{DataDir: *data, Version: tf.version, Defects: defects, Logger: logger})
	if err != nil {
		ln.Close()
		return err
	}
	schema, err := st.SchemaVersion(ctx)
	if err != nil {
		ln.Close()
		return errors.Join(err, st.Close())
	}
	logger.Info("ledger store listening", "addr", ln.Addr().String(), "version", tf.version,
		"schema", schema, "defects", defects.String(), "data", *data)
	err = Serve(ctx, ln, st.Handler(), logger)
	if err = errors.Join(err, st.Close()); err == nil {
		logger.Info("ledger store stopped")
	}
	return err
}

func runAPI(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("api")
	var tf tierFlags
	tf.register(fs, TierAPI)
	store := fs.String("store", "", "the store's base `URL` (required)")
	timeout := fs.Duration("store-timeout", DefaultStoreTimeout, "bound on one forwarded request")
	refresh := fs.Duration("flag-refresh", DefaultFlagRefresh, "how often the feature flags are reloaded")
	seed := fs.Uint64("seed", 1, "seed of the fractional defects")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := tf.check(positional); err != nil {
		return err
	}
	switch {
	case *store == "":
		return usagef("--store is required, such as --store http://127.0.0.1:7001")
	case *timeout <= 0:
		return usagef("--store-timeout must be positive, such as 2s")
	case *refresh <= 0:
		return usagef("--flag-refresh must be positive, such as 1s")
	}
	defects, err := tf.defects.plant(TierAPI)
	if err != nil {
		return err
	}
	logger := newLogger(stderr)
	api, err := NewAPI(APIConfig{StoreURL: *store, StoreTimeout: *timeout, FlagRefresh: *refresh,
		Version: tf.version, Defects: defects, Seed: *seed, Logger: logger, Token: os.Getenv(TokenEnv)})
	if err != nil {
		return &usageError{err: err}
	}
	defer api.Close()
	ln, err := net.Listen("tcp", tf.listen)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	logger.Info("ledger api listening", "addr", ln.Addr().String(), "version", tf.version,
		"store", *store, "defects", defects.String(), "seed", *seed)
	if err := Serve(ctx, ln, api.Handler(), logger); err != nil {
		return err
	}
	logger.Info("ledger api stopped")
	return nil
}

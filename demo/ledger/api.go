package ledger

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Timeouts of the api tier.
const (
	// DefaultStoreTimeout bounds one forwarded request, answer included.
	DefaultStoreTimeout = 2 * time.Second
	// ReadyTimeout bounds the store health check behind /readyz.
	ReadyTimeout = time.Second
)

// APIConfig configures the api tier.
type APIConfig struct {
	// StoreURL is the store's base URL, such as http://127.0.0.1:7001.
	StoreURL string
	// StoreTimeout bounds one forwarded request (default
	// DefaultStoreTimeout); past it the api answers 504.
	StoreTimeout time.Duration
	// Version is the release label echoed in X-Version and /healthz
	// (default DefaultVersion).
	Version string
	// Defects planted in this release; only api-tier defects are allowed.
	Defects Defects
	// Seed seeds the coins of the fractional defects, so a run can be
	// replayed.
	Seed uint64
	// Logger receives errors a client cannot see; nil discards them.
	Logger *slog.Logger
}

// API is the api tier: a stateless gateway that forwards the ledger's
// routes to the store over HTTP.
type API struct {
	cfg    APIConfig
	store  *url.URL
	client *http.Client
	// coins decide which requests the fractional defects hit.
	errorSpike *coin
	lostWrites *coin
}

// NewAPI checks cfg and returns the api tier. Call Close when done.
func NewAPI(cfg APIConfig) (*API, error) {
	store, err := url.Parse(cfg.StoreURL)
	if err != nil || (store.Scheme != "http" && store.Scheme != "https") || store.Host == "" {
		return nil, fmt.Errorf("ledger: store URL %q: want http://HOST:PORT", cfg.StoreURL)
	}
	if cfg.StoreTimeout < 0 {
		return nil, fmt.Errorf("ledger: store timeout %s: must be positive", cfg.StoreTimeout)
	}
	if cfg.StoreTimeout == 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := cfg.Defects.only(TierAPI); err != nil {
		return nil, err
	}
	return &API{
		cfg:        cfg,
		store:      store,
		client:     &http.Client{Transport: storeTransport(cfg.StoreTimeout)},
		errorSpike: newCoin(cfg.Seed, "error-spike", cfg.Defects.ErrorSpike),
		lostWrites: newCoin(cfg.Seed, "lost-writes", cfg.Defects.LostWrites),
	}, nil
}

// Close drops the idle connections to the store.
func (a *API) Close() { a.client.CloseIdleConnections() }

// storeTransport dials the store directly (never through a proxy from the
// environment) and keeps enough idle connections that steady load does not
// churn through ports.
func storeTransport(timeout time.Duration) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
}

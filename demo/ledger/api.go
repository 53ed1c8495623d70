package ledger

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Timeouts of the api tier.
const (
	// DefaultStoreTimeout bounds one forwarded request, answer included.
	DefaultStoreTimeout = 2 * time.Second
	// ReadyTimeout bounds the store health check behind /readyz.
	ReadyTimeout = time.Second
	// DefaultFlagRefresh is how often the api reloads the feature flags
	// from the store.
	DefaultFlagRefresh = time.Second
)

// APIConfig configures the api tier.
type APIConfig struct {
	// StoreURL is the store's base URL, such as http://127.0.0.1:7001.
	StoreURL string
	// StoreTimeout bounds one forwarded request (default
	// DefaultStoreTimeout); past it the api answers 504. For the streamed
	// id list it bounds each wait for the store instead.
	StoreTimeout time.Duration
	// FlagRefresh is how often the api reloads the feature flags from the
	// store (default DefaultFlagRefresh); a flag written through this api
	// takes effect at once.
	FlagRefresh time.Duration
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
	// Token, when set, is required of every data write (PUT /entries,
	// PUT /kv) as "Authorization: Bearer TOKEN"; one without it is
	// answered 401. It is never logged.
	Token string
}

// API is the api tier: a gateway that forwards the ledger's routes to the
// store over HTTP. Its only state is a view of the feature flags, reloaded
// from the store, and the stale-cache defect's cache.
type API struct {
	cfg    APIConfig
	store  *url.URL
	client *http.Client
	flags  *flagView
	cache  *kvCache // nil unless the stale-cache defect is planted
	// coins decide which requests the fractional defects hit.
	errorSpike *coin
	lostWrites *coin
	badFlag    *coin
	// stop ends the flag refresher; refreshed is closed once it has.
	stop      context.CancelFunc
	refreshed chan struct{}
	closeOnce sync.Once
}

// NewAPI checks cfg and returns the api tier, which starts reloading the
// feature flags from the store in the background. Call Close when done.
func NewAPI(cfg APIConfig) (*API, error) {
	store, err := url.Parse(cfg.StoreURL)
	if err != nil || (store.Scheme != "http" && store.Scheme != "https") || store.Host == "" {
		return nil, fmt.Errorf("ledger: store URL %q: want http://HOST:PORT", cfg.StoreURL)
	}
	if cfg.StoreTimeout < 0 {
		return nil, fmt.Errorf("ledger: store timeout %s: must be positive", cfg.StoreTimeout)
	}
	if cfg.FlagRefresh < 0 {
		return nil, fmt.Errorf("ledger: flag refresh %s: must be positive", cfg.FlagRefresh)
	}
	if cfg.StoreTimeout == 0 {
		cfg.StoreTimeout = DefaultStoreTimeout
	}
	if cfg.FlagRefresh == 0 {
		cfg.FlagRefresh = DefaultFlagRefresh
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
	ctx, stop := context.WithCancel(context.Background())
	a := &API{
		cfg:        cfg,
		store:      store,
		client:     &http.Client{Transport: storeTransport(cfg.StoreTimeout)},
		flags:      newFlagView(),
		errorSpike: newCoin(cfg.Seed, "error-spike", cfg.Defects.ErrorSpike),
		lostWrites: newCoin(cfg.Seed, "lost-writes", cfg.Defects.LostWrites),
		badFlag:    newCoin(cfg.Seed, "bad-flag", badFlagShare),
		stop:       stop,
		refreshed:  make(chan struct{}),
	}
	if cfg.Defects.StaleCache > 0 {
		a.cache = newKVCache(cfg.Defects.StaleCache)
	}
	go a.refreshFlags(ctx)
	return a, nil
}

// Close stops the flag refresher and drops the idle connections to the
// store. It is safe to call more than once.
func (a *API) Close() {
	a.closeOnce.Do(func() {
		a.stop()
		<-a.refreshed
		a.client.CloseIdleConnections()
	})
}

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

package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// maxStoreAnswer bounds a store answer the api reads.
const maxStoreAnswer = 1 << 20

// Errors of a forwarded request; their text is what the api's client reads.
var (
	// errStoreUnavailable: the store could not be reached or answered a 5xx.
	errStoreUnavailable = errors.New("store unavailable")
	// errStoreTimeout: the store did not answer within the store timeout.
	errStoreTimeout = errors.New("store timed out")
)

// storeAnswer is a complete answer of the store.
type storeAnswer struct {
	code    int
	header  http.Header
	body    []byte
	version string
}

// forward sends one request to the store within the store timeout and
// relays the answer.
func (a *API) forward(w http.ResponseWriter, r *http.Request, method, path string, body []byte) {
	ctx, cancel := context.WithTimeout(r.Context(), a.cfg.StoreTimeout)
	defer cancel()
	ans, err := a.call(ctx, method, path, body)
	if err == nil && ans.code >= 500 {
		err = fmt.Errorf("ledger: store answered %d: %w", ans.code, errStoreUnavailable)
	}
	if err != nil {
		code, msg := http.StatusBadGateway, errStoreUnavailable.Error()
		if errors.Is(err, errStoreTimeout) {
			code, msg = http.StatusGatewayTimeout, errStoreTimeout.Error()
		}
		a.cfg.Logger.Warn("forward failed", "method", method, "path", path, "err", err)
		writeError(w, code, "api: "+msg)
		return
	}
	w.Header().Set(HeaderStoreVersion, ans.version)
	if ct := ans.header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(ans.code)
	_, _ = w.Write(ans.body) // the client may have gone; nothing to do
}

// storeHealth asks the store's /healthz within ReadyTimeout.
func (a *API) storeHealth(ctx context.Context) (Health, error) {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	ans, err := a.call(ctx, http.MethodGet, "/healthz", nil)
	if err != nil {
		return Health{}, err
	}
	if ans.code != http.StatusOK {
		return Health{}, fmt.Errorf("ledger: store health answered %d: %w", ans.code, errStoreUnavailable)
	}
	var h Health
	if err := json.Unmarshal(ans.body, &h); err != nil {
		return Health{}, fmt.Errorf("ledger: store health: %w: %w", errStoreUnavailable, err)
	}
	return h, nil
}

// call sends one request to the store and reads the whole answer under
// ctx, so a store that stalls mid-answer times out too. Errors wrap
// errStoreTimeout or errStoreUnavailable.
func (a *API) call(ctx context.Context, method, path string, body []byte) (storeAnswer, error) {
	u := a.store.JoinPath(path)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return storeAnswer{}, fmt.Errorf("ledger: store request: %w: %w", errStoreUnavailable, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return storeAnswer{}, classify(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxStoreAnswer))
	if err != nil {
		return storeAnswer{}, classify(err)
	}
	return storeAnswer{code: resp.StatusCode, header: resp.Header, body: b, version: resp.Header.Get(HeaderVersion)}, nil
}

// classify wraps a transport error as a timeout or as unavailability.
func classify(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("ledger: store: %w: %w", errStoreTimeout, err)
	}
	return fmt.Errorf("ledger: store: %w: %w", errStoreUnavailable, err)
}

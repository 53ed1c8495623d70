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

// maxStoreAnswer bounds a store answer the api reads whole.
const maxStoreAnswer = 1 << 20

// Errors of a forwarded request; their text is what the api's client reads.
var (
	// errStoreUnavailable: the store could not be reached or answered a 5xx.
	errStoreUnavailable = errors.New("store unavailable")
	// errStoreTimeout: the store did not answer within the store timeout.
	errStoreTimeout = errors.New("store timed out")
)

// relayedHeaders are the store's answer headers the api passes on.
var relayedHeaders = []string{"Content-Type", HeaderValue}

// storeRequest is one request the api sends to the store.
type storeRequest struct {
	method string
	path   string
	// body is nil for none; ctype is its Content-Type.
	body  []byte
	ctype string
}

// storeAnswer is a complete answer of the store.
type storeAnswer struct {
	code    int
	header  http.Header
	body    []byte
	version string
}

// forward sends one request to the store within the store timeout and
// relays the answer.
func (a *API) forward(w http.ResponseWriter, r *http.Request, req storeRequest) {
	ans, err := a.roundTrip(r.Context(), req)
	if err != nil {
		a.failForward(w, req, err)
		return
	}
	relay(w, ans)
}

// roundTrip sends one request within the store timeout; a store 5xx is an
// error wrapping errStoreUnavailable.
func (a *API) roundTrip(ctx context.Context, req storeRequest) (storeAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	ans, err := a.call(ctx, req)
	if err == nil && ans.code >= 500 {
		err = fmt.Errorf("ledger: store answered %d: %w", ans.code, errStoreUnavailable)
	}
	return ans, err
}

// failForward answers a failed forward: 504 on a timeout, else 502.
func (a *API) failForward(w http.ResponseWriter, req storeRequest, err error) {
	code, msg := http.StatusBadGateway, errStoreUnavailable.Error()
	if errors.Is(err, errStoreTimeout) {
		code, msg = http.StatusGatewayTimeout, errStoreTimeout.Error()
	}
	a.cfg.Logger.Warn("forward failed", "method", req.method, "path", req.path, "err", err)
	writeError(w, code, "api: "+msg)
}

// relay writes a store answer as the api's own.
func relay(w http.ResponseWriter, ans storeAnswer) {
	w.Header().Set(HeaderStoreVersion, ans.version)
	for _, k := range relayedHeaders {
		if v, ok := ans.header[k]; ok {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(ans.code)
	_, _ = w.Write(ans.body) // the client may have gone; nothing to do
}

// storeHealth asks the store's /healthz within ReadyTimeout.
func (a *API) storeHealth(ctx context.Context) (Health, error) {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	ans, err := a.call(ctx, storeRequest{method: http.MethodGet, path: "/healthz"})
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
func (a *API) call(ctx context.Context, sr storeRequest) (storeAnswer, error) {
	resp, err := a.send(ctx, sr)
	if err != nil {
		return storeAnswer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxStoreAnswer))
	if err != nil {
		return storeAnswer{}, classify(err)
	}
	return storeAnswer{code: resp.StatusCode, header: resp.Header, body: b, version: resp.Header.Get(HeaderVersion)}, nil
}

// send sends one request to the store and returns its answer once the
// headers are in; the caller closes the body.
func (a *API) send(ctx context.Context, sr storeRequest) (*http.Response, error) {
	u := a.store.JoinPath(sr.path)
	var body io.Reader
	if sr.body != nil {
		body = bytes.NewReader(sr.body)
	}
	req, err := http.NewRequestWithContext(ctx, sr.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("ledger: store request: %w: %w", errStoreUnavailable, err)
	}
	if sr.ctype != "" {
		req.Header.Set("Content-Type", sr.ctype)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	return resp, nil
}

// classify wraps a transport error as a timeout or as unavailability.
func classify(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errStoreTimeout) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("ledger: store: %w: %w", errStoreTimeout, err)
	}
	return fmt.Errorf("ledger: store: %w: %w", errStoreUnavailable, err)
}

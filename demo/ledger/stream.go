package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// stream forwards a GET whose answer may be far larger than an api should
// hold (the id list), copying it to the client as it arrives. The store
// timeout bounds each wait for the store, not the whole transfer. If the
// store fails mid-answer, the client's connection is cut so that it reads
// a truncated body, never a clean but short list.
func (a *API) stream(w http.ResponseWriter, r *http.Request, path string) {
	req := storeRequest{method: http.MethodGet, path: path}
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	idle := time.AfterFunc(a.cfg.StoreTimeout, func() { cancel(errStoreTimeout) })
	defer idle.Stop()

	resp, err := a.send(ctx, req)
	if err == nil && resp.StatusCode >= 500 {
		resp.Body.Close()
		err = fmt.Errorf("ledger: store answered %d: %w", resp.StatusCode, errStoreUnavailable)
	}
	if err != nil {
		a.failForward(w, req, timedOut(ctx, err))
		return
	}
	defer resp.Body.Close()
	w.Header().Set(HeaderStoreVersion, resp.Header.Get(HeaderVersion))
	for _, k := range relayedHeaders {
		if v, ok := resp.Header[k]; ok {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	if err := copyIdle(flusher{w}, resp.Body, idle, a.cfg.StoreTimeout); err != nil {
		var werr *clientWriteError
		if !errors.As(err, &werr) { // a client that went away needs no cut
			a.cfg.Logger.Warn("stream cut short", "path", path, "err", timedOut(ctx, err))
			abort(w, a.cfg.Logger)
		}
	}
}

// copyIdle copies src to dst. The idle timer runs only while it waits for
// src, so a slow client does not count against the store. A failed write
// comes back as a *clientWriteError.
func copyIdle(dst io.Writer, src io.Reader, idle *time.Timer, timeout time.Duration) error {
	buf := make([]byte, 32<<10)
	for {
		idle.Reset(timeout)
		n, rerr := src.Read(buf)
		idle.Stop()
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return &clientWriteError{err: err}
			}
		}
		switch {
		case errors.Is(rerr, io.EOF):
			return nil
		case rerr != nil:
			return rerr
		}
	}
}

// clientWriteError is a failure to write to the api's own client.
type clientWriteError struct{ err error }

func (e *clientWriteError) Error() string { return "ledger: write to client: " + e.err.Error() }
func (e *clientWriteError) Unwrap() error { return e.err }

// timedOut classifies err, as a timeout when the idle timer ended ctx.
func timedOut(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errStoreTimeout) {
		return fmt.Errorf("ledger: store: %w: %w", errStoreTimeout, err)
	}
	return classify(err)
}

// flusher writes through to the client at once, so that the client reads
// the list as the store sends it.
type flusher struct{ w http.ResponseWriter }

func (f flusher) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = http.NewResponseController(f.w).Flush()
	}
	return n, err
}

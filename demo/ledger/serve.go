package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// ShutdownGrace bounds how long Serve waits for in-flight requests once
// its context ends.
const ShutdownGrace = 10 * time.Second

// NewConnGrace is how long a shutdown waits for a connection that has
// sent no request yet before closing it. net/http's Shutdown waits 5 s
// for such a connection (one a client dialed and keeps in its pool, or
// a proxy opened for a client), which held every container stop under
// load until its grace ended and the engine sent SIGKILL.
const NewConnGrace = 100 * time.Millisecond

// Serve answers HTTP on ln with h until ctx ends, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish (for up
// to ShutdownGrace), closes connections that sent no request within
// NewConnGrace of the shutdown, and returns nil. It returns early with an error if
// serving fails. Serve closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var fresh freshConns
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ConnState:         fresh.track,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("ledger: serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	// Shutdown closes the listener at once; the connections accepted
	// before it get NewConnGrace to send their request.
	closeFresh := time.AfterFunc(NewConnGrace, fresh.closeAll)
	defer closeFresh.Stop()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("ledger: shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ledger: serve: %w", err)
	}
	return nil
}

// freshConns are the connections that have sent no request yet
// (http.StateNew). The zero value is ready to use.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// track is the server's ConnState hook.
func (f *freshConns) track(c net.Conn, state http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if state == http.StateNew {
		if f.conns == nil {
			f.conns = map[net.Conn]struct{}{}
		}
		f.conns[c] = struct{}{}
		return
	}
	delete(f.conns, c)
}

// closeAll closes every connection that has sent no request yet.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
}

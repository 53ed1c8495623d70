package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// vegetaSeqHeader is the header in which vegeta sends Result.Seq.
const vegetaSeqHeader = "X-Vegeta-Seq"

// maxIdleConns is how many idle connections a stream keeps, as vegeta's
// own default: under a rate it cannot sustain, vegeta adds workers, and
// each would otherwise open its own connection.
const maxIdleConns = 10000

// Errors of requests the run's end cut short.
var (
	// errStopped marks a request that the run's end kept from being sent.
	errStopped = errors.New("load: run stopped before the request was sent")
	// errAborted marks a request in flight when the run ended.
	errAborted = errors.New("load: request aborted by the end of the run")
)

// flight is what the transport saw of one request: vegeta keeps only the
// text of errors, so the typed error is kept here for Classify.
type flight struct {
	id      string
	err     error
	notSent bool
}

// recordingTransport sends the requests of one stream and remembers, per
// vegeta sequence number, the request id and the typed error of each. When
// the run's context is done it sends nothing more and aborts the requests
// in flight, by closing every connection it opened.
type recordingTransport struct {
	base    *http.Transport
	stopped atomic.Bool // the run's context is done
	unwatch func() bool // stops watching the run's context

	mu      sync.Mutex
	flights map[uint64]*flight

	connMu  sync.Mutex
	conns   map[*trackedConn]struct{}
	aborted bool
}

func newRecordingTransport(stop context.Context, timeout time.Duration) *recordingTransport {
	// No TCP keep-alive probes: every request has a timeout and idle
	// connections close after 30 s, so they would only cost each dial a
	// few system calls, and dials are what an overloaded generator spends
	// its time on.
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: -1}
	t := &recordingTransport{
		flights: make(map[uint64]*flight),
		conns:   make(map[*trackedConn]struct{}),
	}
	t.base = &http.Transport{
		Proxy: nil, // never route load through a proxy from the environment
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return t.track(conn)
		},
		MaxIdleConnsPerHost: maxIdleConns,
		IdleConnTimeout:     30 * time.Second,
		TLSHandshakeTimeout: timeout,
		DisableCompression:  true,
	}
	t.unwatch = context.AfterFunc(stop, t.abort)
	return t
}

// RoundTrip implements http.RoundTripper.
func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f := &flight{id: header(req.Header, HeaderRequestID)}
	if seq, err := strconv.ParseUint(header(req.Header, vegetaSeqHeader), 10, 64); err == nil {
		t.mu.Lock()
		t.flights[seq] = f
		t.mu.Unlock()
	}
	if t.stopped.Load() {
		if req.Body != nil {
			req.Body.Close()
		}
		f.err, f.notSent = errStopped, true
		return nil, errStopped
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		if t.stopped.Load() {
			// Aborted by the run's end: it may have been sent, whatever
			// the error says (a retry of it was refused, for instance).
			err = fmt.Errorf("%w (%v)", errAborted, err)
		}
		f.err = err
		return nil, err
	}
	resp.Body = &recordingBody{ReadCloser: resp.Body, f: f}
	return resp, nil
}

// take returns and forgets what was seen of request seq, or nil when the
// request never reached the transport.
func (t *recordingTransport) take(seq uint64) *flight {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.flights[seq]
	delete(t.flights, seq)
	return f
}

// track registers a new connection, or closes it when the run is over.
func (t *recordingTransport) track(conn net.Conn) (net.Conn, error) {
	tc := &trackedConn{Conn: conn, t: t}
	t.connMu.Lock()
	defer t.connMu.Unlock()
	if t.aborted {
		conn.Close()
		return nil, errStopped
	}
	t.conns[tc] = struct{}{}
	return tc, nil
}

func (t *recordingTransport) forget(tc *trackedConn) {
	t.connMu.Lock()
	delete(t.conns, tc)
	t.connMu.Unlock()
}

// abort closes every connection, so that requests in flight end now.
func (t *recordingTransport) abort() {
	t.stopped.Store(true)
	t.connMu.Lock()
	t.aborted = true
	conns := t.conns
	t.conns = nil
	t.connMu.Unlock()
	for tc := range conns {
		tc.Conn.Close()
	}
}

// close stops watching the run's context and releases idle connections.
func (t *recordingTransport) close() {
	t.unwatch()
	t.base.CloseIdleConnections()
}

// trackedConn is a connection the transport can close when the run ends.
type trackedConn struct {
	net.Conn
	t    *recordingTransport
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.t.forget(c) })
	return c.Conn.Close()
}

// recordingBody keeps the first error met while reading a response body.
type recordingBody struct {
	io.ReadCloser
	f *flight
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.f.err == nil {
		b.f.err = err
	}
	return n, err
}

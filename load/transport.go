package load

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// vegetaSeqHeader is the header in which vegeta sends Result.Seq.
const vegetaSeqHeader = "X-Vegeta-Seq"

// errStopped marks a request that the run's end kept from being sent.
var errStopped = errors.New("load: run stopped before the request was sent")

// flight is what the transport saw of one request: vegeta keeps only the
// text of errors, so the typed error is kept here for Classify.
type flight struct {
	id      string
	err     error
	notSent bool
}

// recordingTransport sends the requests of one stream and remembers, per
// vegeta sequence number, the request id and the typed error of each. It
// also aborts requests in flight when the run's context is done.
type recordingTransport struct {
	base *http.Transport
	stop context.Context

	mu      sync.Mutex
	flights map[uint64]*flight
}

func newRecordingTransport(stop context.Context, timeout time.Duration) *recordingTransport {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return &recordingTransport{
		base: &http.Transport{
			Proxy:               nil, // never route load through a proxy from the environment
			DialContext:         dialer.DialContext,
			MaxIdleConnsPerHost: 1024,
			IdleConnTimeout:     30 * time.Second,
			TLSHandshakeTimeout: timeout,
			DisableCompression:  true,
		},
		stop:    stop,
		flights: make(map[uint64]*flight),
	}
}

// RoundTrip implements http.RoundTripper.
func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f := &flight{id: req.Header.Get(HeaderRequestID)}
	if seq, err := strconv.ParseUint(req.Header.Get(vegetaSeqHeader), 10, 64); err == nil {
		t.mu.Lock()
		t.flights[seq] = f
		t.mu.Unlock()
	}
	if t.stop.Err() != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		f.err, f.notSent = errStopped, true
		return nil, errStopped
	}
	ctx, cancel := context.WithCancel(req.Context())
	release := context.AfterFunc(t.stop, cancel)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		cancel()
		f.err = err
		return nil, err
	}
	resp.Body = &recordingBody{ReadCloser: resp.Body, f: f, release: release, cancel: cancel}
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

// close releases idle connections.
func (t *recordingTransport) close() { t.base.CloseIdleConnections() }

// recordingBody keeps the first error met while reading a response body.
type recordingBody struct {
	io.ReadCloser
	f       *flight
	release func() bool
	cancel  context.CancelFunc
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.f.err == nil {
		b.f.err = err
	}
	return n, err
}

func (b *recordingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	b.cancel()
	return err
}

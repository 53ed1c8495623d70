// Package front is the traffic front of a service with several instances:
// an HTTP reverse proxy on the service's stable address that spreads
// requests over the healthy instances of one or more versions, by weight
// (a canary), switches its whole pool at once (blue-green), ejects an
// instance that cannot be reached, and counts the requests and writes
// each version served (the blast radius of a bad one).
package front

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a Front.
const (
	// DefaultEjectFor is how long an instance that could not be reached
	// gets no requests.
	DefaultEjectFor = time.Second
	// DefaultVersionHeader is the response header naming the version that
	// served a request, when the instance set none.
	DefaultVersionHeader = "X-Version"
	// maxBufferedBody is the largest request body kept to resend a request
	// to another instance after the first could not be reached.
	maxBufferedBody = 1 << 20
)

// ErrNoBackend means the front has no reachable instance for a request.
var ErrNoBackend = errors.New("front: no reachable instance")

// Options configure a Front.
type Options struct {
	// Listen is the address to listen on (default 127.0.0.1:0).
	Listen string
	// VersionHeader names the response header that says which version
	// served; the front sets it when the instance did not (default
	// X-Version).
	VersionHeader string
	// EjectFor is how long an unreachable instance is left out (default
	// DefaultEjectFor).
	EjectFor time.Duration
}

// Backend is one instance behind the front.
type Backend struct {
	// ID names the instance (a replica slot), for the journal.
	ID string
	// Addr is the host:port it listens on.
	Addr string
}

// Group is the instances of one version and the share of traffic they
// take.
type Group struct {
	Version string
	// Weight is the group's share of requests in percent; the weights of
	// a pool are relative to their sum.
	Weight   float64
	Backends []Backend
}

// Counts are the requests one version served.
type Counts struct {
	// Requests counts every answered request (any status).
	Requests int64 `json:"requests"`
	// Writes counts those whose method was not GET or HEAD.
	Writes int64 `json:"writes"`
	// Errors counts answers with a 5xx status.
	Errors int64 `json:"errors"`
}

// Front is a running traffic front. It is safe for concurrent use.
type Front struct {
	opts      Options
	ln        net.Listener
	srv       *http.Server
	transport *http.Transport
	pool      atomic.Pointer[pool]
	seq       atomic.Uint64

	mu     sync.Mutex
	counts map[string]*versionCounts
	// proxies keeps one proxy per instance address across pool switches.
	proxies map[string]*backend
	served  chan error
}

type versionCounts struct{ requests, writes, errors atomic.Int64 }

// pool is one immutable set of groups; a switch replaces it whole.
type pool struct {
	groups []*group
	cum    []float64 // cumulative weights, normalised to end at 1
}

type group struct {
	version  string
	backends []*backend
	next     atomic.Uint64
}

type backend struct {
	Backend
	version      string
	proxy        *httputil.ReverseProxy
	ejectedUntil atomic.Int64 // unix nanoseconds
	inflight     atomic.Int64
}

// New starts a front with an empty pool: it answers 502 until Set gives it
// instances.
func New(opts Options) (*Front, error) {
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.VersionHeader == "" {
		opts.VersionHeader = DefaultVersionHeader
	}
	if opts.EjectFor <= 0 {
		opts.EjectFor = DefaultEjectFor
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("front: listen on %s: %w", opts.Listen, err)
	}
	f := &Front{
		opts: opts, ln: ln,
		transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     30 * time.Second,
		},
		counts:  map[string]*versionCounts{},
		proxies: map[string]*backend{},
		served:  make(chan error, 1),
	}
	f.pool.Store(&pool{})
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { f.served <- f.srv.Serve(ln) }()
	return f, nil
}

// Addr is the address the front listens on.
func (f *Front) Addr() string { return f.ln.Addr().String() }

// Set replaces the pool at once: every request that starts after Set
// returns goes to the new groups. Groups with no instance or no weight
// take no traffic.
func (f *Front) Set(groups []Group) {
	p := &pool{}
	total := 0.0
	f.mu.Lock()
	for _, g := range groups {
		if len(g.Backends) == 0 || g.Weight <= 0 {
			continue
		}
		ng := &group{version: g.Version}
		for _, b := range g.Backends {
			ng.backends = append(ng.backends, f.backendLocked(b, g.Version))
		}
		p.groups = append(p.groups, ng)
		total += g.Weight
		p.cum = append(p.cum, total)
		if f.counts[g.Version] == nil {
			f.counts[g.Version] = &versionCounts{}
		}
	}
	f.mu.Unlock()
	for i := range p.cum {
		p.cum[i] /= total
	}
	f.pool.Store(p)
}

// backendLocked returns the proxy of an instance, made once per address
// and version; f.mu must be held.
func (f *Front) backendLocked(b Backend, version string) *backend {
	key := version + "\x00" + b.Addr
	if be, ok := f.proxies[key]; ok {
		return be
	}
	be := &backend{Backend: b, version: version}
	target := &url.URL{Scheme: "http", Host: b.Addr}
	be.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
		},
		Transport:     f.transport,
		FlushInterval: -1,
		ModifyResponse: func(resp *http.Response) error {
			if resp.Header.Get(f.opts.VersionHeader) == "" {
				resp.Header.Set(f.opts.VersionHeader, version)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if at, ok := r.Context().Value(attemptKey{}).(*attempt); ok {
				at.err = err
			}
		},
	}
	f.proxies[key] = be
	return be
}

// drainGrace covers a request that picked an instance just before a
// switch and has not yet counted itself in flight.
const drainGrace = 20 * time.Millisecond

// Drain waits until no request is in flight to the instances at addrs
// (ones a switch took out of the pool), then closes the front's idle
// connections, so that stopping those instances fails no request: none
// is sent to them, and none meets a connection they close. It gives up
// when ctx ends.
func (f *Front) Drain(ctx context.Context, addrs []string) error {
	f.mu.Lock()
	var gone []*backend
	for _, be := range f.proxies {
		if slices.Contains(addrs, be.Addr) {
			gone = append(gone, be)
		}
	}
	f.mu.Unlock()
	t := time.NewTimer(drainGrace)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("front: drain: %w", ctx.Err())
		case <-t.C:
		}
		busy := false
		for _, be := range gone {
			busy = busy || be.inflight.Load() > 0
		}
		if !busy {
			f.transport.CloseIdleConnections()
			return nil
		}
		t.Reset(5 * time.Millisecond)
	}
}

// Counts returns the requests each version served so far.
func (f *Front) Counts() map[string]Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]Counts, len(f.counts))
	for v, c := range f.counts {
		out[v] = Counts{Requests: c.requests.Load(), Writes: c.writes.Load(), Errors: c.errors.Load()}
	}
	return out
}

// Close stops the front; requests in flight get until ctx ends.
func (f *Front) Close(ctx context.Context) error {
	err := f.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = f.srv.Close()
	}
	f.transport.CloseIdleConnections()
	if serr := <-f.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("front: close: %w", err)
	}
	return nil
}

// attempt carries the error of one proxied attempt out of the proxy's
// error handler.
type attempt struct{ err error }

type attemptKey struct{}

// recorder notes whether anything was written to the client.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if fl, ok := r.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

// ServeHTTP proxies one request to an instance chosen by weight, then
// round robin among the group's reachable instances. A request that could
// not reach its instance (nothing written yet) is sent to the next one,
// up to every instance of the pool once.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := bufferBody(r)
	if err != nil {
		http.Error(w, "front: read the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	p := f.pool.Load()
	tried := map[*backend]bool{}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	for {
		be := p.pick(f.seq.Add(1), tried, time.Now().UnixNano())
		if be == nil {
			http.Error(w, ErrNoBackend.Error(), http.StatusBadGateway)
			return
		}
		tried[be] = true
		at := &attempt{}
		req := r.WithContext(context.WithValue(r.Context(), attemptKey{}, at))
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := &recorder{ResponseWriter: w}
		be.inflight.Add(1)
		be.proxy.ServeHTTP(rec, req)
		be.inflight.Add(-1)
		if at.err == nil {
			f.count(be.version, rec.status, write)
			return
		}
		be.ejectedUntil.Store(time.Now().Add(f.opts.EjectFor).UnixNano())
		if rec.status != 0 || r.Context().Err() != nil || !retriable(at.err) {
			if rec.status == 0 {
				http.Error(w, "front: "+at.err.Error(), http.StatusBadGateway)
			}
			f.count(be.version, http.StatusBadGateway, write)
			return
		}
	}
}

// count adds one answered request to its version's counts.
func (f *Front) count(version string, status int, write bool) {
	f.mu.Lock()
	c := f.counts[version]
	f.mu.Unlock()
	if c == nil {
		return
	}
	c.requests.Add(1)
	if write {
		c.writes.Add(1)
	}
	if status >= 500 {
		c.errors.Add(1)
	}
}

// retriable reports whether err means the request never reached the
// instance (it could not be dialed), so sending it elsewhere is safe.
func retriable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// bufferBody reads a small request body so that it can be sent again; nil
// for a request without one.
func bufferBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	defer r.Body.Close()
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBufferedBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBufferedBody {
		return nil, fmt.Errorf("larger than %d bytes", maxBufferedBody)
	}
	return b, nil
}

// goldenFrac spreads consecutive requests evenly over [0,1) (a Weyl
// sequence), so that every short run of requests honours the weights.
var goldenFrac = (math.Sqrt(5) - 1) / 2

// pick chooses the instance for the n-th request: a group by weight, then
// the group's next instance that is neither ejected nor tried; failing
// that, any such instance of the pool.
func (p *pool) pick(n uint64, tried map[*backend]bool, now int64) *backend {
	if len(p.groups) == 0 {
		return nil
	}
	_, x := math.Modf(float64(n) * goldenFrac)
	gi := min(groupAt(p.cum, x), len(p.groups)-1)
	order := append([]int{gi}, slices.DeleteFunc(rangeN(len(p.groups)), func(i int) bool { return i == gi })...)
	for _, allowEjected := range []bool{false, true} {
		for _, i := range order {
			if be := p.groups[i].nextUp(tried, now, allowEjected); be != nil {
				return be
			}
		}
	}
	return nil
}

// nextUp returns the group's next instance in round robin that was not
// tried (and, unless allowEjected, is not ejected).
func (g *group) nextUp(tried map[*backend]bool, now int64, allowEjected bool) *backend {
	start := g.next.Add(1)
	for k := range uint64(len(g.backends)) {
		be := g.backends[(start+k)%uint64(len(g.backends))]
		if tried[be] || (!allowEjected && be.ejectedUntil.Load() > now) {
			continue
		}
		return be
	}
	return nil
}

// groupAt returns the first index whose cumulative weight is above x.
func groupAt(cum []float64, x float64) int {
	i, _ := slices.BinarySearchFunc(cum, x, func(c, x float64) int {
		if c <= x {
			return -1
		}
		return 1
	})
	return i
}

func rangeN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

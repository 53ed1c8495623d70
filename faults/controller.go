package faults

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
)

// Options configure a Controller.
type Options struct {
	// LedgerPath is a JSON-lines file; every fault is appended to it before
	// it is applied and again (action "heal") after it is reverted, so a
	// crashed drill can be cleaned up later. Empty: no ledger.
	LedgerPath string
	// Remote, if set, is the URL (or host:port) of a toxiproxy server to
	// use instead of an embedded one, such as one the user already runs or
	// one in a container.
	Remote string
	// ListenHost is the host (an IP address or a name) that link proxies
	// listen on; default DefaultListenHost. A toxiproxy server in a
	// container needs "0.0.0.0" so that other containers reach its proxies.
	ListenHost string
	// Processes applies process faults (pause, kill, restart); without it
	// they fail with ErrNoProcessTarget. *sut.Process is one.
	Processes ProcessTarget
	// OnAutoHeal, if set, is called from its own goroutine when a fault with
	// a Duration was healed by its timer (err nil) or failed to heal.
	OnAutoHeal func(s Spec, err error)
}

// Controller owns the faults of one drill: a toxiproxy proxy per link, the
// network faults and partitions injected on them, and the process faults
// applied through Options.Processes. Every fault goes through the same
// Inject, Heal and ledger path. It is safe for concurrent use.
//
// Operations run one at a time, each to completion: when ctx ends first the
// call returns ctx's error while the operation goes on in the background,
// and Active shows its outcome. (The toxiproxy client takes no context;
// each request is bounded by its 30 s timeout. Process faults get ctx, so
// an ended ctx cuts a restart's wait for health short.)
type Controller struct {
	client     *tpclient.Client
	api        string
	listenHost string
	procs      ProcessTarget
	server     *embedded // nil with a remote server
	ledger     *ledger   // nil without a ledger path
	onAutoHeal func(Spec, error)
	token      chan struct{} // held by the one operation talking to toxiproxy

	mu      sync.Mutex        // guards the fields below
	links   map[string]string // link name (= proxy name) → listen address
	active  map[string]*fault
	seq     uint64
	closed  bool // no new links or faults
	stopped bool // Close finished its work
}

// fault is an active fault.
type fault struct {
	spec  Spec
	seq   uint64      // injection order
	timer *time.Timer // heals a fault with a Duration; nil otherwise
}

// Start returns a Controller on an embedded toxiproxy API served on
// 127.0.0.1 at a free port, or on opts.Remote if set (which must answer).
func Start(ctx context.Context, opts Options) (*Controller, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("faults: start: %w", err)
	}
	host := cmp.Or(opts.ListenHost, DefaultListenHost)
	if net.ParseIP(host) == nil && !validName(host, ".-") {
		return nil, fmt.Errorf("%w: listen host %q is neither an IP address nor a host name", ErrInvalidOption, host)
	}
	c := &Controller{
		listenHost: host,
		procs:      opts.Processes,
		onAutoHeal: opts.OnAutoHeal,
		token:      make(chan struct{}, 1),
		links:      map[string]string{},
		active:     map[string]*fault{},
	}
	if opts.Remote != "" {
		c.api = remoteURL(opts.Remote)
		c.client = tpclient.NewClient(c.api)
		err := await(ctx, func() error { _, err := c.client.Version(); return err })
		if err != nil {
			return nil, fmt.Errorf("faults: reach toxiproxy at %s: %w", c.api, err)
		}
	} else {
		srv, err := startEmbedded()
		if err != nil {
			return nil, err
		}
		c.server, c.api, c.client = srv, srv.url, tpclient.NewClient(srv.url)
	}
	if opts.LedgerPath != "" {
		l, err := openLedger(opts.LedgerPath)
		if err != nil {
			if c.server != nil {
				stopCtx, cancel := context.WithTimeout(context.Background(), stopTimeout)
				defer cancel()
				_ = c.server.stop(stopCtx) // the ledger error is the one to report
			}
			return nil, err
		}
		c.ledger = l
	}
	return c, nil
}

// DefaultListenHost is the host link proxies listen on by default.
const DefaultListenHost = "127.0.0.1"

// stopTimeout bounds the shutdown of the embedded API server.
const stopTimeout = 5 * time.Second

// remoteURL gives a server address a scheme and no trailing slash.
func remoteURL(s string) string {
	s = strings.TrimRight(s, "/")
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		s = "http://" + s
	}
	return s
}

// API returns the URL of the toxiproxy API, e.g. "http://127.0.0.1:41234".
func (c *Controller) API() string { return c.api }

// Link returns the address the proxy of a link listens on.
func (c *Controller) Link(name string) (listen string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	listen, ok = c.links[name]
	return listen, ok
}

// Active returns the active faults, in injection order.
func (c *Controller) Active() []Spec {
	c.mu.Lock()
	fs := make([]*fault, 0, len(c.active))
	for _, f := range c.active {
		fs = append(fs, f)
	}
	c.mu.Unlock()
	slices.SortFunc(fs, func(a, b *fault) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Spec, len(fs))
	for i, f := range fs {
		out[i] = f.spec
	}
	return out
}

// run waits for its turn, then runs op to completion in the background and
// returns its error, or ctx's error if ctx ends first.
func (c *Controller) run(ctx context.Context, op func() error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	select {
	case c.token <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("faults: %w", ctx.Err())
	}
	return await(ctx, func() error {
		defer func() { <-c.token }()
		return op()
	})
}

// await runs fn in its own goroutine, even if ctx has ended, and returns
// its error, or ctx's error if ctx ends first (fn then finishes unobserved).
func await(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("faults: %w", ctx.Err())
	}
}

// entry is a ledger line about s: on this controller's toxiproxy server
// for a network fault, on a service for a process fault.
func (c *Controller) entry(a Action, s Spec) LedgerEntry {
	e := LedgerEntry{Time: time.Now(), Action: a, Fault: s}
	if !s.OnService() {
		e.API, e.Proxy, e.Embedded = c.api, s.Link, c.server != nil
	}
	return e
}

// linkEntry is a ledger line about the proxy of a link.
func (c *Controller) linkEntry(a Action, link string) LedgerEntry {
	return LedgerEntry{Time: time.Now(), Action: a, API: c.api, Proxy: link, Embedded: c.server != nil}
}

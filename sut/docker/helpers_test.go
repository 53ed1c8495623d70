package docker_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

// events records runtime events; it is safe for concurrent use.
type events struct {
	mu  sync.Mutex
	all []sut.Event
}

func (e *events) add(ev sut.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

// kinds lists "VERSION KIND" of one service's events, in order.
func (e *events) kinds(service string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.all {
		if ev.Service == service {
			out = append(out, ev.Version+" "+ev.Kind)
		}
	}
	return out
}

// detail is the detail of the last event of one kind of a service
// version, "" when there is none.
func (e *events) detail(service, version, kind string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := ""
	for _, ev := range e.all {
		if ev.Service == service && ev.Version == version && ev.Kind == kind {
			d = ev.Detail
		}
	}
	return d
}

// timingLog records the timings of starts and stops; it is safe for
// concurrent use.
type timingLog struct {
	mu  sync.Mutex
	all []docker.Timing
}

func (l *timingLog) add(t docker.Timing) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, t)
}

// reset forgets the timings recorded so far.
func (l *timingLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = nil
}

// snapshot returns the timings recorded so far.
func (l *timingLog) snapshot() []docker.Timing {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.all)
}

// last returns the last timing of op on service (zero when none).
func (l *timingLog) last(op, service string) docker.Timing {
	l.mu.Lock()
	defer l.mu.Unlock()
	var t docker.Timing
	for _, x := range l.all {
		if x.Op == op && x.Service == service {
			t = x
		}
	}
	return t
}

// phaseNames lists the phases of a timing, in order.
func phaseNames(t docker.Timing) []string {
	var out []string
	for _, p := range t.Phases {
		out = append(out, p.Name)
	}
	return out
}

// ledgerServices is the demo system: a store with a data volume and an api
// that reaches it through the link api-to-store.
func ledgerServices() map[string]sut.ServiceSpec {
	store := func(label string) sut.VersionSpec {
		return sut.VersionSpec{Image: docker.LedgerImage,
			Command: []string{"store", "--listen", "${addr}", "--data", "${data_dir}", "--version", label}}
	}
	api := func(label string) sut.VersionSpec {
		return sut.VersionSpec{Image: docker.LedgerImage,
			Command: []string{"api", "--listen", "${addr}", "--store", "http://${link.api-to-store}",
				"--store-timeout", "1s", "--version", label}}
	}
	return map[string]sut.ServiceSpec{
		"store": {DataDir: true, Health: "/healthz", Initial: "v1", StopGrace: 2 * time.Second,
			Versions: map[string]sut.VersionSpec{"v1": store("v1"), "v1b": store("v1b")}},
		"api": {Health: "/healthz", Initial: "v1", StopGrace: 2 * time.Second,
			Versions: map[string]sut.VersionSpec{"v1": api("v1"), "v2": api("v2")}},
	}
}

// httpClient makes every request on a fresh connection, bounded in time.
func httpClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
}

// reply is the outcome of one request.
type reply struct {
	Code    int
	Version string
	Body    string
}

func do(c *http.Client, method, url string, body []byte) (reply, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return reply{Code: resp.StatusCode, Version: resp.Header.Get("X-Version"), Body: string(b)}, err
}

// write puts one entry through addr.
func write(addr, id string) (reply, error) {
	return do(httpClient(3*time.Second), http.MethodPut, fmt.Sprintf("http://%s/entries/%s", addr, id),
		[]byte(`{"account":"acct-1","amount":1}`))
}

// read gets one entry through addr.
func read(addr, id string) (reply, error) {
	return do(httpClient(3*time.Second), http.MethodGet, fmt.Sprintf("http://%s/entries/%s", addr, id), nil)
}

// code is the status of a request, or 0 when it failed.
func code(r reply, err error) int {
	if err != nil {
		return 0
	}
	return r.Code
}

// leftovers counts what the engine still holds of a drill.
type leftovers struct{ Containers, Networks, Volumes int }

// labelled counts the containers, networks and volumes of a drill, by
// label, as the engine sees them.
func labelled(ctx context.Context, drillID string) (leftovers, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return leftovers{}, err
	}
	defer cli.Close()
	f := make(client.Filters).Add("label", docker.LabelDrill+"="+drillID)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return leftovers{}, err
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return leftovers{}, err
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return leftovers{}, err
	}
	return leftovers{len(cs.Items), len(ns.Items), len(vs.Items)}, nil
}

// killBehindTheRuntimesBack SIGKILLs a service's container through the
// engine, as a crash would.
func killBehindTheRuntimesBack(ctx context.Context, drillID, service string) error {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	_, err = cli.ContainerKill(ctx, "faultdrill-"+drillID+"-"+service, client.ContainerKillOptions{Signal: "SIGKILL"})
	return err
}

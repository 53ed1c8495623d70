package docker_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"

	"github.com/faultdrill/faultdrill/sut/docker"
)

// BenchmarkDemoUpDown measures the setup and teardown of the demo system
// on containers, with its images already built: network, toxiproxy, the
// api-to-store proxy, store (with its volume) and api healthy, then Close.
func BenchmarkDemoUpDown(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	benchImages(ctx, b)
	var up, down time.Duration
	var ids []string
	b.Cleanup(func() {
		for _, id := range ids {
			_, _ = docker.Cleanup(context.Background(), id)
		}
	})
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("fdbench-%d-%d", os.Getpid(), i)
		ids = append(ids, id)
		start := time.Now()
		rt, err := demoUp(ctx, docker.Options{DrillID: id, WorkDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		up += time.Since(start)
		start = time.Now()
		if err := rt.Close(ctx); err != nil {
			b.Fatal(err)
		}
		down += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(up.Seconds()/n, "up-s/op")
	b.ReportMetric(down.Seconds()/n, "down-s/op")
	b.ReportMetric((up+down).Seconds()/n, "s/op")
}

// BenchmarkRecreateSwitch measures a recreate switch of the demo API on
// containers, images built: Stop of the running version (SIGTERM, exit,
// logs saved, container removed), then Start of the other one until its
// health path answers, under a steady load of 100 writes/s and with a
// connection open that a client dialed and has not used yet (as load
// generators keep in their pools). It reports the whole switch (stop to
// healthy, target ≤ 2 s), each phase of the stop and of the start as
// docker.Options.OnTiming sees them, and the requests that failed per
// switch.
func BenchmarkRecreateSwitch(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	benchImages(ctx, b)
	id := fmt.Sprintf("fdbench-switch-%d", os.Getpid())
	b.Cleanup(func() { _, _ = docker.Cleanup(context.Background(), id) })
	timings := &timingLog{}
	rt, err := demoUp(ctx, docker.Options{DrillID: id, WorkDir: b.TempDir(), OnTiming: timings.add})
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		b.Fatal(err)
	}
	vars := map[string]string{"link.api-to-store": apiLink(b, rt)}
	timings.reset()
	addr, err := rt.Addr("api")
	if err != nil {
		b.Fatal(err)
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	loaded := make(chan loadCount, 1)
	go func() { loaded <- steadyLoad(loadCtx, "http://"+addr, 100) }()
	versions := []string{"v2", "v1"}
	var switches time.Duration
	b.ResetTimer()
	for i := range b.N {
		// A connection dialed and not used yet, as a load generator's
		// pool holds: a server that waits for it to send a request before
		// shutting down stalls the stop until its grace ends.
		spare, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := rt.Stop(ctx, "api"); err != nil {
			b.Fatal(err)
		}
		if _, err := rt.Start(ctx, "api", versions[i%2], vars); err != nil {
			b.Fatal(err)
		}
		switches += time.Since(start)
		spare.Close()
	}
	b.StopTimer()
	stopLoad()
	lc := <-loaded
	n := float64(b.N)
	b.ReportMetric(switches.Seconds()/n, "switch-s/op")
	b.ReportMetric(float64(lc.failed)/n, "failed-reqs/op")
	b.Logf("load during the switches: %d requests, %d failed", lc.sent, lc.failed)
	phases := map[string]time.Duration{}
	var order []string
	for _, t := range timings.snapshot() {
		for _, p := range t.Phases {
			key := t.Op + "-" + p.Name
			if _, ok := phases[key]; !ok {
				order = append(order, key)
			}
			phases[key] += p.Duration
		}
	}
	for _, key := range order {
		b.ReportMetric(phases[key].Seconds()/n, key+"-s/op")
	}
}

// loadCount is what steadyLoad sent and how much of it failed.
type loadCount struct{ sent, failed int }

// steadyLoad writes ledger entries (PUT base/entries/ID) at rate requests
// per second on keep-alive connections, as the drill's load generator
// does, until ctx ends: at most 100,000 requests of at most 1 s each. It
// counts the ones that did not get a 2xx.
func steadyLoad(ctx context.Context, base string, rate int) loadCount {
	cl := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64}}
	defer cl.CloseIdleConnections()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var lc loadCount
	for lc.sent < 100_000 {
		select {
		case <-ctx.Done():
			wg.Wait()
			return lc
		case <-tick.C:
		}
		lc.sent++
		url := fmt.Sprintf("%s/entries/bench-%d", base, lc.sent)
		wg.Go(func() {
			req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPut, url,
				strings.NewReader(`{"account":"acct-1","amount":1}`))
			if err != nil {
				panic(err) // a constant request
			}
			req.Header.Set("Content-Type", "application/json")
			res, err := cl.Do(req)
			ok := err == nil && res.StatusCode/100 == 2
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			if !ok {
				mu.Lock()
				lc.failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lc
}

// apiLink is the address the api reaches the store at: the toxiproxy
// proxy demoUp created, as containers dial it.
func apiLink(b *testing.B, rt *docker.Runtime) string {
	b.Helper()
	apiURL, err := rt.StartToxiproxy(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	p, err := toxiclient.NewClient(apiURL).Proxy("api-to-store")
	if err != nil {
		b.Fatal(err)
	}
	return rt.LinkAddr(p.Listen)
}

// demoUp brings the demo system up on containers, with the services of
// ledgerServices and the rest of opts.
func demoUp(ctx context.Context, opts docker.Options) (*docker.Runtime, error) {
	opts.Services = ledgerServices()
	rt, err := docker.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	apiURL, err := rt.StartToxiproxy(ctx)
	if err != nil {
		return rt, err
	}
	upstream, err := rt.UpstreamAddr("store")
	if err != nil {
		return rt, err
	}
	p, err := toxiclient.NewClient(apiURL).CreateProxy("api-to-store", "0.0.0.0:0", upstream)
	if err != nil {
		return rt, err
	}
	if _, err := rt.Start(ctx, "store", "v1", nil); err != nil {
		return rt, err
	}
	_, err = rt.Start(ctx, "api", "v1", map[string]string{"link.api-to-store": rt.LinkAddr(p.Listen)})
	return rt, err
}

// benchImages skips the benchmark without a Docker engine, and builds the
// demo's images when it has one.
func benchImages(ctx context.Context, b *testing.B) {
	b.Helper()
	if err := docker.Available(ctx); err != nil {
		b.Skip("no Docker engine: " + err.Error())
	}
	if err := docker.BuildImages(ctx, "../..", nil); err != nil {
		b.Fatal(err)
	}
}

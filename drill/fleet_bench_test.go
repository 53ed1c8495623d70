package drill

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/internal/testbin"
	"github.com/faultdrill/faultdrill/sut"
)

// benchFleet starts the ledger (a store, and an api of replicas instances
// behind a front, at v1) on the process runtime.
func benchFleet(b *testing.B, replicas int) (*fleet, func()) {
	b.Helper()
	bin, err := testbin.Build(testbin.Ledger)
	if err != nil {
		b.Fatal(err)
	}
	apiVersion := func(v string) sut.VersionSpec {
		return sut.VersionSpec{Command: []string{bin, "api", "--listen", "${addr}", "--store", "http://${addr.store}", "--version", v, "--defect", "none"}}
	}
	services := map[string]sut.ServiceSpec{
		"store": {Name: "store", Health: "/healthz", DataDir: true, Initial: "v1", StopGrace: 5 * time.Second, StartTimeout: 10 * time.Second,
			Versions: map[string]sut.VersionSpec{"v1": {Command: []string{bin, "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "v1"}}}},
		"api": {Name: "api", Health: "/healthz", Initial: "v1", Replicas: replicas, StopGrace: 5 * time.Second, StartTimeout: 10 * time.Second,
			Versions: map[string]sut.VersionSpec{"v1": apiVersion("v1"), "v2": apiVersion("v2")}},
	}
	fronted := map[string]int{"api": replicas}
	p, err := sut.NewProcess(sut.ProcessOptions{Services: fleetServices(services, fronted), WorkDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	fl, err := newFleet(processRuntime{p}, fronted, "")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := fl.Start(ctx, "store", "v1", nil); err != nil {
		b.Fatal(err)
	}
	if _, err := fl.Start(ctx, "api", "v1", nil); err != nil {
		b.Fatal(err)
	}
	return fl, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = fl.Close(ctx)
		os.RemoveAll(filepath.Dir(bin))
	}
}

// steadyLoad writes to the front from workers goroutines until stop is
// closed (and at most max requests each), and counts the requests and
// the failed ones (no answer, or not 2xx).
func steadyLoad(addr string, workers, max int, stop <-chan struct{}) (wait func() (sent, failed int64)) {
	var sentN, failedN atomic.Int64
	var wg sync.WaitGroup
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := range workers {
		wg.Go(func() {
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
			for i := range max {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("http://%s/entries/b%d-%d", addr, w, i), strings.NewReader(`{"account":"a","amount":1}`))
				req.Header.Set("Content-Type", "application/json")
				sentN.Add(1)
				resp, err := c.Do(req)
				if err != nil {
					failedN.Add(1)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					failedN.Add(1)
				}
			}
		})
	}
	return func() (int64, int64) { wg.Wait(); return sentN.Load(), failedN.Load() }
}

// BenchmarkSwitch measures one switch of the ledger API (2 replicas on the
// process runtime) from v1 to v2 and back, per strategy, under a steady
// write load through the front: the switch time, its phases, and the
// requests that failed during the switches.
func BenchmarkSwitch(b *testing.B) {
	for _, strategy := range []deploy.Strategy{deploy.Recreate, deploy.Rolling, deploy.BlueGreen, deploy.Canary} {
		b.Run(string(strategy), func(b *testing.B) {
			fl, done := benchFleet(b, 2)
			defer done()
			ctx := context.Background()
			stop := make(chan struct{})
			wait := steadyLoad(fl.fronted["api"].front.Addr(), 4, 20000, stop)
			versions := []string{"v2", "v1"}
			var total, startNew, stopOld time.Duration
			b.ResetTimer()
			for i := range b.N {
				v := versions[i%2]
				t := time.Now()
				var ph Phases
				var err error
				switch strategy {
				case deploy.Recreate:
					if err = fl.Stop(ctx, "api"); err == nil {
						_, err = fl.Start(ctx, "api", v, nil)
					}
				case deploy.Rolling:
					ph, err = fl.Rolling(ctx, "api", v, deploy.Spec{Strategy: deploy.Rolling}, nil)
				case deploy.BlueGreen:
					ph, err = fl.BlueGreen(ctx, "api", v, nil)
				case deploy.Canary:
					// A canary's rollback: start it (not timed), then
					// shift its weight back and stop it (timed).
					b.StopTimer()
					if _, err = fl.StartCanary(ctx, "api", "v2", nil); err == nil {
						fl.SetCanaryWeight("api", 10)
					}
					b.StartTimer()
					t = time.Now()
					if err == nil {
						ph, err = fl.AbortCanary(ctx, "api")
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				total += time.Since(t)
				startNew += ph.StartNew
				stopOld += ph.StopOld
			}
			b.StopTimer()
			close(stop)
			sent, failed := wait()
			n := float64(b.N)
			b.ReportMetric(float64(total.Milliseconds())/n, "switch-ms")
			b.ReportMetric(float64(startNew.Milliseconds())/n, "startnew-ms")
			b.ReportMetric(float64(stopOld.Milliseconds())/n, "stopold-ms")
			b.ReportMetric(float64(failed)/n, "failed-req/switch")
			b.ReportMetric(float64(sent), "requests")
		})
	}
}

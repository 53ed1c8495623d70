package docker_test

import (
	"context"
	"fmt"
	"os"
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
	if err := docker.Available(ctx); err != nil {
		b.Skip("no Docker engine: " + err.Error())
	}
	if err := docker.BuildImages(ctx, "../..", nil); err != nil {
		b.Fatal(err)
	}
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
		rt, err := demoUp(ctx, id, b.TempDir())
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

// demoUp brings the demo system up on containers.
func demoUp(ctx context.Context, id, work string) (*docker.Runtime, error) {
	rt, err := docker.New(ctx, docker.Options{DrillID: id, Services: ledgerServices(), WorkDir: work})
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

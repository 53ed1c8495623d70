package faults_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/faults"
)

// BenchmarkIdleLink measures what an idle embedded toxiproxy link adds to
// the median latency of a request, against the direct path to the same
// trivial loopback handler. Each iteration does one request each way, on
// keep-alive connections, alternating so that both see the same load.
func BenchmarkIdleLink(b *testing.B) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	defer backend.Close()
	ctx := context.Background()
	ctl, err := faults.Start(ctx, faults.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := ctl.Close(ctx); err != nil {
			b.Error(err)
		}
	}()
	listen, err := ctl.AddLink(ctx, faults.LinkSpec{Name: "bench"}, strings.TrimPrefix(backend.URL, "http://"))
	if err != nil {
		b.Fatal(err)
	}
	direct, proxied := newTimer(backend.URL+"/"), newTimer("http://"+listen+"/")
	for range 50 { // warm up connections and code paths
		direct.once(b)
		proxied.once(b)
	}
	direct.took, proxied.took = direct.took[:0], proxied.took[:0]

	b.ResetTimer()
	for b.Loop() {
		direct.once(b)
		proxied.once(b)
	}
	b.StopTimer()
	d, p := direct.median(), proxied.median()
	b.ReportMetric(float64(p-d)/float64(time.Microsecond), "µs-added-p50")
	b.ReportMetric(float64(d)/float64(time.Microsecond), "µs-direct-p50")
}

// reqTimer times GETs of one URL over one keep-alive connection.
type reqTimer struct {
	url    string
	client *http.Client
	took   []time.Duration
}

func newTimer(url string) *reqTimer {
	return &reqTimer{url: url, client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}}
}

func (t *reqTimer) once(b *testing.B) {
	start := time.Now()
	resp, err := t.client.Get(t.url)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	t.took = append(t.took, time.Since(start))
}

func (t *reqTimer) median() time.Duration {
	s := slices.Clone(t.took)
	slices.Sort(s)
	return s[len(s)/2]
}

package front_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/front"
)

// BenchmarkFront measures what the front adds to a request: the same
// small PUT sent straight to a real HTTP server, and through a front over
// two instances of it, from parallel clients.
func BenchmarkFront(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Version", "v1")
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	f, err := front.New(front.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = f.Close(ctx)
	}()
	addr := strings.TrimPrefix(srv.URL, "http://")
	f.Set([]front.Group{{Version: "v1", Weight: 90, Backends: []front.Backend{{ID: "a", Addr: addr}}},
		{Version: "v2", Weight: 10, Backends: []front.Backend{{ID: "b", Addr: addr}}}})
	for _, target := range []struct{ name, url string }{{"direct", srv.URL}, {"front", "http://" + f.Addr()}} {
		b.Run(target.name, func(b *testing.B) {
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := c.Post(target.url+"/entries/x", "application/json", strings.NewReader(`{"amount":1}`))
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}

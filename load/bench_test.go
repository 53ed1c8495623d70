package load_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// BenchmarkRun drives 5000 req/s for 1 s against a trivial handler and
// reports the rate achieved and the heap the history keeps alive per op.
func BenchmarkRun(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Version", "v1")
	}))
	defer srv.Close()
	var r load.Rate
	if err := r.UnmarshalText([]byte("5000/s")); err != nil {
		b.Fatal(err)
	}
	spec := load.Spec{Duration: time.Second, Streams: []load.StreamSpec{{Name: "w", Rate: r, Path: "/kv/{id}", Writes: true}}}

	var ops, acked int
	var elapsed time.Duration
	var heap uint64
	for b.Loop() {
		start := time.Now()
		h, err := load.Run(context.Background(), spec, load.Options{Target: srv.URL, Base: start})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		srv.CloseClientConnections()
		ops += len(h.Ops)
		for _, op := range h.Ops {
			if op.Outcome == load.Acknowledged {
				acked++
			}
		}
		with := heapInUse()
		runtime.KeepAlive(h)
		h = nil
		heap += with - min(with, heapInUse()) // what the history alone keeps alive
	}
	b.ReportMetric(float64(ops)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(acked)/float64(max(ops, 1)), "acked/op")
	b.ReportMetric(float64(heap)/float64(max(ops, 1)), "history-B/op")
}

// heapInUse returns the live heap once it has settled: connections closed
// at the end of a run release their buffers a little later.
func heapInUse() uint64 {
	var m runtime.MemStats
	last := uint64(0)
	for range 20 {
		runtime.GC()
		runtime.ReadMemStats(&m)
		if last != 0 && m.HeapAlloc+m.HeapAlloc/100 >= last {
			break
		}
		last = m.HeapAlloc
		time.Sleep(50 * time.Millisecond)
	}
	return m.HeapAlloc
}

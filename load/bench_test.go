package load_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/faultdrill/faultdrill/load"
)

// benchRates are the constant rates the benchmarks ask for, one
// sub-benchmark each, up to where the machine can no longer follow: the
// ceiling is the highest rate achieved.
var benchRates = flag.String("load.bench-rates", "2000,4000,6000,8000", "comma-separated request rates (per second) the load benchmarks ask for")

// forEachRate runs bench as one sub-benchmark per rate of benchRates.
func forEachRate(b *testing.B, bench func(b *testing.B, rate int)) {
	for _, field := range strings.Split(*benchRates, ",") {
		rate, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || rate <= 0 {
			b.Fatalf("-load.bench-rates: %q is not a positive rate", field)
		}
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { bench(b, rate) })
	}
}

// benchDuration is how long each benchmark attack lasts.
const benchDuration = 2 * time.Second

// trivialServer answers every request at once, on loopback.
func trivialServer(b *testing.B) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Version", "v1")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	b.Cleanup(srv.Close)
	return srv
}

var newConns atomic.Int64

// attackRun is what one attack did: requests, wall time, and the CPU time
// of the whole process (client and server) meanwhile.
type attackRun struct {
	ops      int
	took     time.Duration
	cpu      time.Duration
	alloc    uint64 // bytes allocated meanwhile
	acked    int
	historyB uint64 // heap the recorded history keeps alive
	conns    int64
}

func (r *attackRun) add(o attackRun) {
	r.ops, r.took, r.cpu, r.alloc = r.ops+o.ops, r.took+o.took, r.cpu+o.cpu, r.alloc+o.alloc
	r.acked, r.historyB = r.acked+o.acked, r.historyB+o.historyB
	r.conns += o.conns
}

func (r attackRun) rate() float64 { return float64(r.ops) / r.took.Seconds() }

func (r attackRun) allocPerOp() float64 { return float64(r.alloc) / float64(max(r.ops, 1)) }

func (r attackRun) cpuPerOp() float64 {
	return float64(r.cpu.Microseconds()) / float64(max(r.ops, 1))
}

// plainAttack runs vegeta alone against srv at rate for benchDuration and
// drains and drops its results.
func plainAttack(srv *httptest.Server, rate int) attackRun {
	return plainAttackFor(srv, rate, benchDuration)
}

// warmUp runs an attack that is not measured: the first attack after a
// pause meets a cold process (a small heap, so frequent collections) and
// falls behind more easily, whichever generator it is.
func warmUp(srv *httptest.Server, rate int) { plainAttackFor(srv, rate, benchDuration/2) }

func plainAttackFor(srv *httptest.Server, rate int, duration time.Duration) attackRun {
	defer srv.CloseClientConnections()
	start, cpu, alloc, c0 := time.Now(), cpuTime(), allocated(), newConns.Load()
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPut, URL: srv.URL + "/kv/x"})
	n := 0
	for range vegeta.NewAttacker().Attack(targeter, vegeta.ConstantPacer{Freq: rate, Per: time.Second}, duration, "plain") {
		n++
	}
	return attackRun{ops: n, took: time.Since(start), cpu: cpuTime() - cpu, alloc: allocated() - alloc, conns: newConns.Load() - c0}
}

// runRecorded runs load.Run with full history, streamed to w.
func runRecorded(b *testing.B, srv *httptest.Server, w *countingWriter, rate int) attackRun {
	defer srv.CloseClientConnections()
	st := load.StreamSpec{Name: "w", Rate: load.Rate{Freq: rate, Per: time.Second}, Path: "/kv/{id}", Writes: true}
	start, cpu, alloc, c0 := time.Now(), cpuTime(), allocated(), newConns.Load()
	spec := load.Spec{Duration: benchDuration, Timeout: vegeta.DefaultTimeout, Streams: []load.StreamSpec{st}} // as plain vegeta
	h, err := load.Run(context.Background(), spec,
		load.Options{Target: srv.URL, Base: start, HistoryWriter: w})
	r := attackRun{ops: len(h.Ops), took: time.Since(start), cpu: cpuTime() - cpu, alloc: allocated() - alloc, conns: newConns.Load() - c0}
	if err != nil {
		b.Fatal(err)
	}
	for _, op := range h.Ops {
		if op.Outcome == load.Acknowledged {
			r.acked++
		}
	}
	srv.CloseClientConnections()
	with := heapInUse()
	runtime.KeepAlive(h)
	h = nil
	r.historyB = with - min(with, heapInUse()) // what the history alone keeps alive
	return r
}

// BenchmarkPlainVegeta is the reference: vegeta alone at each rate for
// 2 s against a trivial loopback handler, results drained and dropped.
func BenchmarkPlainVegeta(b *testing.B) {
	srv := trivialServer(b)
	forEachRate(b, func(b *testing.B, rate int) {
		var plain attackRun
		warmUp(srv, rate)
		for b.Loop() {
			plain.add(plainAttack(srv, rate))
		}
		b.ReportMetric(plain.rate(), "req/s")
		b.ReportMetric(plain.cpuPerOp(), "cpu-µs/op")
		b.ReportMetric(plain.allocPerOp(), "alloc-B/op")
	})
}

// BenchmarkRecorded is load.Run with full history, streamed to a writer
// that drops it, at each rate for 2 s against the same handler. Each
// iteration runs it twice and plain vegeta twice, interleaved, so that the
// ratio compares the two under the same load of the machine. It reports the rates, their ratio,
// the CPU time per op of each (client and server), the heap the history
// keeps per op and the bytes streamed per op.
func BenchmarkRecorded(b *testing.B) {
	srv := trivialServer(b)
	forEachRate(b, func(b *testing.B, rate int) { benchRecorded(b, srv, rate) })
}

func benchRecorded(b *testing.B, srv *httptest.Server, rate int) {
	var rec, plain attackRun
	var w countingWriter
	warmUp(srv, rate)
	for b.Loop() {
		// Both orders in every iteration: whichever goes first after a
		// pause is more likely to fall behind.
		plain.add(plainAttack(srv, rate))
		pprof.Do(context.Background(), pprof.Labels("gen", "recorded"), func(context.Context) {
			rec.add(runRecorded(b, srv, &w, rate))
			rec.add(runRecorded(b, srv, &w, rate))
		})
		plain.add(plainAttack(srv, rate))
	}
	b.ReportMetric(rec.rate(), "req/s")
	b.ReportMetric(plain.rate(), "plain-req/s")
	b.ReportMetric(rec.rate()/plain.rate(), "recorded/plain")
	b.ReportMetric(rec.cpuPerOp(), "cpu-µs/op")
	b.ReportMetric(plain.cpuPerOp(), "plain-cpu-µs/op")
	b.ReportMetric(rec.allocPerOp(), "alloc-B/op")
	b.ReportMetric(plain.allocPerOp(), "plain-alloc-B/op")
	b.ReportMetric(float64(rec.conns)/float64(2*b.N), "conns/run")
	b.ReportMetric(float64(plain.conns)/float64(2*b.N), "plain-conns/run")
	b.ReportMetric(float64(rec.acked)/float64(max(rec.ops, 1)), "acked/op")
	b.ReportMetric(float64(rec.historyB)/float64(max(rec.ops, 1)), "history-B/op")
	b.ReportMetric(float64(w.n.Load())/float64(max(rec.ops, 1)), "stream-B/op")
}

// countingWriter drops what it is given and counts the bytes.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
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

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// allocated returns the bytes the process has allocated so far.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

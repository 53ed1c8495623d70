package load_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// rssOps and rssRate size BenchmarkHistoryRSS: how many operations the
// run records, and at what rate it asks for them.
var (
	rssOps  = flag.Int("load.rss-ops", 1_000_000, "operations BenchmarkHistoryRSS records")
	rssRate = flag.Int("load.rss-rate", 6000, "request rate (per second) BenchmarkHistoryRSS asks for")
)

// BenchmarkHistoryRSS runs load.Run for -load.rss-ops operations (a
// million by default) against a trivial loopback handler: a write stream
// and a key-value read stream whose every answer carries a value of its
// own, with the history streamed to a file and live windows on, as in a
// drill. It reports the process's peak resident set (VmHWM, reset when
// the run starts): while the load runs, and in all, once Run has built
// the History. The handler runs in a child process, as the system under
// test of a drill does, so the figures are the harness's alone. The run
// is bounded by its length (ops / rate: 333 s at 3,000 req/s) and a
// context timeout.
func BenchmarkHistoryRSS(b *testing.B) {
	target := serveInChild(b)
	path := filepath.Join(b.TempDir(), "history.jsonl")
	for b.Loop() {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		rate := *rssRate
		duration := time.Duration(float64(*rssOps) / float64(rate) * float64(time.Second))
		writes := load.StreamSpec{Name: "w", Rate: load.Rate{Freq: rate / 2, Per: time.Second}, Method: http.MethodPut, Path: "/kv/{key}", Keys: 1000, Writes: true}
		reads := load.StreamSpec{Name: "r", Rate: load.Rate{Freq: rate - rate/2, Per: time.Second}, Path: "/kv/{key}", Keys: 1000}
		runtime.GC()
		resetPeakRSS(b)
		before := residentKB(b, "VmRSS")
		ctx, cancel := context.WithTimeout(context.Background(), 3*duration+time.Minute)
		start := time.Now()
		var loadPeak int64 // the peak while the load runs, before Run builds the History
		h, err := load.Run(ctx, load.Spec{Duration: duration, Streams: []load.StreamSpec{writes, reads}},
			load.Options{Target: target, HistoryWriter: f, OnWindow: func(load.Window) { loadPeak = residentKB(b, "VmHWM") }})
		took := time.Since(start)
		cancel()
		peak := residentKB(b, "VmHWM")
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		ops := len(h.Ops)
		runtime.KeepAlive(h)
		perMillion := float64(peak) / 1024 * 1e6 / float64(ops)
		b.ReportMetric(float64(ops), "ops")
		b.ReportMetric(float64(ops)/took.Seconds(), "req/s")
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		b.ReportMetric(float64(before)/1024, "start-RSS-MB")
		b.ReportMetric(float64(loadPeak)/1024, "load-peak-RSS-MB")
		b.ReportMetric(perMillion, "RSS-MB/Mop")
		b.ReportMetric(float64(st.Size())/float64(max(ops, 1)), "file-B/op")
	}
}

// rssServerEnv, set in the environment of this test binary, makes
// TestServeForRSS serve the handler of BenchmarkHistoryRSS.
const rssServerEnv = "FAULTDRILL_LOAD_RSS_SERVER"

// TestServeForRSS is not a test: in the child process that
// BenchmarkHistoryRSS starts, it serves a trivial handler on loopback,
// prints its URL and serves until its standard input closes.
func TestServeForRSS(t *testing.T) {
	if os.Getenv(rssServerEnv) == "" {
		t.Skip("the server of BenchmarkHistoryRSS, run only by it")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Version", "v2")
		if r.Method == http.MethodGet {
			w.Header().Set("X-Value", r.Header.Get("X-Request-Id"))
		}
	}))
	defer srv.Close()
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// serveInChild starts TestServeForRSS in a child process of this test
// binary and returns its URL; the child ends with the benchmark.
func serveInChild(b *testing.B) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeForRSS$")
	cmd.Env = append(os.Environ(), rssServerEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("the server child printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// resetPeakRSS resets the process's peak resident set (VmHWM) to its
// current one, so that it measures the run about to start.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak resident set: %v", err)
	}
}

// residentKB reads a field of /proc/self/status in kB.
func residentKB(b *testing.B, field string) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok || string(name) != field {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
		if err != nil {
			b.Fatalf("/proc/self/status: %s: %v", field, err)
		}
		return kb
	}
	b.Fatal(fmt.Sprintf("/proc/self/status has no %s", field))
	return 0
}

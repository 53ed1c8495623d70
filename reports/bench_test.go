package reports_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
)

// benchDir writes a drill folder holding r and its journal.
func benchDir(b *testing.B, r *reports.Report) string {
	b.Helper()
	dir := b.TempDir()
	if _, err := reports.Write(dir, r); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, reports.JournalFileName))
	if err != nil {
		b.Fatal(err)
	}
	enc := json.NewEncoder(f)
	for _, e := range realisticJournal(r) {
		if err := enc.Encode(e); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchRender renders dir's HTML b.N times and reports milliseconds per
// render and the page's size.
func benchRender(b *testing.B, dir string) {
	b.Helper()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := reports.Render(dir, reports.FormatHTML); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/render")
	info, err := os.Stat(filepath.Join(dir, reports.HTMLFileName))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(info.Size()), "html-bytes")
}

// BenchmarkRenderHTML1MOps renders, from report.json and journal.jsonl,
// the HTML report of a drill of 1,000,000 operations (1000 s at 1000/s,
// windows built with load.Windows). Targets: under 2 s and 2 MB.
func BenchmarkRenderHTML1MOps(b *testing.B) {
	end := 1000 * time.Second
	ops := syntheticOps(1_000_000, 1000, 11)
	r := reportOf(ops, end)
	if len(r.Windows) != 1000 || r.Load.Ops != 1_000_000 {
		b.Fatalf("got %d windows of %d ops", len(r.Windows), r.Load.Ops)
	}
	benchRender(b, benchDir(b, r))
}

// BenchmarkRenderHTML100kWindows renders a 28-hour drill (100,000
// windows), whose series LTTB brings down to ChartPoints.
func BenchmarkRenderHTML100kWindows(b *testing.B) {
	r := reportOf(syntheticOps(10_000, 100, 11), 100*time.Second)
	r.Windows = make([]load.Window, 100_000)
	for i := range r.Windows {
		r.Windows[i] = load.Window{Start: time.Duration(i) * time.Second, Count: 1000, Acknowledged: 990, Failed: 10,
			ErrorRate: 0.01, P99: time.Duration(5+i%7) * time.Millisecond}
	}
	benchRender(b, benchDir(b, r))
}

package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// BenchmarkDurabilityList checks 1,000,000 acknowledged writes against one
// list request to a loopback server that lost one of them (target: < 2 s).
func BenchmarkDurabilityList(b *testing.B) {
	const n = 1_000_000
	ops := make([]load.Op, n)
	ids := make([]string, 0, n)
	for i := range ops {
		id := fmt.Sprintf("writes-%08d", i)
		ops[i] = load.Op{ID: id, Stream: "writes", Write: true, Outcome: load.Acknowledged, Start: time.Duration(i) * time.Microsecond, End: time.Duration(i+1) * time.Microsecond}
		if i != n/2 {
			ids = append(ids, id)
		}
	}
	lines := []byte(joinLines(ids))
	array, err := json.Marshal(ids)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body []byte
	}{{"lines", lines}, {"json", array}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write(tc.body)
			}))
			defer srv.Close()
			spec := verify.DurabilitySpec{List: request("GET /entries")}
			for b.Loop() {
				res := verify.Durability(context.Background(), srv.URL, spec, ops, 0)
				if res.Verdict != verify.Failure || res.Evidence["lost"] != 1 {
					b.Fatalf("want one lost write, got %s: %s", res.Verdict, res.Summary)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/check")
			b.ReportMetric(float64(len(tc.body))/1e6, "MB/list")
		})
	}
}

func joinLines(ids []string) string {
	var buf bytes.Buffer
	for _, id := range ids {
		buf.WriteString(id)
		buf.WriteByte('\n')
	}
	return buf.String()
}

// BenchmarkLinearizable checks a linearizable 10,000-operation key-value
// history over 100 keys, simulated with overlapping intervals, failed and
// indeterminate writes (target: < 5 s).
func BenchmarkLinearizable(b *testing.B) {
	ops := benchSim().history(42)
	for b.Loop() {
		res := verify.Linearizable(ops, time.Minute, "")
		if res.Verdict != verify.Success {
			b.Fatalf("want success, got %s: %s", res.Verdict, res.Summary)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/check")
}

// benchSim is the workload of BenchmarkLinearizable: 10,000 operations on
// 100 keys, 50 in flight on average, 3% of writes indeterminate and 2%
// failed, 2% of reads failed.
func benchSim() kvSim {
	return kvSim{
		ops: 10_000, keys: 100, concurrency: 50, meanLatency: 20 * time.Millisecond,
		indeterminate: 0.03, failed: 0.02, failedReads: 0.02,
	}
}

// BenchmarkLinearizablePerKey checks the workload that gave up in issue
// 12 — 10 keys, 1,300 operations, a fifth of them indeterminate writes
// applied up to 2 s late (realScale) — and variants: 1,300 operations on
// each of the 10 keys, and writes that repeat 50 values, which the
// cluster check does not apply to, so that porcupine searches every key.
// The target is a verdict on every key within the default 30 s budget.
func BenchmarkLinearizablePerKey(b *testing.B) {
	perKey := realScale()
	perKey.ops = 13_000
	repeated := realScale()
	repeated.values, repeated.lateEffect = 50, 0
	for _, tc := range []struct {
		name string
		sim  kvSim
	}{{"1300ops", realScale()}, {"1300ops-per-key", perKey}, {"1300ops-repeated-values", repeated}} {
		b.Run(tc.name, func(b *testing.B) {
			ops := tc.sim.history(42)
			keys := 0
			for b.Loop() {
				res := verify.Linearizable(ops, verify.DefaultLinearizabilityTimeout, "")
				if res.Verdict != verify.Success {
					b.Fatalf("want success, got %s: %s", res.Verdict, res.Summary)
				}
				keys += res.Coverage.Checked
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/check")
			b.ReportMetric(float64(keys)/b.Elapsed().Seconds(), "keys/s")
		})
	}
}

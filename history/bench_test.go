package history_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

// generated returns n runs of 5 scenarios over the 90 days before end,
// oldest first, with figures spread like real drills.
func generated(n int, end time.Time) []history.Run {
	rng := rand.New(rand.NewPCG(1, 2))
	services := [][]string{{"api", "store"}, {"api", "store"}, {"filer", "master", "volume"}, {"api", "cache"}, {"api", "store"}}
	span := 90 * 24 * time.Hour
	runs := make([]history.Run, n)
	for i := range runs {
		sc := i % 5
		r := aRun(fmt.Sprintf("gen-%06d", i), fmt.Sprintf("scenario-%d", sc), 0, services[sc]...)
		r.Started = end.Add(-span + span/time.Duration(n)*time.Duration(i))
		r.Detection = dur(time.Duration(500+rng.IntN(3000)) * time.Millisecond)
		r.Rollback = dur(time.Duration(200+rng.IntN(5000)) * time.Millisecond)
		r.RTO = dur(*r.Rollback + time.Duration(rng.IntN(2000))*time.Millisecond)
		r.MTTR = dur(*r.Detection + *r.RTO)
		if rng.IntN(20) == 0 {
			r.Passed, r.Status, r.Class, r.Inconsistent, r.LostWrites = false, reports.Failed, reports.ClassIntegrity, flag(true), num(1+rng.IntN(9))
		}
		runs[i] = r
	}
	return runs
}

// tenThousandOps is the report of a drill of 10,000 operations.
func tenThousandOps() *reports.Report {
	ms := func(n int) *time.Duration { return dur(time.Duration(n) * time.Millisecond) }
	lost := 0
	rep := &reports.Report{
		Schema: reports.Schema,
		Drill:  reports.Drill{ID: "bench-drill", Scenario: "scenario-0", Started: time.Now(), Duration: 110 * time.Second, Dir: "drills/bench-drill"},
		Status: reports.Passed, Outcome: reports.Outcome{Passed: true, Class: reports.ClassPassed},
		Phases:   reports.Phases{FaultOnset: ms(5000), TriggerFired: ms(7100), RollbackStart: ms(7100), RollbackEnd: ms(8300), Recovered: ms(8900)},
		Measures: reports.Measures{DetectionTime: ms(2100), RollbackDuration: ms(1200), RTO: ms(1800), LostWrites: &lost},
		Load:     reports.LoadSummary{Ops: 10000, Acknowledged: 9800, Failed: 190, Indeterminate: 10, Rate: 100},
		Deploys:  []reports.Deploy{{Service: "api", From: "v1", To: "v2", By: "timeline"}, {Service: "api", From: "v2", To: "v1", By: "rollback"}},
		Verifiers: []verify.Result{
			{Name: verify.NameDurability, Verdict: verify.Success, Integrity: true, Coverage: &verify.Coverage{Checked: 9800, Expected: 9800, Unit: "acknowledged writes"}},
			{Name: verify.NameHealth, Verdict: verify.Success},
		},
	}
	return rep
}

func fill(b *testing.B, path string, runs []history.Run) {
	b.Helper()
	ctx := context.Background()
	s, err := history.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, r := range runs {
		if _, err := s.Record(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord measures what run adds to a drill of 10,000 operations
// to record it in an SQLite history of 1,000 drills: open the store, read
// the scenario's trailing runs, insert, compare, close. Target < 50 ms.
func BenchmarkRecord(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.db")
	fill(b, path, generated(1000, time.Now().Add(-time.Hour)))
	rep := tenThousandOps()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		rep.Drill.ID = fmt.Sprintf("bench-%d", i)
		s, err := history.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.RecordAndCompare(ctx, history.FromReport(rep, []string{"api", "store"}), history.DefaultFactor); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/record")
}

// BenchmarkTrends measures faultdrill trends over 10,000 drills in SQLite:
// read them, compute every figure per scenario, service and day, and
// render the HTML page. Target < 1 s.
func BenchmarkTrends(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history.db")
	end := time.Now()
	fill(b, path, generated(10000, end))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s, err := history.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		runs, err := s.List(ctx, history.Filter{Since: end.AddDate(0, 0, -90)})
		if err != nil {
			b.Fatal(err)
		}
		if len(runs) != 10000 {
			b.Fatalf("%d runs, want 10000", len(runs))
		}
		t := history.Compute(runs, end.AddDate(0, 0, -90), end)
		if err := history.WriteHTML(io.Discard, t); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/trends")
}

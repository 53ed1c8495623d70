package reports_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// evil is text a hostile system under test could put in a report.
const evil = `<script>alert("pwned")</script><img src=x onerror=alert(1)> | **bold** ]]> &amp;`

// syntheticOps simulates a drill of n operations at rate per second: a bad
// release at 30% of the drill makes a third of the requests fail and p99
// climb, until a rollback at 40%; every 97th op is a write lost.
func syntheticOps(n int, rate float64, seed uint64) []load.Op {
	rng := rand.New(rand.NewPCG(seed, seed))
	ops := make([]load.Op, n)
	total := time.Duration(float64(n) / rate * float64(time.Second))
	for i := range ops {
		start := time.Duration(float64(i) / rate * float64(time.Second))
		bad := start > total*3/10 && start < total*4/10
		lat := time.Duration(2+rng.IntN(6)) * time.Millisecond
		outcome := load.Acknowledged
		code := uint16(200)
		if bad {
			lat += time.Duration(rng.IntN(200)) * time.Millisecond
			if rng.IntN(3) == 0 {
				outcome, code = load.Failed, 500
			}
		}
		if rng.IntN(5000) == 0 {
			outcome, code = load.Indeterminate, 0
		}
		ops[i] = load.Op{ID: fmt.Sprintf("w-%07d", i), Start: start, End: start + lat, Code: code, Outcome: outcome, Write: true}
	}
	return ops
}

// realisticReport is a judged report of a drill of the given length at
// 100 ops/s: a bad release, a trigger, an approval, a rollback, a latency
// fault, lost writes, and a verifier whose summary and evidence carry
// hostile markup.
func realisticReport(seconds int) *reports.Report {
	return reportOf(syntheticOps(seconds*100, 100, 7), time.Duration(seconds)*time.Second)
}

// reportOf is realisticReport for the given operations of a drill that
// lasted end.
func reportOf(ops []load.Op, end time.Duration) *reports.Report {
	at := func(f float64) time.Duration { return time.Duration(f * float64(end)) }
	lost := []string{}
	for i := 0; i < len(ops); i += 97 {
		lost = append(lost, ops[i].ID)
	}
	l := reports.LoadSummary{Ops: len(ops), Rate: float64(len(ops)) / end.Seconds()}
	for _, op := range ops {
		switch op.Outcome {
		case load.Acknowledged:
			l.Acknowledged++
		case load.Failed:
			l.Failed++
		default:
			l.Indeterminate++
		}
	}
	r := &reports.Report{
		Schema: reports.Schema,
		Drill: reports.Drill{ID: "ledger-20260101-120000-ab12", Scenario: "ledger-bad-release", File: "scenarios/ledger.yaml",
			Digest: "7010f223830507bef457ddd6256f6aa878f1372398f62956eb16af33a6d75430", Seed: 42, Runtime: "process",
			Started: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), Duration: end + 2*time.Second, Dir: "drills/x"},
		Status: reports.Failed,
		Objectives: reports.Objectives{RTO: 10 * time.Second, RTOFrom: "rollback-start", RPO: 0, PassScore: 80,
			SLOErrorRate: 0.01, Detection: 5 * time.Second},
		Phases: reports.Phases{LoadStart: dur(0), FaultOnset: dur(at(0.3)), FirstBreach: dur(at(0.3) + time.Second),
			TriggerFired: dur(at(0.3) + 3*time.Second), RollbackStart: dur(at(0.4)), RollbackEnd: dur(at(0.4) + 80*time.Millisecond),
			Recovered: dur(at(0.4) + time.Second), LoadEnd: dur(end)},
		Measures: reports.Measures{DetectionTime: dur(3 * time.Second), RollbackDuration: dur(80 * time.Millisecond),
			RTO: dur(time.Second), RTOFrom: "rollback-start", LostWrites: ptrInt(len(lost))},
		Trigger: &rollback.Firing{Trigger: "error_rate above 5%", FirstBreach: at(0.3) + time.Second, At: at(0.3) + 3*time.Second, Value: 0.33, Windows: 2},
		Actions: []rollback.ActionResult{{Action: rollback.RedeployPrevious, Status: rollback.StepDone, Service: "api", From: "v2", To: "v1", Start: at(0.4), End: at(0.4) + 80*time.Millisecond}},
		Deploys: []reports.Deploy{
			{Service: "api", From: "v1", To: "v2", By: "timeline", Start: at(0.3), End: at(0.3) + 60*time.Millisecond},
			{Service: "api", From: "v2", To: "v1", By: "rollback", Start: at(0.4), End: at(0.4) + 80*time.Millisecond},
		},
		Faults:  []reports.Fault{{Name: "lat", Kind: "latency", Link: "api-to-" + evil, Start: at(0.6), End: dur(at(0.7))}},
		Load:    l,
		Windows: load.Windows(ops, end),
		Verifiers: []verify.Result{
			{Name: "health", Verdict: verify.Success, Summary: "all 2 services answered healthy",
				Evidence: map[string]any{"healthy": []string{"api", "store"}, "unhealthy": []string{}}},
			{Name: "durability", Verdict: verify.Failure, Integrity: true,
				Summary:  fmt.Sprintf("%d of %d acknowledged writes lost (RPO allows 0)", len(lost), l.Acknowledged),
				Evidence: map[string]any{"lost": len(lost), "lostIds": lost[:min(len(lost), 100)]}},
			{Name: "slo", Verdict: verify.Success, Summary: "every window after the rollback met the SLO",
				Evidence: map[string]any{"compliant": 30, "windows": 30}},
			{Name: "stale-reads", Verdict: verify.Unknown, Summary: evil, Evidence: map[string]any{"example": evil}},
			{Name: "linearizability", Verdict: verify.Skipped, Summary: "no key-value workload"},
		},
	}
	reports.Judge(r)
	return r
}

// realisticJournal is the journal of realisticReport's drill, with an
// approval and a hostile message.
func realisticJournal(r *reports.Report) []reports.JournalEntry {
	return []reports.JournalEntry{
		{T: time.Millisecond, Kind: "drill.start", Msg: "ledger-bad-release (seed 42)", Fields: map[string]any{"digest": r.Drill.Digest}},
		{T: *r.Phases.FaultOnset, Kind: "deploy.start", Msg: "api v1 → v2 (timeline)"},
		{T: *r.Phases.TriggerFired, Kind: "trigger.fired", Msg: `"error_rate above 5%" held for 2 window(s)`},
		{T: *r.Phases.TriggerFired + time.Second, Kind: "approval.granted", Msg: "approved by alice (sre): " + evil,
			Fields: map[string]any{"by": "alice", "role": "sre"}},
		{T: *r.Phases.RollbackStart, Kind: "rollback.start", Msg: "1 action(s)"},
		{T: *r.Phases.RollbackEnd, Kind: "rollback.end", Msg: "done in 80ms"},
		{T: *r.Phases.LoadEnd, Kind: "sut.log", Msg: evil, Fields: map[string]any{"line": evil}},
	}
}

// drillDir writes r and its journal into a new drill folder.
func drillDir(r *reports.Report, journal []reports.JournalEntry) string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	_, err := reports.Write(dir, r)
	Expect(err).NotTo(HaveOccurred())
	if journal != nil {
		f, err := os.Create(filepath.Join(dir, reports.JournalFileName))
		Expect(err).NotTo(HaveOccurred())
		enc := json.NewEncoder(f)
		for _, e := range journal {
			Expect(enc.Encode(e)).To(Succeed())
		}
		Expect(f.Close()).To(Succeed())
	}
	return dir
}

func ptrInt(n int) *int { return &n }

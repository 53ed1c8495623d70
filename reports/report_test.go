package reports_test

import (
	"encoding/json"
	"errors"
	"io/fs"
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

// fullReport fills every part of a report with values that survive JSON
// as they are (evidence numbers as float64, lists as []any).
func fullReport() *reports.Report {
	return &reports.Report{
		Schema: reports.Schema,
		Drill: reports.Drill{
			ID: "20260101-120000-bad-release", Scenario: "bad-release", File: "scenarios/bad-release.yaml",
			Digest: "ab12", Seed: 42, Runtime: "process",
			Started:  time.Date(2026, 1, 1, 12, 0, 0, 123456789, time.UTC),
			Duration: 95 * time.Second, Dir: "drills/20260101-120000-bad-release",
		},
		Status:     reports.Failed,
		Partial:    true,
		Error:      "x",
		Objectives: reports.Objectives{RTO: 30 * time.Second, RTOFrom: "fault-onset", RPO: 1, PassScore: 80, SLOErrorRate: 0.01, SLOP99: 250 * time.Millisecond},
		Phases: reports.Phases{
			LoadStart: dur(0), FaultOnset: dur(10 * time.Second), FirstBreach: dur(11 * time.Second),
			TriggerFired: dur(13 * time.Second), RollbackStart: dur(13 * time.Second),
			RollbackEnd: dur(17 * time.Second), Recovered: dur(18 * time.Second), LoadEnd: dur(60 * time.Second),
		},
		Measures: reports.Measures{
			DetectionTime: dur(3 * time.Second), RollbackDuration: dur(4 * time.Second),
			RTO: dur(8 * time.Second), RTOFrom: "fault-onset", LostWrites: ptrInt(2),
		},
		Trigger: &rollback.Firing{Trigger: "errors", FirstBreach: 11 * time.Second, At: 13 * time.Second, Value: 0.4, Windows: 2},
		Actions: []rollback.ActionResult{{Action: rollback.RedeployPrevious, Service: "api", From: "v2", To: "v1", Start: 13 * time.Second, End: 17 * time.Second}},
		Deploys: []reports.Deploy{{Service: "api", From: "v1", To: "v2", By: "timeline", Start: 10 * time.Second, End: 11 * time.Second}},
		Faults:  []reports.Fault{{Name: "cut", Kind: "partition", Link: "api->db", Start: 20 * time.Second, End: dur(25 * time.Second)}},
		Load:    reports.LoadSummary{Ops: 10, Acknowledged: 7, Failed: 2, Indeterminate: 1, Rate: 9.5, History: "history.jsonl"},
		Windows: []load.Window{{Start: time.Second, Count: 10, Acknowledged: 9, Failed: 1, ErrorRate: 0.1, P50: time.Millisecond, P90: 2 * time.Millisecond, P99: 3 * time.Millisecond, Classes: map[string]int{"2xx": 9, "5xx": 1}}},
		Verifiers: []verify.Result{{
			Name: "durability", Verdict: verify.Failure, Summary: "2 of 7 lost", Integrity: true,
			Evidence: map[string]any{"lost": 2.0, "lostIds": []any{"a", "b"}},
		}},
		Score:   reports.Score{Value: 70, PassScore: 80, Components: []reports.Component{{Name: "rto", Weight: 40, Value: 1, Detail: "d"}}, Formula: reports.Formula},
		Outcome: reports.Outcome{Passed: false, Class: reports.ClassIntegrity, Reasons: []string{"durability: 2 of 7 lost"}},
	}
}

var _ = Describe("Write and Read", func() {
	It("round-trips a report through report.json in the folder", func() {
		dir := GinkgoT().TempDir()
		r := fullReport()
		path, err := reports.Write(dir, r)
		Expect(err).NotTo(HaveOccurred())
		Expect(path).To(Equal(filepath.Join(dir, reports.FileName)))

		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1), "no temporary file is left behind")

		back, err := reports.Read(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(back).To(Equal(r))
	})

	It("writes offsets and durations as nanoseconds and the schema string", func() {
		dir := GinkgoT().TempDir()
		path, err := reports.Write(dir, fullReport())
		Expect(err).NotTo(HaveOccurred())
		var raw map[string]any
		b, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &raw)).To(Succeed())
		Expect(raw).To(HaveKeyWithValue("schema", reports.Schema))
		Expect(raw["measures"]).To(HaveKeyWithValue("rto", float64(8*time.Second)))
	})

	It("replaces an earlier report", func() {
		dir := GinkgoT().TempDir()
		r := fullReport()
		_, err := reports.Write(dir, r)
		Expect(err).NotTo(HaveOccurred())
		r.Score.Value = 99
		path, err := reports.Write(dir, r)
		Expect(err).NotTo(HaveOccurred())
		back, err := reports.Read(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Score.Value).To(Equal(99))
	})

	It("rejects a report of another schema", func() {
		dir := GinkgoT().TempDir()
		r := fullReport()
		r.Schema = "faultdrill.report/v2"
		path, err := reports.Write(dir, r)
		Expect(err).NotTo(HaveOccurred())
		back, err := reports.Read(path)
		Expect(err).To(HaveOccurred())
		Expect(back).To(BeNil())
	})

	It("rejects a file with no schema", func() {
		path := filepath.Join(GinkgoT().TempDir(), reports.FileName)
		Expect(os.WriteFile(path, []byte(`{"status":"passed"}`), 0o644)).To(Succeed())
		_, err := reports.Read(path)
		Expect(err).To(HaveOccurred())
	})

	It("wraps the JSON error of a malformed file", func() {
		path := filepath.Join(GinkgoT().TempDir(), reports.FileName)
		Expect(os.WriteFile(path, []byte(`{"schema":`), 0o644)).To(Succeed())
		_, err := reports.Read(path)
		var syntax *json.SyntaxError
		Expect(errors.As(err, &syntax)).To(BeTrue(), "got %v", err)
	})

	It("wraps the error of a missing file", func() {
		_, err := reports.Read(filepath.Join(GinkgoT().TempDir(), "nope.json"))
		Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "got %v", err)
	})

	It("fails to write into a folder that does not exist", func() {
		_, err := reports.Write(filepath.Join(GinkgoT().TempDir(), "missing"), fullReport())
		Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "got %v", err)
	})
})

package reports_test

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
)

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// lineIndex returns the index of the first line containing all the parts,
// or -1.
func lineIndex(lines []string, parts ...string) int {
	for i, l := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return i
		}
	}
	return -1
}

// summary renders r's summary and splits it into lines.
func summary(r *reports.Report, path string) (string, []string) {
	GinkgoHelper()
	var b strings.Builder
	Expect(reports.WriteSummary(&b, r, path)).To(Succeed())
	return b.String(), strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}

var _ = Describe("WriteSummary", func() {
	// timelineReport has its events listed out of time order on purpose.
	timelineReport := func() *reports.Report {
		r := fullReport()
		r.Deploys = []reports.Deploy{
			{Service: "api", From: "v2", To: "v1", By: "rollback", Start: 14 * time.Second, End: 17 * time.Second},
			{Service: "api", From: "v1", To: "v2", By: "timeline", Start: 5 * time.Second, End: 6 * time.Second},
		}
		r.Faults = []reports.Fault{{Name: "cut", Kind: "partition", Link: "api->db", Start: 20 * time.Second, End: dur(25 * time.Second)}}
		r.Trigger = &rollback.Firing{Trigger: "errors", FirstBreach: 11 * time.Second, At: 13 * time.Second, Value: 0.4, Windows: 2}
		r.Score = reports.Score{Value: 63, PassScore: 80}
		r.Outcome = reports.Outcome{Class: reports.ClassIntegrity, Reasons: []string{"durability: 2 of 7 lost", "score 63 is below the pass mark 80"}}
		return r
	}

	It("lists deploys, the trigger and faults in time order", func() {
		_, lines := summary(timelineReport(), "")
		deploy := lineIndex(lines, "deploy api", "v1 → v2", "timeline")
		trigger := lineIndex(lines, "trigger", `"errors"`, "fired")
		rollbackDeploy := lineIndex(lines, "deploy api", "v2 → v1", "rollback")
		injected := lineIndex(lines, "partition", "api->db", "injected")
		healed := lineIndex(lines, "partition", "api->db", "healed")
		Expect([]int{deploy, trigger, rollbackDeploy, injected, healed}).NotTo(ContainElement(-1), strings.Join(lines, "\n"))
		Expect(deploy).To(BeNumerically("<", trigger))
		Expect(trigger).To(BeNumerically("<", rollbackDeploy))
		Expect(rollbackDeploy).To(BeNumerically("<", injected))
		Expect(injected).To(BeNumerically("<", healed))
		Expect(lines[trigger]).To(ContainSubstring("t+13s"))
		Expect(lines[trigger]).To(ContainSubstring("t+11s"), "when the breach began")
	})

	It("shows the score line and every reason", func() {
		out, _ := summary(timelineReport(), "")
		Expect(out).To(MatchRegexp(`(?m)^\s+score\s+63 / 100 \(pass mark 80\)$`))
		Expect(out).To(ContainSubstring("durability: 2 of 7 lost"))
		Expect(out).To(ContainSubstring("score 63 is below the pass mark 80"))
	})

	It("heads the summary with the scenario, the status and the seed", func() {
		_, lines := summary(timelineReport(), "")
		Expect(lines[0]).To(ContainSubstring("bad-release"))
		Expect(lines[0]).To(ContainSubstring("FAILED"))
		Expect(lines[0]).To(ContainSubstring("seed 42"))
	})

	It("shows the verifiers, the load, the lost writes and the report path", func() {
		out, _ := summary(timelineReport(), "drills/x/report.json")
		Expect(out).To(ContainSubstring("2 of 7 lost"))
		Expect(out).To(MatchRegexp(`load\s+10 operations: 7 acknowledged, 2 failed, 1 indeterminate`))
		Expect(out).To(MatchRegexp(`lost writes\s+2 acknowledged writes \(RPO 1\)`))
		Expect(out).To(MatchRegexp(`RTO\s+8s \(objective 30s, counted from fault-onset\)`))
		Expect(out).To(ContainSubstring("drills/x/report.json"))
	})

	It("says when no trigger fired and the system never recovered", func() {
		r := timelineReport()
		r.Trigger = nil
		r.Measures.RTO = nil
		out, lines := summary(r, "")
		Expect(lineIndex(lines, "trigger", "none fired")).NotTo(Equal(-1), out)
		Expect(lineIndex(lines, "fired (breached")).To(Equal(-1))
		Expect(out).To(MatchRegexp(`RTO\s+never recovered before the load ended \(objective 30s\)`))
	})

	It("marks a deploy that failed and a deploy from nothing", func() {
		r := timelineReport()
		r.Deploys = []reports.Deploy{{Service: "db", To: "d1", By: "timeline", Start: time.Second, Error: "health check timed out"}}
		_, lines := summary(r, "")
		Expect(lineIndex(lines, "deploy db - → d1", "failed: health check timed out")).NotTo(Equal(-1), strings.Join(lines, "\n"))
	})

	It("returns the writer's error", func() {
		boom := errors.New("disk full")
		Expect(reports.WriteSummary(failingWriter{boom}, timelineReport(), "")).To(MatchError(boom))
	})
})

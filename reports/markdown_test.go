package reports_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

func markdown(r *reports.Report) string {
	GinkgoHelper()
	var b strings.Builder
	Expect(reports.WriteMarkdown(&b, r)).To(Succeed())
	return b.String()
}

var _ = Describe("WriteMarkdown", func() {
	It("heads the summary with the status in words, the score and the class", func() {
		r := realisticReport(60)
		out := markdown(r)
		first, _, _ := strings.Cut(out, "\n")
		Expect(first).To(Equal("## faultdrill: ledger-bad-release FAILED"))
		Expect(out).To(ContainSubstring("**FAILED**: score **%d / 100** (pass mark 80). Verdict: integrity — integrity violated (exit 4).", r.Score.Value))
		Expect(out).To(ContainSubstring("seed 42"))
	})

	It("has a row per score part, gate, phase, measure and verifier", func() {
		r := realisticReport(60)
		out := markdown(r)
		for _, c := range r.Score.Components {
			Expect(out).To(MatchRegexp(`(?m)^\| %s \| %g \| `, c.Name, c.Weight))
		}
		Expect(out).To(MatchRegexp(`(?m)^\| \*\*score\*\* \| \| \*\*%d\*\* \| pass mark 80 \|$`, r.Score.Value))
		Expect(out).To(MatchRegexp(`(?m)^\| integrity \| failed \| durability: \d+ of \d+ acknowledged writes lost`))
		Expect(out).To(ContainSubstring("| rto | passed | recovered in 1s, within the 10s objective |"))
		Expect(out).To(ContainSubstring("| trigger fired | t+21s |"))
		Expect(out).To(ContainSubstring("| RTO | 1s (objective 10s, counted from rollback-start) |"))
		Expect(out).To(MatchRegexp(`(?m)^\| durability \| failure \| yes \| \d+ of \d+ acknowledged writes lost \(RPO allows 0\) \|$`))
		Expect(out).To(ContainSubstring("| linearizability | skipped |  | no key-value workload |"))
		Expect(out).NotTo(ContainSubstring("Σ weight"), "the formula is in report.json and report.html only")
		Expect(out).To(ContainSubstring("`score.formula` in report.json"))
	})

	It("has a section each for the gates, timeline, trigger, approval, steps, rollback actions, measures, verifiers and score, in that order", func() {
		r := realisticReport(60)
		r.Approval = &rollback.Approval{Approved: true, By: "alice", Role: "rollback owner", Requested: *r.Phases.TriggerFired,
			Decided: *r.Phases.TriggerFired + 4200*time.Millisecond, Rationale: "error rate over budget"}
		out := markdown(r)
		var sections []string
		for _, l := range strings.Split(out, "\n") {
			if h, ok := strings.CutPrefix(l, "### "); ok {
				sections = append(sections, h)
			}
		}
		Expect(sections).To(Equal([]string{"Reasons", "Gates", "Timeline", "Trigger", "Approval", "Rollback actions",
			"Phases and measures", "Verifiers", "Score", "Lost writes"}))
		Expect(out).To(ContainSubstring("| t+21s | trigger \"error\\_rate above 5%\" fired (breached since t+19s) |"))
		Expect(out).To(ContainSubstring("| t+25.2s | rollback approved by alice (rollback owner) after 4.2s: error rate over budget |"))
		Expect(out).To(ContainSubstring("### Approval\n\nAsked at t+21s; rollback approved by alice (rollback owner) after 4.2s"))
		Expect(out).To(ContainSubstring("error\\_rate above 5% fired at t+21s: value 0.33, 2 window(s) in a row"))
		Expect(out).To(ContainSubstring("| rollback 1 | t+24s | redeploy-previous api v2 → v1 | done | 80ms |  |"))
		Expect(out).NotTo(MatchRegexp(`(?m)^\| +\| +\|$`), "no table has an empty row")
	})

	It("lists the reasons", func() {
		r := realisticReport(60)
		out := markdown(r)
		Expect(out).To(ContainSubstring("### Reasons\n\n- durability: "))
	})

	It("lists the first 20 lost writes and says how many there are", func() {
		r := realisticReport(60)
		out := markdown(r)
		lost := r.Verifiers[1].Evidence["lostIds"].([]string)
		Expect(len(lost)).To(BeNumerically(">", 20))
		Expect(out).To(ContainSubstring("%d acknowledged writes lost (RPO 0); the first 20:", *r.Measures.LostWrites))
		Expect(out).To(ContainSubstring(fmt.Sprintf("\n- %s\n", lost[0])))
		Expect(out).To(ContainSubstring(fmt.Sprintf("\n- %s\n", lost[19])))
		Expect(out).NotTo(ContainSubstring(lost[20]))
	})

	It("says that no write was lost when durability read them all back", func() {
		r := realisticReport(60)
		r.Verifiers[1] = verify.Result{Name: "durability", Verdict: verify.Success, Integrity: true, Summary: "0 lost"}
		zero := 0
		r.Measures.LostWrites = &zero
		Expect(markdown(r)).To(ContainSubstring("### Lost writes\n\n0 acknowledged writes (RPO 0)"))
	})

	It("says lost writes were not checked when durability could not read them back", func() {
		r := realisticReport(60)
		r.Verifiers[1] = verify.Result{Name: "durability", Verdict: verify.Unknown, Integrity: true,
			Summary: "1484 of 1484 acknowledged writes could not be read back"}
		r.Measures.LostWrites = nil
		out := markdown(r)
		Expect(out).To(ContainSubstring("not checked: durability unknown: 1484 of 1484"))
		Expect(out).NotTo(MatchRegexp(`lost 0|0 acknowledged writes`))
	})

	It("escapes hostile text so it can neither break a table nor inject markup", func() {
		r := realisticReport(60)
		out := markdown(r)
		Expect(out).NotTo(ContainSubstring("<script>"))
		Expect(out).NotTo(ContainSubstring("<img"))
		Expect(out).To(ContainSubstring(`&lt;script&gt;alert("pwned")&lt;/script&gt;`))
		row := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "| stale-reads |") {
				row = l
			}
		}
		Expect(row).NotTo(BeEmpty())
		Expect(strings.Count(row, "|")-strings.Count(row, `\|`)).To(Equal(5), "four cells: the summary's pipe is escaped")
		Expect(row).To(ContainSubstring(`\*\*bold\*\*`))
	})

	It("keeps a multi-line summary on its table row", func() {
		r := realisticReport(60)
		r.Verifiers[3].Summary = "one\ntwo\r\nthree"
		Expect(markdown(r)).To(ContainSubstring("| stale-reads | unknown |  | one two three |"))
	})

	It("returns the writer's error", func() {
		boom := errors.New("disk full")
		Expect(reports.WriteMarkdown(failingWriter{boom}, realisticReport(60))).To(MatchError(boom))
	})
})

package reports_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"strings"
	"testing/quick"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// randomReport is a report with random verifier verdicts, gates' inputs,
// steps, actions, harness figures and advisories, as testing/quick
// generates it; Judge has decided it.
type randomReport struct{ r *reports.Report }

// Generate implements quick.Generator.
func (randomReport) Generate(rnd *rand.Rand, _ int) reflect.Value {
	pick := func(n int) int { return rnd.Intn(n) }
	chance := func(p float64) bool { return rnd.Float64() < p }
	// trouble is how likely each part is to go wrong: low in some reports,
	// so that passing drills are generated too.
	trouble := []float64{0.02, 0.1, 0.4}[pick(3)]
	bad := func() bool { return chance(trouble) }
	d := func(max time.Duration) *time.Duration { v := time.Duration(rnd.Int63n(int64(max))); return &v }

	r := &reports.Report{Schema: reports.Schema, Drill: reports.Drill{Scenario: "random", Seed: uint64(rnd.Int63())}}
	r.Status = reports.Passed
	if bad() {
		r.Status = []reports.Status{reports.Errored, reports.Interrupted}[pick(2)]
	}
	if r.Status == reports.Errored {
		r.Error = "toxiproxy did not answer"
	}
	r.Objectives = reports.Objectives{RTO: 10 * time.Second, RTOFrom: "rollback-start", PassScore: pick(101),
		SLOErrorRate: 0.01, ExpectUnhealthyBeforeFault: chance(0.3)}
	if chance(0.8) {
		r.Phases.LoadStart = d(3 * time.Second)
		r.Phases.FaultOnset = d(20 * time.Second)
		r.Load = reports.LoadSummary{Ops: 1 + pick(5000)}
		r.Load.Failed = pick(r.Load.Ops/10 + 1)
		r.Load.Acknowledged = r.Load.Ops - r.Load.Failed
	}
	if !bad() {
		r.Phases.LoadEnd = d(40 * time.Second)
		if !bad() {
			r.Measures.RTO, r.Measures.RTOFrom = d(20*time.Second), "rollback-start"
		}
	}
	if chance(0.5) {
		r.Measures.DetectionTime = d(5 * time.Second)
	}
	if !bad() {
		r.Objectives.PassScore = pick(81) // mostly reachable
	}
	r.Harness = reports.Harness{LagTolerance: time.Second, StepTolerance: time.Second,
		Lag: load.Lag{Max: *d(900 * time.Millisecond), Hits: 100}}
	if bad() {
		r.Harness.Lag.Max = *d(3 * time.Second)
	}

	names := []struct {
		name      string
		integrity bool
	}{
		{"load-rate", false}, {"durability", true}, {"duplicates", true}, {"invariant/sum", true},
		{"linearizability", true}, {"stale-reads", true}, {"health", false}, {"slo", false}, {"mixed-versions", false},
	}
	verdicts := []verify.Verdict{verify.Success, verify.Failure, verify.Unknown, verify.Timeout, verify.Skipped}
	for _, n := range names {
		if chance(0.3) {
			continue
		}
		v := verify.Result{Name: n.name, Integrity: n.integrity, Verdict: verify.Success,
			Summary: "summary of " + n.name, Advisory: n.name != "load-rate" && chance(0.2)}
		if bad() {
			v.Verdict = verdicts[pick(len(verdicts))]
		}
		if n.integrity && chance(0.3) {
			v.Coverage = &verify.Coverage{Checked: 10, Expected: 10, Unit: "items"}
			if bad() {
				v.Coverage.Checked = pick(10)
			}
		}
		if n.name == "health" {
			v.Evidence = map[string]any{"healthy": []string{"a"}, "unhealthy": []string{}}
			if v.Verdict == verify.Failure {
				v.Evidence["unhealthy"] = []string{"b"}
			}
		}
		if n.name == "slo" {
			v.Evidence = map[string]any{"compliant": pick(11), "windows": 10}
		}
		r.Verifiers = append(r.Verifiers, v)
	}

	statuses := []rollback.StepStatus{rollback.StepDone, rollback.StepDone, rollback.StepFailed, rollback.StepTimedOut,
		rollback.StepSkipped, rollback.StepNotRun}
	causes := []reports.Cause{reports.CauseHarness, reports.CauseSystem}
	for i := range pick(4) {
		s := reports.Step{Index: i + 1, Kind: "inject", What: fmt.Sprintf("step %d", i+1), Status: rollback.StepDone,
			Optional: chance(0.25), Planned: d(20 * time.Second)}
		if bad() {
			s.Status = statuses[pick(len(statuses))]
		}
		if s.Status.Failed() {
			s.Cause, s.Reason = causes[pick(2)], "it broke"
		}
		if s.Status == rollback.StepDone {
			s.Late = d(900 * time.Millisecond)
			if bad() {
				s.Late = d(3 * time.Second)
			}
		}
		r.Steps = append(r.Steps, s)
	}
	for range pick(3) {
		a := rollback.ActionResult{Action: rollback.RedeployPrevious, Service: "api", Status: rollback.StepDone, Optional: chance(0.25)}
		if bad() {
			a.Status = statuses[pick(5)]
		}
		if a.Status.Failed() {
			a.Error = "no previous version to redeploy"
		}
		r.Actions = append(r.Actions, a)
	}
	if bad() {
		r.EarlyTriggers = []rollback.Firing{{Trigger: "error_rate above 5%", At: 2 * time.Second, Detail: "30%"}}
	}
	reports.Judge(r)
	return reflect.ValueOf(randomReport{r})
}

// verdictViews is the verdict as each rendering shows it.
type verdictViews struct {
	exitCode        int
	status          reports.Status
	junitProblems   int // failures and errors
	badge, summary  string
	markdownHeading string
}

var (
	badgeRe    = regexp.MustCompile(`<h1><span class="badge (\w+)">(\w+)</span>`)
	summaryRe  = regexp.MustCompile(`^drill \S+ — (\w+) `)
	markdownRe = regexp.MustCompile(`^## faultdrill: \S+ (\w+)\n`)
)

func views(r *reports.Report) (verdictViews, error) {
	v := verdictViews{exitCode: r.Outcome.Class.ExitCode(), status: r.Status}
	var j bytes.Buffer
	if err := reports.WriteJUnit(&j, r); err != nil {
		return v, err
	}
	var doc xSuites
	if err := xml.Unmarshal(j.Bytes(), &doc); err != nil {
		return v, err
	}
	v.junitProblems = doc.Failures + doc.Errors
	var h bytes.Buffer
	if err := reports.WriteHTML(&h, r, nil, nil); err != nil {
		return v, err
	}
	m := badgeRe.FindStringSubmatch(h.String())
	if m == nil {
		return v, fmt.Errorf("no badge in the HTML")
	}
	v.badge = m[2]
	var s bytes.Buffer
	if err := reports.WriteSummary(&s, r, ""); err != nil {
		return v, err
	}
	if m := summaryRe.FindStringSubmatch(s.String()); m != nil {
		v.summary = m[1]
	}
	var md bytes.Buffer
	if err := reports.WriteMarkdown(&md, r); err != nil {
		return v, err
	}
	if m := markdownRe.FindStringSubmatch(md.String()); m != nil {
		v.markdownHeading = m[1]
	}
	return v, nil
}

var _ = Describe("The verdict, one source of truth", func() {
	It("agrees in the exit code, the status, JUnit, the HTML badge, the summary and Markdown, for any report", func() {
		passedAny, failedAny := 0, 0
		check := func(rr randomReport) bool {
			r := rr.r
			v, err := views(r)
			Expect(err).NotTo(HaveOccurred())
			passed := v.exitCode == 0
			if passed {
				passedAny++
			} else {
				failedAny++
			}
			agree := passed == (v.status == reports.Passed) &&
				passed == (v.junitProblems == 0) &&
				passed == (v.badge == "PASSED") &&
				passed == (v.summary == "PASSED") &&
				passed == (v.markdownHeading == "PASSED") &&
				passed == r.Outcome.Passed &&
				passed == (len(r.Outcome.Reasons) == 0)
			if !agree {
				AddReportEntry("disagreeing report", fmt.Sprintf("%+v\nreasons %q\nviews %+v", r.Outcome, r.Outcome.Reasons, v))
			}
			return agree
		}
		Expect(quick.Check(check, &quick.Config{MaxCount: 600, Rand: rand.New(rand.NewSource(GinkgoRandomSeed()))})).To(Succeed())
		Expect(passedAny).To(BeNumerically(">", 50), "the generator makes passing drills too")
		Expect(failedAny).To(BeNumerically(">", 50))
	})

	It("never passes a drill with a non-advisory verifier that failed or could not decide", func() {
		check := func(rr randomReport) bool {
			r := rr.r
			for _, v := range r.Verifiers {
				if !v.Advisory && (v.Verdict == verify.Failure || v.Verdict == verify.Unknown || v.Verdict == verify.Timeout) && r.Outcome.Passed {
					return false
				}
			}
			for _, s := range r.Steps {
				if !s.Optional && (s.Status.Failed() || s.Status == rollback.StepNotRun) && r.Outcome.Passed {
					return false
				}
			}
			return true
		}
		Expect(quick.Check(check, &quick.Config{MaxCount: 3000, Rand: rand.New(rand.NewSource(GinkgoRandomSeed() + 1))})).To(Succeed())
	})

	It("names in every reason a class whose exit code is not 0", func() {
		for _, c := range reports.Ranked() {
			Expect(c.ExitCode()).NotTo(Equal(0), string(c))
			Expect(strings.TrimSpace(c.Meaning())).NotTo(BeEmpty())
		}
		codes := map[int]reports.Class{}
		for _, c := range append(reports.Ranked(), reports.ClassPassed) {
			Expect(codes).NotTo(HaveKey(c.ExitCode()), "one code per class")
			codes[c.ExitCode()] = c
		}
	})
})

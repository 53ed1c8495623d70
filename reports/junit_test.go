package reports_test

import (
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

// The JUnit shape as a CI reads it.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name       string  `xml:"name,attr"`
	Tests      int     `xml:"tests,attr"`
	Failures   int     `xml:"failures,attr"`
	Errors     int     `xml:"errors,attr"`
	Skipped    int     `xml:"skipped,attr"`
	Time       string  `xml:"time,attr"`
	Properties []xProp `xml:"properties>property"`
	Cases      []xCase `xml:"testcase"`
	SystemOut  string  `xml:"system-out"`
}

type xProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type xCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Time      string    `xml:"time,attr"`
	Failure   *xProblem `xml:"failure"`
	Error     *xProblem `xml:"error"`
	Skipped   *xProblem `xml:"skipped"`
}

type xProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func junit(r *reports.Report) xSuite {
	GinkgoHelper()
	var b strings.Builder
	Expect(reports.WriteJUnit(&b, r)).To(Succeed())
	validJUnit(b.String())
	Expect(b.String()).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
	var doc xSuites
	Expect(xml.Unmarshal([]byte(b.String()), &doc)).To(Succeed(), b.String())
	Expect(doc.Suites).To(HaveLen(1))
	s := doc.Suites[0]
	Expect([]int{doc.Tests, doc.Failures, doc.Errors}).To(Equal([]int{s.Tests, s.Failures, s.Errors}))
	return s
}

// validJUnit checks a JUnit document against the common JUnit schema
// (testdata/junit.xsd) with xmllint, as a CI server's reader would.
func validJUnit(doc string) {
	GinkgoHelper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		Skip("xmllint is not installed (apt install libxml2-utils; .ci/run does): the JUnit schema is not checked")
	}
	file := filepath.Join(GinkgoT().TempDir(), "junit.xml")
	Expect(os.WriteFile(file, []byte(doc), 0o600)).To(Succeed())
	out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", file).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "junit.xml does not follow the JUnit schema:\n%s", out)
}

func testcase(s xSuite, class, name string) xCase {
	GinkgoHelper()
	for _, c := range s.Cases {
		if c.Name == name && strings.HasSuffix(c.Classname, class) {
			return c
		}
	}
	Fail("no testcase " + class + " " + name)
	return xCase{}
}

var _ = Describe("WriteJUnit", func() {
	It("has one testcase per verifier and per gate, with the right failures", func() {
		r := realisticReport(60)
		s := junit(r)
		Expect(s.Name).To(Equal("faultdrill.ledger-bad-release"))
		Expect(s.Cases).To(HaveLen(len(r.Verifiers) + len(r.Outcome.Gates) + len(r.Actions)))

		health := testcase(s, ".verifiers", "health")
		Expect(health.Failure).To(BeNil())
		Expect(health.Error).To(BeNil())
		Expect(health.Skipped).To(BeNil())

		durability := testcase(s, ".verifiers", "durability")
		Expect(durability.Failure).NotTo(BeNil())
		Expect(durability.Failure.Type).To(Equal("integrity"))
		Expect(durability.Failure.Message).To(Equal(r.Verifiers[1].Summary))
		Expect(durability.Failure.Body).To(ContainSubstring(`"w-0000000"`), "the evidence lists the lost ids")

		stale := testcase(s, ".verifiers", "stale-reads")
		Expect(stale.Error).NotTo(BeNil())
		Expect(stale.Error.Type).To(Equal("unknown"))
		Expect(testcase(s, ".verifiers", "linearizability").Skipped).NotTo(BeNil())

		Expect(testcase(s, ".gates", "integrity").Failure).NotTo(BeNil())
		Expect(testcase(s, ".gates", "verification").Failure).NotTo(BeNil(), "stale-reads could not decide")
		for _, g := range []string{"rto", "slo", "health", "harness", "baseline", "steps"} {
			c := testcase(s, ".gates", g)
			Expect(c.Failure).To(BeNil(), g)
			Expect(c.Skipped).To(BeNil(), g)
		}
		Expect(testcase(s, ".steps", "rollback 1 redeploy-previous api v2 → v1").Failure).To(BeNil())
		// 5 verifiers + 10 gates + 1 rollback action; failures: durability,
		// the integrity and verification gates; error: stale-reads;
		// skipped: linearizability.
		Expect(r.Score.Value).To(BeNumerically(">=", 80))
		Expect([]int{s.Tests, s.Failures, s.Errors, s.Skipped}).To(Equal([]int{16, 3, 1, 1}))
		Expect(s.Time).To(Equal("62.000"))
	})

	It("fails the rto, slo and score gates when they fail, and skips a gate with nothing to check", func() {
		r := realisticReport(60)
		r.Measures.RTO = nil
		r.Verifiers[2] = verify.Result{Name: "slo", Verdict: verify.Failure, Summary: "p99 above 250ms in 4 of 30 windows"}
		r.Verifiers = append(r.Verifiers[:0], r.Verifiers[1:]...) // no health verifier
		reports.Judge(r)
		s := junit(r)
		Expect(testcase(s, ".gates", "rto").Failure.Message).To(ContainSubstring("never recovered"))
		Expect(testcase(s, ".gates", "slo").Failure.Message).To(Equal("slo: p99 above 250ms in 4 of 30 windows"))
		Expect(testcase(s, ".gates", "score").Failure.Body).NotTo(ContainSubstring(reports.Formula), "the formula is a property, not repeated")
		Expect(testcase(s, ".gates", "health").Skipped.Message).To(ContainSubstring("no health verifier"))
	})

	It("adds an erroring harness testcase for a drill that did not complete", func() {
		r := realisticReport(60)
		r.Status, r.Error = reports.Errored, "runtime start: port 8080 in use"
		reports.Judge(r)
		c := testcase(junit(r), "ledger-bad-release", "harness")
		Expect(c.Error).NotTo(BeNil())
		Expect(c.Error.Message).To(ContainSubstring("port 8080 in use"))
		Expect(c.Error.Type).To(Equal("error"))
		Expect(c.Time).To(Equal("62.000"), "the harness case lasted the drill")
	})

	It("gives one failure per cause when the drill did not complete: the score, RTO and SLO are not judged apart", func() {
		r := realisticReport(60)
		r.Verifiers = nil
		r.Measures.RTO = nil
		r.Status, r.Error = reports.Interrupted, "interrupted by SIGTERM"
		r.Score = reports.Score{NoData: true, PassScore: 80}
		reports.Judge(r)
		s := junit(r)
		Expect(testcase(s, "ledger-bad-release", "harness").Error).NotTo(BeNil())
		for _, g := range []string{"score", "rto"} {
			c := testcase(s, ".gates", g)
			Expect(c.Failure).To(BeNil(), g)
			Expect(c.Skipped.Message).To(HavePrefix("not judged: the drill did not complete"), g)
		}
		Expect(s.Failures+s.Errors).To(Equal(1), "the interruption is the one cause: %+v", r.Outcome.Gates)
		Expect(r.Outcome.Class).To(Equal(reports.ClassInterrupted))
	})

	It("times every step, action and verifier by its own work", func() {
		r := realisticReport(60)
		r.Verifiers[0].Duration = 1500 * time.Millisecond
		r.Actions[0].Start, r.Actions[0].End = 20*time.Second, 22250*time.Millisecond
		s := junit(r)
		Expect(testcase(s, ".verifiers", "health").Time).To(Equal("1.500"))
		Expect(testcase(s, ".steps", "rollback 1 redeploy-previous api v2 → v1").Time).To(Equal("2.250"))
		for _, c := range s.Cases {
			Expect(c.Time).To(MatchRegexp(`^[0-9]+\.[0-9]{3}$`), c.Name)
		}
	})

	It("carries the seed, the digest and the score as properties, and the summary as system-out", func() {
		r := realisticReport(60)
		s := junit(r)
		Expect(s.Properties).To(ContainElements(
			xProp{"seed", "42"}, xProp{"scenario.digest", r.Drill.Digest}, xProp{"class", "integrity"},
			xProp{"formula", reports.Formula},
		))
		Expect(s.Time).To(Equal("62.000"))
		Expect(s.SystemOut).To(ContainSubstring("drill ledger-bad-release — FAILED (seed 42)\n"))
	})

	It("round-trips hostile text exactly, and replaces what XML cannot hold", func() {
		r := realisticReport(60)
		r.Verifiers[4] = verify.Result{Name: "linearizability", Verdict: verify.Failure, Summary: "bell\x07 nul\x00 esc\x1b ok"}
		s := junit(r)
		stale := testcase(s, ".verifiers", "stale-reads")
		Expect(stale.Error.Message).To(Equal(evil))
		Expect(stale.Error.Body).To(HavePrefix(evil + "\n"))
		lin := testcase(s, ".verifiers", "linearizability")
		Expect(lin.Failure.Message).To(Equal("bell\uFFFD nul\uFFFD esc\uFFFD ok"))
		Expect(lin.Failure.Body).To(HavePrefix("bell\uFFFD nul\uFFFD esc\uFFFD ok"))
	})

	It("returns the writer's error", func() {
		boom := errors.New("disk full")
		Expect(reports.WriteJUnit(failingWriter{boom}, realisticReport(60))).To(MatchError(boom))
	})
})

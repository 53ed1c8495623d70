package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
)

// drillRun is what one `faultdrill run` left: its exit code, output, and
// the report it wrote.
type drillRun struct {
	code           int
	stdout, stderr string
	report         *reports.Report
	junit          junitDoc
	dir            string
}

// junitDoc is the part of junit.xml the verdict specs read.
type junitDoc struct {
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// runDrill runs `faultdrill run` in-process on the scenario file and reads
// back the one drill folder it wrote.
func runScenario(ctx context.Context, scenario string, args ...string) drillRun {
	GinkgoHelper()
	out := GinkgoT().TempDir()
	all := append([]string{"run", "--quiet", "--out", out, "--var", "ledger=" + ledgerBin}, args...)
	code, stdout, stderr := cli(ctx, append(all, scenario)...)
	dirs, err := filepath.Glob(filepath.Join(out, "*-*", reports.FileName))
	Expect(err).NotTo(HaveOccurred())
	Expect(dirs).To(HaveLen(1), stdout+stderr)
	rep, err := reports.Read(dirs[0])
	Expect(err).NotTo(HaveOccurred())
	dr := drillRun{code: code, stdout: stdout, stderr: stderr, report: rep, dir: filepath.Dir(dirs[0])}
	raw, err := os.ReadFile(filepath.Join(dr.dir, reports.JUnitFileName))
	Expect(err).NotTo(HaveOccurred())
	Expect(xml.Unmarshal(raw, &dr.junit)).To(Succeed())
	return dr
}

// agrees checks that the exit code, the status, JUnit, the HTML badge and
// the summary all say the same.
func (d drillRun) agrees() {
	GinkgoHelper()
	passed := d.code == exitPassed
	Expect(d.report.Status == reports.Passed).To(Equal(passed), "status %s, exit %d", d.report.Status, d.code)
	Expect(d.code).To(Equal(d.report.Outcome.Class.ExitCode()))
	Expect(d.junit.Failures+d.junit.Errors == 0).To(Equal(passed), "junit failures %d errors %d", d.junit.Failures, d.junit.Errors)
	html, err := os.ReadFile(filepath.Join(d.dir, reports.HTMLFileName))
	Expect(err).NotTo(HaveOccurred())
	Expect(strings.Contains(string(html), `<span class="badge ok">PASSED</span>`)).To(Equal(passed))
	Expect(strings.Contains(d.stdout, "— PASSED (seed")).To(Equal(passed))
	Expect(d.stdout).To(ContainSubstring(fmt.Sprintf("(exit %d)", d.code)))
}

// withScenario writes a copy of the bundled example name with the given
// replacements into a temporary folder and returns its path.
func withScenario(name string, replace ...string) string {
	GinkgoHelper()
	src, err := os.ReadFile(filepath.Join("../../scenarios/examples", name))
	Expect(err).NotTo(HaveOccurred())
	text := string(src)
	for i := 0; i < len(replace); i += 2 {
		Expect(text).To(ContainSubstring(replace[i]))
		text = strings.Replace(text, replace[i], replace[i+1], 1)
	}
	return writeFile(name, text)
}

var _ = Describe("a drill's verdict", func() {
	It("fails on stale reads alone, with linearizability off: exit code, status and JUnit agree", func(ctx SpecContext) {
		// Rollback off: a late p99 trigger would otherwise leave stale reads
		// little time after the rollback to be judged in.
		scenario := withScenario("ledger-kv.yaml", "linearizability:\n    timeout: 20s", "linearizability:\n    disabled: true",
			"rollback:\n", "rollback:\n  enabled: false\n")
		d := runScenario(ctx, scenario)
		d.agrees()
		Expect(d.code).To(Equal(reports.ExitIntegrity), d.stdout)
		Expect(d.report.Outcome.Reasons).To(ContainElement(HavePrefix("stale-reads: ")))
		Expect(d.stdout).To(ContainSubstring("✗ stale-reads: "))
	}, SpecTimeout(2*time.Minute))

	It("cannot verify, and says so, when durability cannot read the writes back", func(ctx SpecContext) {
		// GET /flags/{id} answers 405 on the demo: every read fails, no
		// write is found lost, none is found present.
		scenario := withScenario("ledger-good-release.yaml", "read: GET /entries/{id}", "read: GET /flags/{id}")
		d := runScenario(ctx, scenario)
		d.agrees()
		Expect(d.code).To(Equal(reports.ExitUnverified), d.stdout)
		Expect(d.report.Outcome.Class).To(Equal(reports.ClassUnverified))
		Expect(d.report.Measures.LostWrites).To(BeNil(), "lost writes were not checked, which is not zero")
		Expect(d.stdout).To(MatchRegexp(`lost writes\s+not checked: durability unknown: \d+ of \d+ acknowledged writes could not be read back`))
		Expect(d.stdout).NotTo(MatchRegexp(`lost writes\s+0`))
		md, err := os.ReadFile(filepath.Join(d.dir, reports.MarkdownFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("not checked: durability unknown"))
	}, SpecTimeout(2*time.Minute))

	It("turns an advisory verifier's failure into a warning that decides nothing", func(ctx SpecContext) {
		scenario := withScenario("ledger-kv.yaml",
			"linearizability:\n    timeout: 20s", "linearizability:\n    advisory: true\n    timeout: 20s",
			"staleReads: {}", "staleReads: {advisory: true}", "rollback:\n", "rollback:\n  enabled: false\n")
		d := runScenario(ctx, scenario)
		d.agrees()
		Expect(d.code).To(Equal(exitPassed), d.stdout)
		Expect(d.report.Outcome.Warnings).To(ContainElement(HavePrefix("advisory stale-reads failure: ")))
		Expect(d.stdout).To(ContainSubstring("! advisory stale-reads failure"))
		skipped := 0
		for _, c := range d.junit.Suites[0].Cases {
			if c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "advisory") {
				skipped++
			}
		}
		Expect(skipped).To(Equal(2), "both advisory verifiers show as skipped with their finding")
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("a drill whose toxiproxy fails it", func() {
	var server string

	BeforeEach(func() {
		var err error
		server, err = shared.Binary(toxiproxyServer)
		Expect(err).NotTo(HaveOccurred())
	})

	// startToxiproxy runs a real toxiproxy server on loopback and returns
	// its API and process.
	startToxiproxy := func() (string, *exec.Cmd) {
		port := freePort()
		tp := exec.Command(server, "-host", "127.0.0.1", "-port", fmt.Sprint(port))
		Expect(tp.Start()).To(Succeed())
		DeferCleanup(func() { _ = tp.Process.Signal(syscall.SIGCONT); _ = tp.Process.Kill(); _ = tp.Wait() })
		api := fmt.Sprintf("http://127.0.0.1:%d", port)
		client := toxiclient.NewClient(api)
		Eventually(func() error { _, err := client.Proxies(); return err }).WithTimeout(10 * time.Second).Should(Succeed())
		return api, tp
	}

	// whenLoadStarts does act once the drill that writes into out journals
	// the start of its load; it gives up quietly when the spec ends first.
	whenLoadStarts := func(out string, act func()) {
		done := make(chan struct{})
		DeferCleanup(func() { close(done) })
		go func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				matches, _ := filepath.Glob(filepath.Join(out, "*-*", "journal.jsonl"))
				for _, m := range matches {
					for _, e := range readJournal(m) {
						if e.Kind == "load.start" {
							act()
							return
						}
					}
				}
			}
		}()
	}

	scenario := func(timeout string) string {
		return writeFile("fault.yaml", `apiVersion: faultdrill/v1
metadata: {name: fault-fails}
vars: {ledger: ledger}
system:
  services:
    store:
      dataDir: true
      initial: v1
      versions:
        v1: {command: ["${ledger}", "store", "--listen", "${addr}", "--data", "${data_dir}"]}
    api:
      initial: v1
      versions:
        v1: {command: ["${ledger}", "api", "--listen", "${addr}", "--store", "http://${link.api-to-store}"]}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 6s
  timeout: 500ms
  streams:
    - {name: writes, rate: 20/s, path: "/entries/{id}", body: '{"account":"a","amount":1}', writes: true}
timeline:
  - {at: 2s, inject: {kind: latency, link: api-to-store, latency: 30ms, duration: 1s}`+timeout+`}
verify:
  durability: {read: "GET /entries/{id}"}
`)
	}

	It("fails as a harness error when the fault cannot be injected, the step shown failed", func(ctx SpecContext) {
		api, tp := startToxiproxy()
		out := GinkgoT().TempDir()
		whenLoadStarts(out, func() { _ = tp.Process.Kill() })
		code, stdout, stderr := cli(ctx, "run", "--quiet", "--out", out, "--toxiproxy", api, "--var", "ledger="+ledgerBin, scenario(""))
		Expect(code).To(Equal(exitError), stdout+stderr)
		rep := readOnlyReport(out)
		Expect(rep.Steps).To(HaveLen(1))
		Expect(rep.Steps[0].Status).To(Equal(rollback.StepFailed))
		Expect(rep.Steps[0].Cause).To(Equal(reports.CauseHarness))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassError))
		Expect(rep.Outcome.Reasons).To(ContainElement(MatchRegexp(`^step 1 \(inject latency on api-to-store.*\) failed: `)))
		Expect(stdout).To(MatchRegexp(`step 1 inject latency on api-to-store .* failed: `))
	}, SpecTimeout(2*time.Minute))

	It("ends within its bound, naming the step that hung, when toxiproxy stops answering mid-drill", func(ctx SpecContext) {
		api, tp := startToxiproxy()
		out := GinkgoT().TempDir()
		whenLoadStarts(out, func() { _ = tp.Process.Signal(syscall.SIGSTOP) })
		started := time.Now()
		code, stdout, stderr := cli(ctx, "run", "--quiet", "--out", out, "--toxiproxy", api, "--var", "ledger="+ledgerBin, scenario(", timeout: 2s"))
		took := time.Since(started)
		Expect(code).To(Equal(exitError), stdout+stderr)
		rep := readOnlyReport(out)
		Expect(rep.Steps[0].Status).To(Equal(rollback.StepTimedOut))
		Expect(rep.Steps[0].Reason).To(ContainSubstring("not done within its 2s timeout"))
		Expect(rep.Outcome.Reasons).To(ContainElement(ContainSubstring("step 1 (inject latency on api-to-store")))
		AddReportEntry("drill with a frozen toxiproxy took", took.String())
	}, SpecTimeout(90*time.Second))
})

// readOnlyReport reads the report of the one drill folder in out.
func readOnlyReport(out string) *reports.Report {
	GinkgoHelper()
	paths, err := filepath.Glob(filepath.Join(out, "*-*", reports.FileName))
	Expect(err).NotTo(HaveOccurred())
	Expect(paths).To(HaveLen(1))
	rep, err := reports.Read(paths[0])
	Expect(err).NotTo(HaveOccurred())
	return rep
}

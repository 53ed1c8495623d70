package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
)

const example = "../../scenarios/examples/ledger-bad-release.yaml"

// cli runs the command in-process and returns its exit code and output.
func cli(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, env{stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func writeFile(name, content string) string {
	GinkgoHelper()
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	return path
}

var _ = Describe("the faultdrill command", func() {
	It("lists its commands with an example on help, and refuses an unknown command", func(ctx SpecContext) {
		code, out, _ := cli(ctx, "help")
		Expect(code).To(Equal(exitPassed))
		for _, c := range commands() {
			Expect(out).To(ContainSubstring(c.name))
		}
		Expect(out).To(ContainSubstring("Example:"))

		code, _, errOut := cli(ctx, "launch")
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(Equal("faultdrill: unknown command \"launch\"; run 'faultdrill help' for the list.\n"))
	})

	It("prints each command's flags and an example on -h", func(ctx SpecContext) {
		for _, c := range commands() {
			code, _, errOut := cli(ctx, c.name, "-h")
			Expect(code).To(Equal(exitPassed), c.name)
			Expect(errOut).To(ContainSubstring("Example:\n  faultdrill "+c.name), c.name)
		}
	})

	It("validates the bundled example", func(ctx SpecContext) {
		code, out, errOut := cli(ctx, "validate", example)
		Expect(errOut).To(BeEmpty())
		Expect(code).To(Equal(exitPassed))
		Expect(out).To(Equal(example + ": ok\n"))
	})

	It("reports a bad scenario as file:line:col lines with the invalid-input exit code, never a panic", func(ctx SpecContext) {
		path := writeFile("bad.yaml", `apiVersion: faultdrill/v1
metadata:
  name: bad
system:
  services:
    api:
      initial: v1
      versions:
        v1: {command: [./api]}
load:
  target: api
  duration: 10s
  streams:
    - name: writes
      rate: -5/s
      path: /entries/{id}
`)
		code, out, errOut := cli(ctx, "validate", path)
		Expect(code).To(Equal(exitInvalid))
		Expect(out).To(BeEmpty())
		Expect(errOut).To(HavePrefix(path + ":15:"))
		Expect(errOut).To(ContainSubstring("rate"))
		Expect(errOut).NotTo(ContainSubstring("goroutine"))

		code, _, errOut = cli(ctx, "run", path)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(HavePrefix(path + ":15:"))

		code, _, errOut = cli(ctx, "validate", filepath.Join(GinkgoT().TempDir(), "missing.yaml"))
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("missing.yaml"))
	})

	It("plans the example with its defaults and absolute offsets, without running anything", func(ctx SpecContext) {
		code, out, _ := cli(ctx, "plan", example)
		Expect(code).To(Equal(exitPassed))
		Expect(out).To(ContainSubstring("store"))
		Expect(out).To(MatchRegexp(`t\+5s\s+deploy api v2`))
		Expect(out).To(ContainSubstring("redeploy-previous api"))
		Expect(out).To(ContainSubstring("pass score 80"))
		Expect(out).To(MatchRegexp(`stop grace 5s`))
	})

	It("prints a JSON Schema of the scenario format", func(ctx SpecContext) {
		code, out, _ := cli(ctx, "schema")
		Expect(code).To(Equal(exitPassed))
		var schema map[string]any
		Expect(json.Unmarshal([]byte(out), &schema)).To(Succeed())
		Expect(schema).To(HaveKey("properties"))
		Expect(schema).To(HaveKeyWithValue("$id", scenarios.SchemaID))
	})

	It("runs the bundled drill end to end and exits 0 with a summary and a report", func(ctx SpecContext) {
		out := GinkgoT().TempDir()
		code, stdout, stderr := cli(ctx, "run", example, "--var", "ledger="+ledgerBin, "--out", out, "--seed", "11")
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		Expect(stdout).To(ContainSubstring("PASSED (seed 11)"))
		for _, want := range []string{"deploy api v1 → v2 (timeline)", "trigger \"error_rate above 5%\" fired",
			"deploy api v2 → v1 (rollback)", "rollback duration", "RTO", "lost writes       0 acknowledged writes", "score",
			"verdict           passed — the drill passed (exit 0)"} {
			Expect(stdout).To(ContainSubstring(want))
		}
		Expect(stderr).To(ContainSubstring("trigger.fired"), "live progress goes to stderr")

		matches, err := filepath.Glob(filepath.Join(out, "*", reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(matches).To(HaveLen(1))
		Expect(stdout).To(ContainSubstring(matches[0]))
		rep, err := reports.Read(matches[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Status).To(Equal(reports.Passed))
		Expect(strings.Count(stdout, "\n")).To(BeNumerically("<", 30), "the summary stays short")
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("faultdrill init", func() {
	It("writes a starter scenario that validates, and never overwrites a file", func(ctx SpecContext) {
		dest := filepath.Join(GinkgoT().TempDir(), "my-drill.yaml")
		code, out, errOut := cli(ctx, "init", dest)
		Expect(code).To(Equal(exitPassed), errOut)
		Expect(out).To(ContainSubstring("wrote " + dest))

		src, err := os.ReadFile(dest)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(src)).To(ContainSubstring("ledger: ./bin/ledger"))
		first, _, _ := strings.Cut(string(src), "\n")
		Expect(first).To(Equal("# yaml-language-server: $schema=" + scenarios.SchemaID))
		code, _, errOut = cli(ctx, "validate", dest)
		Expect(code).To(Equal(exitPassed), errOut)

		code, _, errOut = cli(ctx, "init", dest)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("already exists"))
		again, err := os.ReadFile(dest)
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(src))

		code, _, errOut = cli(ctx, "init", "--from", "nope.yaml", dest+"2")
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("ledger-bad-release.yaml"))
	})
})

var _ = Describe("faultdrill report and cleanup", func() {
	It("re-renders a drill folder offline, and refuses a folder without a report", func(ctx SpecContext) {
		out := GinkgoT().TempDir()
		code, stdout, stderr := cli(ctx, "run", "--quiet", example, "--var", "ledger="+ledgerBin, "--out", out, "--seed", "5")
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		dirs, err := filepath.Glob(filepath.Join(out, "*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(1))
		for _, f := range []string{"summary.md", "junit.xml", "report.html"} {
			Expect(os.Remove(filepath.Join(dirs[0], f))).To(Succeed(), "every run renders "+f)
		}

		code, stdout, stderr = cli(ctx, "report", "--format", "html,md", dirs[0])
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("PASSED (seed 5)"))
		Expect(filepath.Join(dirs[0], "report.html")).To(BeARegularFile())
		Expect(filepath.Join(dirs[0], "summary.md")).To(BeARegularFile())
		Expect(filepath.Join(dirs[0], "junit.xml")).NotTo(BeAnExistingFile())

		code, _, stderr = cli(ctx, "report", GinkgoT().TempDir())
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("report.json"))

		code, stdout, _ = cli(ctx, "cleanup", out)
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring("1 drill(s) scanned, 0 still running, 0 fault(s) reverted"))
	}, SpecTimeout(2*time.Minute))
})

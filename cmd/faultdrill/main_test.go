package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/faultdrill/faultdrill/drill"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
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
		for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
			Expect(line).To(Or(BeEmpty(), ContainSubstring(": warning: ")), "at most a warning that bin/ledger is not built yet")
		}
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

	It("writes every problem as a GitHub Actions annotation on its line with --format github", func(ctx SpecContext) {
		path := filepath.Join(GinkgoT().TempDir(), "bad, 100%.yaml")
		Expect(os.WriteFile(path, []byte("apiVersion: faultdrill/v1\nmetadata: {name: x}\nnosuch: 1\nload: {duration: -1s}\n"), 0o600)).To(Succeed())
		code, out, errOut := cli(ctx, "validate", "--format", "github", path, example)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(BeEmpty())
		lines := strings.Split(strings.TrimSpace(out), "\n")
		Expect(len(lines)).To(BeNumerically(">=", 3), out)
		escaped := strings.NewReplacer("%", "%25", ":", "%3A", ",", "%2C").Replace(path)
		Expect(lines).To(ContainElement(MatchRegexp(`^::error file=%s,line=3,col=1::.*nosuch`, regexp.QuoteMeta(escaped))),
			"the unknown key, on its line; the file name's ':' ',' and '%%' escaped")
		Expect(lines).To(ContainElement(HavePrefix("::error file=" + escaped + ",line=4,")))
		Expect(lines).To(ContainElement(example+": ok"), "the good file is still checked")
		for _, l := range lines[:len(lines)-1] {
			Expect(l).To(Or(HavePrefix("::error file="+escaped), HavePrefix("::warning file=")), "problems of the bad file, at most a warning on the good one")
		}

		code, _, errOut = cli(ctx, "validate", "--format", "sarif", example)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("use text or github"))
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

		matches, err := filepath.Glob(filepath.Join(out, "*-*", reports.FileName))
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
		Expect(string(src)).To(ContainSubstring("app: ./bin/my-service # EDIT"))
		Expect(string(src)).NotTo(ContainSubstring("ledger"), "a starter for the user's own service, not the demo")
		Expect(string(src)).NotTo(ContainSubstring("scenarios/examples"), "no path that only makes sense in this repository")
		Expect(strings.Count(string(src), "# EDIT")).To(BeNumerically(">=", 8), "every placeholder marked")
		first, _, _ := strings.Cut(string(src), "\n")
		Expect(first).To(Equal("# yaml-language-server: $schema=" + scenarios.SchemaID))
		code, _, errOut = cli(ctx, "validate", dest)
		Expect(code).To(Equal(exitPassed), errOut)
		Expect(errOut).To(MatchRegexp(`my-drill.yaml:\d+:\d+: warning: system.services.app.versions.candidate.command\[0\]: binary not found: "./bin/my-service"`),
			"the placeholder program is not there yet: a warning at validate, once")
		Expect(strings.Count(errOut, "warning")).To(Equal(1))
		code, stdout, errOut := cli(ctx, "run", "--out", filepath.Join(filepath.Dir(dest), "drills"), dest)
		Expect(code).To(Equal(exitInvalid), stdout)
		Expect(errOut).To(ContainSubstring("pass --var with its path"))
		Expect(filepath.Join(filepath.Dir(dest), "drills")).NotTo(BeAnExistingFile(), "refused before any folder is written")
		code, planned, errOut := cli(ctx, "plan", dest)
		Expect(code).To(Equal(exitPassed), errOut)
		Expect(planned).To(ContainSubstring("deploy app candidate"))
		Expect(planned).To(ContainSubstring("durability"))

		demo := dest + ".demo.yaml"
		code, _, errOut = cli(ctx, "init", "--from", "ledger-bad-release.yaml", demo)
		Expect(code).To(Equal(exitPassed), errOut)
		code, _, errOut = cli(ctx, "validate", demo)
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
		dirs, err := filepath.Glob(filepath.Join(out, "ledger-bad-release-*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(1))
		latest, err := os.Readlink(filepath.Join(out, "latest"))
		Expect(err).NotTo(HaveOccurred())
		Expect(latest).To(Equal(filepath.Base(dirs[0])), "latest names the newest drill, relative to --out")
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
		data := filepath.Join(dirs[0], "data", "store", "ledger.db")
		Expect(data).To(BeARegularFile(), "cleanup keeps a drill's data: it is evidence")

		code, stdout, _ = cli(ctx, "cleanup", "--purge", out)
		Expect(code).To(Equal(exitPassed), stdout)
		Expect(stdout).To(ContainSubstring("removed data folder " + filepath.Join(dirs[0], "data")))
		Expect(filepath.Join(dirs[0], "data")).NotTo(BeAnExistingFile(), "--purge removes it")
		Expect(filepath.Join(dirs[0], reports.FileName)).To(BeARegularFile(), "and only it")
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("faultdrill run for a CI job", func() {
	It("writes exactly into --report-dir, prints one JSON verdict with --json, and refuses a folder that holds files", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "drill-report")
		code, stdout, stderr := cli(ctx, "run", "--quiet", "--json", "--report-dir", dir, example, "--var", "ledger="+ledgerBin, "--seed", "7")
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		for _, f := range []string{"report.json", "summary.md", "junit.xml", "report.html", "journal.jsonl"} {
			Expect(filepath.Join(dir, f)).To(BeARegularFile())
		}
		Expect(strings.Count(strings.TrimSpace(stdout), "\n")).To(BeZero(), "one line: "+stdout)
		var v struct {
			Scenario, Status, Class, Folder, Report string
			ExitCode, PassScore                     int
			Score                                   *int
			Reasons                                 []string
			Measures                                struct{ LostWrites *int }
			Load                                    struct{ Ops, Acknowledged int }
		}
		Expect(json.Unmarshal([]byte(stdout), &v)).To(Succeed())
		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(v.Status).To(Equal(string(rep.Status)))
		Expect(v.Class).To(Equal(string(rep.Outcome.Class)))
		Expect(v.ExitCode).To(Equal(code))
		Expect(v.Score).To(HaveValue(Equal(rep.Score.Value)))
		Expect(v.Reasons).To(BeEmpty())
		Expect(v.Measures.LostWrites).To(HaveValue(BeZero()), "durability read every write back")
		Expect(v.Load.Acknowledged).To(Equal(rep.Load.Acknowledged))
		Expect(v.Load.Ops).To(BeNumerically(">", 0))
		Expect(v.Folder).To(Equal(rep.Drill.Dir))
		abs, err := filepath.Abs(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(v.Folder).To(Equal(abs))

		code, stdout, stderr = cli(ctx, "run", "--quiet", "--report-dir", dir, example, "--var", "ledger="+ledgerBin)
		Expect(code).To(Equal(exitInvalid))
		Expect(stdout).To(BeEmpty())
		Expect(stderr).To(ContainSubstring("give a new or empty folder"))
	}, SpecTimeout(2*time.Minute))

	It("records the approver named with --approver, or $FAULTDRILL_APPROVER, who answered on the terminal", func(ctx SpecContext) {
		GinkgoT().Setenv("FAULTDRILL_APPROVER", "someone else")
		dir := filepath.Join(GinkgoT().TempDir(), "drill")
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"run", "--quiet", "--report-dir", dir, "--approver", "Ana Lima", "--var", "ledger=" + ledgerBin,
			"../../scenarios/examples/ledger-approval.yaml"},
			env{stdout: &out, stderr: &errOut, stdin: strings.NewReader("y\nerror spike is real\n")})
		Expect(code).To(Equal(exitPassed), out.String()+errOut.String())
		Expect(errOut.String()).To(ContainSubstring("Roll back now? [y/n]"))
		Expect(strings.Count(errOut.String(), "Roll back now?")).To(Equal(1), "asked once")
		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Approval).NotTo(BeNil())
		Expect(rep.Approval.By).To(Equal("Ana Lima"))
		Expect(rep.Approval.Rationale).To(Equal("error spike is real"))
		Expect(out.String()).To(MatchRegexp(`rollback approved by Ana Lima \(payments-oncall\) after \d`), "the summary names who decided and how long it took")
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("faultdrill cleanup and Docker", func() {
	// engineSpy listens where DOCKER_HOST points and counts the
	// connections made to it.
	engineSpy := func() *atomic.Int32 {
		GinkgoHelper()
		sock := filepath.Join(GinkgoT().TempDir(), "docker.sock")
		l, err := net.Listen("unix", sock)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		var n atomic.Int32
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				n.Add(1)
				c.Close()
			}
		}()
		GinkgoT().Setenv("DOCKER_HOST", "unix://"+sock)
		return &n
	}

	It("never touches Docker for a folder of process drills, and asks it for a folder with a docker drill", func(ctx SpecContext) {
		calls := engineSpy()
		out := GinkgoT().TempDir()
		Expect(os.MkdirAll(filepath.Join(out, "proc-20260101-000000-aaaa", "logs"), 0o700)).To(Succeed())
		code, stdout, stderr := cli(ctx, "cleanup", out)
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		Expect(calls.Load()).To(BeZero(), "no connection to the engine")
		Expect(stderr).NotTo(ContainSubstring("Connected to docker"))

		Expect(os.MkdirAll(filepath.Join(out, "dock-20260101-000000-bbbb", "logs"), 0o700)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(out, "dock-20260101-000000-bbbb", drill.BuildLogFile), nil, 0o600)).To(Succeed())
		cli(ctx, "cleanup", out)
		Expect(calls.Load()).To(BeNumerically(">", 0), "a docker drill's folder: the engine is asked")
	})
})

var _ = Describe("a service that fails to start", func() {
	It("is one line with the cause and the log, in the output and in report.json; its last lines go to the journal", func(ctx SpecContext) {
		path := writeFile("crash.yaml", `apiVersion: faultdrill/v1
metadata: {name: crash}
system:
  services:
    api:
      initial: v1
      versions:
        v1: {command: [sh, -c, 'i=0; while [ $$i -lt 50 ]; do i=$$((i+1)); echo "boot line $$i"; done; exit 3']}
load:
  target: api
  duration: 5s
  streams: [{name: r, rate: 1/s, path: /r}]
`)
		dir := filepath.Join(GinkgoT().TempDir(), "drill")
		code, stdout, stderr := cli(ctx, "run", "--quiet", "--report-dir", dir, path)
		Expect(code).To(Equal(exitError), stdout+stderr)
		output := stdout + stderr
		Expect(output).To(ContainSubstring(`exited before it was healthy (exit status 3)`))
		Expect(output).To(ContainSubstring(`ends with "boot line 50"`))
		Expect(output).To(ContainSubstring(filepath.Join("logs", "api-v1.log")))
		Expect(output).NotTo(ContainSubstring("boot line 49"), "no log dump in the output")

		raw, err := os.ReadFile(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(ContainSubstring("boot line 50"))
		Expect(string(raw)).NotTo(ContainSubstring("boot line 49"), "one line of the log in report.json, not kilobytes")
		journal, err := os.ReadFile(filepath.Join(dir, reports.JournalFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(journal)).To(ContainSubstring(`"sut.start-failed"`))
		Expect(string(journal)).To(ContainSubstring("boot line 41"))
		Expect(string(journal)).NotTo(ContainSubstring("boot line 40\\n"), "ten lines of the log in the journal")
	}, SpecTimeout(time.Minute))
})

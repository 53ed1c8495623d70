package gameday_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("the game day's report.html in a real browser", Label("browser"), func() {
	It("loads offline with no console message, a row per drill and hostile text kept as text", func(ctx SpecContext) {
		var bin string
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
			if p, err := exec.LookPath(name); err == nil {
				bin = p
				break
			}
		}
		if bin == "" {
			Skip("no chromium on PATH: install Debian's chromium package (apt-get install -y chromium) to run this spec")
		}
		dir := GinkgoT().TempDir()
		rep := &gameday.Report{Name: "g", Started: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), Dir: dir, Class: reports.ClassRTO, ExitCode: 5,
			Drills: []gameday.DrillResult{
				{Index: 1, Scenario: "a.yaml", Hypothesis: "holds", Class: reports.ClassPassed, Dir: filepath.Join(dir, "01-a")},
				{Index: 2, Scenario: "b.yaml", Hypothesis: `<img src=x onerror=alert(1)>`, Class: reports.ClassRTO, ExitCode: 5, Dir: filepath.Join(dir, "02-b"),
					Reasons: []string{"rto: recovered in 2s, beyond the 300ms objective"}, Owner: "storage-team"},
				{Index: 3, Scenario: "c.yaml", Hypothesis: "holds too", Skipped: "drill 2 did not pass"},
			}}
		paths, err := gameday.Write(rep)
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).To(HaveLen(5))

		cmd := exec.CommandContext(ctx, bin, "--headless=new", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr", "--v=0",
			"--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", "file://"+filepath.Join(dir, gameday.HTMLFile))
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = 5 * time.Second
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		Expect(cmd.Run()).To(Succeed(), stderr.String())
		Expect(stderr.String()).NotTo(ContainSubstring(":CONSOLE"))
		dom := stdout.String()
		Expect(strings.Count(dom, `<tr class="drill">`)).To(Equal(3))
		Expect(dom).NotTo(ContainSubstring("<img"))
		Expect(dom).To(ContainSubstring("skipped: drill 2 did not pass"))
		Expect(dom).To(ContainSubstring(`<b>D2-1</b> rto: recovered in 2s, beyond the 300ms objective — storage-team`))
	}, NodeTimeout(2*time.Minute))
})

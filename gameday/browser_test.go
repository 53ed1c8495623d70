package gameday_test

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/internal/testbrowser"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("the game day's report.html in a real browser", Label("browser"), func() {
	It("loads offline with no console message, a row per drill and hostile text kept as text", func(ctx SpecContext) {
		bin := testbrowser.Chromium()
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

		dom, log := testbrowser.DumpDOM(ctx, bin, "file://"+filepath.Join(dir, gameday.HTMLFile))
		Expect(log).NotTo(ContainSubstring(":CONSOLE"))
		Expect(strings.Count(dom, `<tr class="drill">`)).To(Equal(3))
		Expect(dom).NotTo(ContainSubstring("<img"))
		Expect(dom).To(ContainSubstring("skipped: drill 2 did not pass"))
		Expect(dom).To(ContainSubstring(`<b>D2-1</b> rto: recovered in 2s, beyond the 300ms objective — storage-team`))
	}, NodeTimeout(2*time.Minute))
})

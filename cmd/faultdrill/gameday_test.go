package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/reports"
)

const gamedayFile = "testdata/gameday/gameday.yaml"

// insideWindow is a Monday 10:00 in Lisbon, inside the file's window.
const insideWindow = "2026-12-07T10:00:00Z"

var _ = Describe("faultdrill gameday", func() {
	It("runs three real drills in order, one failing, into one folder with a combined report and a review", func(ctx SpecContext) {
		out := GinkgoT().TempDir()
		db := filepath.Join(GinkgoT().TempDir(), "history.db")
		code, stdout, stderr := cli(ctx, "gameday", "--quiet", "--out", out, "--history", db, "--now", insideWindow, "--var", "ledger="+ledgerBin, gamedayFile)
		Expect(code).To(Equal(reports.ClassRTO.ExitCode()), "the worst drill's code: %s%s", stdout, stderr)
		Expect(stderr).To(ContainSubstring("gameday spec-gameday: drill 2/3 tight-rto.yaml — The same rollback recovers within 300ms."))
		Expect(stdout).To(ContainSubstring("game day spec-gameday — rto (exit 5)"))
		dirs, _ := filepath.Glob(filepath.Join(out, "spec-gameday-*"))
		Expect(dirs).To(HaveLen(1))
		dir := dirs[0]
		for i, name := range []string{"01-slow-rollback", "02-tight-rto", "03-slow-rollback"} {
			Expect(filepath.Join(dir, name, reports.FileName)).To(BeARegularFile(), "drill %d ran, continueOnFailure let 3 run", i+1)
		}

		var rep gameday.Report
		b, err := os.ReadFile(filepath.Join(dir, gameday.JSONFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &rep)).To(Succeed())
		Expect(rep.Class).To(Equal(reports.ClassRTO))
		Expect(rep.Drills).To(HaveLen(3))
		Expect([]reports.Class{rep.Drills[0].Class, rep.Drills[1].Class, rep.Drills[2].Class}).To(Equal([]reports.Class{reports.ClassPassed, reports.ClassRTO, reports.ClassPassed}))
		Expect(rep.Participants).To(HaveLen(3))

		var junit struct {
			Suites []struct {
				Name string `xml:"name,attr"`
			} `xml:"testsuite"`
			Failures int `xml:"failures,attr"`
		}
		b, err = os.ReadFile(filepath.Join(dir, gameday.JUnitFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(xml.Unmarshal(b, &junit)).To(Succeed())
		Expect(junit.Suites).To(HaveLen(3), "one suite per drill")
		Expect(junit.Suites[1].Name).To(Equal("2 tight-rto.yaml"))
		Expect(junit.Failures).To(BeNumerically(">", 0))

		b, err = os.ReadFile(filepath.Join(dir, gameday.ReviewFile))
		Expect(err).NotTo(HaveOccurred())
		review := string(b)
		Expect(review).To(ContainSubstring("2. The same rollback recovers within 300ms. — **did not hold**"))
		Expect(review).To(ContainSubstring("1. A bad release is rolled back within 30s without losing a write. — **held**"))
		Expect(review).To(MatchRegexp(`- \[ \] \*\*D2-1\*\* \(drill 2\) rto: recovered in \S+, beyond the 300ms objective\n  - owner: storage-team\n  - due: `))
		Expect(review).To(ContainSubstring("- Ana Lima — rollback-owner"))
		Expect(review).To(ContainSubstring("## Lessons learned"))

		b, err = os.ReadFile(filepath.Join(dir, gameday.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(string(b), `<tr class="drill">`)).To(Equal(3))
		Expect(string(b)).To(ContainSubstring(`href="02-tight-rto/report.html"`))
		md, err := os.ReadFile(filepath.Join(dir, gameday.MarkdownFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("| 2 | tight-rto.yaml | The same rollback recovers within 300ms. | rto (exit 5) | 02-tight-rto |"))

		By("keeping the action items in the history, open per owner until closed")
		_, stdout, _ = cli(ctx, "history", "--history", db)
		Expect(stdout).To(ContainSubstring("3 drill(s)"), "each drill of the game day is recorded")
		code, stdout, _ = cli(ctx, "history", "--history", db, "--items")
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(MatchRegexp(`storage-team\n  spec-gameday-\S+ D2-1  rto: recovered in \S+, beyond the 300ms objective\n  spec-gameday-\S+ D2-2 `))
		// The two reasons drill 2 failed, and every objective a drill missed
		// without failing for it (an error budget overspent under this
		// machine's load varies from run to run), each an open item.
		gd, err := gameday.ReadReport(dir)
		Expect(err).NotTo(HaveOccurred())
		open := len(gd.Items())
		Expect(open).To(BeNumerically(">=", 2))
		Expect(stdout).To(ContainSubstring(fmt.Sprintf("%d open action item(s)", open)))
		code, stdout, stderr = cli(ctx, "review", dir, "--history", db, "--close", "D2-1", "--note", "RTO objective raised to 2s after review")
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("closed D2-1"))
		b, err = os.ReadFile(filepath.Join(dir, gameday.ReviewFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(MatchRegexp(`- \[x\] \*\*D2-1\*\* .*\n  - owner: storage-team\n  - due: \n  - closed: \d{4}-\d\d-\d\d — RTO objective raised to 2s after review\n- \[ \] \*\*D2-2\*\*`))
		_, stdout, _ = cli(ctx, "history", "--history", db, "--items")
		Expect(stdout).To(ContainSubstring(fmt.Sprintf("%d open action item(s)", open-1)))
		Expect(stdout).NotTo(ContainSubstring("D2-1"))
		code, _, stderr = cli(ctx, "review", dir, "--history", db, "--close", "D7-1", "--note", "x")
		Expect(code).To(Equal(exitInvalid))
		var ids []string
		for _, it := range gd.Items() {
			ids = append(ids, it.ID)
		}
		Expect(ids).To(ContainElements("D2-1", "D2-2"))
		Expect(stderr).To(ContainSubstring(fmt.Sprintf("--close=D7-1: no such action item in %s; its items are %v", dir, ids)))
	}, SpecTimeout(3*time.Minute))

	It("refuses outside the rollback window with the next allowed time, on a fixed clock", func(ctx SpecContext) {
		out := GinkgoT().TempDir()
		code, stdout, stderr := cli(ctx, "gameday", "--out", out, "--now", "2026-12-10T16:30:00Z", gamedayFile)
		Expect(code).To(Equal(exitInvalid))
		Expect(stdout).To(BeEmpty())
		Expect(stderr).To(ContainSubstring("is outside the rollback window (mon, tue, wed, thu 09:00-16:00 Europe/Lisbon); the next allowed time is Mon 2026-12-14 09:00 WET: run then, or give --outside-window (it is recorded)"))
		entries, _ := os.ReadDir(out)
		Expect(entries).To(BeEmpty(), "nothing ran")
	})

	It("plans and validates a game day without running it", func(ctx SpecContext) {
		code, stdout, _ := cli(ctx, "gameday", "--plan", "--now", "2026-12-10T16:30:00Z", gamedayFile)
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring("rollback-owner   Ana Lima"))
		Expect(stdout).To(ContainSubstring("window mon, tue, wed, thu 09:00-16:00 Europe/Lisbon: closed now; next allowed Mon 2026-12-14 09:00 WET"))
		Expect(stdout).To(MatchRegexp(`2\. \S+tight-rto.yaml — The same rollback recovers within 300ms. \(continue if it fails\)`))
		Expect(stdout).To(ContainSubstring("var pause=1"))
		code, stdout, _ = cli(ctx, "schema", "--kind", "gameday")
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring(`"$id": "` + gameday.SchemaID + `"`))
		code, stdout, _ = cli(ctx, "validate", gamedayFile, "../../gamedays/example.yaml")
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring(gamedayFile + ": ok (game day of 3 drill(s))"))
		bad := writeFile("bad-vars.yaml", "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: x}\ndrills:\n  - {scenario: "+
			filepath.Join(must(filepath.Abs("testdata/slow-rollback.yaml")))+", hypothesis: h, vars: {paus: \"1\"}}\n")
		code, _, stderr := cli(ctx, "validate", bad)
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("paus"), "the drill's var overrides are checked against its scenario")
	})

	It("reports a bad game-day file as file:line:col lines, exit 2", func(ctx SpecContext) {
		path := writeFile("bad.yaml", `apiVersion: faultdrill/v1
kind: GameDay
metadata: {name: x}
participants:
  - {name: Ana, role: boss}
drills:
  - scenario: nope.yaml
`)
		code, _, stderr := cli(ctx, "gameday", path)
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring(path + `:5:23: participants[0].role: is "boss"; use rollback-owner, recovery-lead, observer`))
		Expect(stderr).To(ContainSubstring(path + `:7:15: drills[0].scenario: nope.yaml does not exist`))
		Expect(stderr).To(ContainSubstring(`drills[0]: has no hypothesis`))
		code, _, stderr = cli(ctx, "gameday", writeFile("typo.yaml", "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: x}\ndrils: []\n"))
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(MatchRegexp(`typo.yaml:4:1: unknown field "drils"`))
	})
})

func must(s string, err error) string {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("hostile input to gameday and review", func() {
	It("refuses /dev/zero and a 30,000-deep file with one line and exit 2, reading no more than the limit", func(ctx SpecContext) {
		code, _, errOut := cli(ctx, "gameday", "/dev/zero")
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(Equal("/dev/zero:1:1: the file is larger than 256 KiB, the limit for a game day; trim it\n"))
		deep := writeFile("deep.yaml", "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: "+strings.Repeat("[", 30000)+strings.Repeat("]", 30000)+"}\n")
		code, _, errOut = cli(ctx, "gameday", deep)
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(Equal(deep + ":1:1: the YAML nests brackets deeper than 64 levels, the limit for a game day; flatten it\n"))
		code, _, _ = cli(ctx, "validate", deep)
		Expect(code).To(Equal(exitInvalid))
		code, _, errOut = cli(ctx, "review", GinkgoT().TempDir())
		Expect(code).To(Equal(exitInvalid))
		Expect(errOut).To(ContainSubstring("give a game-day folder (it holds gameday.json)"))
	})
})

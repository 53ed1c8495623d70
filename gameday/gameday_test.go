package gameday_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/reports"
)

func parse(src string) (*gameday.File, error) {
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "drill.yaml"), []byte("x"), 0o644)).To(Succeed())
	return gameday.Parse(filepath.Join(dir, "gd.yaml"), []byte(src))
}

const head = "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: g}\ndrills:\n  - {scenario: drill.yaml, hypothesis: it holds}\n"

var _ = Describe("the rollback window", func() {
	var w *gameday.Window
	BeforeEach(func() {
		f, err := parse(head + "window: {timeZone: America/New_York, days: [mon, wed], hours: \"09:30-17:00\"}\n")
		Expect(err).NotTo(HaveOccurred())
		w = f.Window
	})
	ny, _ := time.LoadLocation("America/New_York")

	DescribeTable("is open or names the next allowed time",
		func(now time.Time, open bool, next time.Time) {
			ok, got := w.Allows(now)
			Expect(ok).To(Equal(open))
			if !open {
				Expect(got.Equal(next)).To(BeTrue(), "next %s, want %s", got, next)
			}
		},
		Entry("inside, Monday", time.Date(2026, 12, 7, 10, 0, 0, 0, ny), true, time.Time{}),
		Entry("at the opening minute", time.Date(2026, 12, 7, 9, 30, 0, 0, ny), true, time.Time{}),
		Entry("before it opens", time.Date(2026, 12, 7, 8, 0, 0, 0, ny), false, time.Date(2026, 12, 7, 9, 30, 0, 0, ny)),
		Entry("at closing: Wednesday next", time.Date(2026, 12, 7, 17, 0, 0, 0, ny), false, time.Date(2026, 12, 9, 9, 30, 0, 0, ny)),
		Entry("Thursday: the next Monday", time.Date(2026, 12, 10, 12, 0, 0, 0, ny), false, time.Date(2026, 12, 14, 9, 30, 0, 0, ny)),
		Entry("a UTC clock, converted", time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), true, time.Time{}),
	)
})

var _ = Describe("a game-day file", func() {
	It("is strict and says where each problem is", func() {
		_, err := parse(head + "window: {timeZone: Mars/Base, days: [funday], hours: \"17:00-09:00\"}\n")
		Expect(err).To(MatchError(gameday.ErrInvalid))
		Expect(err.Error()).To(ContainSubstring(`gd.yaml:6:20: window.timeZone: "Mars/Base" is not a time zone`))
		Expect(err.Error()).To(ContainSubstring(`window.days[0]: "funday" is not a day`))
		Expect(err.Error()).To(ContainSubstring(`window.hours: "17:00-09:00" is not a range of hours of one day`))
		_, err = parse("apiVersion: faultdrill/v1\nkind: Scenario\nmetadata: {name: g}\ndrills: []\n")
		Expect(err.Error()).To(ContainSubstring(`gd.yaml:2:7: kind: is "Scenario"; a game-day file has kind: GameDay`))
		Expect(err.Error()).To(ContainSubstring("drills: is empty"))
	})

	It("resolves scenarios relative to itself", func() {
		f, err := parse(head)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.ScenarioPath(f.Drills[0])).To(Equal(filepath.Join(filepath.Dir(f.Path()), "drill.yaml")))
	})
})

var _ = Describe("the worst drill", func() {
	It("decides the game day's class by the verdict's ranking; skipped drills do not count", func() {
		Expect(gameday.Worst([]gameday.DrillResult{{Class: reports.ClassPassed}, {Class: reports.ClassUnverified}, {Class: reports.ClassIntegrity}})).To(Equal(reports.ClassIntegrity))
		Expect(gameday.Worst([]gameday.DrillResult{{Class: reports.ClassPassed}, {Skipped: "stopped"}})).To(Equal(reports.ClassPassed))
	})
})

var _ = Describe("the bundled game day", func() {
	It("is a valid game-day file whose scenarios exist", func() {
		f, err := gameday.Load("../gamedays/example.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Drills).To(HaveLen(3))
		Expect(f.Participants).To(HaveLen(3))
	})
})

var _ = Describe("the review's action items", func() {
	It("include an objective a passing drill missed without failing a gate, and not a failed gate twice", func() {
		f, err := parse(head)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		rep := &reports.Report{Schema: reports.Schema, Drill: reports.Drill{ID: "d-1"}, Status: reports.Failed,
			Outcome: reports.Outcome{Class: reports.ClassRTO, Reasons: []string{"rto: recovered in 2s, beyond the 300ms objective"},
				Gates: []reports.Gate{{Name: reports.GateRTO, State: reports.GateFailed}}},
			Score: reports.Score{Components: []reports.Component{
				{Name: reports.PartRTO, Value: 0, Detail: "recovered in 2s, beyond the 300ms objective"},
				{Name: reports.PartErrorBudget, Value: 0.67, Detail: "50 of 750 operations failed or ended indeterminate (6.67%), beyond the 5.00% error budget"},
				{Name: reports.PartHealth, Value: 1, Detail: "all 2 services answered healthy"},
				{Name: reports.PartSLO, NoData: true, Detail: "no data: no slo verifier ran"},
			}}}
		_, err = reports.Write(dir, rep)
		Expect(err).NotTo(HaveOccurred())
		d := gameday.Result(0, f, f.Drills[0], dir, 5)
		Expect(d.Missed).To(HaveExactElements("errorBudget 0.67: 50 of 750 operations failed or ended indeterminate (6.67%), beyond the 5.00% error budget"))
		items := (&gameday.Report{Drills: []gameday.DrillResult{d}}).Items()
		Expect(items).To(HaveLen(2))
		Expect(items[0].What).To(HavePrefix("rto: "))
		Expect(items[1].ID).To(Equal("D1-2"))
		Expect(items[1].What).To(HavePrefix("errorBudget 0.67: "))
	})
})

package history_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/internal/testbrowser"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/faultdrill/faultdrill/history"
)

var _ = Describe("regression detection", func() {
	fast := func(id string, n int) history.Run { return aRun(id, "x", n) }

	It("flags a figure worse than factor × the trailing median, naming the newest good run", func() {
		prev := []history.Run{fast("r1", 1), fast("r2", 2), fast("r3", 3)}
		prev[2].Passed = false // r3 failed: not a good run
		cur := fast("r4", 4)
		cur.Rollback = dur(4 * time.Second) // median 1.5s × 2 = 3s
		regs := history.Regressions(cur, prev, 2)
		Expect(regs).To(HaveLen(1))
		Expect(regs[0].Figure).To(Equal("rollback"))
		Expect(regs[0].Median).To(Equal(1500 * time.Millisecond))
		Expect(regs[0].PreviousGood.ID).To(Equal("r2"))
		Expect(regs[0].String()).To(Equal("rollback duration 4s is 2.7× the trailing median 1.5s of the 3 run(s) before (limit 2×); previous good run r2 (drills/r2)"))

		cur.Rollback = dur(2900 * time.Millisecond)
		Expect(history.Regressions(cur, prev, 2)).To(BeEmpty(), "within the factor")
	})

	It("needs two earlier measures, and ignores runs that measured nothing", func() {
		cur := fast("r9", 9)
		cur.RTO = dur(time.Minute)
		Expect(history.Regressions(cur, []history.Run{fast("r1", 1)}, 2)).To(BeEmpty())
		noRTO := fast("r2", 2)
		noRTO.RTO = nil
		Expect(history.Regressions(cur, []history.Run{fast("r1", 1), noRTO}, 2)).To(BeEmpty())
	})

	It("flags integrity turning from clean to violated, not violated again", func() {
		cur := fast("r3", 3)
		cur.Inconsistent, cur.Passed = flag(true), false
		regs := history.Regressions(cur, []history.Run{fast("r1", 1), fast("r2", 2)}, 2)
		Expect(regs).To(HaveLen(1))
		Expect(regs[0].String()).To(HavePrefix("integrity turned from clean to violated; previous good run r2"))
		Expect(history.Regressions(cur, []history.Run{fast("r1", 1), cur}, 2)).To(BeEmpty())
	})
})

var _ = Describe("trends", func() {
	It("computes each figure per scenario and per service over the window", func() {
		a1, a2, b1 := aRun("a1", "a", 1, "api"), aRun("a2", "a", 30, "api", "db"), aRun("b1", "b", 50, "db")
		a2.RTO, a2.Passed, a2.Inconsistent, a2.LostWrites = dur(9*time.Second), false, flag(true), num(4)
		b1.Inconsistent, b1.RTO = nil, nil
		t := history.Compute([]history.Run{a1, a2, b1}, t0, t0.AddDate(0, 0, 14))
		Expect(t.ByScenario).To(HaveLen(2))
		a := t.ByScenario[0]
		Expect(a.Group).To(Equal("a"))
		Expect(a.Runs).To(Equal(2))
		Expect(a.PerWeek).To(Equal(1.0))
		Expect(a.PassRate).To(Equal(0.5))
		Expect(a.RTO).To(Equal(history.Stat{N: 2, Median: 3 * time.Second, P90: 9 * time.Second}))
		Expect(a.LostWrites).To(Equal(4))
		rate, ok := a.InconsistencyRate()
		Expect(ok).To(BeTrue())
		Expect(rate).To(Equal(0.5))
		_, ok = t.ByScenario[1].InconsistencyRate()
		Expect(ok).To(BeFalse(), "b never checked its data")
		Expect(t.ByScenario[1].RTO.N).To(BeZero())
		var services []string
		for _, f := range t.ByService {
			services = append(services, f.Group)
		}
		Expect(services).To(Equal([]string{"api", "db"}))
		Expect(t.ByService[1].Runs).To(Equal(2))
		Expect(t.Buckets).To(HaveLen(14), "a point a day")
		Expect(t.Series["a"][0].Runs).To(Equal(1))
		Expect(t.Series["a"][1].Runs).To(Equal(1))
		Expect(t.Series["b"][2].Runs).To(Equal(1))
	})
})

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func findAll(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && keep(c) {
			out = append(out, c)
		}
	}
	return out
}

var _ = Describe("the trends page in a real browser", Label("browser"), func() {
	It("loads offline with no console message and draws one chart per figure, a line per scenario", func(ctx SpecContext) {
		bin := testbrowser.Chromium()
		end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		runs := generated(600, end)
		runs[10].Scenario = `<img src=x onerror=alert(1)>`
		t := history.Compute(runs, end.AddDate(0, 0, -90), end)
		var b bytes.Buffer
		Expect(history.WriteHTML(&b, t)).To(Succeed())
		page := filepath.Join(GinkgoT().TempDir(), "trends.html")
		Expect(os.WriteFile(page, b.Bytes(), 0o644)).To(Succeed())

		dom, log := testbrowser.DumpDOM(ctx, bin, "file://"+page)
		var console []string
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, ":CONSOLE") {
				console = append(console, line)
			}
		}
		Expect(console).To(BeEmpty(), "the page logs nothing")
		root, err := html.Parse(strings.NewReader(dom))
		Expect(err).NotTo(HaveOccurred())
		charts := findAll(root, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "class") == "chart" })
		var figures []string
		for _, c := range charts {
			figures = append(figures, attr(c, "data-figure"))
			lines := findAll(c, func(n *html.Node) bool { return n.Data == "polyline" })
			Expect(lines).To(HaveLen(6), "a line per scenario in %s", attr(c, "data-figure"))
			drawn := 0
			for _, l := range lines {
				if strings.Count(attr(l, "points"), ",") > 1 {
					drawn++
				}
			}
			Expect(drawn).To(BeNumerically(">=", 5), "the five scenarios that ran every day draw a line")
		}
		Expect(figures).To(Equal([]string{"rehearsals", "pass-rate", "rollback", "detection", "rto-median", "rto-p90", "inconsistency", "lost-writes", "mttr"}))
		Expect(findAll(root, func(n *html.Node) bool { return n.Data == "img" || n.Data == "script" })).To(BeEmpty(), "hostile names stay text; no script")
		Expect(dom).To(ContainSubstring("scenario-3"))
	}, NodeTimeout(2*time.Minute))
})

var _ = Describe("a run in JSON", func() {
	It("has camelCase names and nanosecond durations, like report.json, and leaves out what was not measured", func() {
		r := aRun("a1", "a", 1, "api")
		r.MTTR = nil
		b, err := json.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"id":"a1","scenario":"a","services":["api"]`))
		Expect(string(b)).To(ContainSubstring(`"rto":3000000000`))
		Expect(string(b)).NotTo(ContainSubstring(`"mttr"`))
	})
})

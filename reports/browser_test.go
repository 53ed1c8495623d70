package reports_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/internal/testbrowser"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("the HTML report in a real browser", Label("browser"), func() {
	It("loads with no console message and draws the chart", func(ctx SpecContext) {
		bin := testbrowser.Chromium()
		r := realisticReport(120)
		dir := drillDir(r, realisticJournal(r))
		paths, err := reports.Render(dir, reports.FormatHTML)
		Expect(err).NotTo(HaveOccurred())
		abs, err := filepath.Abs(paths[0])
		Expect(err).NotTo(HaveOccurred())

		dom, log := testbrowser.DumpDOM(ctx, bin, "file://"+abs)

		var console []string
		for _, line := range strings.Split(log, "\n") {
			if strings.Contains(line, ":CONSOLE") {
				console = append(console, line)
			}
		}
		Expect(console).To(BeEmpty(), "the page logs nothing: no script error, no blocked fetch")

		root, err := html.Parse(strings.NewReader(dom))
		Expect(err).NotTo(HaveOccurred())
		p := page{raw: dom, root: root}
		svg := p.all("svg", withID("chart"))
		Expect(svg).To(HaveLen(1))
		Expect(attr(svg[0], "data-drawn")).To(Equal("true"))
		Expect(attr(svg[0], "data-paths")).To(Equal("3"))
		Expect(attr(svg[0], "viewBox")).To(HavePrefix("0 0 960 "))
		lines := p.all("path", func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "line ") })
		Expect(lines).To(HaveLen(3), "one path per series")
		for _, l := range lines {
			Expect(strings.Count(attr(l, "d"), "L")).To(Equal(len(r.Windows)-1), "a point per window")
		}
		Expect(p.all("rect", func(n *html.Node) bool { return attr(n, "class") == "shade" })).To(HaveLen(1))
		marks := map[string]int{}
		for _, n := range p.all("line", func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "mark ") }) {
			marks[attr(n, "class")]++
		}
		for _, kind := range []string{"mark deploy", "mark trigger", "mark approval", "mark rollback"} {
			Expect(marks).To(HaveKey(kind))
		}
		Expect(p.all("img", nil)).To(BeEmpty(), "hostile markup stayed text")
		Expect(text(svg[0])).To(ContainSubstring("latency on api-to-" + evil[:20]))
	}, NodeTimeout(3*time.Minute))

	It("stacks the labels of moments close in time so that none overlaps or is cut, and starts the axis at the load start", func(ctx SpecContext) {
		bin := testbrowser.Chromium()
		r := realisticReport(60)
		// Set-up took 17 s, and the trigger, approval, rollback and
		// recovery come within a second: the labels a drill crowds.
		setup := 17 * time.Second
		for i := range r.Windows {
			r.Windows[i].Start += setup
		}
		fired := 40 * time.Second
		r.Phases.LoadStart, r.Phases.LoadEnd = dur(setup), dur(setup+60*time.Second)
		r.Phases.TriggerFired, r.Phases.RollbackStart = dur(fired), dur(fired+200*time.Millisecond)
		r.Phases.RollbackEnd, r.Phases.Recovered = dur(fired+400*time.Millisecond), dur(fired+600*time.Millisecond)
		r.Deploys = []reports.Deploy{{Service: "api", From: "v1", To: "v2", By: "timeline", Start: fired - 300*time.Millisecond}}
		r.Faults = []reports.Fault{{Name: "lat", Kind: "latency", Link: "api-to-store-through-a-long-named-link", Start: fired - 100*time.Millisecond, End: dur(fired + time.Second)}}
		journal := []reports.JournalEntry{
			{T: fired + 100*time.Millisecond, Kind: "approval.requested", Msg: "asked the rollback owner"},
			{T: fired + 150*time.Millisecond, Kind: "approval.granted", Msg: "approved by alice (sre)"},
		}
		dir := drillDir(r, journal)
		paths, err := reports.Render(dir, reports.FormatHTML)
		Expect(err).NotTo(HaveOccurred())
		content, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		// A probe appended after the page's own script measures what the
		// browser drew and writes it into the DOM that --dump-dom prints.
		probe := `<pre id="geometry"></pre><script>(function () {
  var svg = document.getElementById("chart"), labels = [].slice.call(svg.querySelectorAll("text.mark-label"));
  var boxes = labels.map(function (t) { var b = t.getBBox(); return { text: t.firstChild.nodeValue, x: b.x, y: b.y, w: b.width, h: b.height }; });
  var overlaps = [];
  boxes.forEach(function (a, i) { boxes.slice(i + 1).forEach(function (b) {
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) { overlaps.push(a.text + " | " + b.text); }
  }); });
  var vb = svg.viewBox.baseVal, outside = boxes.filter(function (b) { return b.x < 0 || b.x + b.w > vb.width; }).map(function (b) { return b.text; });
  var first = svg.querySelector("path.line.s0").getAttribute("d").split(" ")[0].slice(1);
  var ticks = [].slice.call(svg.querySelectorAll("text")).filter(function (t) { return /^[0-9]+s$/.test(t.textContent); });
  document.getElementById("geometry").textContent = JSON.stringify({ labels: boxes.map(function (b) { return b.text; }),
    overlaps: overlaps, outside: outside, firstX: Number(first), firstTick: ticks[0].textContent, firstTickX: Number(ticks[0].getAttribute("x")) });
}());</script></body>`
		Expect(os.WriteFile(paths[0], []byte(strings.Replace(string(content), "</body>", probe, 1)), 0o600)).To(Succeed())
		abs, err := filepath.Abs(paths[0])
		Expect(err).NotTo(HaveOccurred())

		dom, _ := testbrowser.DumpDOM(ctx, bin, "file://"+abs)
		root, err := html.Parse(strings.NewReader(dom))
		Expect(err).NotTo(HaveOccurred())
		pre := (page{raw: dom, root: root}).all("pre", withID("geometry"))
		Expect(pre).To(HaveLen(1))
		var g struct {
			Labels, Overlaps, Outside []string
			FirstX, FirstTickX        float64
			FirstTick                 string
		}
		Expect(json.Unmarshal([]byte(text(pre[0])), &g)).To(Succeed(), text(pre[0]))
		Expect(g.Labels).To(ConsistOf("deploy api v1 → v2", "latency on api-to-store-through-a-long-named-link",
			`trigger "error_rate above 5%" fired`, "approval.requested: asked the rollback owner",
			"approval.granted: approved by alice (sre)", "rollback start", "rollback end", "recovered"),
			"one label per moment, each whole: none merged, none cut")
		Expect(g.Overlaps).To(BeEmpty(), "no two labels overlap")
		Expect(g.Outside).To(BeEmpty(), "no label runs off the chart")
		Expect(g.FirstTick).To(Equal("0s"))
		Expect(g.FirstX-g.FirstTickX).To(BeNumerically("<", 15), "the first window is at the axis's start, not after 17 s of set-up")
	}, NodeTimeout(3*time.Minute))
})

package reports_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

// chartJSON is the chart data as the page's script reads it.
type chartJSON struct {
	End    float64 `json:"end"`
	Series []struct {
		Name    string       `json:"name"`
		Unit    string       `json:"unit"`
		Points  [][2]float64 `json:"points"`
		Windows int          `json:"windows"`
	} `json:"series"`
	Shades []struct {
		From, To float64
		Label    string
	} `json:"shades"`
	Marks []struct {
		At          float64
		Kind, Label string
	} `json:"marks"`
}

// page is a rendered HTML report, parsed.
type page struct {
	raw  string
	root *html.Node
}

func renderHTML(r *reports.Report, journal []reports.JournalEntry) page {
	GinkgoHelper()
	var b strings.Builder
	Expect(reports.WriteHTML(&b, r, journal, nil)).To(Succeed())
	root, err := html.Parse(strings.NewReader(b.String()))
	Expect(err).NotTo(HaveOccurred())
	return page{raw: b.String(), root: root}
}

// all returns the elements with the tag for which keep is true.
func (p page) all(tag string, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range p.root.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag && (keep == nil || keep(n)) {
			out = append(out, n)
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func withID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return attr(n, "id") == id }
}

// section returns the text of the section with the id.
func (p page) section(id string) string {
	GinkgoHelper()
	s := p.all("section", withID(id))
	Expect(s).To(HaveLen(1), id)
	return text(s[0])
}

func (p page) chart() chartJSON {
	GinkgoHelper()
	s := p.all("script", withID("chart-data"))
	Expect(s).To(HaveLen(1))
	Expect(attr(s[0], "type")).To(Equal("application/json"))
	var c chartJSON
	Expect(json.Unmarshal([]byte(text(s[0])), &c)).To(Succeed())
	return c
}

var _ = Describe("WriteHTML", func() {
	It("is one self-contained page: inline style and script, nothing to fetch", func() {
		p := renderHTML(realisticReport(60), nil)
		Expect(p.all("style", nil)).To(HaveLen(1))
		Expect(p.all("link", nil)).To(BeEmpty())
		for n := range p.root.Descendants() {
			if n.Type == html.ElementNode {
				Expect(attr(n, "src")).To(BeEmpty(), n.Data)
				Expect(attr(n, "href")).To(BeEmpty(), n.Data)
			}
		}
		csp := p.all("meta", func(n *html.Node) bool { return attr(n, "http-equiv") == "Content-Security-Policy" })
		Expect(csp).To(HaveLen(1))
		Expect(attr(csp[0], "content")).To(HavePrefix("default-src 'none'"))
		Expect(p.all("svg", withID("chart"))).To(HaveLen(1))
	})

	It("shows hostile text from the system under test as text, never as markup", func() {
		r := realisticReport(60)
		p := renderHTML(r, realisticJournal(r))
		Expect(p.all("script", nil)).To(HaveLen(2), "the chart data and the chart's own script only")
		Expect(p.all("img", nil)).To(BeEmpty())
		Expect(p.raw).NotTo(ContainSubstring("<script>alert"))
		Expect(p.section("verifiers")).To(ContainSubstring(evil), "the summary reads as the system wrote it")
		Expect(p.section("journal")).To(ContainSubstring("approved by alice (sre): " + evil))
		Expect(p.chart().Shades[0].Label).To(Equal("latency on api-to-"+evil), "escaped inside the JSON too")
	})

	It("draws every window of a short drill, with fault windows and marks", func() {
		r := realisticReport(60)
		p := renderHTML(r, realisticJournal(r))
		c := p.chart()
		Expect(c.Series).To(HaveLen(3))
		Expect(c.Series[0].Name).To(Equal("throughput"))
		Expect(c.Series[0].Points).To(HaveLen(len(r.Windows)))
		Expect(c.Series[0].Points[10]).To(Equal([2]float64{10.5, float64(r.Windows[10].Count)}))
		Expect(c.Series[1].Points[20][1]).To(BeNumerically("~", 100*r.Windows[20].ErrorRate, 0.001))
		Expect(c.Series[2].Points[20][1]).To(BeNumerically("~", float64(r.Windows[20].P99)/1e6, 0.001))
		Expect(c.End).To(BeNumerically(">=", 60))
		Expect(c.Shades).To(HaveLen(1))
		Expect(c.Shades[0].From).To(Equal(36.0))
		Expect(c.Shades[0].To).To(Equal(42.0))
		kinds := map[string]float64{}
		for _, m := range c.Marks {
			kinds[m.Kind+" "+m.Label] = m.At
		}
		Expect(kinds).To(HaveKeyWithValue("deploy deploy api v1 → v2", 18.0))
		Expect(kinds).To(HaveKeyWithValue(`trigger trigger "error_rate above 5%" fired`, 21.0))
		Expect(kinds).To(HaveKeyWithValue("approval approval.granted: approved by alice (sre): "+evil, 22.0))
		Expect(kinds).To(HaveKeyWithValue("rollback rollback start", 24.0))
		Expect(kinds).To(HaveKeyWithValue("rollback rollback end", 24.08))
		Expect(kinds).NotTo(HaveKey("deploy deploy api v2 → v1"), "a rollback's deploy is marked by the rollback")
	})

	It("draws on the load's clock: the set-up before the load start is left out, earlier moments sit at the edge", func() {
		r := realisticReport(60)
		setup := 17 * time.Second
		for i := range r.Windows {
			r.Windows[i].Start += setup
		}
		for _, p := range []**time.Duration{&r.Phases.LoadStart, &r.Phases.FaultOnset, &r.Phases.TriggerFired,
			&r.Phases.RollbackStart, &r.Phases.RollbackEnd, &r.Phases.Recovered, &r.Phases.LoadEnd} {
			*p = dur(**p + setup)
		}
		for i := range r.Deploys {
			r.Deploys[i].Start += setup
		}
		r.Deploys = append(r.Deploys, reports.Deploy{Service: "store", To: "v1", By: "timeline", Start: 3 * time.Second})
		c := renderHTML(r, nil).chart()
		Expect(c.Series[0].Points[0][0]).To(Equal(0.5), "the first window starts at the load start, not 17 s in")
		Expect(c.End).To(BeNumerically("~", 60, 1))
		kinds := map[string]float64{}
		for _, m := range c.Marks {
			kinds[m.Kind+" "+m.Label] = m.At
		}
		Expect(kinds).To(HaveKeyWithValue("rollback rollback start", 24.0), "t+24s, as the summary says")
		Expect(kinds).To(HaveKeyWithValue("deploy deploy api v1 → v2", 18.0))
		Expect(kinds).To(HaveKeyWithValue("deploy deploy store - → v1", -14.0), "during set-up: before the axis")
	})

	It("links every file of the drill folder, relative, and porcupine's page from its verifier", func() {
		r := realisticReport(60)
		dir := drillDir(r, realisticJournal(r))
		for _, name := range []string{"logs/api-v1.log", "logs/api-v2.log", "linearizability.html", "history.jsonl", "notes.txt"} {
			Expect(os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600)).To(Succeed())
		}
		_, err := reports.Render(dir)
		Expect(err).NotTo(HaveOccurred())
		raw, err := os.ReadFile(filepath.Join(dir, reports.HTMLFileName))
		Expect(err).NotTo(HaveOccurred())
		root, err := html.Parse(strings.NewReader(string(raw)))
		Expect(err).NotTo(HaveOccurred())
		p := page{raw: string(raw), root: root}

		files := p.all("section", withID("files"))
		Expect(files).To(HaveLen(1))
		var hrefs []string
		for n := range files[0].Descendants() {
			if n.Type == html.ElementNode && n.Data == "a" {
				hrefs = append(hrefs, attr(n, "href"))
			}
		}
		Expect(hrefs).To(Equal([]string{"./report.json", "./summary.md", "./junit.xml", "./journal.jsonl", "./history.jsonl",
			"./linearizability.html", "./logs/api-v1.log", "./logs/api-v2.log", "./notes.txt"}),
			"faultdrill's own files first, in a fixed order; the page itself left out")
		for _, h := range hrefs {
			Expect(filepath.Join(dir, h)).To(BeAnExistingFile())
		}
		Expect(p.section("files")).To(ContainSubstring("every operation of the load"))
		var links []string
		for n := range p.all("section", withID("verifiers"))[0].Descendants() {
			if n.Type == html.ElementNode && n.Data == "a" {
				links = append(links, attr(n, "href"))
			}
		}
		Expect(links).To(Equal([]string{"./linearizability.html"}))
	})

	It("downsamples a 100k-window drill with LTTB to at most ChartPoints per series, keeping its spike", func() {
		r := realisticReport(10)
		r.Windows = make([]load.Window, 100_000)
		for i := range r.Windows {
			r.Windows[i] = load.Window{Start: time.Duration(i) * time.Second, Count: 1000, Acknowledged: 1000, P99: 5 * time.Millisecond}
		}
		r.Windows[61_234].ErrorRate, r.Windows[61_234].P99 = 0.9, 3*time.Second
		c := renderHTML(r, nil).chart()
		for _, s := range c.Series {
			Expect(s.Windows).To(Equal(100_000), s.Name)
			Expect(len(s.Points)).To(BeNumerically("<=", reports.ChartPoints), s.Name)
			Expect(len(s.Points)).To(BeNumerically(">", reports.ChartPoints/2), s.Name)
			Expect(s.Points[0][0]).To(Equal(0.5), "never truncated: the first window")
			Expect(s.Points[len(s.Points)-1][0]).To(Equal(99_999.5), "and the last")
		}
		Expect(c.Series[1].Points).To(ContainElement([2]float64{61_234.5, 90}))
		Expect(c.Series[2].Points).To(ContainElement([2]float64{61_234.5, 3000}))
	})

	It("lists the verifiers, every lost write the report holds, the changes and the journal", func() {
		r := realisticReport(60)
		journal := realisticJournal(r)
		p := renderHTML(r, journal)
		rows := p.all("tr", nil)
		Expect(rows).NotTo(BeEmpty())
		verifiers := p.section("verifiers")
		for _, v := range r.Verifiers {
			Expect(verifiers).To(ContainSubstring(v.Name))
			Expect(verifiers).To(ContainSubstring(string(v.Verdict)))
		}
		ids := r.Verifiers[1].Evidence["lostIds"].([]string)
		lost := p.all("ol", func(n *html.Node) bool { return attr(n, "class") == "ids" })
		Expect(lost).To(HaveLen(1))
		items := 0
		for n := range lost[0].ChildNodes() {
			if n.Data == "li" {
				Expect(text(n)).To(Equal(ids[items]))
				items++
			}
		}
		Expect(items).To(Equal(len(ids)))
		Expect(p.section("changes")).To(ContainSubstring("rollback action redeploy-previous on api v2 → v1"))
		journalRows := p.all("table", func(n *html.Node) bool { return attr(n, "class") == "journal" })
		Expect(journalRows).To(HaveLen(1))
		Expect(strings.Count(p.section("journal"), "t+")).To(Equal(len(journal)))
		Expect(p.section("score")).To(ContainSubstring(reports.Formula))
	})

	It("says so when there is no journal and no verifier, and that lost writes were not checked", func() {
		r := realisticReport(60)
		r.Verifiers, r.Measures.LostWrites = nil, nil
		p := renderHTML(r, nil)
		Expect(p.section("journal")).To(ContainSubstring("No journal was found"))
		Expect(p.section("verifiers")).To(ContainSubstring("No verifier ran."))
		Expect(p.section("lost")).To(ContainSubstring("not checked: the drill did not reach its verifiers"))
		Expect(p.section("lost")).NotTo(ContainSubstring("0 acknowledged"))
	})

	It("says no write was lost only when durability read them all back", func() {
		r := realisticReport(60)
		zero := 0
		r.Measures.LostWrites = &zero
		r.Verifiers = []verify.Result{{Name: verify.NameDurability, Verdict: verify.Success, Integrity: true,
			Summary: "0 of 10 acknowledged writes lost", Evidence: map[string]any{"lost": 0}}}
		Expect(renderHTML(r, nil).section("lost")).To(ContainSubstring("0 acknowledged writes (RPO 0)"))
	})

	It("renders an empty report without failing", func() {
		p := renderHTML(&reports.Report{Schema: reports.Schema}, nil)
		c := p.chart()
		Expect(c.Series).To(HaveLen(3))
		Expect(c.Series[0].Points).To(BeEmpty())
	})

	It("returns the writer's error", func() {
		boom := errors.New("disk full")
		Expect(reports.WriteHTML(failingWriter{boom}, realisticReport(60), nil, nil)).To(MatchError(ContainSubstring("disk full")))
	})
})

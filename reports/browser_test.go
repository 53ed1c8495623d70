package reports_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/faultdrill/faultdrill/reports"
)

// chromium finds a headless-capable Chromium (Debian's package is
// "chromium").
func chromium() (string, bool) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, true
		}
	}
	return "", false
}

// headless opens url in a headless Chromium and returns the DOM after the
// page's scripts ran, and Chromium's log (console messages included).
func headless(ctx context.Context, bin, url string) (dom, log string) {
	GinkgoHelper()
	cmd := exec.CommandContext(ctx, bin, "--headless=new", "--disable-gpu", "--no-sandbox",
		"--enable-logging=stderr", "--v=0", "--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), stderr.String())
	return stdout.String(), stderr.String()
}

var _ = Describe("the HTML report in a real browser", Label("browser"), func() {
	It("loads with no console message and draws the chart", func(ctx SpecContext) {
		bin, ok := chromium()
		if !ok {
			Skip("no chromium on PATH: install Debian's chromium package (apt-get install -y chromium) to run this spec")
		}
		r := realisticReport(120)
		dir := drillDir(r, realisticJournal(r))
		paths, err := reports.Render(dir, reports.FormatHTML)
		Expect(err).NotTo(HaveOccurred())
		abs, err := filepath.Abs(paths[0])
		Expect(err).NotTo(HaveOccurred())

		dom, log := headless(ctx, bin, "file://"+abs)

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
})

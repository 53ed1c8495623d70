package reports_test

import (
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

func names(dir string) []string {
	GinkgoHelper()
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

var _ = Describe("Render", func() {
	It("writes every format next to report.json when none is named", func() {
		r := realisticReport(60)
		dir := drillDir(r, realisticJournal(r))
		paths, err := reports.Render(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).To(Equal([]string{
			filepath.Join(dir, "summary.md"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.html"),
		}))
		Expect(names(dir)).To(ConsistOf("report.json", "journal.jsonl", "summary.md", "junit.xml", "report.html"))

		md, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(HavePrefix("## faultdrill: ledger-bad-release FAILED"))
		x, err := os.ReadFile(paths[1])
		Expect(err).NotTo(HaveOccurred())
		var doc xSuites
		Expect(xml.Unmarshal(x, &doc)).To(Succeed())
		h, err := os.ReadFile(paths[2])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(h)).To(ContainSubstring("approval.granted"), "the journal was read")
	})

	It("writes only the formats named, in the order of Formats, once each", func() {
		dir := drillDir(realisticReport(60), nil)
		paths, err := reports.Render(dir, "html", "md", "html")
		Expect(err).NotTo(HaveOccurred())
		Expect(paths).To(Equal([]string{filepath.Join(dir, "summary.md"), filepath.Join(dir, "report.html")}))
		Expect(names(dir)).To(ConsistOf("report.json", "summary.md", "report.html"))
	})

	It("knows the formats it publishes", func() {
		Expect(reports.Formats()).To(Equal([]string{"md", "junit", "html"}))
	})

	It("rejects an unknown format before writing anything", func() {
		dir := drillDir(realisticReport(60), nil)
		_, err := reports.Render(dir, "md", "pdf")
		Expect(errors.Is(err, reports.ErrFormat)).To(BeTrue(), "got %v", err)
		Expect(err.Error()).To(ContainSubstring(`"pdf"`))
		Expect(names(dir)).To(ConsistOf("report.json"))
	})

	It("renders a drill folder with no journal", func() {
		dir := drillDir(realisticReport(60), nil)
		paths, err := reports.Render(dir, reports.FormatHTML)
		Expect(err).NotTo(HaveOccurred())
		h, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(h)).To(ContainSubstring("No journal was found"))
	})

	It("replaces what an earlier render wrote", func() {
		r := realisticReport(60)
		dir := drillDir(r, nil)
		_, err := reports.Render(dir, "md")
		Expect(err).NotTo(HaveOccurred())
		r.Drill.Scenario = "renamed"
		_, err = reports.Write(dir, r)
		Expect(err).NotTo(HaveOccurred())
		paths, err := reports.Render(dir, "md")
		Expect(err).NotTo(HaveOccurred())
		md, err := os.ReadFile(paths[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(HavePrefix("## faultdrill: renamed "))
	})

	It("fails on a folder with no report.json", func() {
		_, err := reports.Render(GinkgoT().TempDir())
		Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "got %v", err)
	})

	It("fails on a report of another schema", func() {
		r := realisticReport(60)
		r.Schema = "faultdrill.report/v0"
		_, err := reports.Render(drillDir(r, nil))
		Expect(errors.Is(err, reports.ErrSchema)).To(BeTrue(), "got %v", err)
	})

	It("leaves no temporary file behind when it cannot write", func() {
		dir := drillDir(realisticReport(60), nil)
		Expect(os.Mkdir(filepath.Join(dir, "junit.xml"), 0o755)).To(Succeed()) // rename onto a folder fails
		paths, err := reports.Render(dir)
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(HavePrefix("reports: write junit.xml"))
		Expect(paths).To(Equal([]string{filepath.Join(dir, "summary.md")}), "what was written before the failure")
		for _, n := range names(dir) {
			Expect(strings.HasSuffix(n, ".tmp")).To(BeFalse(), n)
		}
	})
})

package main

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("secrets in a drill", func() {
	It("sends a --var token to the system under test, writes it nowhere, and keeps the drill folder private", func(ctx SpecContext) {
		const token, dsn = "s3cr3t-value", "placeholder-dsn"
		var mu sync.Mutex
		var seen []http.Header
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.Header.Clone())
			mu.Unlock()
		}))
		DeferCleanup(echo.Close)

		out := GinkgoT().TempDir()
		code, stdout, stderr := cli(ctx, "run", "testdata/secrets.yaml", "--out", out, "--seed", "7",
			"--var", "ledger="+ledgerBin, "--var", "echo="+echo.URL, "--var", "api_token="+token)
		Expect(code).To(Equal(exitPassed), stdout+stderr)

		By("the value reaches the system under test")
		mu.Lock()
		Expect(seen).To(HaveLen(1))
		Expect(seen[0].Get("X-Api-Token")).To(Equal(token), "a setup call's header carries the value")
		Expect(seen[0].Get("X-Dsn")).To(Equal(dsn), "a var listed under secrets too")
		Expect(seen[0].Get("X-Price")).To(Equal("5$"), "$$ is a literal $")
		mu.Unlock()
		dirs, err := filepath.Glob(filepath.Join(out, "*-*")) // drill folders, not the latest link
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(1))
		drillDir := dirs[0]
		rep, err := reports.Read(filepath.Join(drillDir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Status).To(Equal(reports.Passed))
		// The api answers 401 to a write without "Bearer s3cr3t-value":
		// every write acknowledged and read back proves the load header
		// carried the value.
		Expect(rep.Load.Acknowledged).To(BeNumerically(">", 20))

		By("the value is in no file of the drill folder, nor in the output")
		Expect(stdout + stderr).NotTo(ContainSubstring(token))
		Expect(stdout + stderr).NotTo(ContainSubstring(dsn))
		var files []string
		Expect(filepath.WalkDir(drillDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(out, path)
			if d.IsDir() {
				Expect(info.Mode().Perm()).To(Equal(perm.Dir), "folder %s", rel)
				return nil
			}
			Expect(info.Mode().Perm()).To(Equal(perm.File), "file %s", rel)
			files = append(files, rel)
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			Expect(string(b)).NotTo(ContainSubstring(token), "file %s", rel)
			Expect(string(b)).NotTo(ContainSubstring(dsn), "file %s", rel)
			return nil
		})).To(Succeed())
		info, err := os.Stat(drillDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(perm.Dir))
		names := strings.Join(files, " ")
		for _, want := range []string{"scenario.yaml", "report.json", "summary.md", "junit.xml", "report.html", "journal.jsonl", "history.jsonl", "logs/api-v1.log", "data/store/"} {
			Expect(names).To(ContainSubstring(want), "the walk saw every kind of file")
		}
		copyOf, err := os.ReadFile(filepath.Join(drillDir, "scenario.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(copyOf)).To(ContainSubstring("api_token: ***"), "the file's own value of a secret var is redacted too")
		Expect(string(copyOf)).To(ContainSubstring("dsn: ***"))
		Expect(string(copyOf)).To(ContainSubstring("ledger: ../../../bin/ledger"), "other vars are kept")
	}, SpecTimeout(2*time.Minute))
})

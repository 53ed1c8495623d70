package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
)

// journalEntry is one line of a drill's journal.jsonl.
type journalEntry struct {
	T      int64          `json:"t"`
	Kind   string         `json:"kind"`
	Fields map[string]any `json:"fields"`
}

func readJournal(path string) []journalEntry {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var entries []journalEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e journalEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			entries = append(entries, e)
		}
	}
	return entries
}

func freePort() int {
	GinkgoHelper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

var _ = Describe("a harness killed with SIGKILL in the middle of a drill", func() {
	It("loses at most 1 s of its history, and leaves nothing behind but a rebuilt report once faultdrill cleanup has run: no process, no toxic, no port", func(ctx SpecContext) {
		faultdrill, err := shared.Binary("github.com/faultdrill/faultdrill/cmd/faultdrill")
		Expect(err).NotTo(HaveOccurred())
		server, err := shared.Binary(toxiproxyServer)
		Expect(err).NotTo(HaveOccurred())

		// A toxiproxy server of the user's: its toxics outlive the harness.
		port := freePort()
		tp := exec.Command(server, "-host", "127.0.0.1", "-port", fmt.Sprint(port))
		Expect(tp.Start()).To(Succeed())
		DeferCleanup(func() { _ = tp.Process.Kill(); _ = tp.Wait() })
		api := fmt.Sprintf("http://127.0.0.1:%d", port)
		client := toxiclient.NewClient(api)
		Eventually(func() error { _, err := client.Proxies(); return err }).WithTimeout(10 * time.Second).Should(Succeed())

		out := GinkgoT().TempDir()
		harness := exec.Command(faultdrill, "run", "--quiet", "--out", out, "--toxiproxy", api,
			"--var", "ledger="+ledgerBin, filepath.Join("testdata", "long-fault.yaml"))
		harness.Stdout, harness.Stderr = GinkgoWriter, GinkgoWriter
		Expect(harness.Start()).To(Succeed())

		var journal string
		Eventually(func() bool {
			matches, _ := filepath.Glob(filepath.Join(out, "*-*", "journal.jsonl"))
			if len(matches) != 1 {
				return false
			}
			journal = matches[0]
			for _, e := range readJournal(journal) {
				if e.Kind == "fault.inject" {
					return true
				}
			}
			return false
		}).WithTimeout(30*time.Second).WithPolling(200*time.Millisecond).Should(BeTrue(), "the fault is injected")

		proxies, err := client.Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(HaveKey("api-to-store"))
		Expect(proxies["api-to-store"].ActiveToxics).NotTo(BeEmpty())
		listen := proxies["api-to-store"].Listen

		// Some seconds of load, so that a history held in a buffer would
		// show: 50 requests a second for at least 4 s.
		var loadStart time.Duration
		Eventually(func() bool {
			for _, e := range readJournal(journal) {
				if e.Kind == "load.start" {
					loadStart = time.Duration(e.T)
					return true
				}
			}
			return false
		}).WithTimeout(10 * time.Second).Should(BeTrue())
		start, err := reports.Read(filepath.Join(filepath.Dir(journal), reports.StartFileName))
		Expect(err).NotTo(HaveOccurred(), "the drill wrote report.start.json as it started")
		Expect(start.Inputs.Vars).To(Equal(map[string]string{"ledger": ledgerBin}))
		loadBegan := start.Drill.Started.Add(loadStart)
		time.Sleep(time.Until(loadBegan.Add(4500 * time.Millisecond)))

		killed := time.Now()
		Expect(harness.Process.Signal(syscall.SIGKILL)).To(Succeed())
		_ = harness.Wait()

		By("finding in the history every operation but those of the last second")
		hf, err := os.Open(filepath.Join(filepath.Dir(journal), "history.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		hist, err := load.ReadHistory(hf)
		hf.Close()
		Expect(err).NotTo(HaveOccurred())
		elapsed := killed.Sub(loadBegan)
		const rate = 50.0 // requests a second, as testdata/long-fault.yaml asks
		AddReportEntry("history after SIGKILL", fmt.Sprintf("%d ops on disk after %s of load at %.0f/s", len(hist.Ops), elapsed.Round(time.Millisecond), rate))
		Expect(float64(len(hist.Ops))).To(BeNumerically(">=", rate*(elapsed-time.Second).Seconds()),
			"at most 1 s of operations lost: %d ops on disk after %s of load at %.0f/s", len(hist.Ops), elapsed, rate)

		var pids []int
		for _, e := range readJournal(journal) {
			if e.Kind == "sut.started" {
				pids = append(pids, int(e.Fields["pid"].(float64)))
			}
		}
		Expect(pids).To(HaveLen(2))

		code, stdout, stderr := cli(ctx, "cleanup", out)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("1 drill(s) scanned, 0 still running"))

		proxies, err = client.Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(BeEmpty(), "the drill's proxy and its toxics are gone from the user's server")
		for _, pid := range pids {
			Eventually(func() error { return syscall.Kill(pid, 0) }).WithTimeout(5*time.Second).
				Should(MatchError(syscall.ESRCH), "process %d of the drill is gone", pid)
		}
		l, err := net.Listen("tcp", listen)
		Expect(err).NotTo(HaveOccurred(), "the link's port %s is free again", listen)
		l.Close()

		By("rendering the report cleanup rebuilt, status killed")
		dir := filepath.Dir(journal)
		Expect(stdout).To(ContainSubstring("rebuilt report.json (status killed)"))
		rep, err := reports.Read(filepath.Join(dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Status).To(Equal(reports.Killed))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassKilled))
		Expect(rep.Load.Ops).To(Equal(len(hist.Ops)))
		Expect(rep.Faults).To(ContainElement(HaveField("Name", ContainSubstring("api-to-store"))))
		for _, g := range rep.Outcome.Gates {
			if g.Name == reports.GateRTO || g.Name == reports.GateSLO || g.Name == reports.GateScore {
				Expect(g.State).To(Equal(reports.GateSkipped), "%s: %s", g.Name, g.Detail)
			}
			if g.Name == reports.GateScore {
				Expect(g.Detail).To(HavePrefix("not judged: the drill did not complete"))
			}
		}
		for _, f := range []string{"summary.md", "junit.xml", "report.html"} {
			Expect(filepath.Join(dir, f)).To(BeAnExistingFile())
		}
		code, stdout, stderr = cli(ctx, "report", dir)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("KILLED"))

		code, stdout, _ = cli(ctx, "cleanup", out)
		Expect(code).To(Equal(exitPassed))
		Expect(strings.Count(stdout, "\n")).To(Equal(1), "a second cleanup has nothing left to do: %s", stdout)
	}, SpecTimeout(3*time.Minute))
})

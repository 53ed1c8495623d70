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

	"github.com/faultdrill/faultdrill/internal/testbin"
)

// journalEntry is one line of a drill's journal.jsonl.
type journalEntry struct {
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
	It("leaves nothing behind once faultdrill cleanup has run: no process, no toxic, no port", func(ctx SpecContext) {
		faultdrill, err := testbin.Build("github.com/faultdrill/faultdrill/cmd/faultdrill")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, filepath.Dir(faultdrill))
		server, err := testbin.Build("github.com/Shopify/toxiproxy/v2/cmd/server")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, filepath.Dir(server))

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

		Expect(harness.Process.Signal(syscall.SIGKILL)).To(Succeed())
		_ = harness.Wait()

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

		code, stdout, _ = cli(ctx, "cleanup", out)
		Expect(code).To(Equal(exitPassed))
		Expect(strings.Count(stdout, "\n")).To(Equal(1), "a second cleanup has nothing left to do: %s", stdout)
	}, SpecTimeout(3*time.Minute))
})

package cleanup_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/cleanup"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// ready is what the harness prints once its drill is under way.
type ready struct {
	API    string `json:"api"`
	Worker string `json:"worker"`
	Link   string `json:"link"`
}

// members returns the live processes of every group in recs.
func members(recs []sut.PIDRecord) []int {
	GinkgoHelper()
	var all []int
	for _, r := range recs {
		pids, err := sut.GroupMembers(r.PGID)
		Expect(err).NotTo(HaveOccurred())
		all = append(all, pids...)
	}
	return all
}

var _ = Describe("cleanup.Run after a harness killed with SIGKILL", func() {
	It("leaves no process, toxic, proxy or port of that drill, and a second run finds nothing", func(sctx SpecContext) {
		server := startToxiproxy()
		drills := GinkgoT().TempDir()
		dir := filepath.Join(drills, "drill-1")
		Expect(os.Mkdir(dir, 0o755)).To(Succeed())

		harness := exec.Command(filepath.Join(binDir, "harness"), "--drill", dir, "--svc", filepath.Join(binDir, "svc"), "--toxiproxy", server)
		harness.Stderr = GinkgoWriter
		out, err := harness.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.Start()).To(Succeed())
		DeferCleanup(func() {
			_ = harness.Process.Kill()
			_ = harness.Wait()
			if recs, err := sut.ReadPIDFile(filepath.Join(dir, sut.PIDFileName)); err == nil {
				_ = sut.KillLeftovers(recs)
			}
		})
		lines := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			lines <- line
		}()
		var line string
		Eventually(lines).WithTimeout(20 * time.Second).Should(Receive(&line))
		var made ready
		Expect(json.Unmarshal([]byte(line), &made)).To(Succeed(), "harness said %q", line)

		// The drill is under way: two service groups of two processes each,
		// two toxics on the remote server, a lock held.
		recs, err := sut.ReadPIDFile(filepath.Join(dir, sut.PIDFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(recs).To(HaveLen(2))
		Expect(members(recs)).To(HaveLen(4))
		cl := tpclient.NewClient(server)
		proxy, err := cl.Proxy("client-api")
		Expect(err).NotTo(HaveOccurred())
		Expect(proxy.Toxics()).To(HaveLen(2))
		Expect(cleanup.LockAlive(dir)).To(BeTrue())

		By("leaving a running drill alone")
		var log bytes.Buffer
		sum, err := cleanup.Run(sctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Running: 1}))
		Expect(log.String()).To(Equal(fmt.Sprintf("drill-1: running (harness pid %d): left alone\n", harness.Process.Pid)))
		Expect(proxy.Toxics()).To(HaveLen(2))

		By("killing the harness")
		Expect(harness.Process.Signal(syscall.SIGKILL)).To(Succeed())
		_ = harness.Wait()
		Expect(cleanup.LockAlive(dir)).To(BeFalse())
		// What a killed harness leaves: the children outlive their services,
		// and the remote server keeps its proxy and toxics.
		Consistently(func() []int { return members(recs) }).WithTimeout(200 * time.Millisecond).ShouldNot(BeEmpty())
		Expect(proxy.Toxics()).To(HaveLen(2))

		By("cleaning up")
		log.Reset()
		sum, err = cleanup.Run(sctx, drills, &log)
		Expect(err).NotTo(HaveOccurred(), log.String())
		AddReportEntry("cleanup output", log.String())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Reverted: 2, Resumed: 1, Killed: 2}), log.String())
		Expect(strings.Split(strings.TrimSpace(log.String()), "\n")).To(HaveExactElements(
			ContainSubstring("reverted latency@client-api (latency on proxy client-api) on http://"+server),
			ContainSubstring(fmt.Sprintf("resumed paused process group %d (worker)", recs[1].PGID)),
			ContainSubstring("deleted proxy client-api on http://"+server),
			ContainSubstring(fmt.Sprintf("killed leftover process group %d (api v1)", recs[0].PGID)),
			ContainSubstring(fmt.Sprintf("killed leftover process group %d (worker v1)", recs[1].PGID)),
		))
		Expect(members(recs)).To(BeEmpty(), "no process of the drill")
		Expect(cl.Proxies()).To(BeEmpty(), "no proxy, hence no toxic, on the remote server")
		for _, addr := range []string{made.API, made.Worker, made.Link} {
			Expect(portFree(addr)).To(BeTrue(), "%s is free", addr)
		}
		Expect(filepath.Join(dir, sut.PIDFileName)).NotTo(BeAnExistingFile())
		entries, err := faults.ReadLedger(filepath.Join(dir, cleanup.LedgerFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(faults.Unhealed(entries)).To(BeEmpty())
		Expect(faults.OpenLinks(entries)).To(BeEmpty())

		By("running again")
		log.Reset()
		sum, err = cleanup.Run(sctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1}))
		Expect(log.String()).To(BeEmpty())
	}, SpecTimeout(60*time.Second))
})

// writeLedger writes entries as a ledger in dir.
func writeLedger(dir string, entries ...faults.LedgerEntry) {
	GinkgoHelper()
	var b bytes.Buffer
	for _, e := range entries {
		line, err := json.Marshal(e)
		Expect(err).NotTo(HaveOccurred())
		b.Write(append(line, '\n'))
	}
	Expect(os.WriteFile(filepath.Join(dir, cleanup.LedgerFileName), b.Bytes(), 0o644)).To(Succeed())
}

// stoppedGroup starts `sleep 100` leading its own process group, stopped.
func stoppedGroup() int {
	GinkgoHelper()
	cmd := exec.Command("sleep", "100")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	Expect(cmd.Start()).To(Succeed())
	go func() { _ = cmd.Wait() }()
	pid := cmd.Process.Pid
	DeferCleanup(func() { _ = syscall.Kill(-pid, syscall.SIGKILL) })
	Expect(syscall.Kill(-pid, syscall.SIGSTOP)).To(Succeed())
	Eventually(state).WithArguments(pid).WithTimeout(time.Second).Should(Equal(byte('T')))
	return pid
}

var _ = Describe("cleanup.Run", func() {
	var drills, dir string
	ctx := context.Background()
	BeforeEach(func() {
		drills = GinkgoT().TempDir()
		dir = filepath.Join(drills, "d")
		Expect(os.Mkdir(dir, 0o755)).To(Succeed())
	})

	It("continues a paused group the ledger names, and kills nothing the pid file does not list", func() {
		pid := stoppedGroup()
		_, ticks := stat(pid)
		pause := faults.Spec{Name: "pause@w", Kind: faults.Pause, Service: "w"}
		writeLedger(dir,
			faults.LedgerEntry{Action: faults.ActionInject, Fault: pause},
			faults.LedgerEntry{Action: faults.ActionApplied, Fault: pause, Process: &faults.ProcessGroup{PGID: pid, StartTicks: ticks}},
		)
		var log bytes.Buffer
		sum, err := cleanup.Run(ctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Resumed: 1}))
		Expect(log.String()).To(Equal(fmt.Sprintf("d: resumed paused process group %d (w)\n", pid)))
		Eventually(state).WithArguments(pid).WithTimeout(time.Second).Should(Equal(byte('S')), "running (asleep), not stopped, not dead")

		sum, err = cleanup.Run(ctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1}))
	})

	It("does not continue a group whose id was reused", func() {
		pid := stoppedGroup()
		_, ticks := stat(pid)
		pause := faults.Spec{Name: "pause@w", Kind: faults.Pause, Service: "w"}
		writeLedger(dir,
			faults.LedgerEntry{Action: faults.ActionInject, Fault: pause},
			faults.LedgerEntry{Action: faults.ActionApplied, Fault: pause, Process: &faults.ProcessGroup{PGID: pid, StartTicks: ticks + 1}},
		)
		sum, err := cleanup.Run(ctx, drills, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Settled: 1}))
		Consistently(state).WithArguments(pid).WithTimeout(200 * time.Millisecond).Should(Equal(byte('T')))
	})

	It("settles faults that ended with the drill: an embedded server's, a killed service's", func() {
		writeLedger(dir,
			faults.LedgerEntry{Action: faults.ActionInject, Fault: faults.Spec{Name: "down@db", Kind: faults.Down, Link: "db"}, API: "http://127.0.0.1:1", Proxy: "db", Embedded: true},
			faults.LedgerEntry{Action: faults.ActionInject, Fault: faults.Spec{Name: "kill@api", Kind: faults.Kill, Service: "api"}},
		)
		var log bytes.Buffer
		sum, err := cleanup.Run(ctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Settled: 2}))
		Expect(log.String()).To(Equal("d: down@db: nothing to revert, it ended with the drill's embedded toxiproxy\n" +
			"d: kill@api: nothing to revert, api ended with the drill\n"))
		sum, err = cleanup.Run(ctx, drills, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1}))
	})

	It("reports a remote server it cannot reach, and tries again next time", func() {
		lat := faults.Spec{Name: "latency@db", Kind: faults.Latency, Link: "db", Latency: time.Second}
		writeLedger(dir, faults.LedgerEntry{Action: faults.ActionInject, Fault: lat, API: "http://127.0.0.1:1", Proxy: "db"})
		var log bytes.Buffer
		_, err := cleanup.Run(ctx, drills, &log)
		Expect(err).To(MatchError(syscall.ECONNREFUSED))
		Expect(log.String()).To(HavePrefix("d: could not revert latency@db: "))
		_, err = cleanup.Run(ctx, drills, &log)
		Expect(err).To(MatchError(syscall.ECONNREFUSED), "still unhealed")
	})

	It("leaves alone a drill without a lock whose pid file names a live harness", func() {
		sleeper := exec.Command("sleep", "100")
		Expect(sleeper.Start()).To(Succeed())
		DeferCleanup(func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() })
		pids := fmt.Sprintf(`{"harnessPid": %d, "processes": [{"service": "api", "pid": %d, "pgid": %d}]}`,
			sleeper.Process.Pid, sleeper.Process.Pid, sleeper.Process.Pid)
		Expect(os.WriteFile(filepath.Join(dir, sut.PIDFileName), []byte(pids), 0o644)).To(Succeed())
		sum, err := cleanup.Run(ctx, drills, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(Equal(cleanup.Summary{Drills: 1, Running: 1}))
		Consistently(state).WithArguments(sleeper.Process.Pid).WithTimeout(200*time.Millisecond).
			Should(BeElementOf(byte('R'), byte('S')), "not killed")
	})

	It("has nothing to clean without a drills folder", func() {
		sum, err := cleanup.Run(ctx, filepath.Join(drills, "none"), GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(sum).To(BeZero())
	})
})

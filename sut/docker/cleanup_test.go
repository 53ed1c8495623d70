package docker_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/sut/docker"
)

var _ = Describe("a harness killed mid-drill", Label("docker"), func() {
	It("leaves labelled containers, a network and a volume that Cleanup removes", func(ctx SpecContext) {
		requireEngine()
		drill := drills.next("killed")
		harness := exec.Command(harnessBin, "--drill", drill, "--work", GinkgoT().TempDir())
		harness.Stderr = GinkgoWriter
		out, err := harness.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.Start()).To(Succeed())
		DeferCleanup(func() { _ = harness.Process.Kill(); _ = harness.Wait() })

		ready := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			ready <- strings.TrimSpace(line)
		}()
		Eventually(ready).WithTimeout(time.Minute).Should(Receive(Equal("ready")))
		Expect(labelled(ctx, drill)).To(Equal(leftovers{Containers: 2, Networks: 1, Volumes: 1}))

		Expect(harness.Process.Kill()).To(Succeed())
		_ = harness.Wait()
		// Nothing reaps them: Ryuk is off.
		Expect(labelled(ctx, drill)).To(Equal(leftovers{Containers: 2, Networks: 1, Volumes: 1}))

		removed, err := docker.Cleanup(ctx, drill)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Containers).To(ConsistOf("faultdrill-"+drill+"-store", "faultdrill-"+drill+"-toxiproxy"))
		Expect(removed.Networks).To(ConsistOf("faultdrill-" + drill))
		Expect(removed.Volumes).To(ConsistOf("faultdrill-" + drill + "-store-data"))
		Expect(labelled(ctx, drill)).To(Equal(leftovers{}))

		again, err := docker.Cleanup(ctx, drill)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Count()).To(BeZero())
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("cleanup of a killed drill's data volume", Label("docker"), func() {
	// killedDrill starts the harness (a store with a data volume, and
	// toxiproxy), waits until the store has written its database, and kills
	// the harness: the volume is left behind.
	killedDrill := func(ctx SpecContext, name string) string {
		GinkgoHelper()
		drill := drills.next(name)
		harness := exec.Command(harnessBin, "--drill", drill, "--work", GinkgoT().TempDir())
		harness.Stderr = GinkgoWriter
		out, err := harness.StdoutPipe()
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.Start()).To(Succeed())
		DeferCleanup(func() { _ = harness.Process.Kill(); _ = harness.Wait() })
		ready := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(out).ReadString('\n')
			ready <- strings.TrimSpace(line)
		}()
		Eventually(ready).WithTimeout(time.Minute).Should(Receive(Equal("ready")))
		Expect(harness.Process.Kill()).To(Succeed())
		_ = harness.Wait()
		DeferCleanup(func(ctx SpecContext) { _, _ = docker.Cleanup(ctx, drill) }) // should the spec fail
		return drill
	}

	It("copies the volume's content into DRILL/data/SERVICE, private, before it removes the volume", func(ctx SpecContext) {
		requireEngine()
		drill := killedDrill(ctx, "export")
		dir := GinkgoT().TempDir()
		removed, err := docker.CleanupWith(ctx, drill, docker.CleanupOptions{ExportTo: dir})
		Expect(err).NotTo(HaveOccurred())
		volume := "faultdrill-" + drill + "-store-data"
		Expect(removed.Volumes).To(ConsistOf(volume))
		Expect(removed.Exported).To(ConsistOf(HavePrefix(volume + " to " + filepath.Join(dir, "data", "store"))))
		Expect(labelled(ctx, drill)).To(Equal(leftovers{}), "the helper container is gone too")

		db := filepath.Join(dir, "data", "store", "ledger.db")
		info, err := os.Stat(db)
		Expect(err).NotTo(HaveOccurred(), "the store's database is kept as evidence")
		Expect(info.Size()).To(BeNumerically(">", 0))
		Expect(info.Mode().Perm()).To(Equal(perm.File))
		for _, d := range []string{"data", "data/store"} {
			info, err := os.Stat(filepath.Join(dir, d))
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(perm.Dir), d)
		}
	}, SpecTimeout(2*time.Minute))

	It("removes the volume without a copy when purging", func(ctx SpecContext) {
		requireEngine()
		drill := killedDrill(ctx, "purge")
		removed, err := docker.Cleanup(ctx, drill)
		Expect(err).NotTo(HaveOccurred())
		Expect(removed.Volumes).To(ConsistOf("faultdrill-" + drill + "-store-data"))
		Expect(removed.Exported).To(BeEmpty())
		Expect(labelled(ctx, drill)).To(Equal(leftovers{}))
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("no Docker engine", func() {
	// An engine that does not answer in time: the check gets 1ns, in a
	// process of its own since testcontainers caches the outcome.
	It("is one sentence naming DOCKER_HOST and the process runtime, quickly", func(ctx SpecContext) {
		check := exec.CommandContext(ctx, harnessBin, "--check", "1ns")
		check.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent/docker.sock")
		start := time.Now()
		out, err := check.CombinedOutput()
		Expect(err).To(HaveOccurred(), "output: %s", out)
		Expect(time.Since(start)).To(BeNumerically("<", 10*time.Second))
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		last := lines[len(lines)-1]
		Expect(last).To(HavePrefix("docker: no Docker engine answered at DOCKER_HOST=unix:///nonexistent/docker.sock or the default socket unix:///var/run/docker.sock: "))
		Expect(last).To(HaveSuffix("; use runtime: process, which runs without Docker"))
	}, SpecTimeout(30*time.Second))
})

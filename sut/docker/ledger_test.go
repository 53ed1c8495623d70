package docker_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	toxiclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

var _ = Describe("the demo ledger on containers", Ordered, Label("docker"), func() {
	var (
		rt      *docker.Runtime
		ev      *events
		timings *timingLog
		work    string
		drill   string
		proxy   *toxiclient.Proxy
		link    string
		apiAddr string
	)

	BeforeAll(func(ctx SpecContext) {
		requireEngine()
		drill, work, ev, timings = drills.next("ledger"), GinkgoT().TempDir(), &events{}, &timingLog{}
		var err error
		rt, err = docker.New(ctx, docker.Options{DrillID: drill, Services: ledgerServices(), WorkDir: work,
			OnEvent: ev.add, OnTiming: timings.add})
		Expect(err).NotTo(HaveOccurred())
		closeOnCleanup(rt)

		apiURL, err := rt.StartToxiproxy(ctx)
		Expect(err).NotTo(HaveOccurred())
		again, err := rt.StartToxiproxy(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(apiURL))
		upstream, err := rt.UpstreamAddr("store")
		Expect(err).NotTo(HaveOccurred())
		Expect(upstream).To(Equal("store:8080"))
		proxy, err = toxiclient.NewClient(apiURL).CreateProxy("api-to-store", "0.0.0.0:0", upstream)
		Expect(err).NotTo(HaveOccurred())
		link = rt.LinkAddr(proxy.Listen)
		Expect(link).To(MatchRegexp(`^toxiproxy:\d+$`))

		apiAddr, err = rt.Addr("api")
		Expect(err).NotTo(HaveOccurred())
		_, err = rt.Start(ctx, "store", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		inst, err := rt.Start(ctx, "api", "v1", map[string]string{"link.api-to-store": link})
		Expect(err).NotTo(HaveOccurred())
		Expect(inst.Addr).To(Equal(apiAddr), "the address handed out before the start")
		Expect(inst.PID).To(BeNumerically(">", 0))
	}, NodeTimeout(2*time.Minute))

	startAPI := func(ctx context.Context, version string) {
		GinkgoHelper()
		_, err := rt.Start(ctx, "api", version, map[string]string{"link.api-to-store": link})
		Expect(err).NotTo(HaveOccurred())
	}

	It("maps addresses of the drill network", func() {
		Expect(rt.LinkAddr("0.0.0.0:21001")).To(Equal("toxiproxy:21001"))
		Expect(rt.LinkAddr("[::]:21002")).To(Equal("toxiproxy:21002"))
		Expect(rt.LinkAddr("no-port")).To(Equal("no-port"))
		_, err := rt.UpstreamAddr("nope")
		Expect(err).To(MatchError(sut.ErrUnknownService))
		Expect(rt.Network()).To(Equal("faultdrill-" + drill))
	})

	It("takes writes on the api's host address, through the toxiproxy link", func(ctx SpecContext) {
		Expect(code(write(apiAddr, "w-1"))).To(Equal(201))
		Expect(code(read(apiAddr, "w-1"))).To(Equal(200))
		Expect(rt.Start(ctx, "api", "v1", nil)).Error().To(MatchError(sut.ErrRunning))

		// The api only reaches the store through the proxy.
		Expect(proxy.Disable()).To(Succeed())
		Expect(code(write(apiAddr, "w-2"))).To(Equal(502))
		Expect(proxy.Enable()).To(Succeed())
		Eventually(func() int { return code(write(apiAddr, "w-2")) }).
			WithTimeout(10 * time.Second).WithPolling(200 * time.Millisecond).Should(Equal(201))
	}, SpecTimeout(time.Minute))

	It("keeps the store's volume and both addresses across version switches", func(ctx SpecContext) {
		Expect(code(write(apiAddr, "kept"))).To(Equal(201))
		storeAddr, err := rt.Addr("store")
		Expect(err).NotTo(HaveOccurred())

		Expect(rt.Stop(ctx, "store")).To(Succeed())
		_, running := rt.Running("store")
		Expect(running).To(BeFalse())
		inst, err := rt.Start(ctx, "store", "v1b", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(inst.Addr).To(Equal(storeAddr))
		Expect(read(storeAddr, "kept")).To(HaveField("Version", "v1b"))
		Eventually(func() int { return code(read(apiAddr, "kept")) }).
			WithTimeout(10 * time.Second).WithPolling(200 * time.Millisecond).Should(Equal(200))

		// A connection a client dialed and has not used yet: the api
		// exits on SIGTERM without waiting for it (no SIGKILL after the
		// 2 s grace).
		spare, err := net.DialTimeout("tcp", apiAddr, time.Second)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(spare.Close)
		Expect(rt.Stop(ctx, "api")).To(Succeed())
		Expect(ev.detail("api", "v1", sut.EventStopped)).To(Equal("exit code 0"))
		startAPI(ctx, "v2")
		// Each stop and start is timed, phase by phase.
		stop, start := timings.last(docker.OpStop, "api"), timings.last(docker.OpStart, "api")
		Expect(stop.Version).To(Equal("v1"))
		Expect(phaseNames(stop)).To(Equal([]string{docker.PhaseTerm, docker.PhaseLogs, docker.PhaseRemove}))
		Expect(start.Version).To(Equal("v2"))
		Expect(phaseNames(start)).To(Equal([]string{docker.PhasePrepare, docker.PhaseCreate, docker.PhaseRun,
			docker.PhaseHealth, docker.PhaseSettle}))
		Expect(start.Phase(docker.PhaseRun)).To(BeNumerically(">", 0))
		Expect(start.String()).To(MatchRegexp(`^start api v2 in \d+ms \(prepare \d+ms, create \d+ms, run \d+ms, health \d+ms, settle \d+ms\)$`))
		r, err := read(apiAddr, "kept")
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Code).To(Equal(200))
		Expect(r.Version).To(Equal("v2"))
		Expect(ev.kinds("store")).To(ContainElements("v1 stopping", "v1 stopped", "v1b started", "v1b healthy"))
	}, SpecTimeout(2*time.Minute))

	It("partitions the store by network disconnect, and heals on reconnect", func(ctx SpecContext) {
		Expect(rt.Disconnect(ctx, "store")).To(Succeed())
		Expect(rt.Disconnect(ctx, "store")).To(Succeed(), "twice is a no-op")
		Eventually(func() int { return code(write(apiAddr, "p-1")) }).
			WithTimeout(15 * time.Second).WithPolling(300 * time.Millisecond).Should(BeElementOf(502, 504))
		_, running := rt.Running("store")
		Expect(running).To(BeTrue(), "a partitioned service still runs")

		Expect(rt.Reconnect(ctx, "store")).To(Succeed())
		Expect(rt.Reconnect(ctx, "store")).To(Succeed(), "twice is a no-op")
		Eventually(func() int { return code(write(apiAddr, "p-2")) }).
			WithTimeout(15 * time.Second).WithPolling(300 * time.Millisecond).Should(Equal(201))
		Expect(ev.kinds("store")).To(ContainElements("v1b disconnected", "v1b reconnected"))
	}, SpecTimeout(time.Minute))

	It("pause makes requests hang until unpause", func(ctx SpecContext) {
		Expect(rt.Pause(ctx, "api")).To(Succeed())
		start := time.Now()
		_, err := do(httpClient(time.Second), "GET", "http://"+apiAddr+"/healthz", nil)
		var ue *url.Error
		Expect(errors.As(err, &ue)).To(BeTrue(), "got %v", err)
		Expect(ue.Timeout()).To(BeTrue(), "a frozen api holds the request: %v", err)
		Expect(time.Since(start)).To(BeNumerically(">=", 900*time.Millisecond))

		Expect(rt.Unpause(ctx, "api")).To(Succeed())
		Expect(code(write(apiAddr, "u-1"))).To(Equal(201))
	}, SpecTimeout(time.Minute))

	It("kill without restart leaves the service down; with restart it comes back", func(ctx SpecContext) {
		Expect(rt.Kill(ctx, "api", false)).To(Succeed())
		_, running := rt.Running("api")
		Expect(running).To(BeFalse())
		Expect(code(read(apiAddr, "kept"))).To(Equal(0), "nothing answers a killed api")
		Expect(rt.Kill(ctx, "api", false)).To(MatchError(docker.ErrNotRunning))
		Expect(rt.Disconnect(ctx, "api")).To(MatchError(docker.ErrNotRunning))

		Expect(rt.StopStart(ctx, "api")).To(Succeed())
		Expect(code(read(apiAddr, "kept"))).To(Equal(200))

		Expect(rt.Kill(ctx, "api", true)).To(Succeed())
		inst, running := rt.Running("api")
		Expect(running).To(BeTrue())
		Expect(inst.Addr).To(Equal(apiAddr))
		Expect(code(read(apiAddr, "kept"))).To(Equal(200))
		Expect(ev.kinds("api")).To(ContainElements("v2 killed", "v2 started", "v2 healthy"))
		Expect(ev.kinds("api")).NotTo(ContainElement("v2 exited-unexpectedly"))
	}, SpecTimeout(2*time.Minute))

	It("reports a container that exits by itself", func(ctx SpecContext) {
		// A crash the runtime did not cause: SIGKILL straight from the engine.
		Expect(killBehindTheRuntimesBack(ctx, drill, "api")).To(Succeed())
		Eventually(func() bool { _, ok := rt.Running("api"); return ok }).
			WithTimeout(10 * time.Second).Should(BeFalse())
		// Running turns false before the event is emitted: wait for both.
		Eventually(func() []string { return ev.kinds("api") }).
			WithTimeout(5 * time.Second).Should(ContainElement("v2 exited-unexpectedly"))
		startAPI(ctx, "v2") // a dead container is replaced by a fresh one
		Expect(code(read(apiAddr, "kept"))).To(Equal(200))
	}, SpecTimeout(time.Minute))

	It("snapshots the store's volume and restores it", func(ctx SpecContext) {
		storeAddr, err := rt.Addr("store")
		Expect(err).NotTo(HaveOccurred())
		Expect(code(write(storeAddr, "before"))).To(Equal(201))

		live := filepath.Join(GinkgoT().TempDir(), "live")
		Expect(rt.Snapshot(ctx, "store", live)).To(Succeed(), "a running store is paused for the copy")
		Expect(filepath.Join(live, "ledger.db")).To(BeAnExistingFile())
		Expect(code(write(storeAddr, "after-live"))).To(Equal(201), "and thawed afterwards")
		Expect(rt.Snapshot(ctx, "store", live)).To(MatchError(sut.ErrBadSpec), "not into a full folder")

		Expect(rt.Stop(ctx, "store")).To(Succeed())
		cold := filepath.Join(GinkgoT().TempDir(), "cold")
		Expect(rt.Snapshot(ctx, "store", cold)).To(Succeed(), "with no container, through a helper")
		Expect(filepath.Join(cold, "ledger.db")).To(BeAnExistingFile())

		_, err = rt.Start(ctx, "store", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(code(write(storeAddr, "later"))).To(Equal(201))
		Expect(rt.Restore(ctx, "store", live)).To(MatchError(sut.ErrRunning))
		Expect(rt.Stop(ctx, "store")).To(Succeed())

		Expect(rt.Restore(ctx, "store", live)).To(Succeed())
		_, err = rt.Start(ctx, "store", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(code(read(storeAddr, "before"))).To(Equal(200))
		Expect(code(read(storeAddr, "after-live"))).To(Equal(404), "written after the snapshot")
		Expect(code(read(storeAddr, "later"))).To(Equal(404), "written after the snapshot")
		Expect(ev.kinds("store")).To(ContainElements(" snapshot", " restored"))
	}, SpecTimeout(2*time.Minute))

	It("saves every container's logs, and Close removes the drill's containers, network and volumes", func(ctx SpecContext) {
		Expect(rt.Close(ctx)).To(Succeed())
		Expect(rt.Close(ctx)).To(Succeed(), "twice is a no-op")
		Expect(rt.Start(ctx, "store", "v1", nil)).Error().To(MatchError(sut.ErrClosed))

		logs := filepath.Join(work, "logs")
		Expect(readFile(filepath.Join(logs, "store-v1.log"))).To(
			And(ContainSubstring("ledger store listening"), ContainSubstring("ledger store stopped")))
		Expect(readFile(filepath.Join(logs, "store-v1b.log"))).To(ContainSubstring("version=v1b"))
		Expect(readFile(filepath.Join(logs, "api-v1.log"))).To(ContainSubstring("ledger api stopped"))
		Expect(readFile(filepath.Join(logs, "api-v2.log"))).To(ContainSubstring("ledger api stopped"))
		Expect(filepath.Join(logs, "toxiproxy.log")).To(BeAnExistingFile())

		Expect(labelled(ctx, drill)).To(Equal(leftovers{}))
	}, SpecTimeout(time.Minute))
})

func readFile(path string) string {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

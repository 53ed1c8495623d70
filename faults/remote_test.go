package faults_test

import (
	"context"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

var _ = Describe("A real, separate toxiproxy server process", func() {
	var (
		server  string // host:port of its API
		backend string
		ledger  string
	)
	ctx := context.Background()
	BeforeEach(func() {
		server = startToxiproxy()
		b := httptest.NewServer(backendHandler(&atomic.Int64{}))
		DeferCleanup(b.Close)
		backend = strings.TrimPrefix(b.URL, "http://")
		ledger = filepath.Join(GinkgoT().TempDir(), "faults.jsonl")
	})

	It("carries faults like the embedded one, and writes its links to the ledger", func() {
		ctl, err := faults.Start(ctx, faults.Options{Remote: server, LedgerPath: ledger})
		Expect(err).NotTo(HaveOccurred())
		Expect(ctl.API()).To(Equal("http://" + server))
		listen, err := ctl.AddLink(ctx, faults.LinkSpec{Name: "api"}, backend)
		Expect(err).NotTo(HaveOccurred())
		Expect(listen).To(HavePrefix("127.0.0.1:"))
		url := "http://" + listen + "/"

		base := medianRTT(url, 3)
		_, err = ctl.Inject(ctx, faults.Spec{Kind: faults.Latency, Link: "api", Direction: faults.Downstream, Latency: 200 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		Expect(medianRTT(url, 3) - base).To(BeNumerically(">=", 180*time.Millisecond))
		proxy, err := tpclient.NewClient(server).Proxy("api")
		Expect(err).NotTo(HaveOccurred())
		Expect(proxy.Toxics()).To(HaveExactElements(And(
			HaveField("Type", "latency"), HaveField("Stream", "downstream"), HaveField("Name", "latency@api_downstream"))))

		Expect(ctl.Close(ctx)).To(Succeed())
		proxies, err := tpclient.NewClient(server).Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(BeEmpty())
		Eventually(portFree).WithArguments(listen).WithTimeout(2 * time.Second).Should(BeTrue())

		entries, err := faults.ReadLedger(ledger)
		Expect(err).NotTo(HaveOccurred())
		var actions []faults.Action
		for _, e := range entries {
			actions = append(actions, e.Action)
			Expect(e.API).To(Equal("http://" + server))
			Expect(e.Embedded).To(BeFalse())
		}
		Expect(actions).To(Equal([]faults.Action{faults.ActionLink, faults.ActionInject, faults.ActionHeal, faults.ActionUnlink}))
		Expect(faults.OpenLinks(entries)).To(BeEmpty())
	})

	It("after a crash, Revert removes what the ledger says is left: toxics, a down link, proxies", func() {
		ctl, err := faults.Start(ctx, faults.Options{Remote: server, LedgerPath: ledger})
		Expect(err).NotTo(HaveOccurred())
		for _, name := range []string{"api", "db"} {
			_, err := ctl.AddLink(ctx, faults.LinkSpec{Name: name}, backend)
			Expect(err).NotTo(HaveOccurred())
		}
		_, err = ctl.Inject(ctx, faults.Spec{Kind: faults.Bandwidth, Link: "api", Rate: 10})
		Expect(err).NotTo(HaveOccurred())
		_, err = ctl.Inject(ctx, faults.Spec{Kind: faults.Down, Link: "db"})
		Expect(err).NotTo(HaveOccurred())
		// The drill dies here: ctl is never closed.

		cl := tpclient.NewClient(server)
		api, err := cl.Proxy("api")
		Expect(err).NotTo(HaveOccurred())
		Expect(api.Toxics()).To(HaveLen(2))

		entries, err := faults.ReadLedger(ledger)
		Expect(err).NotTo(HaveOccurred())
		unhealed := faults.Unhealed(entries)
		Expect(unhealed).To(HaveLen(2))
		for _, e := range unhealed {
			Expect(faults.Revert(ctx, e)).To(Succeed())
			Expect(faults.MarkReverted(ledger, e, "cleanup")).To(Succeed())
		}
		Expect(api.Toxics()).To(BeEmpty())
		db, err := cl.Proxy("db")
		Expect(err).NotTo(HaveOccurred())
		Expect(db.Enabled).To(BeTrue())

		links := faults.OpenLinks(entries)
		Expect(links).To(HaveExactElements(HaveField("Proxy", "api"), HaveField("Proxy", "db")))
		for _, e := range links {
			Expect(faults.Revert(ctx, e)).To(Succeed())
			Expect(faults.Revert(ctx, e)).To(Succeed(), "a proxy already gone counts as deleted")
			Expect(faults.MarkReverted(ledger, e, "cleanup")).To(Succeed())
		}
		Expect(cl.Proxies()).To(BeEmpty())

		entries, err = faults.ReadLedger(ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(faults.Unhealed(entries)).To(BeEmpty())
		Expect(faults.OpenLinks(entries)).To(BeEmpty())
		Expect(entries[len(entries)-1].By).To(Equal("cleanup"))
	})

	It("listens on the chosen host, such as every interface for a server in a container", func() {
		ctl, err := faults.Start(ctx, faults.Options{Remote: server, ListenHost: "0.0.0.0"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { Expect(ctl.Close(ctx)).To(Succeed()) })
		listen, err := ctl.AddLink(ctx, faults.LinkSpec{Name: "api"}, backend)
		Expect(err).NotTo(HaveOccurred())
		host, port, err := net.SplitHostPort(listen)
		Expect(err).NotTo(HaveOccurred())
		Expect(net.ParseIP(host).IsUnspecified()).To(BeTrue(), "listening on %s", listen)
		_, err = get(client(2*time.Second), "http://127.0.0.1:"+port+"/")
		Expect(err).NotTo(HaveOccurred())
	})

	It("refuses a listen host that is not one", func() {
		_, err := faults.Start(ctx, faults.Options{ListenHost: "127.0.0.1:80"})
		Expect(err).To(MatchError(faults.ErrInvalidOption))
	})
})

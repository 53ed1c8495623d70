package faults_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

var _ = Describe("Controller lifecycle", func() {
	ctx := context.Background()
	latency := faults.Spec{Kind: faults.Latency, Link: "api", Latency: 20 * time.Millisecond}

	It("serves the toxiproxy API on loopback", func() {
		r := newRig(faults.Options{})
		Expect(r.ctl.API()).To(HavePrefix("http://127.0.0.1:"))
		Expect(r.listen).To(HavePrefix("127.0.0.1:"))
		proxies, err := tpclient.NewClient(r.ctl.API()).Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).To(HaveKey("api"))
	})

	It("reports misuse with sentinel errors", func() {
		r := newRig(faults.Options{})
		_, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Down, Link: "nowhere"})
		Expect(err).To(MatchError(faults.ErrUnknownLink))

		_, err = r.ctl.Inject(ctx, latency)
		Expect(err).NotTo(HaveOccurred())
		_, err = r.ctl.Inject(ctx, latency)
		Expect(err).To(MatchError(faults.ErrFaultActive))
		Expect(r.ctl.Active()).To(HaveLen(1))

		Expect(r.ctl.Heal(ctx, "no-such-fault")).To(MatchError(faults.ErrUnknownFault))

		_, err = r.ctl.Inject(ctx, faults.Spec{Kind: faults.Latency, Link: "api"})
		Expect(err).To(MatchError(faults.ErrInvalidSpec))

		_, err = r.ctl.AddLink(ctx, faults.LinkSpec{Name: "api"}, "127.0.0.1:1")
		Expect(err).To(MatchError(faults.ErrLinkExists))
		_, err = r.ctl.AddLink(ctx, faults.LinkSpec{Name: "bad/name"}, "127.0.0.1:1")
		Expect(err).To(MatchError(faults.ErrInvalidLink))
		_, err = r.ctl.AddLink(ctx, faults.LinkSpec{Name: "db"}, "no-port")
		Expect(err).To(MatchError(faults.ErrInvalidLink))
	})

	It("lists active faults in injection order", func() {
		r := newRig(faults.Options{})
		for _, name := range []string{"c", "a", "b"} {
			s := latency
			s.Name = name
			_, err := r.ctl.Inject(ctx, s)
			Expect(err).NotTo(HaveOccurred())
		}
		names := func() []string {
			var out []string
			for _, s := range r.ctl.Active() {
				out = append(out, s.Name)
			}
			return out
		}
		Expect(names()).To(Equal([]string{"c", "a", "b"}))
		Expect(r.ctl.Heal(ctx, "a")).To(Succeed())
		Expect(names()).To(Equal([]string{"c", "b"}))
		Expect(r.ctl.HealAll(ctx)).To(Succeed())
		Expect(r.ctl.Active()).To(BeEmpty())
	})

	It("does nothing once its context is done", func() {
		r := newRig(faults.Options{})
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := r.ctl.Inject(cancelled, latency)
		Expect(err).To(MatchError(context.Canceled))
		Expect(r.ctl.Active()).To(BeEmpty())
	})

	It("writes inject then heal to the ledger", func() {
		r := newRig(faults.Options{})
		s, err := r.ctl.Inject(ctx, latency)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())

		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(2))
		Expect(entries[0].Action).To(Equal(faults.ActionInject))
		Expect(entries[1].Action).To(Equal(faults.ActionHeal))
		for _, e := range entries {
			Expect(e.Fault).To(Equal(s))
			Expect(e.API).To(Equal(r.ctl.API()))
			Expect(e.Proxy).To(Equal("api"))
			Expect(e.Embedded).To(BeTrue())
		}
		Expect(entries[1].Time).NotTo(BeTemporally("<", entries[0].Time))
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("leaves unhealed lines if the drill dies, and heals them on Close", func() {
		r := newRig(faults.Options{})
		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Down, Link: "api"})
		Expect(err).NotTo(HaveOccurred())

		crashed, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		unhealed := faults.Unhealed(crashed)
		Expect(unhealed).To(HaveLen(1))
		Expect(unhealed[0].Fault).To(Equal(s))

		Expect(r.ctl.Close(ctx)).To(Succeed())
		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(2))
		Expect(entries[1].Action).To(Equal(faults.ActionHeal))
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("closes twice without error and refuses work after", func() {
		r := newRig(faults.Options{})
		_, err := r.ctl.Inject(ctx, latency)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.ctl.Close(ctx)).To(Succeed())
		Expect(r.ctl.Close(ctx)).To(Succeed())
		Expect(r.ctl.Active()).To(BeEmpty())

		_, err = r.ctl.Inject(ctx, latency)
		Expect(err).To(MatchError(faults.ErrClosed))
		_, err = r.ctl.AddLink(ctx, faults.LinkSpec{Name: "db"}, "127.0.0.1:1")
		Expect(err).To(MatchError(faults.ErrClosed))
		_, err = get(client(time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "the proxy is gone: %v", err)
	})

	It("heals a fault with a duration by itself", func() {
		healed := make(chan error, 1)
		r := newRig(faults.Options{OnAutoHeal: func(s faults.Spec, err error) {
			defer GinkgoRecover()
			Expect(s.Name).To(Equal("brief"))
			healed <- err
		}})
		_, err := r.ctl.Inject(ctx, faults.Spec{Name: "brief", Kind: faults.Down, Link: "api", Duration: 200 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		_, err = get(client(time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)

		Eventually(healed).WithTimeout(3 * time.Second).Should(Receive(BeNil()))
		Expect(r.ctl.Active()).To(BeEmpty())
		_, err = get(client(time.Second), r.url)
		Expect(err).NotTo(HaveOccurred())
		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("does not auto-heal a fault healed earlier", func() {
		called := make(chan struct{}, 1)
		r := newRig(faults.Options{OnAutoHeal: func(faults.Spec, error) { called <- struct{}{} }})
		s := latency
		s.Duration = 100 * time.Millisecond
		_, err := r.ctl.Inject(ctx, s)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.ctl.Heal(ctx, "latency@api")).To(Succeed())
		Consistently(called).WithTimeout(300 * time.Millisecond).ShouldNot(Receive())
	})

	It("is safe for concurrent use", func() {
		r := newRig(faults.Options{})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 8 {
			wg.Go(func() {
				s := latency
				s.Name = fmt.Sprintf("lat-%d", i)
				if _, err := r.ctl.Inject(ctx, s); err != nil {
					errs <- err
					return
				}
				_ = r.ctl.Active()
				errs <- r.ctl.Heal(ctx, s.Name)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(r.ctl.Active()).To(BeEmpty())
		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(16))
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})
})

var _ = Describe("A remote toxiproxy server", func() {
	ctx := context.Background()

	It("is driven like the embedded one, and Revert cleans up after a crash", func() {
		// The rig's server plays the remote toxiproxy; its link is the backend.
		server := newRig(faults.Options{})
		backend := server.listen

		ledger := filepath.Join(GinkgoT().TempDir(), "remote.jsonl")
		ctl, err := faults.Start(ctx, faults.Options{Remote: strings.TrimPrefix(server.ctl.API(), "http://"), LedgerPath: ledger})
		Expect(err).NotTo(HaveOccurred())
		Expect(ctl.API()).To(Equal(server.ctl.API()))
		listen, err := ctl.AddLink(ctx, faults.LinkSpec{Name: "remote-api"}, backend)
		Expect(err).NotTo(HaveOccurred())
		url := "http://" + listen + "/"

		_, err = ctl.Inject(ctx, faults.Spec{Kind: faults.Down, Link: "remote-api"})
		Expect(err).NotTo(HaveOccurred())
		_, err = get(client(time.Second), url)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)

		entries, err := faults.ReadLedger(ledger)
		Expect(err).NotTo(HaveOccurred())
		unhealed := faults.Unhealed(entries)
		Expect(unhealed).To(HaveLen(1))
		Expect(unhealed[0].Embedded).To(BeFalse())
		Expect(faults.Revert(ctx, unhealed[0])).To(Succeed())
		_, err = get(client(time.Second), url)
		Expect(err).NotTo(HaveOccurred())

		Expect(ctl.Close(ctx)).To(Succeed())
		proxies, err := tpclient.NewClient(server.ctl.API()).Proxies()
		Expect(err).NotTo(HaveOccurred())
		Expect(proxies).NotTo(HaveKey("remote-api"))
		Expect(proxies).To(HaveKey("api"))
	})

	It("must answer at Start", func() {
		_, err := faults.Start(ctx, faults.Options{Remote: "http://127.0.0.1:1"})
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)
	})
})

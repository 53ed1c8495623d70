package faults_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

// Effects are measured through the proxy, against a real backend.
var _ = Describe("Controller faults", func() {
	var r *rig
	ctx := context.Background()
	BeforeEach(func() { r = newRig(faults.Options{}) })

	It("adds latency on both directions and removes it on heal", func() {
		base := medianRTT(r.url, 5)
		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Latency, Link: "api", Latency: 150 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Name).To(Equal("latency@api"))
		Expect(s.Direction).To(Equal(faults.Both))
		Expect(s.Toxicity).To(Equal(1.0))

		slow := medianRTT(r.url, 5)
		Expect(slow - base).To(BeNumerically(">=", 140*time.Millisecond))
		Expect(slow-base).To(BeNumerically(">=", 2*140*time.Millisecond), "each direction is delayed")

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		Expect(medianRTT(r.url, 5)).To(BeNumerically("<", base+100*time.Millisecond))
		Expect(r.ctl.Active()).To(BeEmpty())
	})

	DescribeTable("delays a round trip in one direction only",
		func(d faults.Direction) {
			base := medianRTT(r.url, 3)
			s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Latency, Link: "api", Direction: d, Latency: 150 * time.Millisecond})
			Expect(err).NotTo(HaveOccurred())
			slow := medianRTT(r.url, 3)
			Expect(slow - base).To(BeNumerically(">=", 140*time.Millisecond))
			Expect(slow-base).To(BeNumerically("<", 2*140*time.Millisecond), "the other direction is not delayed")
			Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		},
		Entry("upstream", faults.Upstream),
		Entry("downstream", faults.Downstream),
	)

	It("blackholes a link: requests hang until the caller times out, and heal restores it", func() {
		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Blackhole, Link: "api"})
		Expect(err).NotTo(HaveOccurred())

		elapsed, err := get(client(500*time.Millisecond), r.url)
		var netErr net.Error
		Expect(errors.As(err, &netErr)).To(BeTrue(), "%v", err)
		Expect(netErr.Timeout()).To(BeTrue(), "%v", err)
		Expect(elapsed).To(BeNumerically(">=", 450*time.Millisecond))

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		_, err = get(client(2*time.Second), r.url)
		Expect(err).NotTo(HaveOccurred())
	})

	It("takes a link down: refused at once, open connections closed, heal restores the same address", func() {
		open, err := net.Dial("tcp", r.listen)
		Expect(err).NotTo(HaveOccurred())
		defer open.Close()

		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Down, Link: "api"})
		Expect(err).NotTo(HaveOccurred())

		Expect(open.SetReadDeadline(time.Now().Add(2 * time.Second))).To(Succeed())
		_, err = open.Read(make([]byte, 1))
		var netErr net.Error
		Expect(err).To(HaveOccurred())
		Expect(errors.As(err, &netErr) && netErr.Timeout()).To(BeFalse(), "closed, not held: %v", err)

		elapsed, err := get(client(2*time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)
		Expect(elapsed).To(BeNumerically("<", time.Second))

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		_, err = get(client(2*time.Second), r.url)
		Expect(err).NotTo(HaveOccurred())
		listen, ok := r.ctl.Link("api")
		Expect(ok).To(BeTrue())
		Expect(listen).To(Equal(r.listen))
	})

	It("keeps a link down until its last down fault is healed", func() {
		_, err := r.ctl.Inject(ctx, faults.Spec{Name: "first", Kind: faults.Down, Link: "api"})
		Expect(err).NotTo(HaveOccurred())
		_, err = r.ctl.Inject(ctx, faults.Spec{Name: "second", Kind: faults.Down, Link: "api"})
		Expect(err).NotTo(HaveOccurred())

		Expect(r.ctl.Heal(ctx, "first")).To(Succeed())
		_, err = get(client(2*time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)

		Expect(r.ctl.Heal(ctx, "second")).To(Succeed())
		_, err = get(client(2*time.Second), r.url)
		Expect(err).NotTo(HaveOccurred())
	})
})

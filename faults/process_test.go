package faults_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// procRig is a real service run by the process runtime, and a controller
// that applies process faults to it.
type procRig struct {
	rt     *sut.Process
	ctl    *faults.Controller
	ledger string
	first  sut.Instance
}

func newProcRig() *procRig {
	GinkgoHelper()
	work := GinkgoT().TempDir()
	rt, err := sut.NewProcess(sut.ProcessOptions{WorkDir: work, Services: map[string]sut.ServiceSpec{
		"api": {Health: "/healthz", StopGrace: 2 * time.Second, Versions: map[string]sut.VersionSpec{
			"v1": {Command: []string{filepath.Join(binDir, "svc"), "--listen", "${addr}", "--version", "${version}"}},
		}},
	}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		Expect(rt.Close(ctx)).To(Succeed())
	})
	ctx := ctxFor(20 * time.Second)
	first, err := rt.Start(ctx, "api", "v1", nil)
	Expect(err).NotTo(HaveOccurred())
	ledger := filepath.Join(work, "faults.jsonl")
	ctl, err := faults.Start(ctx, faults.Options{LedgerPath: ledger, Processes: rt})
	Expect(err).NotTo(HaveOccurred())
	// Registered last, so it runs first: heal before the runtime closes.
	DeferCleanup(func(ctx SpecContext) { Expect(ctl.Close(ctx)).To(Succeed()) })
	return &procRig{rt: rt, ctl: ctl, ledger: ledger, first: first}
}

// answers reports whether the service answers /healthz within 300ms.
func answers(addr string) error {
	_, err := get(client(300*time.Millisecond), "http://"+addr+"/healthz")
	return err
}

var _ = Describe("Process faults through the controller", func() {
	It("pause makes the service stop answering, records its group, and heal resumes it", func() {
		r := newProcRig()
		ctx := ctxFor(20 * time.Second)
		Expect(answers(r.first.Addr)).To(Succeed())

		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Pause, Service: "api"})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Name).To(Equal("pause@api"))
		err = answers(r.first.Addr)
		var netErr net.Error
		Expect(errors.As(err, &netErr) && netErr.Timeout()).To(BeTrue(), "a stopped process accepts (the kernel does) but never answers: %v", err)
		Expect(r.ctl.Active()).To(HaveExactElements(HaveField("Name", "pause@api")))

		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		unhealed := faults.Unhealed(entries)
		Expect(unhealed).To(HaveLen(1))
		Expect(unhealed[0].Process).NotTo(BeNil())
		Expect(unhealed[0].Process.PGID).To(Equal(r.first.PID))
		Expect(unhealed[0].Process.StartTicks).NotTo(BeZero())
		Expect(unhealed[0].API).To(BeEmpty())

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		Expect(answers(r.first.Addr)).To(Succeed())
		inst, ok := r.rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(inst.PID).To(Equal(r.first.PID), "the same process, continued")
	})

	It("a pause with a duration resumes by itself", func() {
		r := newProcRig()
		ctx := ctxFor(20 * time.Second)
		_, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Pause, Service: "api", Duration: 300 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		Expect(answers(r.first.Addr)).NotTo(Succeed())
		Eventually(r.ctl.Active).WithTimeout(3 * time.Second).Should(BeEmpty())
		Expect(answers(r.first.Addr)).To(Succeed())
	})

	It("kill takes the service down until heal starts it again", func() {
		r := newProcRig()
		ctx := ctxFor(20 * time.Second)
		s, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Kill, Service: "api"})
		Expect(err).NotTo(HaveOccurred())
		Expect(errors.Is(answers(r.first.Addr), syscall.ECONNREFUSED)).To(BeTrue())
		_, running := r.rt.Running("api")
		Expect(running).To(BeFalse())
		Expect(r.ctl.Active()).To(HaveLen(1))

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		inst, ok := r.rt.Running("api")
		Expect(ok).To(BeTrue())
		Expect(inst.PID).NotTo(Equal(r.first.PID))
		Expect(inst.Addr).To(Equal(r.first.Addr))
		Expect(answers(inst.Addr)).To(Succeed())
	})

	DescribeTable("instant faults leave a new, healthy process and nothing to heal",
		func(s faults.Spec) {
			r := newProcRig()
			ctx := ctxFor(20 * time.Second)
			_, err := r.ctl.Inject(ctx, s)
			Expect(err).NotTo(HaveOccurred())
			inst, ok := r.rt.Running("api")
			Expect(ok).To(BeTrue())
			Expect(inst.PID).NotTo(Equal(r.first.PID))
			Expect(answers(inst.Addr)).To(Succeed())
			Expect(r.ctl.Active()).To(BeEmpty())
			entries, err := faults.ReadLedger(r.ledger)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(HaveExactElements(HaveField("Action", faults.ActionInject), HaveField("Action", faults.ActionHeal)))
		},
		Entry("kill with restart", faults.Spec{Kind: faults.Kill, Service: "api", Restart: true}),
		Entry("restart", faults.Spec{Kind: faults.Restart, Service: "api"}),
	)

	It("changes nothing for a service that is not running", func() {
		r := newProcRig()
		ctx := ctxFor(20 * time.Second)
		Expect(r.rt.Stop(ctx, "api")).To(Succeed())
		_, err := r.ctl.Inject(ctx, faults.Spec{Kind: faults.Pause, Service: "api"})
		Expect(err).To(MatchError(faults.ErrNotRunning))
		_, err = r.ctl.Inject(ctx, faults.Spec{Kind: faults.Kill, Service: "api"})
		Expect(err).To(MatchError(faults.ErrNotRunning))
		_, err = r.ctl.Inject(ctx, faults.Spec{Kind: faults.Pause, Service: "nope"})
		Expect(err).To(MatchError(faults.ErrUnknownService))
		Expect(r.ctl.Active()).To(BeEmpty())
		_, running := r.rt.Running("api")
		Expect(running).To(BeFalse())
		entries, err := faults.ReadLedger(r.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("needs a process target", func() {
		r := newRig(faults.Options{})
		_, err := r.ctl.Inject(context.Background(), faults.Spec{Kind: faults.Pause, Service: "api"})
		Expect(err).To(MatchError(faults.ErrNoProcessTarget))
	})
})

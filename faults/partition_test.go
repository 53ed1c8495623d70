package faults_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

// Three services, every pair linked: a→b, b→c, a→c, and c→d.
var topology = []faults.LinkSpec{
	{Name: "a-b", From: "a", To: "b"},
	{Name: "b-c", From: "b", To: "c"},
	{Name: "a-c", From: "a", To: "c"},
	{Name: "c-d", From: "c", To: "d"},
}

var _ = Describe("PartitionLinks", func() {
	DescribeTable("returns the links that cross the cut, in link order",
		func(p faults.PartitionSpec, want ...string) {
			Expect(faults.PartitionLinks(p, topology)).To(Equal(want))
		},
		Entry("isolate a service from all its peers", faults.PartitionSpec{Isolate: "c"}, "b-c", "a-c", "c-d"),
		Entry("isolate a leaf", faults.PartitionSpec{Isolate: "d"}, "c-d"),
		Entry("split in two halves", faults.PartitionSpec{Split: [][]string{{"a", "b"}, {"c"}}}, "b-c", "a-c"),
		Entry("split ignores services in neither half", faults.PartitionSpec{Split: [][]string{{"a"}, {"b", "d"}}}, "a-b"),
		Entry("between one pair", faults.PartitionSpec{Between: []string{"a", "c"}}, "a-c"),
		Entry("between, whichever way the link goes", faults.PartitionSpec{Between: []string{"c", "b"}}, "b-c"),
	)

	It("fails when no link crosses the cut", func() {
		_, err := faults.PartitionLinks(faults.PartitionSpec{Between: []string{"a", "d"}}, topology)
		Expect(err).To(MatchError(faults.ErrNoCrossingLinks))
		_, err = faults.PartitionLinks(faults.PartitionSpec{Isolate: "z"}, topology)
		Expect(err).To(MatchError(faults.ErrNoCrossingLinks))
	})

	DescribeTable("rejects a bad partition, naming the field",
		func(p faults.PartitionSpec, fields ...string) {
			_, err := faults.PartitionLinks(p, topology)
			Expect(err).To(MatchError(faults.ErrInvalidSpec))
			Expect(fieldsOf(err)).To(ConsistOf(fields))
		},
		Entry("no cut", faults.PartitionSpec{}, "isolate"),
		Entry("two cuts", faults.PartitionSpec{Isolate: "a", Between: []string{"b", "c"}}, "isolate"),
		Entry("one half", faults.PartitionSpec{Split: [][]string{{"a"}}}, "split"),
		Entry("an empty half", faults.PartitionSpec{Split: [][]string{{"a"}, {}}}, "split"),
		Entry("a service in both halves", faults.PartitionSpec{Split: [][]string{{"a", "b"}, {"b"}}}, "split"),
		Entry("a pair of three", faults.PartitionSpec{Between: []string{"a", "b", "c"}}, "between"),
		Entry("a pair of one service", faults.PartitionSpec{Between: []string{"a", "a"}}, "between"),
		Entry("a latency partition", faults.PartitionSpec{Isolate: "a", Mode: faults.Latency}, "mode"),
		Entry("a one-way down partition", faults.PartitionSpec{Isolate: "a", Mode: faults.Down, Direction: faults.Upstream}, "direction"),
		Entry("a negative duration", faults.PartitionSpec{Isolate: "a", Duration: -time.Second}, "duration"),
	)

	It("fills a name after the cut, blackhole and both ways", func() {
		Expect(faults.PartitionDefaults(faults.PartitionSpec{Isolate: "c"})).To(Equal(faults.PartitionSpec{
			Name: "isolate@c", Isolate: "c", Mode: faults.Blackhole, Direction: faults.Both}))
		Expect(faults.PartitionDefaults(faults.PartitionSpec{Split: [][]string{{"a", "b"}, {"c"}}}).Name).To(Equal("split@a.b:c"))
		Expect(faults.PartitionDefaults(faults.PartitionSpec{Between: []string{"a", "c"}}).Name).To(Equal("partition@a:c"))
	})
})

// mesh is a controller with one real backend behind each link of topology.
type mesh struct {
	ctl    *faults.Controller
	ledger string
	url    map[string]string // link → URL through its proxy
	hits   map[string]*atomic.Int64
}

func newMesh() *mesh {
	GinkgoHelper()
	m := &mesh{ledger: filepath.Join(GinkgoT().TempDir(), "faults.jsonl"), url: map[string]string{}, hits: map[string]*atomic.Int64{}}
	ctl, err := faults.Start(context.Background(), faults.Options{LedgerPath: m.ledger})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) { Expect(ctl.Close(ctx)).To(Succeed()) })
	m.ctl = ctl
	for _, l := range topology {
		hits := &atomic.Int64{}
		backend := httptest.NewServer(backendHandler(hits))
		DeferCleanup(backend.Close)
		listen, err := ctl.AddLink(context.Background(), l, strings.TrimPrefix(backend.URL, "http://"))
		Expect(err).NotTo(HaveOccurred())
		m.url[l.Name], m.hits[l.Name] = "http://"+listen+"/", hits
	}
	return m
}

// cut reports, for each link, whether a GET through it fails.
func (m *mesh) cut() map[string]bool {
	out := map[string]bool{}
	for _, l := range topology {
		_, err := get(client(400*time.Millisecond), m.url[l.Name])
		out[l.Name] = err != nil
	}
	return out
}

var _ = Describe("Controller.InjectPartition", func() {
	ctx := context.Background()

	It("cuts every crossing link under one name, and Heal of that name heals them together", func() {
		m := newMesh()
		p, err := m.ctl.InjectPartition(ctx, faults.PartitionSpec{Isolate: "c"}, topology)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Spec.Name).To(Equal("isolate@c"))
		Expect(p.Faults).To(HaveLen(3))
		Expect(p.Faults[0]).To(Equal(faults.Spec{Name: "isolate@c:b-c", Kind: faults.Blackhole, Link: "b-c",
			Direction: faults.Both, Toxicity: 1, Partition: "isolate@c"}))

		Expect(m.cut()).To(Equal(map[string]bool{"a-b": false, "b-c": true, "a-c": true, "c-d": true}))
		Expect(m.ctl.Active()).To(HaveEach(HaveField("Partition", "isolate@c")))

		_, err = m.ctl.Inject(ctx, faults.Spec{Name: "isolate@c", Kind: faults.Down, Link: "a-b"})
		Expect(err).To(MatchError(faults.ErrFaultActive), "the partition's name is taken")

		Expect(m.ctl.Heal(ctx, "isolate@c")).To(Succeed())
		Expect(m.ctl.Active()).To(BeEmpty())
		Expect(m.cut()).To(HaveEach(BeFalse()))

		entries, err := faults.ReadLedger(m.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(6))
		Expect(entries).To(HaveEach(HaveField("Fault.Partition", "isolate@c")))
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("takes links down in down mode, and heals itself after its duration", func() {
		m := newMesh()
		_, err := m.ctl.InjectPartition(ctx, faults.PartitionSpec{Between: []string{"a", "b"}, Mode: faults.Down, Duration: 300 * time.Millisecond}, topology)
		Expect(err).NotTo(HaveOccurred())
		_, err = get(client(time.Second), m.url["a-b"])
		Expect(errors.Is(err, syscall.ECONNREFUSED)).To(BeTrue(), "%v", err)
		Eventually(m.ctl.Active).WithTimeout(3 * time.Second).Should(BeEmpty())
		Expect(m.cut()).To(HaveEach(BeFalse()))
	})

	It("cuts one way only with a direction", func() {
		m := newMesh()
		_, err := m.ctl.InjectPartition(ctx, faults.PartitionSpec{Split: [][]string{{"a"}, {"b", "c"}}, Direction: faults.Downstream}, topology)
		Expect(err).NotTo(HaveOccurred())
		before := m.hits["a-b"].Load()
		keepAlive := &http.Client{Timeout: 400 * time.Millisecond, Transport: &http.Transport{}}
		_, err = get(keepAlive, m.url["a-b"])
		var netErr net.Error
		Expect(errors.As(err, &netErr) && netErr.Timeout()).To(BeTrue(), "the answers are dropped: %v", err)
		Expect(m.hits["a-b"].Load()).To(Equal(before+1), "but the requests reach the far side")
		_, err = get(client(2*time.Second), m.url["c-d"])
		Expect(err).NotTo(HaveOccurred(), "c-d is within a half")
	})

	It("is all or nothing: a link that cannot be cut undoes the others", func() {
		m := newMesh()
		// The proxy of c-d disappears behind the controller's back.
		p := tpclient.NewClient(m.ctl.API()).NewProxy()
		p.Name = "c-d"
		Expect(p.Delete()).To(Succeed())

		_, err := m.ctl.InjectPartition(ctx, faults.PartitionSpec{Isolate: "c"}, topology)
		Expect(err).To(HaveOccurred())
		Expect(m.ctl.Active()).To(BeEmpty())
		cut := m.cut()
		Expect(cut["b-c"]).To(BeFalse())
		Expect(cut["a-c"]).To(BeFalse())
		entries, err := faults.ReadLedger(m.ledger)
		Expect(err).NotTo(HaveOccurred())
		Expect(faults.Unhealed(entries)).To(BeEmpty())
	})

	It("refuses links the controller does not have, injecting nothing", func() {
		m := newMesh()
		links := slices.Concat(topology, []faults.LinkSpec{{Name: "ghost", From: "c", To: "z"}})
		_, err := m.ctl.InjectPartition(ctx, faults.PartitionSpec{Isolate: "c"}, links)
		Expect(err).To(MatchError(faults.ErrUnknownLink))
		Expect(m.ctl.Active()).To(BeEmpty())
		_, err = m.ctl.InjectPartition(ctx, faults.PartitionSpec{Between: []string{"a", "d"}}, topology)
		Expect(err).To(MatchError(faults.ErrNoCrossingLinks))
	})
})

var _ = Describe("links of several ports", func() {
	It("expand to one link per port, named LINK.PORT", func() {
		l := faults.LinkSpec{Name: "m1-m2", From: "m1", To: "m2", Ports: []string{"client", "peer"}, Listen: "127.20.1.2"}
		Expect(faults.ExpandLinks([]faults.LinkSpec{l, {Name: "api-db", From: "api", To: "db"}})).To(Equal([]faults.LinkSpec{
			{Name: "m1-m2.client", From: "m1", To: "m2", Port: "client", Listen: "127.20.1.2"},
			{Name: "m1-m2.peer", From: "m1", To: "m2", Port: "peer", Listen: "127.20.1.2"},
			{Name: "api-db", From: "api", To: "db"},
		}))
	})

	It("listen on their own loopback address at the port number of what they lead to, and are cut by a partition of their pair", func(ctx SpecContext) {
		ctl, err := faults.Start(ctx, faults.Options{LedgerPath: filepath.Join(GinkgoT().TempDir(), "faults.jsonl")})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) { Expect(ctl.Close(ctx)).To(Succeed()) })
		backend := httptest.NewServer(backendHandler(&atomic.Int64{}))
		DeferCleanup(backend.Close)
		direct := strings.TrimPrefix(backend.URL, "http://")
		_, port, _ := net.SplitHostPort(direct)

		pair := faults.LinkSpec{Name: "a-b", From: "a", To: "b", Listen: "127.20.1.2"}
		listen, err := ctl.AddLink(ctx, pair, direct)
		Expect(err).NotTo(HaveOccurred())
		Expect(listen).To(Equal("127.20.1.2:"+port), "a peer that resolves b to 127.20.1.2 dials the port it was told")
		_, err = get(client(time.Second), "http://"+listen+"/")
		Expect(err).NotTo(HaveOccurred())

		_, err = ctl.AddLink(ctx, faults.LinkSpec{Name: "far", Listen: "10.0.0.1"}, direct)
		Expect(err).To(MatchError(faults.ErrInvalidLink), "only loopback: faults stay on this machine")

		_, err = ctl.InjectPartition(ctx, faults.PartitionSpec{Between: []string{"a", "b"}, Mode: faults.Down}, []faults.LinkSpec{pair})
		Expect(err).NotTo(HaveOccurred())
		_, err = get(client(time.Second), "http://"+listen+"/")
		Expect(err).To(HaveOccurred(), "the pair is cut")
	})
})

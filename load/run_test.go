package load_test

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

// windowLog collects what OnWindow hands over.
type windowLog struct {
	mu      sync.Mutex
	windows []load.Window
}

func (l *windowLog) add(w load.Window) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.windows = append(l.windows, w)
}

func (l *windowLog) all() []load.Window {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.windows)
}

func stream(name, rate, path string) load.StreamSpec {
	var r load.Rate
	Expect(r.UnmarshalText([]byte(rate))).To(Succeed())
	return load.StreamSpec{Name: name, Rate: r, Path: path}
}

func idsOf(ops []load.Op) []string {
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.ID
	}
	return ids
}

var idPattern = regexp.MustCompile(`^writes-\d{6}-[0-9a-f]{8}$`)

var _ = Describe("Run", func() {
	It("sends the stream's rate, mints a unique id per request and records every op", func(ctx SpecContext) {
		var got seen
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.record(r)
			w.Header().Set("X-Version", "v1")
		}))
		st := stream("writes", "200/s", "/kv/{id}")
		st.Writes = true
		st.Body = `{"id":"{id}"}`
		st.Headers = map[string]string{"x-tenant": "t-{id}"}
		var live windowLog

		h, err := load.Run(ctx, load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{st}},
			load.Options{Target: target, Base: time.Now(), Seed: 7, OnWindow: live.add})

		Expect(err).NotTo(HaveOccurred())
		Expect(len(h.Ops)).To(BeNumerically("~", 400, 40))
		ids := idsOf(h.Ops)
		Expect(ids).To(HaveEach(MatchRegexp(idPattern.String())))
		Expect(slices.Compact(slices.Sorted(slices.Values(ids)))).To(HaveLen(len(ids)), "ids are unique")

		paths, sent, bodies, methods, tenants := got.snapshot()
		Expect(sent).To(ConsistOf(ids), "the server saw exactly the recorded ids")
		for i, id := range sent {
			Expect(paths[i]).To(Equal("/kv/" + id))
			Expect(bodies[i]).To(Equal(`{"id":"` + id + `"}`))
			Expect(tenants[i]).To(Equal("t-" + id))
			Expect(methods[i]).To(Equal(http.MethodPut), "writes default to PUT")
		}
		for _, op := range h.Ops {
			Expect(op).To(beAcknowledgedWrite("writes", "v1"))
		}
		Expect(slices.IsSortedFunc(h.Ops, func(a, b load.Op) int { return int(a.End - b.End) })).To(BeTrue(), "ops in completion order")

		windows := live.all()
		Expect(windows).To(HaveLen(len(h.Windows)), "OnWindow saw every window of the history")
		Expect(len(windows)).To(BeNumerically(">=", 2))
		Expect(len(windows)).To(BeNumerically("<=", 4))
		counted := 0
		for i, w := range windows {
			Expect(w.Start).To(Equal(time.Duration(i)*time.Second), "windows in order, one per second")
			Expect(h.Windows[i].Start).To(Equal(w.Start))
			counted += w.Count
		}
		Expect(counted).To(BeNumerically(">=", len(h.Ops)*95/100), "live windows saw the ops as they completed")
		total := 0
		for _, w := range h.Windows {
			total += w.Count
			Expect(w.Classes["2xx"]).To(Equal(w.Count))
			Expect(w.P99).To(BeNumerically(">=", w.P50))
		}
		Expect(total).To(Equal(len(h.Ops)))
	}, NodeTimeout(15*time.Second))

	It("counts every 4th request answered 500 as failed, on the drill's clock", func(ctx SpecContext) {
		var n atomic.Int64
		var methods sync.Map
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			methods.Store(r.Method, true)
			if n.Add(1)%4 == 0 {
				http.Error(w, "boom", http.StatusInternalServerError)
			}
		}))
		base := time.Now().Add(-5 * time.Second)

		h, err := load.Run(ctx, load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{stream("reads", "100/s", "/")}},
			load.Options{Target: target, Base: base})

		Expect(err).NotTo(HaveOccurred())
		failed, fivexx := 0, 0
		for _, op := range h.Ops {
			Expect(op.Start).To(BeNumerically(">=", 5*time.Second), "offsets count from Base")
			Expect(op.Write).To(BeFalse())
			if op.Outcome == load.Failed {
				failed++
				Expect(op.Code).To(BeEquivalentTo(500))
				Expect(op.ErrClass).To(Equal(load.ClassHTTP))
			} else {
				Expect(op.Outcome).To(Equal(load.Acknowledged))
			}
		}
		Expect(float64(failed) / float64(len(h.Ops))).To(BeNumerically("~", 0.25, 0.02))
		Expect(h.Windows[0].Start).To(Equal(5 * time.Second))
		for _, w := range h.Windows {
			fivexx += w.Classes["5xx"]
		}
		Expect(fivexx).To(Equal(failed))
		_, onlyGET := methods.Load(http.MethodGet)
		Expect(onlyGET).To(BeTrue(), "reads default to GET")
	}, NodeTimeout(15*time.Second))

	It("records a request that outlives the timeout as indeterminate", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
		}))

		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Timeout: 200 * time.Millisecond,
			Streams: []load.StreamSpec{stream("slow", "20/s", "/")}}, load.Options{Target: target})

		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).NotTo(BeEmpty())
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Indeterminate))
			Expect(op.ErrClass).To(Equal(load.ClassTimeout))
			Expect(op.End - op.Start).To(BeNumerically(">=", 200*time.Millisecond))
			Expect(op.End - op.Start).To(BeNumerically("<", 900*time.Millisecond))
		}
	}, NodeTimeout(10*time.Second))

	It("records a closed port as failed and refused", func(ctx SpecContext) {
		h, err := load.Run(ctx, load.Spec{Duration: 500 * time.Millisecond, Streams: []load.StreamSpec{stream("w", "50/s", "/")}},
			load.Options{Target: closedPort()})

		Expect(err).NotTo(HaveOccurred())
		Expect(len(h.Ops)).To(BeNumerically("~", 25, 5))
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Failed))
			Expect(op.ErrClass).To(Equal(load.ClassRefused))
			Expect(op.Code).To(BeZero())
		}
		Expect(h.Windows[0].Classes["error"]).To(Equal(h.Windows[0].Count))
	}, NodeTimeout(10*time.Second))

	It("records a connection closed after the request was sent as indeterminate", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		}))

		h, err := load.Run(ctx, load.Spec{Duration: 500 * time.Millisecond, Streams: []load.StreamSpec{stream("w", "20/s", "/")}},
			load.Options{Target: target})

		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).NotTo(BeEmpty())
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Indeterminate))
			Expect(op.ErrClass).To(Equal(load.ClassReset))
		}
	}, NodeTimeout(10*time.Second))

	It("mints the same ids for the same seed and other ids for another seed", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		spec := load.Spec{Duration: 400 * time.Millisecond,
			Streams: []load.StreamSpec{stream("a", "50/s", "/{id}"), stream("b", "50/s", "/{id}")}}
		run := func(seed uint64) map[string]string {
			h, err := load.Run(ctx, spec, load.Options{Target: target, Seed: seed})
			Expect(err).NotTo(HaveOccurred())
			bySeq := make(map[string]string, len(h.Ops))
			for _, op := range h.Ops {
				key := op.ID[:len(op.ID)-9] // stream and sequence number
				Expect(bySeq).NotTo(HaveKey(key), "ids are unique across streams")
				bySeq[key] = op.ID
			}
			return bySeq
		}

		first, again, other := run(42), run(42), run(43)

		common := 0
		for key, id := range first {
			if id2, ok := again[key]; ok {
				common++
				Expect(id2).To(Equal(id))
			}
			if id3, ok := other[key]; ok {
				Expect(id3).NotTo(Equal(id))
			}
		}
		Expect(common).To(BeNumerically(">=", 30))
		Expect(first).To(HaveKey("a-000000"))
		Expect(first).To(HaveKey("b-000000"))
	}, NodeTimeout(15*time.Second))

	It("stops promptly when its context is done and returns what it recorded", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}))
		runCtx, cancel := context.WithCancel(ctx)
		var live windowLog
		cancelledAt := make(chan time.Time, 1)
		time.AfterFunc(1200*time.Millisecond, func() { cancelledAt <- time.Now(); cancel() })

		h, err := load.Run(runCtx, load.Spec{Duration: 10 * time.Second, Timeout: 8 * time.Second,
			Streams: []load.StreamSpec{stream("w", "50/s", "/")}}, load.Options{Target: target, OnWindow: live.add})

		Expect(time.Since(<-cancelledAt)).To(BeNumerically("<", 1500*time.Millisecond))
		Expect(err).To(MatchError(context.Canceled))
		Expect(len(h.Ops)).To(BeNumerically("~", 60, 10))
		for _, op := range h.Ops {
			Expect(op.Outcome).To(Equal(load.Indeterminate), "aborted in flight: it may have taken effect")
		}
		Expect(live.all()).To(HaveLen(len(h.Windows)))
	}, NodeTimeout(15*time.Second))
})

var _ = Describe("Run stopped early", func() {
	It("records reads aborted on reused connections as indeterminate, not refused", func(ctx SpecContext) {
		var n atomic.Int64
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 20 {
				return // the first answers come at once, so connections are reused
			}
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}))
		runCtx, cancel := context.WithCancel(ctx)
		time.AfterFunc(time.Second, cancel)

		h, err := load.Run(runCtx, load.Spec{Duration: 10 * time.Second, Timeout: 8 * time.Second,
			Streams: []load.StreamSpec{stream("r", "50/s", "/")}}, load.Options{Target: target})

		Expect(err).To(MatchError(context.Canceled))
		acked := 0
		for _, op := range h.Ops {
			Expect(op.ErrClass).NotTo(Equal(load.ClassRefused), "op %s was sent before the end", op.ID)
			if op.Outcome == load.Acknowledged {
				acked++
				continue
			}
			Expect(op.Outcome).To(Equal(load.Indeterminate))
		}
		Expect(acked).To(Equal(20))
		Expect(len(h.Ops)).To(BeNumerically(">", 35))
	}, NodeTimeout(15*time.Second))
})

// beAcknowledgedWrite matches an acknowledged 200 op of a write stream,
// answered by the given version, with sane offsets.
func beAcknowledgedWrite(stream, version string) OmegaMatcher {
	return And(
		HaveField("Outcome", load.Acknowledged),
		HaveField("Code", BeEquivalentTo(200)),
		HaveField("ErrClass", BeEmpty()),
		HaveField("Version", version),
		HaveField("Stream", stream),
		HaveField("Write", BeTrue()),
		HaveField("Start", BeNumerically(">=", 0)),
		WithTransform(func(o load.Op) time.Duration { return o.End - o.Start }, BeNumerically(">=", 0)),
	)
}
